"""After the award, in a real browser: the coordinator calls funds, the clerk prepares, an
approver releases, the clerk books; after the budget year the coordinator drafts the interim
proof of use with the actual figures, uploads the Sachbericht, declares and submits; the clerk
accepts it; the programme report then shows the payment. axe-core checks every page.

The application's clock is set for the whole process (test and live server thread alike):
`core.clock` reads the moment from its context variable, and `on_day` swaps in one whose
default is the chosen moment – so "today" is 10.03.2026 for the payment and 15.01.2027 for the
proof, whatever the real date is.
"""

import re
from decimal import Decimal

import pytest

from grants.models import Disbursement, UsageReport
from tests import factories
from tests.browser.helpers import nav, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)
D = Disbursement.Status
PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)


def test_payment_then_interim_proof_then_programme_report(page, axe, shot, on_day, programme, coordinator_a, clerk,
                                                          approver):
    on_day(2026, 3, 10)
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    detail = f"/antraege/{award.application_id}/"

    # Koordination: calls 40.000,00 € for 2026 (on 10.03. up to 5/12 of 100.000,00 € may be called)
    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht Koordination")
    page.goto(detail)
    axe(page, "Zuwendung laufend")
    page.get_by_role("link", name="Mittel abrufen").click()
    page.get_by_role("heading", name="Mittel abrufen", level=1).wait_for()
    axe(page, "Mittelabruf")
    assert "41.666,66 €" in page.locator("main").inner_text()
    page.locator("#id_year").select_option("2026")
    page.locator("#id_amount").fill("40.000,00")
    page.locator("#id_stated_need").fill("Personalkosten der Koordinationsstellen März bis Mai 2026.")
    page.get_by_role("button", name="Mittel abrufen").click()
    page.get_by_text("Der Mittelabruf über 40.000,00 € für 2026 ist eingegangen.").wait_for()
    axe(page, "Mittelabruf eingegangen")
    disbursement = Disbursement.objects.get()
    assert "Angefordert" in page.locator(f"#mittelabruf-{disbursement.pk}").inner_text()
    sign_out(page)

    # Sachbearbeitung prepares, Bewilligung releases, Sachbearbeitung books
    sign_in(page, "sachbearbeitung")
    nav(page, "Auszahlungen")
    page.get_by_role("heading", name="Auszahlungen", level=1).wait_for()
    axe(page, "Auszahlungen")
    page.get_by_role("link", name=re.compile("Prüfen und vorbereiten")).click()
    page.get_by_role("heading", name="Mittelabruf prüfen und vorbereiten").wait_for()
    axe(page, "Prüfen und vorbereiten")
    assert "40.000,00 €" in page.locator("main").inner_text()
    page.get_by_role("button", name="Vorbereiten").click()
    page.get_by_text("ist vorbereitet").wait_for()
    axe(page, "vorbereitet")
    sign_out(page)

    sign_in(page, "bewilligung")
    nav(page, "Auszahlungen")
    page.get_by_role("link", name=re.compile("^Vorbereitet")).click()
    page.wait_for_url(re.compile(r"status="))
    axe(page, "Auszahlungen vorbereitet")
    page.get_by_role("link", name=re.compile("Freigeben")).click()
    page.get_by_role("heading", name="Auszahlung freigeben", level=1).wait_for()
    axe(page, "Freigabe bestätigen")
    page.get_by_role("button", name="Auszahlung verbindlich freigeben").click()
    page.get_by_text("ist freigegeben").wait_for()
    axe(page, "freigegeben")
    sign_out(page)

    sign_in(page, "sachbearbeitung")
    nav(page, "Auszahlungen")
    page.get_by_role("link", name=re.compile("^Freigegeben")).click()
    page.wait_for_url(re.compile(r"status="))
    axe(page, "Auszahlungen freigegeben")
    page.get_by_role("link", name=re.compile("Buchen")).click()
    page.get_by_role("heading", name="Auszahlung buchen").wait_for()
    axe(page, "Buchen")
    assert page.locator("#id_paid_on").input_value() in ("10.03.2026", "2026-03-10")
    page.locator("#id_payment_reference").fill("HKR-2026-000777")
    page.get_by_role("button", name="Buchen").click()
    page.get_by_text("ist gebucht").wait_for()
    axe(page, "gebucht")
    assert Disbursement.objects.get().status == D.PAID
    sign_out(page)

    # After the budget year: the coordinator drafts, uploads, declares and submits the interim proof 2026
    on_day(2027, 1, 15)
    sign_in(page, "koordination-a")
    page.goto(detail)
    axe(page, "Zuwendung nach dem Haushaltsjahr")
    payments = page.get_by_role("region", name="Mittelabrufe und Auszahlungen")
    assert payments.locator('tr[data-year="2026"] [data-figure="paid"]').inner_text() == "40.000,00 €"
    assert "HKR-2026-000777" in page.locator(f"#mittelabruf-{disbursement.pk}").inner_text()
    row = page.locator('#nachweis-fristen tr[data-kind="zwischennachweis"][data-year="2026"]')
    assert "nicht begonnen" in row.inner_text() and "31.03.2027" in row.inner_text()
    row.get_by_role("link", name=re.compile("Nachweis erstellen")).click()
    page.get_by_role("heading", name="Zwischennachweis 2026", level=1).wait_for()
    axe(page, "Zwischennachweis leer")
    # The grant received is prefilled with what was paid out for the year.
    assert page.locator("#id_financing-zuwendung").input_value() == "40.000,00"
    page.locator("#id_expenditure-personal").fill("117.500,00")
    page.locator("#id_expenditure-mikroprojekte").fill("4.800,00")
    page.locator("#id_expenditure-sachausgaben").fill("6.900,00")
    page.locator("#id_financing-eigenmittel").fill("89.200,00")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_text("Der Entwurf des Nachweises ist gespeichert.").wait_for()
    axe(page, "Zwischennachweis Entwurf")
    page.locator("#id_narrative").set_input_files(
        files=[{"name": "Sachbericht 2026.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Sachbericht hochladen").click()
    page.get_by_text("Der Sachbericht „Sachbericht 2026.pdf“ ist hochgeladen.").wait_for()
    axe(page, "Sachbericht hochgeladen")
    page.locator("#id_declaration").check()
    shot(page, "zwischennachweis-vor-dem-einreichen")
    page.get_by_role("button", name="Nachweis einreichen").click()
    page.get_by_text("Der Zwischennachweis 2026 ist eingereicht.").wait_for()
    axe(page, "Zwischennachweis eingereicht")
    row = page.locator('#nachweis-fristen tr[data-kind="zwischennachweis"][data-year="2026"]')
    assert "Eingereicht" in row.inner_text() and "eingereicht am 15.01.2027" in row.inner_text()
    report = UsageReport.objects.get()
    assert report.status == UsageReport.Status.SUBMITTED
    assert {line.category.code: line.amount for line in report.expenditures.select_related("category")} == {
        "personal": Decimal("117500.00"), "mikroprojekte": Decimal("4800.00"), "sachausgaben": Decimal("6900.00")}
    sign_out(page)

    # Sachbearbeitung checks and accepts
    sign_in(page, "sachbearbeitung")
    nav(page, "Nachweise")
    page.get_by_role("heading", name="Verwendungsnachweise", level=1).wait_for()
    axe(page, "Verwendungsnachweise")
    page.get_by_role("link", name="Zwischennachweis 2026").click()
    page.get_by_role("heading", name=re.compile("Zwischennachweis 2026 – Werra-Meißner-Kreis")).wait_for()
    axe(page, "Nachweis prüfen")
    figures = page.locator("#nachweis-zahlen").inner_text()
    assert "117.500,00 €" in figures and "40.000,00 €" in figures
    page.get_by_role("button", name="Annehmen").click()
    page.get_by_text("Der Nachweis ist angenommen.").wait_for()
    axe(page, "Nachweis angenommen")
    assert UsageReport.objects.get().status == UsageReport.Status.ACCEPTED

    # The programme report (current period 2026–2030 by default) shows the payment
    nav(page, "Programm")
    page.get_by_role("heading", name="Programmübersicht", level=1).wait_for()
    axe(page, "Programmübersicht")
    page.get_by_role("navigation", name="Programmseiten").get_by_role("link", name="Programmbericht").click()
    page.get_by_role("heading", name="Programmbericht", level=1).wait_for()
    axe(page, "Programmbericht")
    year_2026 = page.locator("#bericht-jahre tbody tr").first
    cells = year_2026.locator("th, td").all_inner_texts()
    assert cells[:3] == ["2026", "100.000,00 €", "40.000,00 €"]
    assert cells[5] == "40.000,00 €"  # netto ausgezahlt: nothing reclaimed
    body = page.locator("#bericht-koerperschaften tbody tr").first.locator("th, td").all_inner_texts()
    assert body[:3] == ["Werra-Meißner-Kreis", "500.000,00 €", "40.000,00 €"]
    assert body[6:] == ["0", "1", "0"]  # the accepted proof is not outstanding; one award running
    shot(page, "programmbericht")
    sign_out(page)

    # Koordination sees the accepted proof
    sign_in(page, "koordination-a")
    page.goto(detail)
    axe(page, "Zuwendung mit angenommenem Nachweis")
    row = page.locator('#nachweis-fristen tr[data-kind="zwischennachweis"][data-year="2026"]')
    assert "Angenommen" in row.inner_text()
