"""The parts of an xdomea case file – Akte (`CaseFile`) → Vorgänge (`Process`) → Dokumente
(`Document`) with their primary files (`PrimaryFile`) – and how a document's file is made:

- `stored_document`: a file the application stores (an issued notice, an upload), its bytes
  unchanged, after `checked_bytes`/`stored_bytes` compared them with the SHA-256 recorded when
  they were stored – a file that fails the check stops the export (an archive must not receive a
  file that differs from the one in the record). A stored PDF that declares PDF/A in its XMP
  metadata (the issued notices) is marked as PDF/A;
- `record_document`: data of the file printed as PDF/A-3b by `grants.xdomea.documents`.

Every object gets the same UUID in every export (`object_id`: a UUID 5 of the object's model
and key), as xdomea asks: an object that occurs in several messages keeps its identity. The file
names in the package are `<UUID of the document>_<title>.pdf` (xdomea's `stringDateinameType`).
"""

import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, StreamObject

from core.errors import DomainError
from grants.xdomea.documents import Record, render_record_pdf

# Fixed for this application: uuid5(ID_NAMESPACE, "<model>:<pk>[:<part>]") names an object in
# every export alike. Never change it – the receiving systems know the objects by these ids.
ID_NAMESPACE = uuid.UUID("5b0c6c02-6a0e-4bd7-9a51-2f1f3f8e9d13")
PDF = "application/pdf"
# Codes of the xdomea code list "Dateiformat" (version 1.0, see grants/xdomea/schema/README.md).
FORMAT_PDF, FORMAT_PDFA = "018", "044"
PDFA_VERSION = "PDF/A-3b"
PDF_HEADER = re.compile(rb"^%PDF-(\d\.\d)")
PDFA_PART = re.compile(rb"pdfaid:part(?:>|=[\"'])(\d)")
PDFA_CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>|=[\"'])([ABUabu])")


def object_id(kind: str, pk: object, part: str = "") -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, f"{kind}:{pk}" + (f":{part}" if part else ""))


@dataclass(frozen=True)
class PrimaryFile:
    name: str  # in the package
    data: bytes
    sha256: str
    mime_type: str
    format_code: str
    format_version: str
    original_name: str = ""
    author: str = ""
    created_at: datetime | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Document:
    id: uuid.UUID
    title: str
    kind: str  # xdomea "Typ", e.g. "Zuwendungsbescheid", "Anlage zum Antrag"
    dated: date
    file: PrimaryFile
    reference: str = ""  # "Kennzeichen": a notice number
    author: str = ""  # "Bearbeiter": a role, not a person
    note: str = ""
    received_on: date | None = None  # Posteingangsdatum (what came in from the body)
    sent_on: date | None = None  # Postausgangsdatum (what the authority sent out)


@dataclass(frozen=True)
class Process:
    id: uuid.UUID
    title: str
    kind: str
    documents: list[Document]
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class CaseFile:
    id: uuid.UUID
    application_id: int
    file_reference: str
    title: str
    body: str  # the applying body
    programme: str
    authority: str
    authority_unit: str
    start: date
    end: date | None
    closed_on: date | None
    grant_period: str
    note: str
    processes: list[Process] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        return [document for process in self.processes for document in process.documents]


# --- making the documents ------------------------------------------------------------------

def local_day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.translate(UMLAUTS)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-") or "Dokument"


def file_name(document_id: uuid.UUID, title: str) -> str:
    return f"{document_id}_{slug(title)}.pdf"


def checked_bytes(data: bytes, recorded: str, what: str) -> bytes:
    if not data or hashlib.sha256(data).hexdigest() != recorded:
        raise DomainError(_("Die gespeicherte Datei „%(what)s“ fehlt oder stimmt nicht mit ihrer beim Speichern "
                            "festgehaltenen Prüfsumme (SHA-256) überein; die Akte wird so nicht abgegeben. Bitte die "
                            "Administration verständigen.") % {"what": what})
    return data


def stored_bytes(name: str, recorded: str, what: str) -> bytes:
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except (FileNotFoundError, OSError):
        data = b""
    return checked_bytes(data, recorded, what)


def pdf_version(data: bytes) -> str:
    match = PDF_HEADER.match(data[:16])
    return match.group(1).decode() if match else "unbekannt"


def pdfa_level(data: bytes) -> str | None:
    """"PDF/A-3b" when the file declares PDF/A conformance in its XMP metadata (the issued
    notices do), else None. A file pypdf cannot read is simply not declared PDF/A."""
    try:
        root = cast(DictionaryObject, PdfReader(io.BytesIO(data)).trailer["/Root"].get_object())
        metadata = root.get("/Metadata")
        xmp = cast(StreamObject, metadata.get_object()).get_data() if metadata is not None else b""
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError):
        return None
    part, conformance = PDFA_PART.search(xmp), PDFA_CONFORMANCE.search(xmp)
    if part is None:
        return None
    return f"PDF/A-{part.group(1).decode()}{conformance.group(1).decode().lower() if conformance else ''}"


def stored_document(*, kind: str, pk: object, title: str, doc_kind: str, dated: date, data: bytes,
                    original_name: str = "", author: str = "", created_at: datetime | None = None,
                    reference: str = "", note: str = "", received: bool = False, sent: bool = False) -> Document:
    """A file as it is stored: its bytes unchanged (already checked against their SHA-256)."""
    document_id = object_id(kind, pk)
    pdfa = pdfa_level(data)
    primary = PrimaryFile(name=file_name(document_id, title), data=data, sha256=hashlib.sha256(data).hexdigest(),
                          mime_type=PDF, format_code=FORMAT_PDFA if pdfa else FORMAT_PDF,
                          format_version=pdfa or pdf_version(data),
                          original_name=original_name, author=author, created_at=created_at)
    return Document(id=document_id, title=title, kind=doc_kind, dated=dated, file=primary, reference=reference,
                    author=author, note=note, received_on=dated if received else None,
                    sent_on=dated if sent else None)


def record_document(*, kind: str, pk: object, record: Record, doc_kind: str, author: str = "",
                    reference: str = "", note: str = "") -> Document:
    """Data of the file printed as PDF/A."""
    document_id = object_id(kind, pk, "aktenblatt")
    data = render_record_pdf(record)
    primary = PrimaryFile(name=file_name(document_id, record.title), data=data,
                          sha256=hashlib.sha256(data).hexdigest(), mime_type=PDF, format_code=FORMAT_PDFA,
                          format_version=PDFA_VERSION, author="wirfunding")
    return Document(id=document_id, title=record.title, kind=doc_kind, dated=record.dated, file=primary,
                    reference=reference, author=author, note=note)
