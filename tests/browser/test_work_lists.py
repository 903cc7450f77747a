"""Work lists in a real browser: a coordinator sorts the application list by a column (with the
mouse and with the keyboard) and finds an application by a title typed without umlauts; a clerk
finds both Gießen in the work queue by typing "Giessen". axe-core checks every page shown."""

import re
from pathlib import Path

import pytest

from accounts.roles import Role
from grants.models import Application
from municipalities.models import Municipality
from tests import factories
from tests.browser.helpers import nav, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def titles(page) -> list[str]:
    return [cell.strip() for cell in page.locator("table[aria-describedby=ergebnis] tbody tr td:nth-child(2)")
            .all_inner_texts()]


def header(page, label: str):
    return page.locator("th", has=page.get_by_role("link", name=label, exact=True))


def test_coordinator_sorts_and_searches_the_application_list(page, axe, shot, programme, coordinator_a):
    older = factories.make_programme(code="wir-2021", start=2021, end=2025)
    oldest = factories.make_programme(code="wir-2016", start=2016, end=2020)
    for period, title in ((programme, "Zentrum für Vielfalt"), (older, "Begegnungsstätte Müllerstraße"),
                          (oldest, "Sprachcafé am Markt")):
        application = factories.submitted_application(period, coordinator_a)
        Application.objects.filter(pk=application.pk).update(title=title)

    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht")
    nav(page, "Anträge")
    page.get_by_role("heading", level=1).wait_for()
    axe(page, "Anträge, Standardreihenfolge")
    assert "Reihenfolge: Entwürfe und Nachforderungen zuerst" in page.locator("#reihenfolge").inner_text()

    page.get_by_role("link", name="Vorhaben", exact=True).click()
    page.wait_for_url(re.compile(r"sort=vorhaben"))
    assert header(page, "Vorhaben").get_attribute("aria-sort") == "ascending"
    assert titles(page) == ["Begegnungsstätte Müllerstraße", "Sprachcafé am Markt", "Zentrum für Vielfalt"]
    axe(page, "Anträge nach Vorhaben")

    # The keyboard: the sorted column's link turns the direction.
    page.get_by_role("link", name="Vorhaben", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sort=-vorhaben"))
    assert header(page, "Vorhaben").get_attribute("aria-sort") == "descending"
    assert titles(page) == ["Zentrum für Vielfalt", "Sprachcafé am Markt", "Begegnungsstätte Müllerstraße"]
    axe(page, "Anträge nach Vorhaben, absteigend")

    page.get_by_role("textbox", name="Suche").fill("muellerstrasse")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(re.compile(r"q=muellerstrasse"))
    assert titles(page) == ["Begegnungsstätte Müllerstraße"]
    assert "sort=-vorhaben" in page.url, "die Suche behält die Sortierung"
    assert page.get_by_role("status").first.inner_text().startswith("1 Antrag")
    axe(page, "Anträge, Suche")
    shot(page, "arbeitslisten-antraege")

    page.get_by_role("link", name="zur Standardreihenfolge").click()
    page.wait_for_url(re.compile(r"q=muellerstrasse"))
    assert header(page, "Vorhaben").get_attribute("aria-sort") is None
    axe(page, "Anträge, Suche, Standardreihenfolge")
    sign_out(page)


def test_clerk_finds_both_giessen_by_typing_giessen(page, axe, shot, programme, coordinator_a, clerk):
    giessen = [body.name for body in Municipality.objects.filter(name__contains="Gießen").order_by("name")]
    for body in Municipality.objects.filter(name__in=[*giessen, "Kassel"]):
        factories.submitted_application(programme, factories.make_user(f"k-{body.ags}", Role.KOORDINATION, body))
    factories.submitted_application(programme, coordinator_a)

    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht")
    nav(page, "Arbeitsvorrat")
    page.get_by_role("heading", level=1).wait_for()
    axe(page, "Arbeitsvorrat")
    page.get_by_role("textbox", name="Suche").fill("Giessen")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(re.compile(r"q=Giessen"))

    bodies = page.locator("table[aria-describedby=ergebnis] tbody tr td:nth-child(2)").all_inner_texts()
    shown = sorted(body.display_name for body in Municipality.objects.filter(name__in=giessen))
    assert sorted(bodies) == shown and len(shown) == 2  # "Landkreis Gießen", "Stadt Gießen"
    axe(page, "Arbeitsvorrat, Suche Giessen")
    page.get_by_role("link", name="Gebietskörperschaft", exact=True).click()
    page.wait_for_url(re.compile(r"sort=koerperschaft"))
    assert page.locator("table[aria-describedby=ergebnis] tbody tr td:nth-child(2)").all_inner_texts() == shown
    axe(page, "Arbeitsvorrat, Suche Giessen, sortiert")
    shot(page, "arbeitslisten-arbeitsvorrat")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert [line.split(";")[1] for line in content.splitlines()[1:]] == shown
