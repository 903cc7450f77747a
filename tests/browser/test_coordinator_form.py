"""The coordinator fills the financing plan grid in a real browser: live sums, German
amounts, errors beside the field, nothing typed lost."""

import pytest

from grants.models import Application
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_live_sums_and_errors_beside_the_field_keep_what_was_typed(page, axe, programme, coordinator_a):
    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht")
    page.get_by_role("link", name="Anträge", exact=True).click()
    axe(page, "Antragsliste")
    page.get_by_role("link", name="Neuer Antrag").click()
    axe(page, "Neuer Antrag")

    page.locator("#id_title").fill("WIR-Vielfaltszentrum Werra-Meißner-Kreis")
    page.locator("#id_purpose").fill("Betrieb des WIR-Vielfaltszentrums")
    page.get_by_label("Personalausgaben WIR-Koordination 2026", exact=True).fill("118.000,00")
    page.get_by_label("Stellen (VZÄ) Personalausgaben WIR-Koordination 2026", exact=True).fill("2")
    page.get_by_label("Mikroprojekte 2026", exact=True).fill("5.000,00")
    page.get_by_label("beantragte Zuwendung 2026", exact=True).fill("100.000,00")
    page.get_by_label("Eigenmittel 2026", exact=True).fill("20.000,00")

    assert page.locator('[data-sum="expenditure"][data-year="0"]').inner_text() == "123.000,00 €"
    assert page.locator('[data-sum="difference"][data-year="0"]').inner_text() == "3.000,00 €"
    assert "Nicht ausgeglichen: 2026" in page.locator("#plan-live").inner_text()

    page.get_by_label("Sachausgaben 2027", exact=True).fill("abc")
    page.get_by_role("button", name="Speichern und weiter zum Einreichen").click()

    error = page.locator("#id_expenditure-2027-sachausgaben_error")
    assert "„abc“ ist kein gültiger Betrag" in error.inner_text()
    assert page.get_by_label("Sachausgaben 2027", exact=True).get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Personalausgaben WIR-Koordination 2026", exact=True).input_value() == "118.000,00"
    assert page.locator("#id_title").input_value() == "WIR-Vielfaltszentrum Werra-Meißner-Kreis"
    axe(page, "Antragsformular mit Fehlern")
    assert not Application.objects.exists()
