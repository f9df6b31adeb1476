"""Where files people send us are kept: a folder on disk (the laptop default, under VAR_DIR)
or S3-compatible object storage (production, MEDIA_STORAGE=s3://bucket/prefix). Keys are
random and never derived from anything a family or agent knows; the store serves nothing
itself: a file reaches a person only through a route that checked who is asking."""

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any, Protocol

from dfc.settings import Settings, get_settings

KEY = re.compile(r"^[A-Za-z0-9_-]{16,100}$")


class StoreError(RuntimeError):
    """The store could not be reached or refused the write: worth trying again later."""


class FileStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None:
        """Removes the file; a file already gone is not an error."""
        ...


def new_key() -> str:
    """A key nobody can guess: 192 random bits."""
    return secrets.token_urlsafe(24)


def _checked(key: str) -> str:
    if not KEY.match(key):
        raise ValueError(f"not a file store key: {key!r}")
    return key


class LocalStore:
    """Files in a folder, two levels of sub-folders by key so no folder grows huge."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written aside and renamed, so a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3Store:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph, a council's own), through boto3."""

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket, self.prefix, self.client = bucket, prefix, client

    def _name(self, key: str) -> str:
        return f"{self.prefix}{_checked(key)}"

    def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type
            )
        except Exception as error:  # botocore's errors: network, credentials, bucket
            raise StoreError(f"could not store the file in s3://{self.bucket}: {error}") from None

    def get(self, key: str) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


def s3_client(settings: Settings) -> Any:
    import boto3  # only production's S3 storage needs it
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=settings.S3_ENDPOINT_URL or None,
        region_name=settings.S3_REGION or None,
        aws_access_key_id=settings.S3_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.S3_SECRET_ACCESS_KEY or None,
        config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}),
    )


def store_for(settings: Settings) -> FileStore:
    where = settings.media_storage
    if where.startswith("s3://"):
        bucket, _, prefix = where.removeprefix("s3://").partition("/")
        prefix = prefix.strip("/")
        return S3Store(bucket, f"{prefix}/" if prefix else "", s3_client(settings))
    return LocalStore(Path(where))


_made: list[tuple[Settings, FileStore]] = []


def media_store() -> FileStore:
    """The store for families' photos and files, as MEDIA_STORAGE says (made once for the
    settings in force: a boto3 client is slow to make)."""
    settings = get_settings()
    if not _made or _made[0][0] is not settings:
        _made[:] = [(settings, store_for(settings))]
    return _made[0][1]
