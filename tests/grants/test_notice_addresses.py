"""A notice is refused while the recipient's or its court's postal address is incomplete
(street, five-digit postal code, city): in the service, and on the page with the reason and a
link to where the address is edited."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from core.errors import DomainError
from grants.models import Notice
from grants.services.notices import notice_preview
from municipalities.models import AdministrativeCourt, Municipality
from tests import factories
from tests.grants.views import page_elements

K = Notice.Kind
ISSUED = date(2026, 10, 29)


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, on=ISSUED - timedelta(days=1),
                                    notice=False)


def issue(award, approver):
    return factories.issue_notice(award.application, approver, ISSUED)


def test_factory_bodies_have_complete_addresses(award):
    body = award.application.municipality
    assert body.address_lines == ["Kreisausschuss des Werra-Meißner-Kreises", "Schlossplatz 1", "37269 Eschwege"]
    assert body.address_missing == [] and body.administrative_court.address_missing == []


@pytest.mark.parametrize(("change", "missing"), [
    ({"street": ""}, "Straße und Hausnummer"),
    ({"postal_code": ""}, "fünfstellige Postleitzahl"),
    ({"postal_code": "3726"}, "fünfstellige Postleitzahl"),
    ({"city": "  "}, "Ort"),
])
def test_notice_is_refused_while_the_recipients_address_is_incomplete(award, approver, change, missing):
    Municipality.objects.filter(pk=award.application.municipality_id).update(**change)

    with pytest.raises(DomainError) as error:
        issue(award, approver)

    assert error.value.message == (
        "Die Anschrift des Bescheidempfängers (Kreisausschuss des Werra-Meißner-Kreises) ist unvollständig – "
        f"es fehlt: {missing}. Ein Bescheid kann erst erlassen werden, wenn die Anschrift vollständig ist.")
    assert not Notice.objects.exists()


def test_notice_is_refused_while_the_courts_address_is_incomplete(award, approver):
    AdministrativeCourt.objects.filter(seat="Kassel").update(street="", postal_code="")

    with pytest.raises(DomainError) as error:
        issue(award, approver)

    assert error.value.message == (
        "Die Anschrift des Verwaltungsgerichts Kassel für die Rechtsbehelfsbelehrung ist unvollständig – es fehlt: "
        "Straße und Hausnummer, fünfstellige Postleitzahl. Ein Bescheid kann erst erlassen werden, wenn die "
        "Anschrift vollständig ist.")
    assert not Notice.objects.exists()


def test_preview_is_refused_likewise(award, approver):
    Municipality.objects.filter(pk=award.application.municipality_id).update(city="")

    with pytest.raises(DomainError, match="ist unvollständig – es fehlt: Ort"):
        notice_preview(application=award.application, kind=K.AWARD, user=approver)


def test_notice_is_issued_once_the_address_is_complete_again(award, approver):
    Municipality.objects.filter(pk=award.application.municipality_id).update(street="")
    with pytest.raises(DomainError):
        issue(award, approver)
    Municipality.objects.filter(pk=award.application.municipality_id).update(street="Schlossplatz 1")

    notice = issue(award, approver)

    assert notice.number == "WIR-26-B2026-001"


def test_page_shows_the_reason_disables_issuing_and_links_to_the_address(client, approver, award):
    body = award.application.municipality
    Municipality.objects.filter(pk=body.pk).update(postal_code="")
    client.force_login(approver)

    response = client.get(reverse("grants:notice_issue", args=[award.application.pk]) + f"?art={K.AWARD}")

    page = page_elements(response)
    reason = " ".join(page.by_id["bescheid-vier-augen"].text.split())
    assert "Die Anschrift des Bescheidempfängers (Kreisausschuss des Werra-Meißner-Kreises) ist unvollständig" in reason
    assert "Bitte eine andere Person" not in reason
    assert page.by_id["anschrift-bearbeiten"].attrs["href"] == reverse(
        "admin:municipalities_municipality_change", args=[body.pk])
    buttons = [e for e in page.elements if e.tag == "button" and "Zuwendungsbescheid verbindlich erlassen" in e.text]
    assert "disabled" in buttons[0].attrs


def test_posting_the_form_is_refused_with_the_reason(client, approver, award):
    AdministrativeCourt.objects.filter(seat="Kassel").update(city="")
    client.force_login(approver)

    response = client.post(reverse("grants:notice_issue", args=[award.application.pk]) + f"?art={K.AWARD}",
                           {"issued_on": "29.10.2026"})

    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "Die Anschrift des Verwaltungsgerichts Kassel für die Rechtsbehelfsbelehrung ist unvollständig" in text
    court = AdministrativeCourt.objects.get(seat="Kassel")
    assert reverse("admin:municipalities_administrativecourt_change", args=[court.pk]) in text
    assert not Notice.objects.exists()
