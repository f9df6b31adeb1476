"""Where families' files are kept and how they are judged: a folder by default, or an S3
bucket (tested against moto's S3 server, a real HTTP S3 API on this machine); a file is
taken only if its bytes are a photo or a PDF, whatever it claims."""

import uuid

import pytest
from moto.server import ThreadedMotoServer
from sqlmodel import select

from dfc.file_store import KEY, LocalStore, S3Store, media_store, new_key, store_for
from dfc.media_checks import Refusal, check, sniffed_type, thumbnail
from dfc.settings import Settings, SettingsError, get_settings
from support.media.models import AttachmentStatus, TicketAttachment
from tests.devices.factories import make_family
from tests.factories import make_council, make_school, sign_in_pages
from tests.support.desk_helpers import make_agent
from tests.support.media_helpers import EXE, add_photo, mms, png

MOST = 5_000_000


def test_a_folder_store_keeps_gets_and_deletes_a_file(tmp_path):
    store = LocalStore(tmp_path / "media")
    key = new_key()
    assert KEY.match(key) and key != new_key()
    store.put(key, b"photo bytes", "image/png")
    assert store.get(key) == b"photo bytes"
    store.delete(key)
    store.delete(key)  # already gone: no error
    with pytest.raises(FileNotFoundError):
        store.get(key)
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


@pytest.mark.parametrize("key", ["../../etc/passwd", "short", "a/b" * 10, ""])
def test_a_key_that_could_leave_the_folder_is_refused(tmp_path, key):
    with pytest.raises(ValueError, match="not a file store key"):
        LocalStore(tmp_path).put(key, b"x", "image/png")


def test_the_default_store_is_a_folder_under_var_dir(tmp_path):
    settings = Settings(VAR_DIR=tmp_path)
    store = store_for(settings)
    assert isinstance(store, LocalStore) and store.root == tmp_path / "media"


def test_a_storage_setting_that_is_not_a_folder_or_s3_is_explained(monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE", "ftp://files.example.org/photos")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match="MEDIA_STORAGE is invalid: use a folder, or s3://"):
            get_settings()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


@pytest.fixture
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket_name() -> str:
    """moto keeps its buckets for the whole test run: each test has its own."""
    return f"family-files-{uuid.uuid4().hex[:12]}"


def test_an_s3_store_keeps_gets_and_deletes_under_its_prefix(s3_server, bucket_name):
    settings = Settings(
        MEDIA_STORAGE=f"s3://{bucket_name}/media/",
        S3_ENDPOINT_URL=s3_server,
        S3_REGION="eu-west-2",
        S3_ACCESS_KEY_ID="test-key",
        S3_SECRET_ACCESS_KEY="test-secret",
    )
    store = store_for(settings)
    assert isinstance(store, S3Store) and (store.bucket, store.prefix) == (bucket_name, "media/")
    store.client.create_bucket(
        Bucket=bucket_name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    key, photo = new_key(), png()
    store.put(key, photo, "image/png")
    kept = store.client.get_object(Bucket=bucket_name, Key=f"media/{key}")
    assert kept["ContentType"] == "image/png" and kept["Body"].read() == photo
    assert store.get(key) == photo
    store.delete(key)
    store.delete(key)
    listed = store.client.list_objects_v2(Bucket=bucket_name)
    assert listed.get("KeyCount", 0) == 0


def test_with_s3_storage_a_texted_photo_is_kept_in_the_bucket_and_shown(
    client, session, media, s3_server, bucket_name, monkeypatch
):
    for name, value in {
        "MEDIA_STORAGE": f"s3://{bucket_name}/tickets",
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": "eu-west-2",
        "S3_ACCESS_KEY_ID": "test-key",
        "S3_SECRET_ACCESS_KEY": "test-secret",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    bucket = media_store()
    bucket.client.create_bucket(
        Bucket=bucket_name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    council = make_council(session)
    family = make_family(session, school=make_school(session, council=council))
    photo = png(colour="green")
    mms(client, media, sender=family.phone_number, urls=[(add_photo(media, photo), "image/png")])
    stored = session.exec(select(TicketAttachment)).one()
    assert stored.status is AttachmentStatus.STORED
    names = {o["Key"] for o in bucket.client.list_objects_v2(Bucket=bucket_name)["Contents"]}
    assert names == {f"tickets/{stored.storage_key}", f"tickets/{stored.storage_key}-thumb"}
    sign_in_pages(client, session, make_agent(session, council))
    answer = client.get(f"/tickets/{stored.ticket_id}/files/{stored.id}")
    assert (answer.status_code, answer.content) == (200, photo)


def test_bytes_decide_the_type_not_the_label():
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 20
    assert sniffed_type(png()) == "image/png" and sniffed_type(jpeg) == "image/jpeg"
    assert sniffed_type(b"GIF89a...") == "image/gif"
    assert sniffed_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniffed_type(b"\x00\x00\x00\x18ftypheic\x00\x00") == "image/heic"
    assert sniffed_type(b"%PDF-1.7") == "application/pdf"
    assert sniffed_type(EXE) is None and sniffed_type(b"<svg onload=alert(1)>") is None
    # A photo labelled as the wrong kind of photo is taken as what it is.
    assert check(png(), "image/jpeg", most=MOST) == "image/png"
    assert check(jpeg, "image/jpg; charset=binary", most=MOST) == "image/jpeg"
    for data, label in ((EXE, "image/jpeg"), (png(), "text/html"), (png(), "image/svg+xml")):
        assert isinstance(check(data, label, most=MOST), Refusal)
    refused = check(png(), "image/png", most=10)
    assert isinstance(refused, Refusal) and refused.reason.startswith("too large")


def test_a_thumbnail_is_a_small_jpeg_and_a_broken_photo_has_none():
    small = thumbnail(png(2000, 1000))
    assert small is not None and small.startswith(b"\xff\xd8\xff")
    from io import BytesIO

    from PIL import Image

    assert max(Image.open(BytesIO(small)).size) == 320
    assert thumbnail(b"\x89PNG\r\n\x1a\n broken") is None
