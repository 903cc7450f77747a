"""Notices and presentation copies as PDF/A-3b, rendered by WeasyPrint from a snapshot alone.

`render_notice_pdf(snapshot)` prints a Zuwendungs-, Ablehnungs- or Änderungsbescheid as a
DIN 5008 letter (Form B) from the plain-JSON snapshot that `grants.notices.snapshot` built
when the notice was issued; `render_presentation_pdf(snapshots, ceremony)` prints one large
"Übergabeexemplar" page per recipient for a handover ceremony, all in one render.

Every datum is formatted here (dates `29.10.2021`, amounts via `core.money.format_eur`),
so the templates under `templates/notices/pdf/` only place text. The PDFs use the Open Sans
files shipped in `fonts/`, under a family name of our own so that no installed font can
stand in for them, and are deterministic: the same snapshot gives the same bytes. The dates
in the metadata are the notice's date; WeasyPrint derives the file identifier (/ID) from the
content and the font subset names from the font description, so nothing random remains.
The fonts are embedded whole, as shipped (already cut down to the Latin script by
`grants.notices.fontsubset`): WeasyPrint's own subsetting would run HarfBuzz-Subset where the
system has it and fontTools where not, and the two give different bytes (fontTools even a
new timestamp on every render). (A character that the shipped fonts lack would still be drawn
from a system font by Pango.)
"""

import threading
from datetime import date
from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from core.formats import format_date, format_decimal, format_percent, format_period
from core.money import ZERO, format_eur, to_money
from grants.plan import codec

PDF_VARIANT = "pdf/a-3b"
GENERATOR = "wirfunding"
DRAFT_NUMBER = "ENTWURF"
FONT_FAMILY = "WIR Open Sans"  # our own name, so no installed "Open Sans" can stand in
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = (  # (file, font-weight, font-style)
    ("OpenSans-Regular.ttf", 400, "normal"),
    ("OpenSans-Italic.ttf", 400, "italic"),
    ("OpenSans-Semibold.ttf", 600, "normal"),
    ("OpenSans-Bold.ttf", 700, "normal"),
    ("OpenSans-BoldItalic.ttf", 700, "italic"),
)

KIND_AWARD, KIND_REJECTION, KIND_AMENDMENT = "zuwendung", "ablehnung", "aenderung"
KIND_RECLAIM = "rueckforderung"
FINANCING_LABELS = (
    ("eigenmittel", "Eigenmittel"),
    ("drittmittel", "Drittmittel"),
    ("zuwendung", "Zuwendung des Landes"),
)
CLAUSE_WIDTH_MM = 165 - 7  # A4 less the margins (25 mm, 20 mm) and the clause indent
PT_MM = 25.4 / 72
MONTHS_IN_WORDS = {2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben", 8: "acht",
                   9: "neun", 10: "zehn", 11: "elf", 12: "zwölf"}


class _FontFilesOnly(URLFetcher):
    """Fetches the shipped font files and nothing else: snapshot text never becomes a request."""

    allowed = frozenset(str((FONT_DIR / name).as_uri()) for name, _weight, _style in FONT_FILES)

    def fetch(self, url, headers=None):
        if url not in self.allowed:
            raise ValueError(f"Bescheid-PDF: Ressource nicht erlaubt: {url}")
        return super().fetch(url, headers)


class _Styles:
    """Font configuration and parsed stylesheets, built once per thread (Pango objects are
    not shared between threads) and reused by every render in that thread."""

    def __init__(self):
        self.url_fetcher = _FontFilesOnly(fail_on_errors=True)
        self.font_config = FontConfiguration()
        faces = "\n".join(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(FONT_DIR / name).as_uri()}") '
            f'format("truetype"); font-weight: {weight}; font-style: {style}; }}'
            for name, weight, style in FONT_FILES
        )
        self.fonts = CSS(string=faces, font_config=self.font_config, url_fetcher=self.url_fetcher)
        self.notice = self._css("notices/pdf/notice.css")
        self.presentation = self._css("notices/pdf/presentation.css")

    def _css(self, template: str) -> CSS:
        return CSS(string=render_to_string(template, {"font_family": FONT_FAMILY}),
                   font_config=self.font_config, url_fetcher=self.url_fetcher)


_local = threading.local()


def _styles() -> _Styles:
    styles = getattr(_local, "styles", None)
    if styles is None:
        styles = _local.styles = _Styles()
    return styles


def _write_pdf(html: str, stylesheet: str) -> bytes:
    """Render `html` with the fonts and the stylesheet named `stylesheet` ("notice" or
    "presentation") to PDF/A-3b. A font file that cannot be loaded stops the render: a
    notice must never come out in a fallback font."""
    try:
        styles = _styles()
        document = HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=styles.url_fetcher)
        return document.write_pdf(stylesheets=[styles.fonts, getattr(styles, stylesheet)],
                                  font_config=styles.font_config, pdf_variant=PDF_VARIANT,
                                  full_fonts=True)  # no subsetter at render time: see the module doc
    except FatalURLFetchingError as error:  # a BaseException in WeasyPrint: make it an ordinary error
        raise RuntimeError(f"Bescheid-PDF nicht erstellt: {error}") from error


# Formatting ------------------------------------------------------------------------------

def _amount(value) -> str:
    """A table cell: `106.750,00` (the column heading says "Euro")."""
    return format_eur(value).removesuffix(" €")


def _months(count: int) -> str:
    """`innerhalb von zwei Monaten`, `innerhalb eines Monats`."""
    if count == 1:
        return "innerhalb eines Monats"
    return f"innerhalb von {MONTHS_IN_WORDS.get(count, count)} Monaten"


# Notice ----------------------------------------------------------------------------------

def _figures_em(text: str) -> float:
    """Width of a German-formatted amount in em of Open Sans (digits 0.572, `.`/`,` ≤ 0.29)."""
    return sum(0.572 if char.isdigit() else 0.5 if char == "–" else 0.3 for char in text)


def _table_fit(columns: int, cells: list[str]) -> dict:
    """Font size and label column width at which `columns` amount columns, each as wide as
    the widest cell plus 2.4 mm padding, fit beside the label: 8 pt for a five-year plan,
    smaller (down to 6 pt) for longer periods or amounts in the millions. As CSS strings,
    so the template's number localisation cannot turn 7.5 into an invalid `7,5pt`."""
    widest = max((_figures_em(cell) for cell in cells), default=0)
    for size, label in ((8, 50), (8, 42), (7.5, 40), (7, 36), (6.5, 33), (6, 30)):
        if label + columns * (widest * size * PT_MM + 2.9) <= CLAUSE_WIDTH_MM:
            break  # else the smallest: 6 pt
    return {"font_size": f"{size:g}pt", "label_width": f"{label}mm"}


def _plan_table(plan: dict | None) -> dict | None:
    """The financing plan with the years as columns: expenditure by category, financing by
    source, each with its sum, and the total of every row in the last column."""
    years = codec.decode(plan).years
    if not years:
        return None

    def row(label, values, *, kind="", total=True, formatter=_amount):
        cells = [formatter(v) if v is not None else "–" for v in values]
        amounts = [to_money(v) for v in values if v is not None]
        return {"label": label, "cells": cells, "kind": kind,
                "total": formatter(sum(amounts, ZERO)) if total else ""}

    categories: dict[str, str] = {}
    for year in years:
        for line in year.expenditures:
            categories.setdefault(line.category, line.category_name)

    rows = []
    for code, name in categories.items():
        lines = [year.expenditure(code) for year in years]
        rows.append(row(name, [line.amount if line else ZERO for line in lines]))
        positions = [line.positions if line else None for line in lines]
        if any(value is not None for value in positions):
            rows.append(row("davon Stellenanteile (VZÄ)", positions, kind="note", total=False,
                            formatter=format_decimal))
    rows.append(row("Gesamtausgaben", [year.expenditure_total for year in years], kind="sum"))
    financing = [row(label, [year.financing.get(key, ZERO) for year in years]) for key, label in FINANCING_LABELS]
    financing.append(row("Gesamtfinanzierung", [year.financing_total for year in years], kind="sum"))
    if any(year.reduction for year in years):
        financing.append(row("nachrichtlich: beantragte Zuwendung", [year.requested_grant for year in years],
                             kind="note"))
        financing.append(row("nachrichtlich: Kürzung gegenüber dem Antrag", [year.reduction for year in years],
                             kind="note"))
    cells = [cell for line in rows + financing for cell in [*line["cells"], line["total"]]]
    return {"years": [str(year.year) for year in years], "expenditure": rows, "financing": financing,
            **_table_fit(len(years) + 1, cells)}


def _award_context(award: dict) -> dict:
    start, end = date.fromisoformat(award["period_start"]), date.fromisoformat(award["period_end"])
    proofs: list[dict[str, str | bool]] = []
    for report in award.get("interim_reports") or []:
        year = report["year"]
        first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        proofs.append({"label": f"Zwischennachweis {year}",
                       "period": f"{format_date(first)} – {format_date(last)}", "due": format_date(report["due"])})
    proofs.append({"label": "Verwendungsnachweis (Schlussnachweis)",
                   "period": format_period(start, end), "due": format_date(award["final_report_due"]),
                   "final": True})
    years = award.get("years") or []
    year_cells = [_amount(y["amount"]) for y in years]
    years_total = _amount(sum((to_money(y["amount"]) for y in years), ZERO))
    return {
        "period_start": format_date(award["period_start"]), "period_end": format_date(award["period_end"]),
        "total_display": award["total_display"], "total_words": award["total_words"],
        "years": [{"year": str(y["year"]), "amount": cell} for y, cell in zip(years, year_cells, strict=True)],
        "years_total": years_total,
        "years_table": _table_fit(len(years) + 1, [*year_cells, years_total]),
        "plan": _plan_table(award.get("plan")),
        "proofs": proofs,
        "has_interim": len(proofs) > 1,
        # Older snapshots lack it: the template falls back to the programme's Finanzierungsart.
        "financing": award.get("financing"),
        "early_start": None if not award.get("early_start") else {
            "consented_on": format_date(award["early_start"]["consented_on"]),
            "consented_by": award["early_start"]["consented_by"],
            "allowed_from": format_date(award["early_start"]["allowed_from"])},
        "cut": award.get("cut"),
    }


def _reclaim_context(reclaim: dict) -> dict:
    """The Rückforderung as printed: dates German, amounts formatted, the interest table."""
    segments = [{
        "period": format_period(s["start"], s["end"]), "days": s["days"], "year_days": s["year_days"],
        "base_rate": format_percent(s["base_rate"]), "rate": format_percent(s["rate"]),
        "principal": _amount(s["principal"]),
        "interest": _amount(s["interest"]),
    } for s in reclaim.get("segments") or []]
    proof = reclaim.get("proof") or {}
    account = reclaim.get("account") or {}
    return {
        **reclaim,
        "principal_display": format_eur(reclaim["principal"]),
        "refers_to_date": format_date(reclaim.get("refers_to_date")),
        "amended_by": [{"number": a["number"], "date": format_date(a["date"])}
                       for a in reclaim.get("amended_by") or []],
        "proof_label": proof.get("label") or "",
        "proof_submitted_on": format_date(proof.get("submitted_on")),
        "interest_from": format_date(reclaim["interest_from"]),
        "interest_until": format_date(reclaim["interest_until"]),
        "segments": segments,
        "interest_total_display": format_eur(reclaim["interest_total"]),
        "interest_total": _amount(reclaim["interest_total"]),
        "total_due_display": format_eur(reclaim["total_due"]),
        "due_on": format_date(reclaim["due_on"]),
        "account": account,
        "effective_from": format_date(reclaim.get("effective_from")),
        "facts_known_on": format_date(reclaim.get("facts_known_on")),
        "award_total_display": format_eur(reclaim["award_total"]) if reclaim.get("award_total") else "",
        "earlier_reclaims_display": (format_eur(reclaim["earlier_reclaims"])
                                     if to_money(reclaim.get("earlier_reclaims") or ZERO) else ""),
        "reduced_total_display": format_eur(reclaim["reduced_total"]) if reclaim.get("reduced_total") else "",
        "hearing": {
            "letter_date": format_date(hearing["letter_date"]), "reply_due": format_date(hearing["reply_due"]),
            "answered_on": format_date(hearing.get("answered_on")), "late": hearing.get("late"),
        } if (hearing := reclaim.get("hearing")) else None,
    }


def _guideline(guideline: dict) -> str:
    """`Richtlinie … vom 11.12.2020 (StAnz. 2021 S. 38)`; empty without a title."""
    if not guideline.get("title"):
        return ""
    text = guideline["title"]
    if guideline.get("date"):
        text += f" vom {format_date(guideline['date'])}"
    if guideline.get("publication"):
        text += f" ({guideline['publication']})"
    return text


def _conditions_paragraphs(text: str) -> list[dict]:
    """The general conditions' text as paragraphs; a line like "1. Bestandteile …" without a
    closing full stop is a heading."""
    paragraphs = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        head, _sep, _rest = line.partition(" ")
        heading = head.rstrip(".").isdigit() and not line.endswith((".", ":", ";")) and len(line) < 100
        paragraphs.append({"text": line, "heading": heading})
    return paragraphs


def _legal_context(legal: dict | None, snapshot: dict) -> dict | None:
    """The programme-data parts of a complete notice (snapshot key `legal`; notices issued
    before it existed lack it and print without these parts)."""
    if not legal:
        return None
    version = legal.get("conditions_version")
    percent = legal.get("plan_deviation_percent")
    enclosures = []
    if version and snapshot["kind"] == KIND_AWARD:
        enclosures.append(f"{version['title']} ({version['short_name']}), Fassung vom "
                          f"{format_date(version['version_date'])}")
    return {
        **legal,
        "guideline_text": _guideline(legal.get("guideline") or {}),
        "plan_deviation": format_decimal(str(percent)) if percent else "",
        "max_grant_display": format_eur(legal["max_grant"]) if legal.get("max_grant") else "",
        "conditions_version": None if not version else {
            **version, "version_date": format_date(version["version_date"]),
            "paragraphs": _conditions_paragraphs(version.get("text") or "")},
        "enclosures": enclosures,
    }


def _description(snapshot: dict) -> str:
    """The PDF's subject line (metadata), one sentence."""
    body = snapshot["recipient"]["body"]
    project = snapshot["application"]["title"]
    reference = snapshot["file_reference"]
    kind = snapshot["kind"]
    if kind == KIND_REJECTION:
        return f"Ablehnung des Antrags von {body} für „{project}“ (Aktenzeichen {reference})"
    if kind == KIND_RECLAIM:
        reclaim = snapshot["reclaim"]
        return (f"Rückforderung von {format_eur(reclaim['principal'])} zum Zuwendungsbescheid "
                f"{reclaim['refers_to_number']} an {body} für „{project}“ (Aktenzeichen {reference})")
    if kind == KIND_AMENDMENT:
        amendment = snapshot["amendment"]
        return (f"Änderung des Zuwendungsbescheids {amendment['refers_to_number']} vom "
                f"{format_date(amendment['refers_to_date'])} an {body} für „{project}“ (Aktenzeichen {reference})")
    return f"Zuwendung an {body} für „{project}“ (Aktenzeichen {reference})"


def _notice_context(snapshot: dict, draft: bool) -> dict:
    number = DRAFT_NUMBER if draft else snapshot["number"]
    authority = snapshot["authority"]
    recipient = snapshot["recipient"]
    court = recipient.get("court") or {}
    programme = snapshot["programme"]
    application = snapshot["application"]
    kind = snapshot["kind"]
    court_address = ", ".join(part for part in (
        court.get("street"), " ".join(p for p in (court.get("postal_code"), court.get("city")) if p)) if part)
    context = {
        "s": snapshot,
        "kind": kind,
        "draft": draft,
        "number": number,
        "document_title": f"{snapshot['title']} {number}",
        "description": _description(snapshot),
        "keywords": ", ".join(k for k in (snapshot["title"], programme["name"], snapshot["file_reference"],
                                          number, recipient["name"]) if k),
        "issued_on_iso": snapshot["issued_on"],
        "issued_on": format_date(snapshot["issued_on"]),
        "generator": GENERATOR,
        "authority": authority,
        "return_parts": [part for part in (authority["name"], authority["street"],
                                           f"{authority['postal_code']} {authority['city']}".strip()) if part],
        "recipient": recipient,
        "court": court,
        "court_address": court_address,
        "programme": programme,
        "special_conditions": programme.get("special_conditions") or [],
        "funds_use": _months(int(programme.get("funds_use_months") or 2)),
        "application": application,
        "submitted_on": format_date(application.get("submitted_on")),
        "application_period_start": format_date(application.get("period_start")),
        "application_period_end": format_date(application.get("period_end")),
        "signatory": snapshot["signatory"]["name"],
        "award": _award_context(snapshot["award"]) if snapshot.get("award") else None,
        "legal": _legal_context(snapshot.get("legal"), snapshot),
        "rejection_reason": None,
        "rejection_discretion": "",
        "amendment": None,
        "reclaim": _reclaim_context(snapshot["reclaim"]) if snapshot.get("reclaim") else None,
    }
    legal = context["legal"]
    if legal and (legal["basis"] or legal["guideline_text"]):
        context["programme"] = {**programme, "legal_basis": "; ".join(
            part for part in (legal["basis"], legal["guideline_text"]) if part)}
    if kind == KIND_REJECTION:
        context["rejection_reason"] = (snapshot.get("rejection") or {}).get("reason") or ""
        context["rejection_discretion"] = (snapshot.get("rejection") or {}).get("discretion") or ""
    if kind == KIND_AMENDMENT:
        amendment = snapshot["amendment"]
        context["amendment"] = {"refers_to_number": amendment["refers_to_number"],
                                "refers_to_date": format_date(amendment["refers_to_date"]),
                                "changes": amendment.get("changes") or ""}
    return context


def render_notice_html(snapshot: dict, *, draft: bool = False) -> str:
    """The notice as HTML (for WeasyPrint; also handy to look at the markup)."""
    if snapshot["kind"] not in (KIND_AWARD, KIND_REJECTION, KIND_AMENDMENT, KIND_RECLAIM):
        raise ValueError(f"Unbekannte Bescheidart: {snapshot['kind']!r}")
    return render_to_string("notices/pdf/notice.html", _notice_context(snapshot, draft))


def render_notice_pdf(snapshot: dict, *, draft: bool = False) -> bytes:
    """The notice as PDF/A-3b. With `draft`, every page carries a large ENTWURF and the
    number reads ENTWURF."""
    return _write_pdf(render_notice_html(snapshot, draft=draft), "notice")


# Presentation copy -----------------------------------------------------------------------

def _ceremony_line(ceremony: dict | None) -> str:
    """`Überreicht am 29.10.2021 in Eschwege durch Staatssekretärin Anne Janz`."""
    if not ceremony:
        return ""
    line = f"Überreicht am {format_date(ceremony['date'])}"
    if ceremony.get("place"):
        line += f" in {ceremony['place']}"
    official = " ".join(p for p in (ceremony.get("official_title"), ceremony.get("official_name")) if p)
    if official:
        line += f" durch {official}"
    return line


def _presentation_sheet(snapshot: dict, ceremony: dict | None) -> dict:
    award = snapshot.get("award")
    if not award:
        raise ValueError(f"Bescheid {snapshot.get('number')}: ein Übergabeexemplar gibt es nur für eine Zuwendung.")
    return {
        "programme": snapshot["programme"]["name"],
        "recipient": snapshot["recipient"]["body"],
        "project": snapshot["application"]["title"],
        "amount": award["total_display"],
        "period": f"{format_date(award['period_start'])} bis {format_date(award['period_end'])}",
        "notice": f"{snapshot['title']} {snapshot['number']} vom {format_date(snapshot['issued_on'])}",
        "ceremony_line": _ceremony_line(ceremony or snapshot.get("ceremony")),
        "authority": snapshot["authority"]["name"],
        "unit": snapshot["authority"].get("unit") or "",
    }


def render_presentation_html(snapshots: list[dict], ceremony: dict | None = None) -> str:
    """The presentation copies as HTML; `ceremony` (date ISO, place, official_title,
    official_name) wins over each snapshot's own ceremony."""
    if not snapshots:
        raise ValueError("Für ein Übergabeexemplar wird mindestens ein Bescheid gebraucht.")
    sheets = [_presentation_sheet(snapshot, ceremony) for snapshot in snapshots]
    first = snapshots[0]
    occasion = ceremony or first.get("ceremony")
    created = occasion["date"] if occasion else max(s["issued_on"] for s in snapshots)
    if occasion:
        title = f"Übergabeexemplare – {first['programme']['name']} – {format_date(occasion['date'])}"
        if occasion.get("place"):
            title += f", {occasion['place']}"
    else:
        title = f"Übergabeexemplare – {first['programme']['name']}"
    recipients = ", ".join(sheet["recipient"] for sheet in sheets)
    return render_to_string("notices/pdf/presentation.html", {
        "sheets": sheets,
        "document_title": title,
        "author": first["authority"]["name"],
        "description": f"Übergabeexemplare der Zuwendungsbescheide für {recipients}",
        "keywords": f"Übergabeexemplar, {first['programme']['name']}",
        "created": created,
        "generator": GENERATOR,
    })


def render_presentation_pdf(snapshots: list[dict], ceremony: dict | None = None) -> bytes:
    """One page per snapshot (in the given order), all from one render, as PDF/A-3b."""
    return _write_pdf(render_presentation_html(snapshots, ceremony), "presentation")
