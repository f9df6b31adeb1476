"""Static files: URLs that carry a hash of the file's content, and the cache headers that
let a browser keep such a file for a year. A changed file gets a new URL, so nobody is left
with an old stylesheet; a URL without the hash (or with an old one) is kept only briefly."""

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from dfc.settings import get_settings

APP_STATIC = Path(__file__).resolve().parent / "static"
VERSION_PARAMETER = "v"
FOREVER = "public, max-age=31536000, immutable"
BRIEFLY = "public, max-age=300"
# GOV.UK Frontend names its fonts by their content already (bold-b542beb274-v2.woff2).
NAMED_BY_CONTENT = re.compile(r"-[0-9a-f]{10}-v\d+\.woff2?$")


def static_folders() -> dict[str, Path]:
    """Each URL prefix the app serves static files under, and the folder behind it."""
    govuk = Path(get_settings().GOVUK_FRONTEND_DIR)
    return {"/static/app/": APP_STATIC, "/static/govuk/": govuk, "/assets/": govuk / "assets"}


@lru_cache(maxsize=256)
def _content_hash(path: Path, modified_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def fingerprint(path: Path) -> str | None:
    """The first 12 hex digits of the file's SHA-256; None if there is no such file. Read
    again only when the file's time or size changes."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _content_hash(path, stat.st_mtime_ns, stat.st_size)


def _file_for(url_path: str) -> Path | None:
    for prefix, folder in static_folders().items():
        if url_path.startswith(prefix):
            relative = url_path.removeprefix(prefix)
            if ".." in Path(relative).parts:
                return None
            return folder / relative
    return None


def static_url(url_path: str) -> str:
    """'/static/app/app.css' as '/static/app/app.css?v=<content hash>' (unchanged if the
    file is missing, e.g. GOV.UK Frontend not installed)."""
    file = _file_for(url_path)
    version = fingerprint(file) if file else None
    return f"{url_path}?{VERSION_PARAMETER}={version}" if version else url_path


class CachedStaticFiles(StaticFiles):
    """StaticFiles with Cache-Control: a year, immutable, when the URL's hash is the file's
    own (or its name is its hash); a few minutes otherwise."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = self._cache_control(Path(full_path), scope)
        return response

    @staticmethod
    def _cache_control(path: Path, scope: Scope) -> str:
        if NAMED_BY_CONTENT.search(path.name):
            return FOREVER
        query = scope.get("query_string", b"").decode("latin-1")
        versions = re.findall(rf"(?:^|&){VERSION_PARAMETER}=([0-9a-f]+)", query)
        return FOREVER if versions and versions[-1] == fingerprint(path) else BRIEFLY
