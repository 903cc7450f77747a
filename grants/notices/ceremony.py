"""Documents for a handover ceremony (Bescheidübergabe): the presentation copies
("Übergabeexemplare") and the bundle that the person handing over takes along.

Print order – the order of every document produced here – is alphabetical by the name of
the recipient body (Gebietskörperschaft) as printed in the notice's snapshot, compared as
in a German dictionary (DIN 5007, variant 1: upper and lower case alike, ä as a, ö as o,
ü as u, ß as ss), then by notice number. So "Gießen" comes before "Groß-Gerau" and
"Offenbach" before "Offenbach am Main", and a body with two notices at one ceremony gets
them in the order they were numbered.

Issued notices are never rendered again: the bundle takes each notice's pages from the
bytes stored when it was issued, after checking them against their recorded SHA-256. The
presentation pages of all recipients come from one single render, so a ceremony of all 33
bodies costs one render plus a merge (see bench/notices.py for the figures).

Plain functions: a view, a management command or a background task can call them.
"""

import hashlib
import io
import re
import unicodedata

from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from core.errors import DomainError
from core.formats import format_date
from grants.models import HandoverCeremony, Notice
from grants.notices import render


def _collation_key(name: str) -> str:
    """DIN 5007-1: case-insensitive, umlauts as their base letter, ß as ss."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in folded if not unicodedata.combining(char))


def _recipient_name(notice: Notice) -> str:
    """The recipient body's name as the notice printed it."""
    recipient = (notice.snapshot or {}).get("recipient") or {}
    return recipient.get("name") or notice.application.municipality.display_name


def _title(notice: Notice) -> str:
    return (notice.snapshot or {}).get("title") or notice.get_kind_display()


def _place(name: str) -> str:
    """The place a body's name is sorted by: "Stadt Darmstadt" and "Landkreis Darmstadt-Dieburg"
    stand under D (`Municipality.display_name` puts the kind first)."""
    for kind in ("Stadt ", "Landkreis ", "Kreis "):
        if name.startswith(kind):
            return name[len(kind):]
    return name


def print_order_key(notice: Notice) -> tuple[str, str, str]:
    name = _recipient_name(notice)
    return _collation_key(_place(name)), name, notice.number


def ceremony_notices(ceremony: HandoverCeremony, *, with_pdf: bool = False) -> list[Notice]:
    """The notices handed over at `ceremony`, in print order (see the module docstring).
    The stored PDFs are only loaded when asked for (the bundle needs them, a list does not)."""
    notices = Notice.objects.filter(ceremony=ceremony).select_related("application__municipality")
    if not with_pdf:
        notices = notices.defer("pdf")
    return sorted(notices, key=print_order_key)


def ceremony_data(ceremony: HandoverCeremony) -> dict:
    """The ceremony as the renderer takes it (the same shape as a notice snapshot's "ceremony")."""
    return {"date": ceremony.date.isoformat(), "place": ceremony.place,
            "official_title": ceremony.official_title, "official_name": ceremony.official_name}


def _notices_or_refuse(ceremony: HandoverCeremony, *, with_pdf: bool = False) -> list[Notice]:
    notices = ceremony_notices(ceremony, with_pdf=with_pdf)
    if not notices:
        raise DomainError(_("Dieser Übergabe sind noch keine Bescheide zugeordnet."))
    without_award = [notice for notice in notices if not (notice.snapshot or {}).get("award")]
    if without_award:
        # A presentation copy shows the awarded amount; a rejection has none to hand over.
        raise DomainError(_(
            "Übergabeexemplare gibt es nur für Zuwendungs- und Änderungsbescheide. Bitte %(notices)s "
            "von dieser Übergabe lösen."
        ) % {"notices": ", ".join(f"{_title(notice)} {notice.number}" for notice in without_award)})
    return notices


def _presentation_pdf(notices: list[Notice], ceremony: HandoverCeremony) -> bytes:
    return render.render_presentation_pdf([notice.snapshot for notice in notices], ceremony_data(ceremony))


def ceremony_check_printable(ceremony: HandoverCeremony) -> None:
    """Refuse (DomainError) a ceremony that has nothing to print, before a job is started for it."""
    _notices_or_refuse(ceremony)


def _silent(percent: int, step: str) -> None:
    """No one follows the progress (a view, a test)."""


def ceremony_presentation_pdf(ceremony: HandoverCeremony, progress=_silent) -> bytes:
    """One PDF with one presentation page ("Übergabeexemplar") per notice, in print order."""
    notices = _notices_or_refuse(ceremony)
    progress(10, _("Übergabeexemplare werden gesetzt (%(n)s Bescheide).") % {"n": len(notices)})
    return _presentation_pdf(notices, ceremony)


def _stored_pdf(notice: Notice) -> bytes:
    """The notice's bytes as issued; refused if missing or not matching the recorded SHA-256."""
    pdf = bytes(notice.pdf or b"")
    if not pdf:
        raise DomainError(_("Für den Bescheid %(number)s ist kein PDF gespeichert.") % {"number": notice.number})
    if hashlib.sha256(pdf).hexdigest() != notice.sha256:
        raise DomainError(_(
            "Das gespeicherte PDF des Bescheids %(number)s stimmt nicht mit seiner beim Erlass "
            "festgehaltenen Prüfsumme (SHA-256) überein. Bitte die Administration verständigen."
        ) % {"number": notice.number})
    return pdf


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def ascii_name(text: str, fallback: str) -> str:
    """`Bad Homburg v. d. Höhe` → `Bad-Homburg-v-d-Hoehe`: a part of a file name that every mail
    program and file system keeps."""
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or fallback


def ceremony_filename(prefix: str, ceremony: HandoverCeremony) -> str:
    """`Uebergabe_2021-10-29_Eschwege.pdf`: ASCII only, so every mail program keeps the name."""
    return f"{prefix}_{ceremony.date:%Y-%m-%d}_{ascii_name(ceremony.place, 'Uebergabe')}.pdf"


def ceremony_bundle_title(ceremony: HandoverCeremony) -> str:
    return _("Bescheidübergabe %(date)s, %(place)s") % {"date": format_date(ceremony.date),
                                                       "place": ceremony.place}


def ceremony_bundle_pdf(ceremony: HandoverCeremony, progress=_silent) -> bytes:
    """One PDF for the ceremony: for each recipient in print order its presentation page,
    then its notice exactly as issued. The outline has an entry for each of the two
    ("Werra-Meißner-Kreis – Übergabeexemplar", "Werra-Meißner-Kreis – Zuwendungsbescheid
    WIR-21-B2021-021"); the notice's own outline is kept beneath its entry."""
    notices = _notices_or_refuse(ceremony, with_pdf=True)
    progress(5, _("Gespeicherte Bescheide werden geprüft (SHA-256)."))
    stored = [_stored_pdf(notice) for notice in notices]  # checked before anything is rendered
    progress(10, _("Übergabeexemplare werden gesetzt (%(n)s Bescheide).") % {"n": len(notices)})
    presentation = PdfReader(io.BytesIO(_presentation_pdf(notices, ceremony)))
    if len(presentation.pages) != len(notices):
        raise RuntimeError(
            f"render_presentation_pdf lieferte {len(presentation.pages)} Seiten für {len(notices)} Bescheide; "
            "erwartet ist genau eine Seite je Bescheid."
        )

    writer = PdfWriter()
    for index, (notice, pdf) in enumerate(zip(notices, stored, strict=True)):
        name = _recipient_name(notice)
        progress(50 + 45 * index // len(notices), _("Bescheid %(index)s von %(count)s wird angefügt: %(name)s.")
                 % {"index": index + 1, "count": len(notices), "name": name})
        writer.append(presentation, pages=[index], import_outline=False,
                      outline_item=_("%(name)s – Übergabeexemplar") % {"name": name})
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=True,
                      outline_item=f"{name} – {_title(notice)} {notice.number}")

    writer.add_metadata({"/Title": ceremony_bundle_title(ceremony),
                         "/Subject": _("Übergabeexemplare und Bescheide in Druckreihenfolge")})
    writer.root_object[NameObject("/Lang")] = TextStringObject("de-DE")
    writer.page_mode = "/UseOutlines"  # open with the outline shown: one entry per document
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
