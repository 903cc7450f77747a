"""The records that hold a file and the SHA-256 they recorded for it, found by field type so a
new file field is checked without being listed here: a FileField (bytes in the file storage) or a
BinaryField (bytes in the record's own row, like an issued notice), each with its hash in
`<field>_sha256` or, failing that, `sha256` on the same model."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from files.models import StoredFile


@dataclass(frozen=True)
class FileReference:
    label: str  # e.g. "grants.Notice.pdf #12"
    name: str  # the stored file's name; "" for bytes kept in the record's row
    sha256: str  # as recorded by the record
    actual: str | None = None  # SHA-256 of the bytes in the record's row (BinaryField only)


def _hash_field(model: type[models.Model], field: models.Field) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    for candidate in (f"{field.name}_sha256", "sha256"):
        if candidate in names:
            return candidate
    return None


def file_fields() -> Iterator[tuple[type[models.Model], models.Field, str]]:
    for model in apps.get_models():
        if model is StoredFile:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField | models.BinaryField):
                hash_field = _hash_field(model, field)
                if hash_field is not None:
                    yield model, field, hash_field


def references() -> Iterator[FileReference]:
    """Every file a record refers to, with what the record says its SHA-256 is."""
    for model, field, hash_field in file_fields():
        prefix = f"{model._meta.label}.{field.name}"
        rows = model._base_manager.values_list("pk", field.attname, hash_field).order_by("pk")
        for pk, value, recorded in rows.iterator(chunk_size=50):
            if isinstance(field, models.FileField):
                if value:
                    yield FileReference(f"{prefix} #{pk}", str(value), recorded)
            elif value is not None and (bytes(value) or recorded):
                yield FileReference(f"{prefix} #{pk}", "", recorded, hashlib.sha256(bytes(value)).hexdigest())
