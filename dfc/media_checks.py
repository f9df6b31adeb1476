"""Which files we accept (a family's ticket media, staff's incident evidence): photos and
PDFs, judged by their bytes as well as the type they claim (a phone may mislabel a photo; a
web page or a program named .jpg is refused), and no larger than MEDIA_MAX_BYTES."""

import io
import warnings
from dataclasses import dataclass

ACCEPTED = {
    "image/jpeg": "photo",
    "image/png": "photo",
    "image/gif": "photo",
    "image/webp": "photo",
    "image/heic": "photo",
    "application/pdf": "PDF",
}
ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/heif": "image/heic"}
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
THUMBNAIL_SIZE = (320, 320)
MOST_PIXELS = 40_000_000  # a larger picture is not decoded for a thumbnail (a pixel bomb)


@dataclass(frozen=True)
class Refusal:
    reason: str  # for the agent, in English


def normalised(content_type: str | None) -> str:
    bare = (content_type or "").split(";", 1)[0].strip().lower()
    return ALIASES.get(bare, bare)


def sniffed_type(data: bytes) -> str | None:
    """The accepted type the bytes are, by their first bytes, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return "image/heic"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def too_large(size: int | None, most: int) -> Refusal:
    """`size` None: the file was not read to its end (it was already over the limit)."""
    if size is None:
        return Refusal(f"too large: over the limit of {describe_size(most)}")
    return Refusal(f"too large: {describe_size(size)}; the limit is {describe_size(most)}")


def check(data: bytes, declared: str | None, *, most: int) -> str | Refusal:
    """The file's type if we accept it, else why not."""
    if len(data) > most:
        return too_large(len(data), most)
    claimed = normalised(declared)
    if claimed not in ACCEPTED:
        return Refusal(f"not a photo or PDF: it says it is {claimed or 'of no type'}")
    actual = sniffed_type(data)
    if actual is None:
        return Refusal(f"not a photo or PDF: it says it is {claimed}, but its contents are not")
    return actual


def kind_of(content_type: str | None) -> str:
    """ "photo" or "PDF", for the thread's placeholder text and the agent's page."""
    return ACCEPTED.get(normalised(content_type), "file")


def describe_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def thumbnail(data: bytes) -> bytes | None:
    """A small JPEG of a photo for the ticket page; None when it cannot be made (a HEIC
    photo, a damaged one, or one too large to decode safely)."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MOST_PIXELS:
                    return None
                image.draft("RGB", THUMBNAIL_SIZE)
                small = ImageOps.exif_transpose(image)
                small.thumbnail(THUMBNAIL_SIZE)
                if small.mode not in ("RGB", "L"):
                    backed = Image.new("RGB", small.size, "white")
                    rgba = small.convert("RGBA")
                    backed.paste(rgba, mask=rgba.getchannel("A"))
                    small = backed
                out = io.BytesIO()
                small.save(out, "JPEG", quality=80)
                return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        return None
