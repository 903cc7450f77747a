"""The xdomea message (lxml element tree) and the transfer package (ZIP) for case files.

Two message types of xdomea 3.1.0 fit what the ministry hands over:

- **`Abgabe.Abgabe.0401`** – "der vollständige Export von Schriftgutobjekten bei
  Zuständigkeitswechseln zwischen Behörden oder bei Systemwechseln": one grant's whole file
  handed to the e-file system (E-Akte/DMS) or another registry that continues to keep it. The
  receiver may confirm receipt (0403) and import (0402).
- **`Aussonderung.Aussonderung.0503`** – "der Export von Schriftgutobjekten mit dem Ziel der
  Übergabe an das zuständige Archiv": the closed grants of a programme period handed over to the
  state archive. One message carries every Akte of the hand-over (the schema allows any number
  of `Schriftgutobjekt`); in xdomea 3 a message is identified by its process and type, so one
  hand-over is one process with one ProzessID, and the archive answers it with 0504/0506.
  The offer and evaluation steps (0501/0502) are not part of this application: each Akte carries
  the Aussonderungsart "B" (zum Bewerten markiert) and its retention period, and the archive
  evaluates on receipt.

The package is what xdomea calls the transfer container: a ZIP named
`<ProzessID>_<Nachrichtentyp>.zip` holding the message `<ProzessID>_<Nachrichtentyp>.xml` and
every primary file under the name the message gives it (`<UUID>_<Titel>.pdf`), nothing else.
Each Dokument states its file's SHA-256, size and MIME type in an application-specific extension
(`AnwendungsspezifischeErweiterung`, Kennung `wirfunding`): xdomea 3.1.0 has no element of its own
for a checksum.

`build_package` validates the message against the xdomea XSD before it returns anything: an
invalid message is never delivered (grants/xdomea/schema.py).
"""

import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from lxml import etree

from grants.xdomea.files import CaseFile, Document, Process
from grants.xdomea.schema import NAMESPACE, validate_message

ABGABE = "Abgabe.Abgabe.0401"
AUSSONDERUNG = "Aussonderung.Aussonderung.0503"
MESSAGE_CODES = {ABGABE: "0401", AUSSONDERUNG: "0503"}
NS = f"{{{NAMESPACE}}}"
NSMAP = {"xdomea": NAMESPACE}  # xdomea requires the prefix "xdomea" (specification, section 4.2)
PRODUCT = "wirfunding"
EXTENSION_ID = "wirfunding"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # a fixed time stamp: the same message gives the same archive


@dataclass(frozen=True)
class Package:
    process_id: uuid.UUID
    message_type: str
    name: str  # <ProzessID>_<Nachrichtentyp>.zip
    xml_name: str
    xml: bytes
    data: bytes  # the ZIP


@dataclass(frozen=True)
class Party:
    institution: str
    unit: str = ""


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, NS + tag, attrs) if attrs else etree.SubElement(parent, NS + tag)
    if text is not None:
        element.text = text
    return element


def _code(parent: etree._Element, tag: str, code: str, *, list_uri: str = "", version: str = "") -> None:
    attrs = {}
    if list_uri:
        attrs["listURI"] = list_uri
    if version:
        attrs["listVersionID"] = version
    element = _el(parent, tag, **attrs)
    etree.SubElement(element, "code").text = code  # xoev-code: the code element is unqualified


def _moment(value: datetime) -> str:
    """xs:dateTime in local time with its offset, e.g. 2026-12-03T14:48:32+01:00."""
    return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat(timespec="seconds")


def _contact(parent: etree._Element, tag: str, party: Party) -> None:
    contact = _el(parent, tag)
    _el(_el(contact, "Institution"), "Name", party.institution)
    if party.unit:
        _el(_el(contact, "Organisationseinheit"), "Name", party.unit)


def _metadata(parent: etree._Element, *, subject: str, reference: str = "", lead: str = "", note: str = "",
              medium: bool = False) -> None:
    meta = _el(parent, "AllgemeineMetadaten")
    _el(meta, "Betreff", subject)
    if reference:
        _el(meta, "Kennzeichen", reference)
    if lead:
        _el(meta, "Federfuehrung", lead)
    if note:
        _el(meta, "Bemerkung", note)
    if medium:
        _code(meta, "Medium", "001")  # elektronisch


def _period(parent: etree._Element, start: date | None, end: date | None) -> None:
    if start is None and end is None:
        return
    period = _el(parent, "Laufzeit")
    if start is not None:
        _el(period, "Beginn", start.isoformat())
    if end is not None:
        _el(period, "Ende", end.isoformat())


def _extension(parent: etree._Element, name: str, fields: list[tuple[str, str]]) -> None:
    extension = _el(parent, "AnwendungsspezifischeErweiterung")
    _el(extension, "Kennung", EXTENSION_ID)
    _el(extension, "Name", name)
    for label, value in fields:
        item = _el(extension, "Feld")
        _el(item, "Name", label)
        _el(item, "Wert", value)


def _document(parent: etree._Element, document: Document, number: int) -> None:
    element = _el(parent, "Dokument")
    ident = _el(element, "Identifikation")
    _el(ident, "ID", str(document.id))
    _el(ident, "NummerImUebergeordnetenContainer", str(number))
    _metadata(element, subject=document.title, reference=document.reference, note=document.note)
    if document.received_on:
        _el(element, "Posteingangsdatum", document.received_on.isoformat())
    if document.sent_on:
        _el(element, "Postausgangsdatum", document.sent_on.isoformat())
    _el(element, "DatumDesSchreibens", document.dated.isoformat())
    if document.author:
        _el(element, "Bearbeiter", document.author)
    _el(element, "Typ", document.kind)
    version = _el(element, "Version")
    _el(version, "Nummer", "1")
    file = document.file
    format_ = _el(version, "Format")
    _code(format_, "Name", file.format_code, list_uri="urn:xoev-de:xdomea:codeliste:dateiformat", version="1.0")
    _el(format_, "Version", file.format_version)
    primary = _el(format_, "Primaerdokument")
    _el(primary, "Dateiname", file.name)
    if file.original_name:
        _el(primary, "DateinameOriginal", file.original_name)
    if file.author:
        _el(primary, "Ersteller", file.author)
    if file.created_at:
        _el(primary, "DatumUhrzeit", _moment(file.created_at))
    _extension(element, "Primärdatei", [("SHA-256", file.sha256), ("Größe in Bytes", str(file.size)),
                                        ("MIME-Typ", file.mime_type)])


def _process(parent: etree._Element, process: Process, case: CaseFile, number: int) -> None:
    element = _el(parent, "Vorgang")
    ident = _el(element, "Identifikation")
    _el(ident, "ID", str(process.id))
    _el(ident, "NummerImUebergeordnetenContainer", str(number))
    _metadata(element, subject=process.title, reference=case.file_reference)
    _el(element, "Typ", process.kind)
    if case.closed_on:
        _el(element, "ZdA", "true")
        _el(element, "ZdADatum", case.closed_on.isoformat())
    _period(element, process.start, process.end)
    for index, document in enumerate(process.documents, start=1):
        _document(element, document, index)


def _akte(parent: etree._Element, case: CaseFile) -> None:
    akte = _el(_el(parent, "Schriftgutobjekt"), "Akte")
    _el(_el(akte, "Identifikation"), "ID", str(case.id))
    _metadata(akte, subject=case.title, reference=case.file_reference, lead=case.authority_unit or case.authority,
              note=case.note, medium=True)
    archive = _el(akte, "ArchivspezifischeMetadaten")
    years = settings.XDOMEA_RETENTION_YEARS
    _el(_el(archive, "Aufbewahrungsdauer"), "AnzahlJahre", str(years))
    _code(_el(archive, "Aussonderungsart"), "Aussonderungsart", "B")  # zum Bewerten markiert
    if case.closed_on:
        _el(archive, "Aufbewahrungsende", _retention_end(case.closed_on, years).isoformat())
    _el(akte, "Typ", "Zuwendungsakte")
    _period(akte, case.start, case.end)
    content = _el(akte, "Akteninhalt")
    for index, process in enumerate(case.processes, start=1):
        _process(content, process, case, index)
    _contact(akte, "Kontakt", Party(case.body))
    if case.closed_on:
        _el(akte, "ZdA", "true")
        _el(akte, "ZdADatum", case.closed_on.isoformat())
    fields = [("Förderperiode", case.programme), ("Zuwendungsempfänger", case.body)]
    if case.grant_period:
        fields.append(("Bewilligungszeitraum", case.grant_period))
    _extension(akte, "Zuwendungsakte", fields)


def _retention_end(closed_on: date, years: int) -> date:
    """31 December of the year `years` after the file was closed (the retention period runs
    from the end of the year in which the file was closed)."""
    return date(closed_on.year + years, 12, 31)


def build_message(*, message_type: str, process_id: uuid.UUID, created_at: datetime, sender: Party,
                  recipient: Party, cases: list[CaseFile], note: str = "") -> bytes:
    root = etree.Element(NS + message_type, nsmap=NSMAP)
    head = _el(root, "Kopf")
    _el(head, "ProzessID", str(process_id))
    _code(head, "Nachrichtentyp", MESSAGE_CODES[message_type], list_uri="urn:xoev-de:xdomea:codeliste:nachrichtentyp",
          version="2.0")
    _el(head, "Erstellungszeitpunkt", _moment(created_at))
    _contact(head, "Absender", sender)
    _contact(head, "Empfaenger", recipient)
    system = _el(head, "SendendesSystem")
    _el(system, "Produktname", PRODUCT)
    if note:
        _el(head, "Hinweis", note)
    _el(head, "Importbestaetigung", "1")  # fixed to 1 by the schema
    if message_type == AUSSONDERUNG:
        _el(head, "RueckmeldungArchivkennung", "1")
    _el(head, "Empfangsbestaetigung", "1")
    for case in cases:
        _akte(root, case)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build_package(*, message_type: str, sender: Party, recipient: Party, cases: list[CaseFile], created_at: datetime,
                  process_id: uuid.UUID | None = None, note: str = "") -> Package:
    """The validated message and its primary files as one ZIP. Raises `MessageInvalid` (and
    logs the schema's findings) when the message does not validate – nothing is delivered."""
    process_id = process_id or uuid.uuid4()
    xml = build_message(message_type=message_type, process_id=process_id, created_at=created_at, sender=sender,
                        recipient=recipient, cases=cases, note=note)
    validate_message(message_type, xml, label=f"{process_id}, {', '.join(c.file_reference for c in cases)}")
    base = f"{process_id}_{message_type}"
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(f"{base}.xml", date_time=ZIP_TIME), xml,
                         compress_type=zipfile.ZIP_DEFLATED)
        for case in cases:
            for document in case.documents:
                # PDFs are compressed already: stored as they are.
                archive.writestr(zipfile.ZipInfo(document.file.name, date_time=ZIP_TIME), document.file.data,
                                 compress_type=zipfile.ZIP_STORED)
    return Package(process_id=process_id, message_type=message_type, name=f"{base}.zip", xml_name=f"{base}.xml",
                   xml=xml, data=output.getvalue())
