"""The notice and presentation PDFs, rendered for real from the Werra-Meißner award snapshot
(wmk_snapshot.json, as issued on 29.10.2021) and read back with pdfplumber and pypdf.

Positions are checked in millimetres from the top-left corner of the sheet, as DIN 5008
states them (Form B)."""

import copy
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import cast

import pdfplumber
import pytest
from django.conf import settings
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from grants.notices import render as render_module
from grants.notices.render import render_notice_pdf, render_presentation_pdf

SNAPSHOT = json.loads((Path(__file__).parent / "wmk_snapshot.json").read_text(encoding="utf-8"))
MM = 25.4 / 72  # one PDF point in millimetres
AUTHORITY = "Hessisches Ministerium für Soziales und Integration"
CEREMONY = {"date": "2021-10-29", "place": "Eschwege", "official_title": "Staatssekretärin",
            "official_name": "Anne Janz"}
XMP_NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
          "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/"}


def snapshot(**changes) -> dict:
    data = copy.deepcopy(SNAPSHOT)
    data.update(changes)
    return data


def rejection_snapshot() -> dict:
    return snapshot(kind="ablehnung", title="Ablehnungsbescheid", number="WIR-21-B2021-040", award=None,
                    ceremony=None,
                    rejection={"reason": "Die Mittel des Haushaltsjahres 2021 sind vollständig gebunden.\n"
                                         "Eine Förderung <b>ist</b> daher nicht möglich.",
                               "decided_on": "2021-10-20"})


def amendment_snapshot() -> dict:
    return snapshot(kind="aenderung", title="Änderungsbescheid", number="WIR-22-B2022-007", issued_on="2022-05-16",
                    amendment={"refers_to_number": "WIR-21-B2021-021", "refers_to_date": "2021-10-29",
                               "changes": "Nr. 4 wird geändert: Die Personalausgaben 2022 erhöhen sich um 2.000,00 €."})


def pages_text(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [(page.extract_text() or "").replace("\xa0", " ") for page in document.pages]


def full_text(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def flat(text: str) -> str:
    """Text with line breaks as spaces, for sentences that wrap."""
    return " ".join(text.split())


def first_page_matches(pdf: bytes, phrase: str, *, above_mm: float = 98) -> list[dict]:
    """Where `phrase` stands on page 1 above the subject line, in millimetres."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        found = [{key: match[key] * MM for key in ("x0", "x1", "top", "bottom")}
                 for match in page.search(phrase, regex=False)]
    return [match for match in found if match["top"] < above_mm]


@pytest.fixture(scope="module")
def award_pdf() -> bytes:
    return render_notice_pdf(SNAPSHOT)


@pytest.fixture(scope="module")
def award_pages(award_pdf) -> list[str]:
    return pages_text(award_pdf)


@pytest.fixture(scope="module")
def draft_pdf() -> bytes:
    return render_notice_pdf(SNAPSHOT, draft=True)


# ---- Content of the award notice ------------------------------------------------------------

def test_award_notice_states_amount_in_figures_and_words_period_and_parties(award_pages):
    text = "\n".join(award_pages)
    for expected in ("500.000,00 €", "fünfhunderttausend Euro", "01.01.2021", "31.12.2025",
                     "Kreisausschuss des Werra-Meißner-Kreises", "Verwaltungsgericht Kassel", "WIR-21-0021",
                     "WIR-21-B2021-021", "29.10.2021"):
        assert expected in text, expected


def test_award_notice_grants_with_the_prescribed_sentence(award_pages):
    assert ("Auf Ihren Antrag vom 14.12.2020 bewillige ich Ihnen für die Zeit vom 01.01.2021 bis 31.12.2025 "
            "(Bewilligungszeitraum) eine Zuwendung in Höhe von bis zu 500.000,00 € (in Worten: "
            "fünfhunderttausend Euro).") in flat("\n".join(award_pages))


def test_award_notice_subject_names_programme_and_application(award_pages):
    text = flat(award_pages[0])
    assert "Zuwendungsbescheid – Landesprogramm „WIR – Vielfalt und Teilhabe“" in text
    assert "Ihr Antrag vom 14.12.2020" in text


def test_award_notice_has_every_mandatory_part(award_pages):
    text = flat("\n".join(award_pages))
    for heading in ("I. Bewilligung", "Zweck", "Zuwendungsart Projektförderung",
                    "Finanzierungsart Festbetragsfinanzierung",
                    "Form der Zuwendung nicht rückzahlbarer Zuschuss (Zuweisung)",
                    "Rechtsgrundlage Förderrichtlinie des Landesprogramms WIR vom 11. Dezember 2020",
                    "Bewilligung nach Haushaltsjahren", "Finanzierungsplan", "Auszahlung (Mittelabruf)",
                    "Nachweis der Verwendung", "Sachbericht", "zahlenmäßigen Nachweis", "II. Nebenbestimmungen",
                    "ANBest-GK", "§ 49a HVwVfG", "fünf Prozentpunkten über dem Basiszinssatz",
                    "III. Rechtsbehelfsbelehrung", "Im Auftrag", "Michael Brandt"):
        assert heading in text, heading


def test_award_notice_states_purpose_and_payment_period(award_pages):
    text = flat("\n".join(award_pages))
    assert "Betrieb des WIR-Vielfaltszentrums Werra-Meißner-Kreis" in text
    assert "innerhalb von zwei Monaten nach der Auszahlung" in text


def test_award_notice_states_every_proof_of_use_with_its_due_date(award_pages):
    text = flat("\n".join(award_pages))
    for year, due in ((2021, "31.03.2022"), (2022, "31.03.2023"), (2023, "31.03.2024"), (2024, "31.03.2025")):
        assert f"Zwischennachweis {year} 01.01.{year} – 31.12.{year} {due}" in text
    assert "Verwendungsnachweis (Schlussnachweis) 01.01.2021 – 31.12.2025 30.06.2026" in text


def test_financing_plan_shows_years_as_columns_with_row_and_column_sums(award_pages):
    text = flat("\n".join(award_pages))
    assert "Ausgaben 2021 2022 2023 2024 2025 Summe" in text
    assert "Sachausgaben 9.500,00 9.500,00 9.500,00 9.500,00 9.500,00 47.500,00" in text
    assert "Gesamtausgaben 122.250,00 124.875,00 127.500,00 133.625,00 138.000,00 646.250,00" in text
    assert "Eigenmittel 22.250,00 24.875,00 27.500,00 33.625,00 38.000,00 146.250,00" in text
    assert ("Zuwendung des Landes 100.000,00 100.000,00 100.000,00 100.000,00 100.000,00 500.000,00"
            in text)
    assert "Stellenanteile (VZÄ) 1,75 1,75 1,75 1,75 1,75" in text


def test_rechtsbehelfsbelehrung_names_court_time_limit_and_forms(award_pages):
    text = flat("\n".join(award_pages))
    assert ("Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Klage beim "
            "Verwaltungsgericht Kassel erhoben werden.") in text
    assert ("schriftlich, zur Niederschrift der Urkundsbeamtin oder des Urkundsbeamten der Geschäftsstelle "
            "oder elektronisch") in text


def test_court_address_is_printed_when_known():
    data = snapshot()
    data["recipient"]["court"].update(street="Tischbeinstraße 32", postal_code="34121", city="Kassel")
    text = flat(full_text(render_notice_pdf(data)))
    assert "Klage beim Verwaltungsgericht Kassel, Tischbeinstraße 32, 34121 Kassel, erhoben werden" in text


def test_special_conditions_are_numbered_in_part_two():
    data = snapshot()
    data["programme"]["special_conditions"] = ["Der Träger berichtet halbjährlich dem Beirat.",
                                               "Öffentlichkeitsarbeit nennt die Förderung durch das Land."]
    text = flat(full_text(render_notice_pdf(data)))
    assert ("Besondere Nebenbestimmungen 1. Der Träger berichtet halbjährlich dem Beirat. 2. Öffentlichkeitsarbeit"
            in text)


def test_page_numbers_read_seite_x_von_y_on_every_page(award_pages):
    total = len(award_pages)
    assert total >= 2
    for number, text in enumerate(award_pages, start=1):
        assert f"Seite {number} von {total}" in text


# ---- DIN 5008 layout (Form B) -------------------------------------------------------------

def test_recipient_lines_lie_inside_the_din_address_zone(award_pdf):
    for line in SNAPSHOT["recipient"]["address_lines"]:
        matches = first_page_matches(award_pdf, line)
        assert len(matches) == 1, line
        box = matches[0]
        assert box["x0"] >= 20 and box["x1"] <= 105, (line, box)
        assert box["top"] >= 45 + 17.7 and box["bottom"] <= 90, (line, box)


def test_return_line_lies_in_the_top_zone_of_the_address_field(award_pdf):
    for part in ("Sonnenberger Straße 2/2a", "65193 Wiesbaden"):
        (box,) = first_page_matches(award_pdf, part)
        assert box["x0"] >= 20 and box["x1"] <= 105, (part, box)
        assert box["top"] >= 45 and box["bottom"] <= 45 + 17.7, (part, box)


def test_information_block_starts_at_125_mm(award_pdf):
    for label in ("Aktenzeichen", "Bescheid-Nr.", "Ansprechperson", "Telefon", "E-Mail", "Datum",
                  "WIR-21-0021", "WIR-21-B2021-021", "Katrin Weber", "0611 3219-0", "29.10.2021"):
        (box,) = first_page_matches(award_pdf, label)
        assert box["x0"] >= 125 and box["x1"] <= 190, (label, box)
        assert box["top"] >= 50, (label, box)


def test_no_text_crosses_the_left_or_right_margin(award_pdf):
    with pdfplumber.open(io.BytesIO(award_pdf)) as document:
        for page in document.pages:
            for word in page.extract_words():
                assert word["x0"] * MM >= 20 - 0.1, (page.page_number, word["text"])
                assert word["x1"] * MM <= 210 - 20 + 0.1, (page.page_number, word["text"])


def test_letterhead_only_on_the_first_page(award_pdf, award_pages):
    (top,) = [box for box in first_page_matches(award_pdf, AUTHORITY) if box["top"] < 45]
    assert top["x0"] >= 25 - 0.1
    for text in award_pages[1:]:
        assert AUTHORITY not in text
        assert "Referat II 5" not in text
    assert "Referat II 5 – Integration" in award_pages[0]


def test_follow_up_pages_carry_number_and_date_in_their_head(award_pages):
    for text in award_pages[1:]:
        assert text.splitlines()[0] == "Zuwendungsbescheid Nr. WIR-21-B2021-021 vom 29.10.2021"


def test_fold_and_hole_marks_in_the_left_margin_of_the_first_page_only(award_pdf):
    def marks(page):
        return sorted(round(rect["top"] * MM, 1) for rect in page.rects + page.lines if rect["x1"] * MM <= 20)

    with pdfplumber.open(io.BytesIO(award_pdf)) as document:
        assert marks(document.pages[0]) == [105.0, 148.5, 210.0]
        for page in document.pages[1:]:
            assert marks(page) == []


def test_long_address_of_six_lines_stays_inside_the_address_zone():
    data = snapshot()
    lines = ["Magistrat der Universitätsstadt Gießen", "Amt für Soziales und Integration",
             "Fachdienst Integration", "z. Hd. Frau Dr. Annegret Müller-Lüdenscheidt", "Berliner Platz 1",
             "35390 Gießen"]
    data["recipient"]["address_lines"] = lines
    pdf = render_notice_pdf(data)
    for line in lines:
        (box,) = first_page_matches(pdf, line)
        assert box["x0"] >= 20 and box["x1"] <= 105, (line, box)
        assert box["top"] >= 62.7 and box["bottom"] <= 90, (line, box)


def test_a_seven_year_plan_with_millions_still_fits_between_the_margins():
    data = snapshot()
    years = data["award"]["plan"]["years"]
    for year in (2026, 2027):
        years.append({**copy.deepcopy(years[-1]), "year": year})
    years[0]["expenditures"][0]["amount"] = "1106750.00"
    years[0]["financing"]["eigenmittel"] = "1022250.00"
    pdf = render_notice_pdf(data)
    text = flat(full_text(pdf))
    assert "Ausgaben 2021 2022 2023 2024 2025 2026 2027 Summe" in text
    assert "1.106.750,00 109.375,00 112.000,00" in text  # neighbouring cells stay apart
    assert "Gesamtausgaben 1.122.250,00 124.875,00" in text
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for word in page.extract_words():
                assert word["x0"] * MM >= 20 - 0.1 and word["x1"] * MM <= 190 + 0.1, word["text"]


# ---- PDF/A, metadata, fonts -----------------------------------------------------------------

def xmp_root(pdf: bytes) -> ET.Element:
    reader = PdfReader(io.BytesIO(pdf))
    root = cast(DictionaryObject, reader.trailer["/Root"])
    raw = cast(StreamObject, root["/Metadata"].get_object()).get_data()
    return ET.fromstring(raw.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])


def test_pdfa_3b_is_declared_in_the_xmp_metadata_with_an_output_intent(award_pdf):
    root = xmp_root(award_pdf)
    declared = {(d.get(f"{{{XMP_NS['pdfaid']}}}part"), d.get(f"{{{XMP_NS['pdfaid']}}}conformance"))
                for d in root.iter(f"{{{XMP_NS['rdf']}}}Description")}
    assert ("3", "B") in declared
    intents = PdfReader(io.BytesIO(award_pdf)).trailer["/Root"]["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"


def test_metadata_names_title_author_subject_language_and_date(award_pdf):
    reader = PdfReader(io.BytesIO(award_pdf))
    info = reader.metadata
    assert info.title == "Zuwendungsbescheid WIR-21-B2021-021"
    assert info.author == AUTHORITY
    assert info.subject == ("Zuwendung an Kreisausschuss des Werra-Meißner-Kreises für "
                            "„WIR-Vielfaltszentrum Werra-Meißner-Kreis“ (Aktenzeichen WIR-21-0021)")
    assert info["/CreationDate"] == info["/ModDate"] == "D:20211029"
    assert reader.trailer["/Root"]["/Lang"] == "de"
    root = xmp_root(award_pdf)
    title = root.find(".//dc:title/rdf:Alt/rdf:li", XMP_NS)
    creator = root.find(".//dc:creator/rdf:Seq/rdf:li", XMP_NS)
    assert (title.text, creator.text) == ("Zuwendungsbescheid WIR-21-B2021-021", AUTHORITY)


def used_fonts(pdf: bytes) -> list[dict]:
    """Every font of every page: its name and the embedded font program, if any."""
    fonts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = cast(DictionaryObject, page["/Resources"])
        for font in cast(DictionaryObject, resources["/Font"]).values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            program = next((descriptor[key].get_object().get_data()
                            for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor), None)
            fonts.append({"name": str(font["/BaseFont"]), "program": program})
    return fonts


@pytest.mark.parametrize("kind", ["award", "draft", "presentation"])
def test_every_font_is_embedded_and_is_open_sans(kind, award_pdf, draft_pdf):
    pdf = {"award": award_pdf, "draft": draft_pdf,
           "presentation": render_presentation_pdf([SNAPSHOT], CEREMONY)}[kind]
    fonts = used_fonts(pdf)
    assert fonts
    for font in fonts:
        assert font["program"], f"{font['name']} is not embedded"
        family = TTFont(io.BytesIO(font["program"]))["name"].getDebugName(1)
        assert family.startswith("Open Sans"), (font["name"], family)


def test_a_font_that_cannot_be_loaded_stops_the_render(monkeypatch):
    """No silent fallback to a system font: in a fresh thread (no cached fonts) with the font
    files refused, rendering fails with an ordinary error."""
    monkeypatch.setattr(render_module._FontFilesOnly, "allowed", frozenset())
    outcome = {}

    def attempt():
        try:
            render_notice_pdf(SNAPSHOT)
        except Exception as error:  # noqa: BLE001 - the test wants to see which
            outcome["error"] = error

    worker = threading.Thread(target=attempt)
    worker.start()
    worker.join()
    assert isinstance(outcome.get("error"), RuntimeError)


# ---- Determinism ------------------------------------------------------------------------------

@pytest.mark.real_render
def test_the_same_snapshot_renders_to_the_same_bytes(award_pdf):
    again = render_notice_pdf(copy.deepcopy(SNAPSHOT))
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(award_pdf).hexdigest()


@pytest.mark.real_render
def test_the_bytes_do_not_depend_on_the_cached_font_configuration(award_pdf):
    """Another thread builds its own font configuration and stylesheets from scratch."""
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("pdf", render_notice_pdf(SNAPSHOT)))
    worker.start()
    worker.join()
    assert result["pdf"] == award_pdf


@pytest.mark.real_render
def test_the_bytes_do_not_depend_on_the_process_or_its_hash_seed(award_pdf):
    """A separate Python process with another hash seed (set and dict orders, temporary
    font folder) renders the same bytes."""
    script = ("import json, sys, django; django.setup(); "
              "from grants.notices.render import render_notice_pdf; "
              "sys.stdout.buffer.write(render_notice_pdf(json.loads(sys.stdin.read())))")
    env = {**os.environ, "PYTHONHASHSEED": "4711", "DJANGO_SETTINGS_MODULE": "wirfunding.settings_test"}
    result = subprocess.run([sys.executable, "-c", script], input=json.dumps(SNAPSHOT).encode(),
                            capture_output=True, env=env, cwd=settings.BASE_DIR, check=True, timeout=120)
    assert hashlib.sha256(result.stdout).hexdigest() == hashlib.sha256(award_pdf).hexdigest()


# ---- Draft ------------------------------------------------------------------------------------

def test_draft_is_marked_entwurf_on_every_page(draft_pdf):
    with pdfplumber.open(io.BytesIO(draft_pdf)) as document:
        assert len(document.pages) >= 2
        for page in document.pages:
            assert "".join(char["text"] for char in page.chars if char["size"] > 40) == "ENTWURF"


def test_draft_shows_entwurf_instead_of_the_number(draft_pdf):
    text = full_text(draft_pdf)
    assert "WIR-21-B2021-021" not in text
    (box,) = first_page_matches(draft_pdf, "Bescheid-Nr. ENTWURF")
    assert box["x0"] >= 125


def test_issued_notice_has_no_draft_mark(award_pdf):
    with pdfplumber.open(io.BytesIO(award_pdf)) as document:
        assert not [char for page in document.pages for char in page.chars if char["size"] > 40]
    assert "ENTWURF" not in full_text(award_pdf)


# ---- Rejection and amendment ----------------------------------------------------------------

def test_rejection_states_refusal_and_reason_without_award_parts():
    text = flat(full_text(render_notice_pdf(rejection_snapshot())))
    assert "Ablehnungsbescheid – Landesprogramm „WIR – Vielfalt und Teilhabe“" in text
    assert "I. Ablehnung" in text
    assert ("Ihren Antrag vom 14.12.2020 auf Gewährung einer Zuwendung aus dem Landesprogramm "
            "„WIR – Vielfalt und Teilhabe“ für das Vorhaben „WIR-Vielfaltszentrum Werra-Meißner-Kreis“") in text
    assert "lehne ich ab." in text
    assert "Die Mittel des Haushaltsjahres 2021 sind vollständig gebunden." in text
    assert "Rechtsbehelfsbelehrung" in text and "Verwaltungsgericht Kassel" in text
    assert "Im Auftrag" in text
    for award_only in ("I. Bewilligung", "Finanzierungsplan", "Nachweis der Verwendung", "500.000,00",
                       "Mittelabruf", "Nebenbestimmungen"):
        assert award_only not in text, award_only


def test_snapshot_text_is_printed_literally_not_as_markup():
    text = flat(full_text(render_notice_pdf(rejection_snapshot())))
    assert "Eine Förderung <b>ist</b> daher nicht möglich." in text


def test_amendment_refers_to_the_notice_states_the_changes_and_prints_the_binding_plan():
    text = flat(full_text(render_notice_pdf(amendment_snapshot())))
    assert "Änderungsbescheid zum Zuwendungsbescheid WIR-21-B2021-021 vom 29.10.2021" in text
    assert "I. Änderung" in text
    assert "Nr. 4 wird geändert: Die Personalausgaben 2022 erhöhen sich um 2.000,00 €." in text
    assert ("Im Übrigen bleibt der Bescheid Nr. WIR-21-B2021-021 vom 29.10.2021 einschließlich seiner "
            "Nebenbestimmungen unverändert.") in text
    assert "Rechtsbehelfsbelehrung" in text and "WIR-22-B2022-007" in text and "16.05.2022" in text
    # The award as it stands after the change: period, amounts per year, plan and proof deadlines.
    for binding in ("Finanzierungsplan", "Gesamtausgaben", "Nachweis der Verwendung"):
        assert binding in text, binding


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        render_notice_pdf(snapshot(kind="mahnung"))


# ---- Presentation copy ------------------------------------------------------------------------

def presentation_snapshots(count: int) -> list[dict]:
    result = []
    for index in range(count):
        data = snapshot(number=f"WIR-21-B2021-{index + 1:03d}")
        data["recipient"]["body"] = f"Kreisausschuss des Landkreises Nummer {index + 1}"
        data["award"]["total_display"] = f"{index + 1}00.000,00 €"
        result.append(data)
    return result


def test_presentation_has_one_landscape_page_per_snapshot_with_amount_and_ceremony():
    snapshots = presentation_snapshots(3)
    pdf = render_presentation_pdf(snapshots, CEREMONY)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    texts = pages_text(pdf)
    for index, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
        assert f"Kreisausschuss des Landkreises Nummer {index}" in text
        assert f"{index}00.000,00 €" in text
        assert "WIR – Vielfalt und Teilhabe" in text
        assert "01.01.2021 bis 31.12.2025" in text
        assert "Überreicht am 29.10.2021 in Eschwege durch Staatssekretärin Anne Janz" in text
        assert AUTHORITY in text


def test_presentation_falls_back_to_the_snapshots_own_ceremony():
    data = snapshot()
    data["ceremony"] = {"date": "2021-11-05", "place": "Kassel", "official_title": "Staatsminister",
                        "official_name": "Kai Klose"}
    text = full_text(render_presentation_pdf([data], None))
    assert "Überreicht am 05.11.2021 in Kassel durch Staatsminister Kai Klose" in text


def test_presentation_is_pdfa_3b_with_metadata():
    pdf = render_presentation_pdf(presentation_snapshots(2), CEREMONY)
    root = xmp_root(pdf)
    assert any(d.get(f"{{{XMP_NS['pdfaid']}}}part") == "3" for d in root.iter(f"{{{XMP_NS['rdf']}}}Description"))
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info.title == "Übergabeexemplare – WIR – Vielfalt und Teilhabe – 29.10.2021, Eschwege"
    assert info.author == AUTHORITY
    assert "Kreisausschuss des Landkreises Nummer 2" in info.subject
    assert info["/CreationDate"] == "D:20211029"


def test_presentation_of_33_recipients_is_one_render_of_33_pages():
    pdf = render_presentation_pdf(presentation_snapshots(33), CEREMONY)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 33
    assert pdf == render_presentation_pdf(presentation_snapshots(33), CEREMONY)


def test_presentation_refuses_a_rejection_and_an_empty_list():
    with pytest.raises(ValueError):
        render_presentation_pdf([rejection_snapshot()], CEREMONY)
    with pytest.raises(ValueError):
        render_presentation_pdf([], CEREMONY)
