"""Every state-changing form is processed once: the same form sent twice – one after the other
(a double click, a reload, a resent request) or at the same moment from two connections – books
one repayment, one payment call, one comment, one attachment, one reclaim proposal. A form that
failed (errors shown, a rule refused it) may be corrected and sent again with the same token."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.services import audit_log
from core.models import FormSubmission
from grants.models import ApplicationAttachment, ApplicationComment, Disbursement, Reclaim, ReclaimRepayment
from tests import factories
from tests.concurrency import run_together, slowed
from tests.form_tokens import form_token

# Shared fixtures (autouse: the clock at TODAY, 01.03.2024) and helpers.
from tests.grants.reclaim_fixtures import (  # noqa: F401
    TODAY,
    at,
    award,
    fixed,
    frozen_clock,
    proposed,
    report,
)
from tests.grants.views.test_application_views import plan_post

pytestmark = pytest.mark.usefixtures("private_storage")
ALREADY_SENT = "Dieses Formular wurde bereits abgesendet."


@dataclass
class FormCase:
    user: User
    page: str                       # the page the form is on
    url: str                        # where it posts
    data: Callable[[], dict[str, Any]]  # fresh data each time (an upload is read once)
    count: Callable[[], int]        # the records the form creates
    service: str                    # the audit_log the service calls, slowed for the parallel test


def _repayment(request) -> FormCase:
    reclaim, clerk = request.getfixturevalue("fixed"), request.getfixturevalue("clerk")
    return FormCase(clerk, reverse("grants:reclaim_detail", args=[reclaim.pk]),
                    reverse("grants:reclaim_repayment", args=[reclaim.pk]),
                    lambda: {"received_on": "01.03.2024", "amount": "200,00", "reference": "RZ-2024-17"},
                    ReclaimRepayment.objects.count, "grants.services.reclaims.audit_log")


def _payment_call(request) -> FormCase:
    award, coordinator = request.getfixturevalue("award"), request.getfixturevalue("coordinator_a")
    url = reverse("grants:payment_request", args=[award.application_id])
    return FormCase(coordinator, url, url,
                    lambda: {"year": "2024", "amount": "1.000,00", "stated_need": "Personalkosten März"},
                    Disbursement.objects.count, "grants.services.disbursements.audit_log")


def _comment(request) -> FormCase:
    application = factories.in_review_application(request.getfixturevalue("programme"),
                                                  request.getfixturevalue("coordinator_a"),
                                                  request.getfixturevalue("clerk"))
    return FormCase(request.getfixturevalue("clerk"), reverse("grants:application_detail", args=[application.pk]),
                    reverse("grants:review_comment", args=[application.pk]),
                    lambda: {"comment-text": "Bitte den Stellenplan nachreichen.", "comment-visibility": "intern"},
                    ApplicationComment.objects.count, "grants.services.reviews.audit_log")


def _attachment(request) -> FormCase:
    coordinator = request.getfixturevalue("coordinator_a")
    application = factories.draft_application(request.getfixturevalue("programme"), coordinator)
    # The upload is part of the application form: it saves what was typed, then attaches.
    edit = reverse("grants:application_edit", args=[application.pk])
    return FormCase(coordinator, edit, edit,
                    lambda: plan_post() | {"upload": "", "description": "Stellenplan",
                                           "file": SimpleUploadedFile("Stellenplan.pdf", factories.PDF,
                                                                      "application/pdf")},
                    ApplicationAttachment.objects.count, "grants.services.applications.audit_log")


def _reclaim_proposal(request) -> FormCase:
    usage_report = request.getfixturevalue("report")
    url = reverse("grants:reclaim_propose", args=[usage_report.pk])
    year = usage_report.award.years.get(budget__year=2023).pk
    return FormCase(request.getfixturevalue("clerk"), url, url,
                    lambda: {"award_year": year, "ground": "nicht_verwendet", "principal": "10.000,00",
                             "interest_from": "02.01.2023", "reason": "Stelle unbesetzt."},
                    Reclaim.objects.count, "grants.services.reclaims.audit_log")


CASES = {"repayment": _repayment, "payment_call": _payment_call, "comment": _comment,
         "attachment": _attachment, "reclaim_proposal": _reclaim_proposal}


@pytest.fixture(params=list(CASES))
def case(request) -> FormCase:
    return CASES[request.param](request)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- one after the other ---------------------------------------------------------------------------


def test_the_same_form_sent_twice_is_processed_once(case):
    client = signed_in(case.user)
    token = form_token(client.get(case.page), case.url)
    before = case.count()

    first = client.post(case.url, {**case.data(), "form_token": token})
    second = client.post(case.url, {**case.data(), "form_token": token}, follow=True)

    assert first.status_code == 302
    assert case.count() == before + 1
    assert second.status_code == 200
    assert ALREADY_SENT in second.content.decode()
    assert second.redirect_chain[0][0] == first["Location"]  # back where the first one went


def test_a_form_shown_again_with_errors_can_be_corrected_and_sent_with_its_token(fixed, clerk):
    client = signed_in(clerk)
    url = reverse("grants:reclaim_repayment", args=[fixed.pk])
    token = form_token(client.get(reverse("grants:reclaim_detail", args=[fixed.pk])), url)

    too_much = client.post(url, {"received_on": "01.03.2024", "amount": "99.999,00", "form_token": token})
    corrected = client.post(url, {"received_on": "01.03.2024", "amount": "200,00", "form_token": token})

    assert too_much.status_code == 200 and corrected.status_code == 302
    assert list(ReclaimRepayment.objects.values_list("amount", flat=True)) == [Decimal("200.00")]


def test_a_form_refused_by_a_rule_can_be_sent_again_with_its_token(programme, coordinator_a):
    application = factories.draft_application(programme, coordinator_a)
    client = signed_in(coordinator_a)
    url = reverse("grants:application_edit", args=[application.pk])
    token = form_token(client.get(url), url)

    refused = client.post(url, plan_post() | {"upload": "", "form_token": token,
                                              "file": SimpleUploadedFile("a.pdf", b"<html>", "application/pdf")},
                          follow=True)
    accepted = client.post(url, plan_post() | {"upload": "", "form_token": token,
                                               "file": SimpleUploadedFile("a.pdf", factories.PDF, "application/pdf")},
                           follow=True)

    assert "kein gültiges PDF-Dokument" in refused.content.decode()
    assert ALREADY_SENT not in accepted.content.decode()
    assert application.attachments.count() == 1


def test_a_repeat_without_a_known_destination_gets_a_409_page(fixed, clerk):
    FormSubmission.objects.create(token="x" * 32, path="/irgendwo/")  # the first is still running
    response = signed_in(clerk).post(reverse("grants:reclaim_repayment", args=[fixed.pk]),
                                     {"received_on": "01.03.2024", "amount": "200,00", "form_token": "x" * 32})
    assert response.status_code == 409
    assert ALREADY_SENT in response.content.decode()
    assert not ReclaimRepayment.objects.exists()


def test_a_post_without_token_is_processed_as_before(fixed, clerk):
    """Programmatic clients send no token; CSRF still applies to them, and each request counts."""
    response = signed_in(clerk).post(reverse("grants:reclaim_repayment", args=[fixed.pk]),
                                     {"received_on": "01.03.2024", "amount": "200,00"})
    assert response.status_code == 302 and ReclaimRepayment.objects.count() == 1
    assert not FormSubmission.objects.exists()


def test_claims_older_than_the_limit_are_deleted_as_new_forms_arrive(fixed, clerk, settings):
    settings.FORM_TOKEN_MAX_AGE_HOURS = 24
    old = FormSubmission.objects.create(token="a" * 32, path="/alt/")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    recent = FormSubmission.objects.create(token="b" * 32, path="/neu/")

    signed_in(clerk).post(reverse("grants:reclaim_repayment", args=[fixed.pk]),
                          {"received_on": "01.03.2024", "amount": "200,00", "form_token": "c" * 32})

    assert set(FormSubmission.objects.values_list("token", flat=True)) == {recent.token, "c" * 32}


def test_every_post_form_carries_a_fresh_token_also_in_the_admin(admin_client):
    tokens: list[str] = []
    for url in (reverse("admin:accounts_user_add"), reverse("dashboard")):
        html = admin_client.get(url).content.decode()
        assert html.count('name="form_token"') == html.count('name="csrfmiddlewaretoken"') >= 1
        tokens += re.findall(r'name="form_token" value="([^"]+)"', html)
    assert len(set(tokens)) == len(tokens)


# -- at the same moment (two connections, PostgreSQL) ----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_is_processed_once(case, monkeypatch):
    clients = [signed_in(case.user), signed_in(case.user)]
    token = form_token(clients[0].get(case.page), case.url)
    before = case.count()
    # The service holds its transaction open: without the token both requests would pass its checks.
    monkeypatch.setattr(case.service, slowed(audit_log))

    def send(client: Client):
        with at(TODAY):
            return client.post(case.url, {**case.data(), "form_token": token}).status_code

    results = run_together(lambda: send(clients[0]), lambda: send(clients[1]))

    assert sorted(status for _kind, status in results) == [302, 409]  # the repeat: nothing known yet
    assert case.count() == before + 1
