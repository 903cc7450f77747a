"""Uploaded files: a PDF is checked by its content (not its name) and its size, and the name a
person's computer gave it is kept only as a display name, never as a path."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import FieldErrors
from core.formats import format_decimal


def check_pdf_upload(content: bytes, *, field: str = "file") -> None:
    """An uploaded PDF: not empty, within settings.MAX_UPLOAD_BYTES, a PDF by its content. Refusals
    are FieldErrors under `field`."""
    limit = settings.MAX_UPLOAD_BYTES
    if not content:
        raise FieldErrors({field: [_("Die Datei ist leer.")]})
    if len(content) > limit:
        # Decimal comma in the numbers only; the sentence keeps its full stop.
        size_mb = format_decimal(Decimal(len(content)) / 1_048_576, 1)
        raise FieldErrors({field: [
            _("Die Datei ist %(size)s MB groß; erlaubt sind höchstens %(limit)s MB.")
            % {"size": size_mb, "limit": f"{limit / 1_048_576:.0f}"}]})
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise FieldErrors({field: [
            _("Die Datei ist kein gültiges PDF-Dokument. Bitte nur PDF-Dateien hochladen.")]})


def display_filename(name: str, default: str = "anlage.pdf") -> str:
    """The file's own name without any directory part or unprintable characters, at most 255."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:255] or default
