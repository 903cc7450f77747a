"""What the case file holds as data, printed as PDF/A-3b for the archive.

An archive takes documents, not database rows: the application with its financing plan, the
review and decision, the payments, the figures of each proof of use, a reclaim, an amendment
request and the audit trail each become one `Record` – a title and sections of label/value
pairs, tables and paragraphs – rendered by WeasyPrint with the notices' embedded fonts into a
PDF/A-3b (the format archives take for long-term keeping). Every value is formatted before it
reaches the template (`templates/xdomea/pdf/record.html`), which only places text.

The rendering is deterministic: the same record gives the same bytes (metadata dates are the
record's own date, WeasyPrint derives the file identifier from the content).
"""

import threading
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from grants.notices.render import FONT_DIR, FONT_FAMILY, GENERATOR, PDF_VARIANT, _styles


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()  # columns set right-aligned (amounts)


@dataclass(frozen=True)
class Section:
    heading: str
    fields: tuple[tuple[str, str], ...] = ()
    table: Table | None = None
    paragraphs: tuple[str, ...] = ()
    empty: str = ""  # shown when the section has nothing else


@dataclass(frozen=True)
class Record:
    title: str
    subtitle: str
    dated: date
    sections: tuple[Section, ...] = field(default=())


_local = threading.local()


def _stylesheet() -> CSS:
    sheet = getattr(_local, "stylesheet", None)
    if sheet is None:
        styles = _styles()
        sheet = _local.stylesheet = CSS(string=render_to_string("xdomea/pdf/record.css", {"font_family": FONT_FAMILY}),
                                        font_config=styles.font_config, url_fetcher=styles.url_fetcher)
    return sheet


def render_record_html(record: Record) -> str:
    return render_to_string("xdomea/pdf/record.html", {"record": record, "generator": GENERATOR,
                                                        "created": record.dated.isoformat()})


def render_record_pdf(record: Record) -> bytes:
    styles = _styles()
    document = HTML(string=render_record_html(record), base_url=FONT_DIR.as_uri() + "/",
                    url_fetcher=styles.url_fetcher)
    return document.write_pdf(stylesheets=[styles.fonts, _stylesheet()], font_config=styles.font_config,
                              pdf_variant=PDF_VARIANT, full_fonts=True)
