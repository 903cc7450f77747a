"""Signing actions – issuing a notice, releasing a payment, fixing a reclaim, approving an
amendment (which issues the Änderungsbescheid) – ask for password and code again once the last
full sign-in is older than REAUTH_MAX_AGE_MINUTES; nothing happens until the person confirms."""

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from grants.models import Disbursement, Notice, Reclaim
from grants.services.disbursements import disbursement_prepare, disbursement_request
from tests import factories
from tests.accounts.conftest import device_code, enrolled, signed_in_fully
from tests.grants.reclaim_fixtures import award as reclaim_award  # noqa: F401  (fixture)
from tests.grants.reclaim_fixtures import hear, propose, submitted_interim

REAUTH = reverse("accounts:reauthenticate")
STALE = 16 * 60
pytestmark = pytest.mark.usefixtures("private_storage")


def next_of(response) -> str:
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == REAUTH
    return parse_qs(location.query)["next"][0]


def confirm(client, device, next_url: str, *, steps_ahead: int = 1):
    return client.post(REAUTH, {"password": factories.PASSWORD, "code": device_code(device, steps_ahead=steps_ahead),
                                "next": next_url})


@pytest.fixture
def approver_device(approver):
    return enrolled(approver)


@pytest.fixture
def award_for_notice(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, notice=False)


def test_issue_notice_page_asks_again_after_the_configured_time(client, two_factor, approver, approver_device,
                                                                award_for_notice):
    url = reverse("grants:notice_issue", args=[award_for_notice.application_id]) + "?art=zuwendung"
    signed_in_fully(client, approver, approver_device, seconds_ago=STALE)

    response = client.get(url)

    assert next_of(response) == url
    page = client.get(response["Location"])
    assert "Bitte bestätigen Sie Ihre Identität" in page.content.decode()
    back = confirm(client, approver_device, url)
    assert back.status_code == 302 and back["Location"] == url
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.reauthenticated", object_id=approver.pk).exists()


def test_issue_notice_post_issues_nothing_before_the_confirmation(client, two_factor, approver, approver_device,
                                                                  award_for_notice):
    url = reverse("grants:notice_issue", args=[award_for_notice.application_id]) + "?art=zuwendung"
    signed_in_fully(client, approver, approver_device, seconds_ago=STALE)

    response = client.post(url, {"issued_on": date.today().strftime("%d.%m.%Y")})

    next_of(response)
    assert not Notice.objects.filter(application=award_for_notice.application).exists()


def test_recent_sign_in_opens_the_issue_page_directly(client, two_factor, approver, approver_device,
                                                      award_for_notice):
    url = reverse("grants:notice_issue", args=[award_for_notice.application_id]) + "?art=zuwendung"
    signed_in_fully(client, approver, approver_device, seconds_ago=60)
    assert client.get(url).status_code == 200


def test_wrong_password_or_code_does_not_confirm(client, two_factor, approver, approver_device):
    signed_in_fully(client, approver, approver_device, seconds_ago=STALE)

    wrong_password = client.post(REAUTH, {"password": "falsch", "code": device_code(approver_device), "next": "/"})
    wrong_code = client.post(REAUTH, {"password": factories.PASSWORD, "code": "000000", "next": "/"})

    assert wrong_password.status_code == 200 and "Das Passwort stimmt nicht." in wrong_password.content.decode()
    assert wrong_code.status_code == 200
    assert not AuditEntry.objects.filter(action="accounts.reauthenticated").exists()


def test_release_payment_asks_again_and_releases_nothing_until_confirmed(client, two_factor, programme,
                                                                        coordinator_a, clerk, approver,
                                                                        approver_device):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    requested = disbursement_request(award=award, year=award.years.order_by("budget__year").first().budget.year,
                                     amount=Decimal("1000.00"), user=coordinator_a, stated_need="Personalkosten")
    prepared = disbursement_prepare(disbursement=requested, user=clerk)
    url = reverse("grants:payment_release", args=[prepared.pk])
    signed_in_fully(client, approver, approver_device, seconds_ago=STALE)

    response = client.post(url)

    assert next_of(response) == url  # back to the release's confirmation
    prepared.refresh_from_db()
    assert prepared.status == Disbursement.Status.PREPARED
    confirm(client, approver_device, url)
    assert client.post(url).status_code == 302
    prepared.refresh_from_db()
    assert prepared.status == Disbursement.Status.RELEASED


def test_fix_reclaim_asks_again_and_fixes_nothing_until_confirmed(client, two_factor, reclaim_award, coordinator_a,  # noqa: F811
                                                                 clerk, approver2):
    report = submitted_interim(reclaim_award, coordinator_a)
    reclaim = propose(report, clerk)
    hear(reclaim, approver2)
    device = enrolled(approver2)
    url = reverse("grants:reclaim_issue", args=[reclaim.pk])
    signed_in_fully(client, approver2, device, seconds_ago=STALE)

    response = client.post(url, {"weighing": "Die Stellungnahme ändert nichts.", "bestaetigt": "1"})

    assert next_of(response) == reverse("grants:reclaim_detail", args=[reclaim.pk])
    reclaim.refresh_from_db()
    assert reclaim.status == Reclaim.Status.PROPOSED
    confirm(client, device, reverse("grants:reclaim_detail", args=[reclaim.pk]))
    client.post(url, {"weighing": "Die Stellungnahme ändert nichts.", "bestaetigt": "1"})
    reclaim.refresh_from_db()
    assert reclaim.status == Reclaim.Status.ISSUED


def test_reauthentication_without_a_device_asks_for_the_password_only(client, two_factor, coordinator_a):
    client.force_login(coordinator_a)
    form = client.get(REAUTH).context["form"]
    assert list(form.fields) == ["password"]


def test_foreign_next_address_is_not_followed(client, two_factor, approver, approver_device):
    signed_in_fully(client, approver, approver_device, seconds_ago=STALE)
    response = confirm(client, approver_device, "https://angreifer.example/")
    assert response["Location"] == reverse("dashboard")
