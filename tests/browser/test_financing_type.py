"""The financing type in a real browser: Bewilligung sets Anteilfinanzierung with its share on the
grant page before the Zuwendungsbescheid (a missing share is shown beside its field); after the
notice the page says why the type is fixed. The clerk's reclaim proposal shows how the suggestion
follows from the type. axe-core checks every page.

"Today" is 01.03.2024. Anteil 80 %; 100.000,00 € of 2023 paid on 02.11.2023; the interim proof 2023
reports personnel 90.000, micro-projects 5.000 (eligible 95.000), material 7.000: the grant becomes
80 % × 95.000 = 76.000, so 100.000 − 76.000 = 24.000,00 € are suggested.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Award
from grants.services.usage_reports import usage_report_attach_narrative, usage_report_save, usage_report_submit
from tests import factories
from tests.browser.helpers import sign_in, sign_out
from tests.grants.reclaim_fixtures import PDF, ensure_base_rates, pay

pytestmark = pytest.mark.django_db(transaction=True)


def test_approver_sets_anteil_before_the_notice_and_the_clerk_sees_the_calculation(
        page, axe, shot, on_day, coordinator_a, clerk, approver, private_storage):
    on_day(2024, 3, 1)
    ensure_base_rates()
    programme = factories.make_programme(code="wir-2021", start=2021, end=2025)
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2021, 10, 28), notice=False)
    detail = reverse("grants:application_detail", args=[award.application_id])

    sign_in(page, "bewilligung", axe)

    axe(page, "Übersicht")
    page.goto(detail)
    axe(page, "Antrag mit Zuwendung")
    assert "Finanzierungsart: Festbetragsfinanzierung" in page.locator("#finanzierungsart").inner_text()
    page.get_by_role("link", name="Finanzierungsart ändern").click()
    page.get_by_role("heading", name="Finanzierungsart der Zuwendung").wait_for()
    axe(page, "Finanzierungsart ändern")
    page.get_by_label("Anteilfinanzierung").check()
    page.get_by_role("button", name="Finanzierungsart speichern").click()
    page.get_by_text("Bei Anteilfinanzierung ist der Anteil in Prozent anzugeben.").wait_for()
    axe(page, "Finanzierungsart: Anteil fehlt")
    page.get_by_label("Anteil an den zuwendungsfähigen Ausgaben (%)").fill("80")
    page.get_by_role("button", name="Finanzierungsart speichern").click()
    page.locator("#finanzierungsart").wait_for()
    axe(page, "Finanzierungsart gespeichert")
    assert "Anteilfinanzierung (80 % der zuwendungsfähigen Ausgaben)" in page.locator("#finanzierungsart").inner_text()
    shot(page, "finanzierungsart-antrag")
    award = Award.objects.get(pk=award.pk)
    assert (award.financing_type, award.financing_share) == ("anteil", Decimal("80.00"))

    factories.issue_notice(award.application, approver, date(2021, 10, 29))
    page.goto(detail)
    axe(page, "Antrag nach dem Bescheid")
    assert "die Finanzierungsart steht damit fest" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Finanzierungsart ändern").count() == 0
    sign_out(page)

    pay(award, 2023, Decimal("100000.00"), date(2023, 11, 2), coordinator=coordinator_a, clerk=clerk,
        approver=approver)
    report = usage_report_save(award=award, kind="zwischennachweis", year=2023, user=coordinator_a,
                               expenditures={"personal": Decimal("90000.00"), "mikroprojekte": Decimal("5000.00"),
                                             "sachausgaben": Decimal("7000.00")},
                               financings={"zuwendung": Decimal("100000.00"), "eigenmittel": Decimal("30000.00")})
    usage_report_attach_narrative(report=report, user=coordinator_a, name="Sachbericht.pdf", content=PDF)
    usage_report_submit(report=report, user=coordinator_a, declaration=True)

    sign_in(page, "sachbearbeitung")
    page.goto(reverse("grants:reclaim_propose", args=[report.pk]))
    page.get_by_role("heading", name="Nachweis mit Rückforderung abschließen").wait_for()
    axe(page, "Rückforderung vorschlagen")
    calculation = page.locator("#berechnung").inner_text()
    assert "Anteilfinanzierung: Die Zuwendung beträgt 80 % der tatsächlichen zuwendungsfähigen Ausgaben" in calculation
    assert "80 % der zuwendungsfähigen Ausgaben\t76.000,00 €" in calculation
    assert "Vorschlag\t24.000,00 €" in calculation
    assert "Zweckverfehlung" in calculation
    assert page.get_by_label("Erstattungsbetrag").input_value() == "24.000,00"
    shot(page, "finanzierungsart-rueckforderung")
