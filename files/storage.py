"""The storage behind every FileField (STORAGES["default"]): each file is a StoredFile row written
in the caller's transaction; its bytes lie in that row or in S3-compatible object storage,
chosen by settings.FILE_STORAGE for new files. Reading follows the row, so files stay readable
while `manage.py move_files` moves them from one backend to the other. Every read is checked
against the row's SHA-256: a file whose bytes changed is refused, never served."""

import functools
import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage

from files.models import StoredFile
from files.pending import discard_uncommitted, note

logger = logging.getLogger(__name__)

Backend = StoredFile.Backend


class DamagedFileError(FileNotFoundError):
    """The stored bytes do not match the SHA-256 recorded when the file was saved."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def _s3(options: tuple[tuple[str, str | None], ...]) -> S3Storage:
    return S3Storage(**dict(options), file_overwrite=True, default_acl=None, querystring_auth=False)


def s3_storage() -> S3Storage:
    """The bucket of settings.FILE_S3 (FILE_S3_BUCKET, FILE_S3_ENDPOINT_URL, … in the environment)."""
    options = settings.FILE_S3
    if not options.get("bucket_name"):
        raise ImproperlyConfigured("FILE_S3_BUCKET ist nicht gesetzt; ohne Bucket gibt es keine S3-Ablage.")
    return _s3(tuple(sorted(options.items())))


def write_object(name: str, data: bytes) -> None:
    """Put `name` into the bucket and read it back: the object must hold exactly `data`."""
    bucket = s3_storage()
    stored = bucket.save(name, ContentFile(data))
    if stored != name:
        raise OSError(f"S3 hat {name} als {stored} abgelegt.")
    with bucket.open(name, "rb") as handle:
        if sha256(handle.read()) != sha256(data):
            raise DamagedFileError(f"{name}: im Bucket liegen nach dem Schreiben andere Bytes.")


def read_bytes(row: StoredFile) -> bytes:
    """The file's bytes as stored, unchecked; FileNotFoundError when the object is missing."""
    if row.backend == Backend.DATABASE:
        return bytes(row.content)
    bucket = s3_storage()
    if not bucket.exists(row.name):
        raise FileNotFoundError(row.name)
    with bucket.open(row.name, "rb") as handle:
        return handle.read()


def verified_bytes(row: StoredFile) -> bytes:
    """The file's bytes, refused with DamagedFileError (and logged) unless they match the row."""
    data = read_bytes(row)
    if len(data) != row.size or sha256(data) != row.sha256:
        logger.error("files: %s (%s) is damaged: SHA-256 %s, recorded %s", row.name, row.backend,
                     sha256(data), row.sha256)
        raise DamagedFileError(f"{row.name}: die gespeicherten Bytes stimmen nicht mit ihrer SHA-256 überein.")
    return data


def _row(name: str, *fields: str) -> StoredFile:
    row = StoredFile.objects.only("name", "backend", "size", "sha256", *fields).filter(name=name).first()
    if row is None:
        raise FileNotFoundError(name)
    return row


@deconstructible
class FileStorage(Storage):
    """Django's Storage API over StoredFile. Files are private: there is no URL, every download
    goes through a view that checks the user's right to the record."""

    def _save(self, name: str, content: File) -> str:
        discard_uncommitted()
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(content.chunks())
        backend = settings.FILE_STORAGE
        if backend == Backend.S3:
            write_object(name, data)
            note(name, s3_storage().delete)
        try:
            StoredFile.objects.create(name=name, backend=backend, content=b"" if backend == Backend.S3 else data,
                                      size=len(data), sha256=sha256(data))
        except Exception:
            if backend == Backend.S3 and not transaction.get_connection().in_atomic_block:
                s3_storage().delete(name)
            raise
        return name

    def _open(self, name: str, mode: str = "rb") -> File:
        if set(mode) - {"r", "b"}:
            raise ValueError(f"Gespeicherte Dateien sind nur lesbar (mode={mode!r}).")
        return ContentFile(verified_bytes(_row(name, "content")), name=name)

    def delete(self, name: str) -> None:
        row = StoredFile.objects.filter(name=name).only("backend").first()
        if row is None:
            return
        row.delete()
        if row.backend == Backend.S3:
            # The object goes once the row's removal is committed (at once outside a transaction).
            transaction.on_commit(lambda: s3_storage().delete(name))

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        return _row(name).size

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        directories, files = set(), []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True):
            head, _, tail = name[len(prefix):].partition("/")
            if tail:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)

    def get_created_time(self, name: str) -> datetime:
        return _row(name, "created_at").created_at

    def get_modified_time(self, name: str) -> datetime:
        return self.get_created_time(name)
