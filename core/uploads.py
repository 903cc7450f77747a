"""Uploaded files: a PDF is checked by its content (not its name) and its size, and the name a
person's computer gave it is kept only as a display name, never as a path.

The content check parses the file with a real PDF parser (pypdf): a file that does not parse,
has no page, or carries active content (JavaScript, actions run on opening or on events, launch
of programs, embedded files, rich media, XFA forms) is refused. Downloads of uploaded files are
served as `application/pdf`, as an attachment, with `nosniff` and a sanitised name ending in
`.pdf` (core.uploads.pdf_download_response)."""

import io
import logging
import re
import unicodedata
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from core.errors import FieldErrors
from core.formats import format_decimal

# What a browser sniffs as HTML/SVG at the start of a file; a PDF never starts like this.
_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta)\b", re.IGNORECASE)
# Active content: names that run code, open programs or carry other files. Keys of a dictionary…
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia",
                          "/RichMediaContent", "/RichMediaSettings", "/XFA"})
# …and values of /S (action type), /Type or /Subtype.
_ACTIVE_TYPES = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute",
                           "/EmbeddedFile", "/RichMedia", "/Sound", "/Movie", "/Rendition"})
# The same names written plainly anywhere outside stream data (also in objects no reference
# reaches). Stream data (images, fonts, compressed content) is left out: a short name like /JS
# turns up by chance in megabytes of binary data; objects packed into object streams are
# checked by the parser walk instead.
_ACTIVE_RAW = re.compile(rb"/(JavaScript|JS|AA|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")
_STREAM_DATA = re.compile(rb"\bstream\r?\n.*?\bendstream\b", re.DOTALL)
_MAX_OBJECTS = 500_000


def check_pdf_upload(content: bytes, *, field: str = "file") -> None:
    """An uploaded PDF: not empty, within settings.MAX_UPLOAD_BYTES, a PDF by its content
    without active content. Refusals are FieldErrors under `field`."""
    limit = settings.MAX_UPLOAD_BYTES
    if not content:
        raise FieldErrors({field: [_("Die Datei ist leer.")]})
    if len(content) > limit:
        # Decimal comma in the numbers only; the sentence keeps its full stop.
        size_mb = format_decimal(Decimal(len(content)) / 1_048_576, 1)
        raise FieldErrors({field: [
            _("Die Datei ist %(size)s MB groß; erlaubt sind höchstens %(limit)s MB.")
            % {"size": size_mb, "limit": f"{limit / 1_048_576:.0f}"}]})
    problem = pdf_problem(content)
    if problem:
        raise FieldErrors({field: [problem]})


def pdf_problem(content: bytes) -> str | None:
    """Why `content` is not accepted as a PDF (a German sentence), or None."""
    not_pdf = _("Die Datei ist kein gültiges PDF-Dokument. Bitte nur PDF-Dateien hochladen.")
    if not content.startswith(b"%PDF-") or _MARKUP.search(content[:4096]):
        return not_pdf
    active = _("Die PDF-Datei enthält aktive Inhalte (JavaScript, automatische Aktionen, eingebettete "
               "Dateien oder Multimedia) und wird deshalb nicht angenommen. Bitte die Datei ohne diese "
               "Inhalte speichern, z. B. mit „Drucken als PDF“.")
    if _ACTIVE_RAW.search(_STREAM_DATA.sub(b"stream endstream", content)):
        return active
    try:
        reader = _open_pdf(content)
        if reader is None:
            return _("Verschlüsselte oder kennwortgeschützte PDF-Dateien werden nicht angenommen.")
        if len(reader.pages) < 1:
            return not_pdf
        if _has_active_content(reader):
            return active
    except Exception:  # noqa: BLE001 - whatever the parser trips over, the file is no usable PDF
        return not_pdf
    return None


def _open_pdf(content: bytes) -> PdfReader | None:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is refused, not logged at length
    reader = PdfReader(io.BytesIO(content), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return None
    return reader


def _has_active_content(reader: PdfReader) -> bool:
    """Walks every object reachable from the trailer (dictionaries, arrays, streams' dictionaries;
    stream data is not decoded) and looks for active names."""
    stack: list = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > _MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(item.get_object())
        elif isinstance(item, DictionaryObject):
            if any(str(name) in _ACTIVE_KEYS for name in item):
                return True
            for kind in ("/S", "/Type", "/Subtype"):
                value = item.get(kind)
                if isinstance(value, NameObject) and str(value) in _ACTIVE_TYPES:
                    return True
            stack.extend(value for name, value in item.items() if name != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


def display_filename(name: str, default: str = "anlage.pdf") -> str:
    """The file's own name without any directory part or unprintable characters, at most 255."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:255] or default


def pdf_download_name(name: str, default: str = "anlage.pdf") -> str:
    """A name safe to offer for saving: no directory, no control or reserved characters
    (`"*:<>?|;`), no leading dots, at most 200 characters, always ending in `.pdf`."""
    name = re.sub(r'[\x00-\x1f\x7f"*:<>?|;/\\]+', "_", display_filename(name, default))
    name = re.sub(r"\s+", " ", name).strip(" ._") or default
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return stem[:196].rstrip(" .") + ".pdf"


def pdf_content_disposition(name: str, default: str = "anlage.pdf") -> str:
    """`attachment` with an ASCII `filename` and the full name as RFC 6266 / RFC 5987
    `filename*=UTF-8''…`."""
    safe = pdf_download_name(name, default)
    ascii_name = unicodedata.normalize("NFKD", safe.replace("ß", "ss")).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("%", "_").strip() or default
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe, safe='')}"


def pdf_download_response(content, name: str, default: str = "anlage.pdf") -> HttpResponseBase:
    """A stored PDF (bytes or an open file) for download: application/pdf, attachment, nosniff,
    a sanitised `.pdf` name, never cached by a shared cache."""
    if isinstance(content, bytes | bytearray | memoryview):
        response: HttpResponseBase = HttpResponse(bytes(content), content_type="application/pdf")
    else:
        response = FileResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = pdf_content_disposition(name, default)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
