"""A reclaim in a real browser: the clerk closes the check of an interim proof with a reclaim
proposal, sends the Anhörungsschreiben, the coordinator answers on the reclaim page, a second
person records the weighing and fixes it (the Rückforderungsbescheid is issued), the clerk books the
repayment of principal and interest, and the coordinator sees it settled on the grant page; the
programme administration adds a base rate. axe-core checks every page.

"Today" is 01.03.2024 for every thread (`on_day`). The award (2021–2025) was paid 20.000,00 €
for 2023 on 02.01.2023; 10.000,00 € of it are reclaimed with interest from that day.
Interest until the day before repayment, hand-calculated (base rate + 5 percentage points):
02.01.–30.06.2023: 180 days at 6,62 % of 10.000 € / 365 = 326,47 €; 01.07.–31.12.2023:
184 days at 8,12 % / 365 = 409,34 €; 01.01.–29.02.2024: 60 days at 8,62 % / 366 = 141,31 €;
together 877,12 €, so 10.877,12 € settle the reclaim on 01.03.2024.
"""

from datetime import date
from decimal import Decimal

import pytest

from grants.models import BaseRate, Notice, Reclaim, UsageReport
from tests.browser.helpers import nav, sign_in, sign_out
from tests.grants.reclaim_fixtures import award_with_notice, ensure_base_rates, pay, submitted_interim

pytestmark = pytest.mark.django_db(transaction=True)


def test_propose_fix_repay_and_the_coordinator_sees_it_settled(page, axe, on_day, coordinator_a, clerk, approver,
                                                                programme_admin, private_storage):
    on_day(2024, 3, 1)
    ensure_base_rates()
    award, _notice = award_with_notice(coordinator_a, clerk, approver)
    pay(award, 2023, Decimal("20000.00"), date(2023, 1, 2), coordinator=coordinator_a, clerk=clerk,
        approver=approver)
    report = submitted_interim(award, coordinator_a)

    # Sachbearbeitung: the proof check ends with a reclaim proposal
    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht Sachbearbeitung")
    nav(page, "Nachweise")
    page.get_by_role("heading", name="Verwendungsnachweise", level=1).wait_for()
    axe(page, "Nachweise")
    page.get_by_role("link", name="Zwischennachweis 2023").click()
    page.get_by_role("heading", name=f"Zwischennachweis 2023 – {award.application.municipality.name}").wait_for()
    axe(page, "Nachweis prüfen")
    page.get_by_role("link", name="Mit Rückforderung abschließen").click()
    page.get_by_role("heading", name="Nachweis mit Rückforderung abschließen").wait_for()
    axe(page, "Rückforderung vorschlagen")
    page.locator("#id_award_year").select_option(label="2023")
    page.get_by_label("Nicht verwendete Mittel").check()
    page.get_by_label("Erstattungsbetrag").fill("10.000,00")
    page.get_by_label("Verzinsung ab").fill("02.01.2023")
    page.get_by_label("Begründung").fill("Die Stelle war von Januar bis Juni 2023 nicht besetzt.")
    page.get_by_role("button", name="Annehmen und Rückforderung vorschlagen").click()
    page.get_by_role("heading", name="Rückforderung 2023").wait_for()
    axe(page, "Rückforderung vorgeschlagen")
    reclaim = Reclaim.objects.get()
    assert reclaim.status == Reclaim.Status.PROPOSED and reclaim.principal == Decimal("10000.00")
    assert UsageReport.objects.get(pk=report.pk).status == UsageReport.Status.ACCEPTED
    # Only someone with signing authority fixes it (and not the proposer)
    assert page.get_by_role("button", name="Festsetzen und Bescheid erlassen").count() == 0
    # Anhörung (§ 28 HVwVfG): the clerk sends the letter; four weeks to answer
    page.get_by_role("button", name="Anhörungsschreiben versenden").click()
    page.get_by_text("die Frist zur Äußerung läuft bis 29.03.2024").wait_for()
    axe(page, "Anhörung versandt")
    assert page.get_by_role("link", name="Schreiben vom 01.03.2024 (PDF)").count() == 1
    sign_out(page)

    # Koordination answers on the reclaim page
    sign_in(page, "koordination-a")
    page.goto(f"/rueckforderungen/{reclaim.pk}/")
    page.get_by_role("heading", name="Anhörung (§ 28 HVwVfG)").wait_for()
    axe(page, "Anhörung beantworten")
    page.get_by_label("Ihre Stellungnahme").fill("Die Stelle war unbesetzt; den Betrag bestreiten wir nicht.")
    page.get_by_role("button", name="Stellungnahme absenden").click()
    page.get_by_text("Ihre Stellungnahme ist eingegangen").first.wait_for()
    axe(page, "Stellungnahme eingegangen")
    assert page.get_by_role("button", name="Stellungnahme absenden").count() == 0  # once
    sign_out(page)

    # Bewilligung fixes it: the Rückforderungsbescheid is issued
    sign_in(page, "bewilligung")
    nav(page, "Rückforderungen")
    page.get_by_role("heading", name="Rückforderungen", level=1).wait_for()
    axe(page, "Rückforderungen")
    page.get_by_role("link", name="10.000,00 €").click()
    page.get_by_role("heading", name="Rückforderung 2023").wait_for()
    axe(page, "Rückforderung festsetzen")
    main = page.locator("main").inner_text()
    assert "10.877,12 €" in main  # owed today, see the module's figures
    assert "den Betrag bestreiten wir nicht" in main and "fristgerecht" in main  # the answer beside the decision
    page.get_by_role("button", name="Festsetzen und Bescheid erlassen").click()
    page.get_by_text("Bitte die Abwägung festhalten").first.wait_for()  # the weighing is required
    axe(page, "Abwägung fehlt")
    page.get_by_label("Abwägung").fill("Die Stellungnahme bestätigt die Vakanz; Gründe für ein Absehen fehlen.")
    page.get_by_role("button", name="Festsetzen und Bescheid erlassen").click()
    page.get_by_role("heading", name="Rückforderung festsetzen", level=1).wait_for()
    axe(page, "Festsetzen bestätigen")
    assert page.get_by_label("Abwägung").input_value().startswith("Die Stellungnahme bestätigt die Vakanz")
    page.get_by_role("button", name="Verbindlich festsetzen und Bescheid erlassen").click()
    page.get_by_role("link", name="Rückforderungsbescheid").first.wait_for()
    axe(page, "Rückforderung festgesetzt")
    reclaim.refresh_from_db()
    assert reclaim.status == Reclaim.Status.ISSUED and reclaim.notice.kind == Notice.Kind.RECLAIM
    assert reclaim.due_on == date(2024, 3, 31)
    sign_out(page)

    # Sachbearbeitung books the repayment of principal and interest
    sign_in(page, "sachbearbeitung")
    page.goto(f"/rueckforderungen/{reclaim.pk}/")
    axe(page, "Rückzahlung buchen")
    page.get_by_label("Eingangsdatum").fill("01.03.2024")
    page.get_by_label("Betrag").fill("10.877,12")
    page.get_by_label("Buchungszeichen (optional)").fill("RZ-2024-0001")
    page.get_by_role("button", name="Rückzahlung buchen").click()
    page.locator(".badge", has_text="Erledigt").first.wait_for()
    axe(page, "Rückforderung erledigt")
    reclaim.refresh_from_db()
    assert reclaim.status == Reclaim.Status.SETTLED
    sign_out(page)

    # Koordination sees the settled reclaim and its notice on the grant page
    sign_in(page, "koordination-a")
    page.goto(f"/antraege/{award.application_id}/")
    axe(page, "Zuwendung mit Rückforderung")
    main = page.locator("main").inner_text()
    assert "Rückforderung 2023" in main and "Erledigt" in main and reclaim.notice.number in main
    sign_out(page)

    # Programmverwaltung enters the base rate of 01.07.2027 (a wrong date first; 0011_a loads the published ones)
    sign_in(page, "programmverwaltung")
    nav(page, "Programm")
    page.get_by_role("heading", name="Programmübersicht", level=1).wait_for()
    axe(page, "Programmübersicht")
    page.get_by_role("navigation", name="Programmseiten").get_by_role("link", name="Basiszinssatz").click()
    page.get_by_role("heading", name="Basiszinssatz (§ 247 BGB)").wait_for()
    axe(page, "Basiszinssatz")
    page.get_by_label("gültig ab").fill("15.03.2026")
    page.get_by_label("Basiszinssatz in %").fill("1,27")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Der Basiszinssatz ändert sich nur zum 1. Januar und zum 1. Juli.").wait_for()
    axe(page, "Basiszinssatz falsches Datum")
    assert not BaseRate.objects.filter(valid_from=date(2026, 3, 15)).exists()
    assert page.get_by_label("Basiszinssatz in %").input_value() == "1,27"  # what was typed is kept
    page.get_by_label("gültig ab").fill("01.07.2027")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Der Basiszinssatz ab 01.07.2027 ist mit 1,27 % erfasst.").wait_for()
    axe(page, "Basiszinssatz erfasst")
    assert BaseRate.objects.get(valid_from=date(2027, 7, 1)).rate == Decimal("1.27")
