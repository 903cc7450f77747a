"""The start page lists the work waiting after the award, per capability, with links."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from grants.models import Notice, Reclaim, UsageReport
from grants.services.disbursements import disbursement_prepare, disbursement_request
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(programme, coordinator_a, clerk, approver):
    """One payment request waiting for preparation, one waiting for release, a proof to check
    and a reclaim proposal (written directly: only its status matters here)."""
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    disbursement_request(award=award, year=2026, amount=Decimal("10000.00"), user=coordinator_a)
    second = disbursement_request(award=award, year=2026, amount=Decimal("5000.00"), user=coordinator_a)
    disbursement_prepare(disbursement=second, user=clerk)
    report = UsageReport.objects.create(award=award, kind=UsageReport.Kind.INTERIM, year=2026,
                                        status=UsageReport.Status.SUBMITTED)
    Reclaim.objects.create(award=award, award_year=award.years.first(), usage_report=report,
                           ground=Reclaim.Ground.UNUSED, principal=Decimal("500.00"), reason="Nicht verbraucht.",
                           interest_from=date(2026, 6, 1), proposed_by=clerk)
    return award


def tasks(client, user) -> str:
    client.force_login(user)
    html = unescape(client.get(reverse("dashboard")).content.decode())
    return html[html.index('id="h-aufgaben"'):html.index("</section>", html.index('id="h-aufgaben"'))] \
        if 'id="h-aufgaben"' in html else ""


def test_clerk_sees_payments_to_prepare_and_proofs_to_check_not_what_needs_signing(client, work, clerk):
    section = tasks(client, clerk)
    assert f'href="{reverse("grants:payment_queue")}?status=angefordert">1 Mittelabruf wartet auf die Vorbereitung' \
        in section
    assert f'href="{reverse("grants:usage_report_list")}?status=eingereicht">1 Nachweis wartet auf die Prüfung' \
        in section
    assert "Freigabe" not in section and "Festsetzung" not in section


def test_approver_also_sees_releases_and_reclaims_to_issue(client, work, approver):
    section = tasks(client, approver)
    assert "1 Auszahlung wartet auf die Freigabe" in section
    assert f'href="{reverse("grants:reclaim_list")}?status=vorgeschlagen">1 Rückforderung wartet auf die Festsetzung' \
        in section


def test_nothing_waiting_lists_nothing_and_coordinators_see_no_ministry_tasks(client, programme, coordinator_a,
                                                                              approver):
    section = tasks(client, approver)
    for label in ("Vorbereitung", "Freigabe", "Nachweis", "Änderungsantrag", "Rückforderung"):
        assert label not in section
    assert tasks(client, coordinator_a) == ""


def test_coordinator_is_asked_to_answer_questions_and_pay_a_fixed_reclaim(client, programme, coordinator_a,
                                                                           coordinator_b, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    report = UsageReport.objects.create(award=award, kind=UsageReport.Kind.INTERIM, year=2026,
                                        status=UsageReport.Status.QUESTIONS, check_note="Belege fehlen.")
    notice = Notice.objects.create(kind=Notice.Kind.RECLAIM, number="WIR-26-B2027-004", application=award.application,
                                   award=award, issued_on=date(2027, 5, 3), issued_by=approver)
    Reclaim.objects.create(award=award, award_year=award.years.first(), usage_report=report,
                           ground=Reclaim.Ground.UNUSED, principal=Decimal("500.00"), reason="Nicht verbraucht.",
                           interest_from=date(2026, 6, 1), proposed_by=clerk, decided_by=approver,
                           status=Reclaim.Status.ISSUED, notice=notice, due_on=date(2027, 6, 2))
    detail = reverse("grants:application_detail", args=[award.application_id])

    section = tasks(client, coordinator_a)

    assert f'href="{detail}">Rückfragen zum Zwischennachweis 2026 ({award.application.file_reference}) beantworten' \
        in section
    assert f'href="{detail}">Rückforderungsbescheid WIR-26-B2027-004: bis 02.06.2027 zahlen' in section
    assert tasks(client, coordinator_b) == ""  # another body's work is not shown
