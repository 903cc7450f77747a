"""The list of awards as files for machines: CSV and JSON, one field list for both.

CSV as German open-data portals take it (the convention of GovData and the Länder portals, and
what a German spreadsheet opens without an import dialogue): UTF-8 without BOM, `;` between
fields, a header row, RFC 4180 quoting, CRLF line ends; amounts with a decimal point and no
thousands separator (`100000.00`), dates as ISO 8601 (`2021-10-29`), one record per line.
JSON: metadata (title, licence, publisher, source, data as of, programme, year, count, total)
and the records with the same keys as the CSV columns; amounts as decimal strings (`"100000.00"`:
exact, no binary floating point in between).
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opendata.selectors import AwardList, AwardRecord

LICENCE_ID = "dl-de/zero-2-0"
LICENCE_NAME = "Datenlizenz Deutschland – Zero – Version 2.0"
LICENCE_URL = "https://www.govdata.de/dl-de/zero-2-0"
FORMAT_VERSION = "1"

# The fields of a record, in column order: key, German description (documented on the pages).
FIELDS: tuple[tuple[str, Promise], ...] = (
    ("haushaltsjahr", gettext_lazy("Haushaltsjahr, für das der Betrag bewilligt ist")),
    ("empfaenger", gettext_lazy("Zuwendungsempfänger (Gebietskörperschaft)")),
    ("ags", gettext_lazy("Amtlicher Gemeindeschlüssel des Empfängers")),
    ("aktenzeichen", gettext_lazy("Aktenzeichen der Zuwendung")),
    ("vorhaben", gettext_lazy("Vorhaben, wie im Zuwendungsbescheid bewilligt")),
    ("zweck", gettext_lazy("Zweck der Zuwendung, wie im Zuwendungsbescheid bewilligt")),
    ("bewilligungszeitraum_beginn", gettext_lazy("Beginn des Bewilligungszeitraums (JJJJ-MM-TT)")),
    ("bewilligungszeitraum_ende", gettext_lazy("Ende des Bewilligungszeitraums (JJJJ-MM-TT), nach dem letzten "
                                               "Änderungsbescheid")),
    ("betrag", gettext_lazy("Bewilligter Betrag des Haushaltsjahres in Euro")),
    ("zuwendung_gesamt", gettext_lazy("Bewilligte Zuwendung über alle Haushaltsjahre in Euro")),
    ("bescheiddatum", gettext_lazy("Datum des Zuwendungsbescheids (JJJJ-MM-TT)")),
    ("aenderungsbescheid_datum", gettext_lazy("Datum des letzten Änderungsbescheids (JJJJ-MM-TT); leer (JSON: null), "
                                              "wenn keiner")),
    ("lizenz", gettext_lazy("Lizenz der Daten")),
)


def record_row(record: AwardRecord) -> dict[str, str | int | None]:
    """A record as the machine formats carry it: amounts with a decimal point, ISO dates; no
    Änderungsbescheid is `null` in JSON and an empty field in CSV."""
    return {
        "haushaltsjahr": record.year,
        "empfaenger": record.recipient,
        "ags": record.ags,
        "aktenzeichen": record.file_reference,
        "vorhaben": record.title,
        "zweck": record.purpose,
        "bewilligungszeitraum_beginn": record.period_start.isoformat(),
        "bewilligungszeitraum_ende": record.period_end.isoformat(),
        "betrag": f"{record.amount:.2f}",
        "zuwendung_gesamt": f"{record.award_total:.2f}",
        "bescheiddatum": record.notice_date.isoformat(),
        "aenderungsbescheid_datum": record.amended_on.isoformat() if record.amended_on else None,
        "lizenz": LICENCE_ID,
    }


def awards_csv(awards: AwardList) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[key for key, _label in FIELDS], delimiter=";",
                            lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for record in awards.records:
        writer.writerow(record_row(record))
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Metadata:
    title: str
    publisher: str
    source_url: str
    html_url: str
    csv_url: str
    generated_at: datetime


def dataset_title(awards: AwardList) -> str:
    programme = awards.programme
    return _("Zuwendungen %(programme)s %(period)s, Haushaltsjahr %(year)s") % {
        "programme": programme.name, "period": programme.period_label, "year": awards.year}


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else None


def awards_json(awards: AwardList, meta: Metadata) -> bytes:
    programme = awards.programme
    document = {
        "titel": meta.title,
        "beschreibung": _(
            "Bewilligte Zuwendungen an Gebietskörperschaften, deren Zuwendungsbescheid erlassen ist, mit den "
            "Beträgen nach dem letzten Änderungsbescheid. Rückforderungen sind nicht abgezogen."),
        "lizenz": {"id": LICENCE_ID, "name": LICENCE_NAME, "url": LICENCE_URL},
        "herausgeber": meta.publisher,
        "quelle": meta.source_url,
        "weitere_formate": {"html": meta.html_url, "csv": meta.csv_url},
        "formatversion": FORMAT_VERSION,
        "erzeugt_am": _moment(meta.generated_at),
        "datenstand": _moment(awards.data_as_of),
        "programm": {
            "kennung": programme.code, "name": programme.name,
            "foerderperiode_beginn": programme.period_start.isoformat(),
            "foerderperiode_ende": programme.period_end.isoformat(),
        },
        "haushaltsjahr": awards.year,
        "waehrung": "EUR",
        "anzahl": awards.count,
        "summe": f"{awards.total:.2f}",
        "felder": [{"name": key, "beschreibung": str(label)} for key, label in FIELDS],
        "datensaetze": [record_row(record) for record in awards.records],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
