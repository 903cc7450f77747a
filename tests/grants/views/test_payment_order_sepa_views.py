"""The SEPA file on the payment order's page (grants/views/payment_orders.py): the third
download, its details, the reason when there is none, „SEPA-Datei erstellen“, and who may."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from grants.models import PaymentOrderSepaFile
from grants.services.payment_orders import export_sepa, payment_orders_export
from tests.grants.test_payment_orders import DAY, build_scenario
from tests.grants.test_payment_orders_sepa import DEBTOR_IBAN, v2_export, validated


@pytest.fixture
def scenario(programme, coordinator_a, coordinator_b, clerk, approver):
    return build_scenario(programme, coordinator_a, coordinator_b, clerk, approver)


@pytest.fixture
def debtor(settings):
    settings.SEPA_DEBTOR_NAME = "Landeshauptkasse Hessen"
    settings.SEPA_DEBTOR_IBAN = DEBTOR_IBAN
    settings.SEPA_DEBTOR_BIC = "TESTDEFFXXX"


@pytest.fixture
def no_debtor(settings):
    settings.SEPA_DEBTOR_NAME = settings.SEPA_DEBTOR_IBAN = settings.SEPA_DEBTOR_BIC = ""


def detail_url(export):
    return reverse("grants:payment_order_detail", args=[export.pk])


def sepa_url(export):
    return reverse("grants:payment_order_download", args=[export.pk, "xml"])


def create_url(export):
    return reverse("grants:payment_order_sepa", args=[export.pk])


def test_page_offers_the_sepa_file_as_third_download_with_its_details(client, debtor, scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)
    client.force_login(clerk)

    html = client.get(detail_url(export)).content.decode()

    assert f'href="{sepa_url(export)}"' in html and "SEPA-Datei (pain.001)" in html
    assert "pain.001.001.09, Nachrichten-ID ZA-2026-11-25-1" in html
    assert f"Landeshauptkasse Hessen, <span class=\"text-nowrap\">{DEBTOR_IBAN}</span>, TESTDEFFXXX" in html
    assert export.sepa_file.sha256 in html
    assert "TEST-Konto – keine echte Bankverbindung" in html  # the paying account is a TEST IBAN
    assert "SEPA-Datei erstellen" not in html


def test_download_delivers_the_stored_bytes_as_xml_and_records_nothing(client, debtor, scenario, approver, clerk):
    export = payment_orders_export(day=DAY, user=clerk)
    client.force_login(approver)
    entries = AuditEntry.objects.count()

    response = client.get(sepa_url(export))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response["Content-Disposition"] == 'attachment; filename="Zahlungsanordnungen_2026-11-25_1.xml"'
    assert response.content == export_sepa(export) == client.get(sepa_url(export)).content
    validated(response.content)
    assert AuditEntry.objects.count() == entries


def test_without_paying_account_the_page_says_what_to_configure_and_the_button_is_disabled(
        client, no_debtor, scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)
    client.force_login(clerk)

    html = client.get(detail_url(export)).content.decode()

    assert sepa_url(export) not in html
    assert "SEPA_DEBTOR_NAME, SEPA_DEBTOR_IBAN und SEPA_DEBTOR_BIC" in html
    assert 'disabled aria-describedby="sepa-hinweis"' in html
    assert reverse("grants:payment_order_download", args=[export.pk, "csv"]) in html


def test_download_without_file_returns_to_the_page_with_the_reason(client, no_debtor, scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)
    client.force_login(clerk)

    response = client.get(sepa_url(export), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(export)
    assert "SEPA_DEBTOR_IBAN fehlt" in response.content.decode()


def test_sepa_file_made_later_with_the_button_is_recorded(client, settings, debtor, clerk):
    export = v2_export(clerk)
    client.force_login(clerk)
    html = client.get(detail_url(export)).content.decode()
    assert "Zu diesem Export gibt es noch keine SEPA-Datei" in html and f'action="{create_url(export)}"' in html

    response = client.post(create_url(export), follow=True)

    html = response.content.decode()
    assert "SEPA-Datei ZA-2026-11-20-1 erstellt (1 Zahlung, zusammen 100,00 €" in html
    assert f'href="{sepa_url(export)}"' in html
    assert AuditEntry.objects.filter(action="grants.payment_orders.sepa_created").count() == 1

    response = client.post(create_url(export), follow=True)
    assert "gibt es bereits eine SEPA-Datei" in response.content.decode()
    assert PaymentOrderSepaFile.objects.count() == 1


def test_coordinator_may_neither_download_nor_make_the_sepa_file(client, debtor, scenario, clerk, coordinator_a):
    export = payment_orders_export(day=DAY, user=clerk)
    client.force_login(coordinator_a)

    assert client.get(sepa_url(export)).status_code == 403
    assert client.post(create_url(export)).status_code == 403


def test_making_the_sepa_file_is_post_only(client, debtor, clerk):
    export = v2_export(clerk)
    client.force_login(clerk)

    assert client.get(create_url(export)).status_code == 405
    assert not PaymentOrderSepaFile.objects.exists()
