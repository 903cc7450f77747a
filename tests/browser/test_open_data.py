"""The public list of awards in the browser, signed out: the footer of the sign-in page leads to
it, the filter form narrows it, the CSV link downloads the file; at 390 px nothing is wider than
the screen. axe-core checks every page; the strict CSP holds (no inline script or style)."""

import csv
import io
from datetime import date

import pytest

from tests import factories
from tests.browser.test_small_screens_and_print import PHONE, WIDER_THAN_THE_PAGE, page_width

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def awards(on_day, programme, coordinator_a, coordinator_b, clerk, approver):
    on_day(2027, 3, 1)
    return [factories.approved_award(programme, coordinator, clerk, approver, on=date(2027, 2, 1))
            for coordinator in (coordinator_a, coordinator_b)]


def test_a_visitor_finds_filters_and_downloads_the_awards(page, axe, shot, awards, body_b):
    page.goto("/konto/login/")
    axe(page, "Anmeldung")
    page.get_by_role("link", name="Offene Daten").click()
    page.wait_for_url("**/offene-daten/")
    axe(page, "Offene Daten")
    assert "dl-de/zero-2-0" in page.content()

    page.get_by_role("link", name="Tabelle 2027").click()
    page.wait_for_url("**/offene-daten/zuwendungen/wir-2026/2027/")
    axe(page, "Zuwendungen 2027")
    rows = page.locator("table.od-table tbody tr")
    assert rows.count() == 2
    shot(page, "offene-daten-2027")

    page.get_by_label("Gebietskörperschaft").select_option(label="Hochtaunuskreis")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(f"**/offene-daten/zuwendungen/wir-2026/2027/?koerperschaft={body_b.ags}")
    axe(page, "Zuwendungen 2027, Hochtaunuskreis")
    assert rows.count() == 1 and "Hochtaunuskreis" in rows.first.inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV-Datei 2027 herunterladen").click()
    assert download.value.suggested_filename == "zuwendungen-wir-2026-2027.csv"
    with open(download.value.path(), encoding="utf-8") as handle:
        records = list(csv.DictReader(io.StringIO(handle.read()), delimiter=";"))
    assert sorted(record["empfaenger"] for record in records) == ["Hochtaunuskreis", "Werra-Meißner-Kreis"]


def test_the_list_fits_a_phone(page, axe, shot, awards):
    page.set_viewport_size(PHONE)
    for path, label in (("/offene-daten/", "Offene Daten"),
                        ("/offene-daten/zuwendungen/wir-2026/2027/", "Zuwendungen 2027")):
        page.goto(path)
        axe(page, f"{label} (390 px)")
        assert page_width(page) <= PHONE["width"], page.evaluate(WIDER_THAN_THE_PAGE)
    shot(page, "offene-daten-mobil")
