"""Payment orders in the browser (grants/views/payment_orders.py): who may use them, the day's
page with its sum check, exporting and marking, downloads that record nothing, and the
explicit, recorded re-export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from core import clock
from grants.models import Disbursement, PaymentOrderExport
from grants.services.payment_orders import export_csv, payment_orders_export
from municipalities.models import Municipality
from tests.grants.test_payment_orders import DAY, NOTHING, berlin, build_scenario, csv_rows

PAGE = reverse("grants:payment_orders")
CREATE = reverse("grants:payment_orders_create")
CONFIRMATION = "Erneut exportieren – nur nach Rücksprache mit der Landeshauptkasse"


@pytest.fixture
def scenario(programme, coordinator_a, coordinator_b, clerk, approver):
    return build_scenario(programme, coordinator_a, coordinator_b, clerk, approver)


@pytest.fixture
def export(scenario, clerk):
    return payment_orders_export(day=DAY, user=clerk)


def detail_url(export):
    return reverse("grants:payment_order_detail", args=[export.pk])


def download_url(export, fmt):
    return reverse("grants:payment_order_download", args=[export.pk, fmt])


def reexport_url(export):
    return reverse("grants:payment_order_reexport", args=[export.pk])


def all_urls(export):
    """(method, url, data) of every payment-order view."""
    return [("get", PAGE, {}), ("post", CREATE, {"tag": "2026-11-25"}), ("get", detail_url(export), {}),
            ("get", download_url(export, "csv"), {}), ("get", download_url(export, "xlsx"), {}),
            ("post", reexport_url(export), {"bestaetigt": "on"})]


# -- Access ------------------------------------------------------------------------------------


def test_coordinator_is_refused_everywhere(client, coordinator_a, export):
    client.force_login(coordinator_a)

    for method, url, data in all_urls(export):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
        assert "Nur die Sachbearbeitung oder Bewilligung" in response.content.decode()
    assert PaymentOrderExport.objects.count() == 1
    assert not AuditEntry.objects.filter(action="grants.payment_orders.reexported").exists()


def test_anonymous_user_is_sent_to_the_login(client, export):
    for method, url, data in all_urls(export):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["clerk", "approver"])
def test_clerk_and_approver_may_open_the_page(client, request, person, programme):
    client.force_login(request.getfixturevalue(person))

    assert client.get(PAGE).status_code == 200


# -- The day's page ----------------------------------------------------------------------------


def test_page_shows_the_days_released_unexported_payments_with_their_sum(client, clerk, scenario):
    client.force_login(clerk)

    html = client.get(PAGE, {"tag": "2026-11-25"}).content.decode()

    assert "Freigegeben am 25.11.2026, noch nicht exportiert" in html
    assert html.count("Kreisausschuss des Werra-Meißner-Kreises</th>") == 2
    assert html.count("Kreisausschuss des Hochtaunuskreises</th>") == 1
    assert "DE65123456780063600000" in html  # the Werra-Meißner-Kreis' TEST IBAN
    assert ("Achtung: TEST-IBAN (keine echte Bankverbindung) bei: Kreisausschuss des Hochtaunuskreises, "
            "Kreisausschuss des Werra-Meißner-Kreises.") in " ".join(html.split())
    assert "73.123,95 €" in html
    assert "Summenprüfung: 3 Zahlungen, zusammen 73.123,95 €" in html
    assert "Exportieren und markieren" in html
    assert "1.000,00 €" not in html and "2.000,00 €" not in html  # released on the 24th and the 26th


def test_page_defaults_to_today(client, clerk, scenario):
    client.force_login(clerk)

    with clock.frozen_at(berlin(DAY, 15)):
        html = client.get(PAGE).content.decode()

    assert 'value="2026-11-25"' in html
    assert "Summenprüfung: 3 Zahlungen" in html


def test_day_without_payments_says_so_and_offers_no_export(client, clerk, scenario):
    client.force_login(clerk)

    html = client.get(PAGE, {"tag": "2026-11-27"}).content.decode()

    assert "Für den 27.11.2026 gibt es keine freigegebenen, noch nicht exportierten Zahlungen." in html
    assert "Exportieren und markieren" not in html


def test_invalid_day_is_a_german_error(client, clerk, programme):
    client.force_login(clerk)

    response = client.get(PAGE, {"tag": "gestern"})

    assert response.status_code == 400
    assert "Bitte einen gültigen Tag angeben." in response.content.decode()


# -- Export ------------------------------------------------------------------------------------


def test_export_button_creates_the_export_marks_the_payments_and_shows_the_files(client, clerk, scenario):
    client.force_login(clerk)

    response = client.post(CREATE, {"tag": "2026-11-25"}, follow=True)

    export = PaymentOrderExport.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(export)
    html = response.content.decode()
    assert "Export ZA-2026-11-25-1 erstellt: 3 Zahlungen, zusammen 73.123,95 €." in html
    assert download_url(export, "csv") in html and download_url(export, "xlsx") in html
    assert "Summenprüfung: 3 Zahlungen, zusammen 73.123,95 €" in html
    assert Disbursement.objects.filter(export=export).count() == 3
    assert export.created_by == clerk


def test_second_export_of_the_day_shows_the_german_refusal(client, clerk, export):
    client.force_login(clerk)

    response = client.post(CREATE, {"tag": "2026-11-25"}, follow=True)

    assert NOTHING in response.content.decode()
    assert PaymentOrderExport.objects.count() == 1


def test_export_is_post_only(client, clerk, scenario):
    client.force_login(clerk)

    assert client.get(CREATE, {"tag": "2026-11-25"}).status_code == 405
    assert not PaymentOrderExport.objects.exists()


def test_previous_exports_are_listed_with_an_explicit_reexport_form(client, clerk, export):
    client.force_login(clerk)

    html = client.get(PAGE, {"tag": "2026-11-25"}).content.decode()

    assert "ZA-2026-11-25-1" in html and "73.123,95 €" in html
    assert f'action="{reexport_url(export)}"' in html
    assert CONFIRMATION in html and "erneut herunterladen" in html
    assert "Sachbearbeitung Test" in html


# -- Downloads and re-export -------------------------------------------------------------------


def test_downloads_deliver_the_files_and_record_nothing(client, approver, export):
    client.force_login(approver)
    entries = AuditEntry.objects.count()

    csv_response = client.get(download_url(export, "csv"))
    xlsx_response = client.get(download_url(export, "xlsx"))

    assert csv_response["Content-Disposition"] == 'attachment; filename="Zahlungsanordnungen_2026-11-25_1.csv"'
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response.content == export_csv(export)
    assert csv_rows(csv_response.content)[1][9] == "25000,50"
    assert xlsx_response["Content-Disposition"] == 'attachment; filename="Zahlungsanordnungen_2026-11-25_1.xlsx"'
    assert load_workbook(io.BytesIO(xlsx_response.content)).active["J2"].number_format == "#,##0.00 €"
    assert "no-store" in csv_response["Cache-Control"]
    assert AuditEntry.objects.count() == entries


def test_unknown_format_is_404(client, clerk, export):
    client.force_login(clerk)

    assert client.get(download_url(export, "pdf")).status_code == 404


def test_reexport_without_confirmation_is_refused_and_records_nothing(client, clerk, export):
    client.force_login(clerk)

    response = client.post(reexport_url(export), {}, follow=True)

    assert "Bitte bestätigen Sie, dass der erneute Export mit der Landeshauptkasse abgesprochen ist." in (
        response.content.decode())
    assert not AuditEntry.objects.filter(action="grants.payment_orders.reexported").exists()


def test_confirmed_reexport_is_recorded_and_gives_the_same_bytes(client, approver, export):
    client.force_login(approver)
    before = client.get(download_url(export, "csv")).content

    response = client.post(reexport_url(export), {"bestaetigt": "on"}, follow=True)

    assert response.redirect_chain[-1][0] == detail_url(export)
    assert "Export ZA-2026-11-25-1 wird erneut bereitgestellt" in response.content.decode()
    entry = AuditEntry.objects.get(action="grants.payment_orders.reexported")
    assert (entry.actor, entry.object_id) == (approver, export.pk)
    assert client.get(download_url(export, "csv")).content == before
    assert PaymentOrderExport.objects.count() == 1


def test_reexport_is_post_only(client, clerk, export):
    client.force_login(clerk)

    assert client.get(reexport_url(export)).status_code == 405
    assert not AuditEntry.objects.filter(action="grants.payment_orders.reexported").exists()


# -- Bank details ----------------------------------------------------------------------------------


def test_page_shows_the_missing_bank_details_and_disables_the_export(client, clerk, scenario):
    Municipality.objects.filter(name="Hochtaunuskreis").update(iban="")
    client.force_login(clerk)

    html = client.get(PAGE, {"tag": "2026-11-25"}).content.decode()

    text = " ".join(html.split())
    assert ("Für die Zahlungsanordnung fehlt eine gültige Bankverbindung des Zahlungsempfängers – "
            "Kreisausschuss des Hochtaunuskreises: IBAN fehlt.") in text
    assert 'disabled aria-describedby="bankverbindung-fehlt"' in html


def test_posting_the_export_without_bank_details_is_refused_with_the_reason(client, clerk, scenario):
    Municipality.objects.filter(name="Werra-Meißner-Kreis").update(bic="XX")
    client.force_login(clerk)

    response = client.post(CREATE, {"tag": "2026-11-25"}, follow=True)

    text = " ".join(response.content.decode().split())
    assert "Kreisausschuss des Werra-Meißner-Kreises: Der BIC hat 2 Zeichen; ein BIC hat 8 oder 11 Zeichen." in text
    assert not PaymentOrderExport.objects.exists()
    assert not Disbursement.objects.filter(export__isnull=False).exists()


def test_export_detail_shows_payee_iban_kassenzeichen_and_budget_line(client, clerk, export, scenario):
    client.force_login(clerk)

    text = " ".join(client.get(detail_url(export)).content.decode().split())

    assert "Kreisausschuss des Werra-Meißner-Kreises</th>" in text
    assert "DE65123456780063600000" in text
    assert f"{scenario.award_a.application.file_reference}-Z{scenario.a_first.pk:06d}" in text
