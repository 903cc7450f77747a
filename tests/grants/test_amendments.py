"""Änderungsantrag → Änderungsbescheid: the service rules.

The award runs 2026–2028 with 100.000,00 € a year; its Zuwendungsbescheid is issued. The clock
stands on 01.03.2027, so 2026 is an ended budget year.
"""

import time
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from audit.selectors import audit_entries_for
from audit.services import audit_log
from core import clock
from core.errors import BudgetExceeded, DomainError, InvalidTransition, NotPermitted, PlanInvalid
from grants.models import AmendmentRequest, Award, AwardRevision, AwardYear, Budget, Disbursement, Notice
from grants.selectors.amendments import amendment_initial
from grants.selectors.deadlines import report_deadlines
from grants.services import amendments as amendments_module
from grants.services.amendments import (
    amendment_approve,
    amendment_recommend,
    amendment_reject,
    amendment_send_back,
    amendment_submit,
    amendment_withdraw,
)
from grants.services.disbursements import disbursement_request
from tests import factories
from tests.concurrency import run_together, slowed
from tests.grants.amendment_helpers import (
    BERLIN,
    SHIFTED,
    SHIFTED_END,
    frozen,
    issued_award,
    recommended,
    save,
    submitted,
    year_row,
)

D = Decimal
S = AmendmentRequest.Status
GRANT = "financing-{}-zuwendung"


@pytest.fixture(autouse=True)
def frozen_clock():
    with frozen():
        yield


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return issued_award(programme, coordinator_a, clerk, approver)


def amounts(award):
    return {row.budget.year: row.amount for row in AwardYear.objects.filter(award=award).select_related("budget")}


def pdf_text(notice) -> str:
    reader = PdfReader(BytesIO(bytes(notice.pdf)))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


# -- the happy path ---------------------------------------------------------------------------------


def test_approved_amendment_issues_the_aenderungsbescheid_and_binds_the_new_plan(
    award, coordinator_a, clerk, approver2
):
    revision_1 = AwardRevision.objects.get(award=award, number=1)
    revision_1_before = (revision_1.period_end, revision_1.amounts, revision_1.plan_snapshot)
    award_notice = Notice.objects.get(award=award, kind="zuwendung")
    request = recommended(award, coordinator_a, clerk)

    request = amendment_approve(request=request, user=approver2)

    award.refresh_from_db()
    assert request.status == S.APPROVED
    assert (request.decided_by, request.notice.kind, request.notice.refers_to) == (
        approver2, Notice.Kind.AMENDMENT, award_notice)
    assert award.period_end == SHIFTED_END
    assert amounts(award) == {2026: D("100000.00"), 2027: D("80000.00"), 2028: D("90000.00"), 2029: D("30000.00")}
    assert [row["year"] for row in award.plan_snapshot["years"]] == [2026, 2027, 2028, 2029]
    revision_2 = request.revision
    assert (revision_2.number, revision_2.period_end, revision_2.created_by) == (2, SHIFTED_END, approver2)
    assert revision_2.amounts == {"2026": "100000.00", "2027": "80000.00", "2028": "90000.00", "2029": "30000.00"}
    assert revision_2.plan_snapshot == award.plan_snapshot
    revision_1.refresh_from_db()
    assert (revision_1.period_end, revision_1.amounts, revision_1.plan_snapshot) == revision_1_before


def test_aenderungsbescheid_prints_the_changes_and_the_new_binding_plan(award, coordinator_a, clerk, approver2):
    request = amendment_approve(request=recommended(award, coordinator_a, clerk), user=approver2)

    text = pdf_text(request.notice)
    assert "Änderungsbescheid" in text
    assert Notice.objects.get(award=award, kind="zuwendung").number in text
    assert "bisher 01.01.2026 bis 31.12.2028, künftig 01.01.2026 bis 30.06.2029" in text
    assert "2027: bisher 100.000,00 €, künftig 80.000,00 €" in text
    assert "2029: bisher 0,00 €, künftig 30.000,00 €" in text
    assert "insgesamt unverändert 300.000,00 €" in text
    assert "30.06.2029" in text and "80.000,00" in text and "90.000,00" in text
    changes = request.notice.snapshot["amendment"]["changes"]
    assert "Personalausgaben WIR-Koordination 2029: bisher 0,00 €, künftig 59.000,00 €" in changes
    award.refresh_from_db()
    assert request.notice.snapshot["award"]["plan"] == award.plan_snapshot


def test_deadlines_follow_the_extended_period(award, coordinator_a, clerk, approver2):
    amendment_approve(request=recommended(award, coordinator_a, clerk), user=approver2)

    award.refresh_from_db()
    deadlines = report_deadlines(award)
    assert [d.year for d in deadlines if d.year] == [2026, 2027, 2028]
    final = deadlines[-1]
    assert (final.covers_to, final.due) == (date(2029, 6, 30), date(2029, 12, 31))


def test_second_amendment_refers_to_the_first_aenderungsbescheid_and_writes_revision_3(
    award, coordinator_a, clerk, approver2
):
    first = amendment_approve(request=recommended(award, coordinator_a, clerk), user=approver2)
    rows = {**SHIFTED, 2028: year_row("85000.00"), 2029: year_row("35000.00", personal="59000.00",
                                                                        positions="1.00", material="1000.00")}

    second = amendment_approve(request=recommended(award, coordinator_a, clerk, rows=rows), user=approver2)

    assert second.notice.refers_to == first.notice
    assert second.revision.number == 3
    assert list(award.revisions.values_list("number", flat=True)) == [1, 2, 3]


def test_shortened_period_keeps_the_dropped_year_at_zero(award, coordinator_a, clerk, approver2):
    rows = {2026: year_row("100000.00"), 2027: year_row("100000.00")}

    amendment_approve(request=recommended(award, coordinator_a, clerk, rows=rows, period_end=date(2027, 12, 31)),
                      user=approver2)

    award.refresh_from_db()
    assert award.period_end == date(2027, 12, 31)
    assert amounts(award) == {2026: D("100000.00"), 2027: D("100000.00"), 2028: D("0.00")}
    deadlines = report_deadlines(award)
    assert [d.year for d in deadlines if d.year] == [2026]
    assert (deadlines[-1].covers_to, deadlines[-1].due) == (date(2027, 12, 31), date(2028, 6, 30))


def test_a_new_draft_starts_from_the_binding_plan(award):
    period_end, expenditures, financings = amendment_initial(award)

    assert period_end == date(2028, 12, 31)
    assert sorted({line.year for line in expenditures}) == [2026, 2027, 2028]
    assert sum(f.amount for f in financings if f.source == "zuwendung") == D("300000.00")


def test_saving_twice_updates_the_one_draft(award, coordinator_a):
    first = save(award, coordinator_a)
    second = save(award, coordinator_a, reason="Neue Begründung")

    assert first.pk == second.pk
    assert AmendmentRequest.objects.get().reason == "Neue Begründung"
    assert AmendmentRequest.objects.get().amounts["2029"] == "30000.00"
    assert AmendmentRequest.objects.get().base_revision.number == 1


def test_every_transition_is_audited(award, coordinator_a, clerk, approver2):
    request = amendment_approve(request=recommended(award, coordinator_a, clerk), user=approver2)

    actions = [entry.action for entry in audit_entries_for(request)]
    assert set(actions) >= {"grants.amendment.created", "grants.amendment.submitted", "grants.amendment.recommended",
                            "grants.amendment.approved"}
    assert audit_entries_for(award).filter(action="grants.award.amended").exists()


def test_approval_mails_the_coordinator_after_commit(
    award, coordinator_a, clerk, approver2, django_capture_on_commit_callbacks
):
    request = recommended(award, coordinator_a, clerk)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        amendment_approve(request=request, user=approver2)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Änderungsantrag" in message.subject and "bewilligt" in message.subject
    assert coordinator_a.email in message.to
    assert "30.06.2029" in message.body and "300.000,00 €" in message.body


def test_send_back_returns_the_draft_with_the_questions_and_it_can_be_submitted_again(
    award, coordinator_a, clerk
):
    request = amendment_send_back(request=submitted(award, coordinator_a), user=clerk,
                                  questions="Bitte die Verschiebung begründen.")

    assert (request.status, request.review_note) == (S.DRAFT, "Bitte die Verschiebung begründen.")
    request = amendment_submit(request=save(award, coordinator_a), user=coordinator_a)
    assert request.status == S.SUBMITTED


def test_rejection_leaves_the_award_unchanged(award, coordinator_a, clerk, approver2):
    request = amendment_reject(request=recommended(award, coordinator_a, clerk), user=approver2,
                               reason="Die Verschiebung ist nicht begründet.")

    award.refresh_from_db()
    assert request.status == S.REJECTED
    assert award.period_end == date(2028, 12, 31)
    assert award.revisions.count() == 1
    assert amounts(award) == {2026: D("100000.00"), 2027: D("100000.00"), 2028: D("100000.00")}


def test_coordinator_can_withdraw_before_a_decision(award, coordinator_a):
    request = amendment_withdraw(request=submitted(award, coordinator_a), user=coordinator_a)

    assert request.status == S.WITHDRAWN
    save(award, coordinator_a)  # a new request may follow
    assert AmendmentRequest.objects.filter(status=S.DRAFT).count() == 1


# -- refusals ----------------------------------------------------------------------------------------


def refused(call, key=None):
    with pytest.raises(PlanInvalid) as caught:
        call()
    if key is not None:
        assert key in caught.value.errors, caught.value.errors
    return caught.value


def test_increase_of_the_total_grant_is_refused(award, coordinator_a):
    rows = {**SHIFTED, 2029: year_row("40000.00", personal="59000.00", positions="1.00", material="1000.00")}

    error = refused(lambda: save(award, coordinator_a, rows=rows), "plan")

    assert "Eine Erhöhung der Zuwendung ist nur mit einem neuen Antrag möglich" in error.errors["plan"][0]
    assert not AmendmentRequest.objects.exists()


def test_grant_below_what_was_called_is_refused(award, coordinator_a):
    year_2027 = AwardYear.objects.get(award=award, budget__year=2027)
    Disbursement.objects.create(award_year=year_2027, amount=D("90000.00"), requested_by=coordinator_a)

    error = refused(lambda: save(award, coordinator_a), GRANT.format(2027))

    assert "90.000,00 €" in error.errors[GRANT.format(2027)][0]


def test_dropping_a_year_with_called_funds_is_refused(award, coordinator_a):
    year_2028 = AwardYear.objects.get(award=award, budget__year=2028)
    Disbursement.objects.create(award_year=year_2028, amount=D("10000.00"), requested_by=coordinator_a)
    rows = {2026: year_row("100000.00"), 2027: year_row("100000.00")}

    refused(lambda: save(award, coordinator_a, rows=rows, period_end=date(2027, 12, 31)), "period_end")


def test_increase_of_an_ended_budget_year_is_refused(award, coordinator_a):
    rows = {**SHIFTED, 2026: year_row("110000.00"), 2027: year_row("70000.00")}

    error = refused(lambda: save(award, coordinator_a, rows=rows), GRANT.format(2026))

    assert "abgelaufen" in error.errors[GRANT.format(2026)][0]


def test_unbalanced_year_is_refused_beside_the_year(award, coordinator_a):
    rows = {**SHIFTED, 2027: year_row("80000.00", own="10000.00")}

    refused(lambda: save(award, coordinator_a, rows=rows), "year-2027")


def test_lines_after_the_requested_end_are_refused(award, coordinator_a):
    refused(lambda: save(award, coordinator_a, period_end=date(2028, 12, 31)), "expenditure-2029-personal")


def test_period_outside_the_programme_is_refused(award, coordinator_a):
    error = refused(lambda: save(award, coordinator_a, period_end=date(2031, 6, 30)), "period_end")

    assert "Förderperiode" in error.errors["period_end"][0]


def test_period_ending_before_the_award_begins_is_refused(award, coordinator_a):
    refused(lambda: save(award, coordinator_a, period_end=date(2025, 12, 31)), "period_end")


def test_submitting_a_request_that_changes_nothing_is_refused(award, coordinator_a):
    rows = {year: year_row("100000.00") for year in (2026, 2027, 2028)}
    request = save(award, coordinator_a, rows=rows, period_end=date(2028, 12, 31))

    refused(lambda: amendment_submit(request=request, user=coordinator_a), "plan")


def test_submitting_without_a_reason_is_refused(award, coordinator_a):
    request = save(award, coordinator_a, reason="")

    refused(lambda: amendment_submit(request=request, user=coordinator_a), "reason")


def test_coordinator_of_another_body_cannot_request_an_amendment(award, coordinator_b):
    with pytest.raises(NotPermitted):
        save(award, coordinator_b)
    assert not AmendmentRequest.objects.exists()


def test_coordinator_of_another_body_cannot_submit_or_withdraw(award, coordinator_a, coordinator_b):
    request = save(award, coordinator_a)

    with pytest.raises(NotPermitted):
        amendment_submit(request=request, user=coordinator_b)
    with pytest.raises(NotPermitted):
        amendment_withdraw(request=request, user=coordinator_b)


def test_ministry_staff_cannot_request_an_amendment(award, clerk):
    with pytest.raises(NotPermitted):
        save(award, clerk)


def test_closed_award_refuses_an_amendment(award, coordinator_a):
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=award.created_at)
    award.refresh_from_db()

    with pytest.raises(InvalidTransition):
        save(award, coordinator_a)


def test_no_amendment_can_be_requested_after_the_period_has_ended(award, coordinator_a):
    """The award runs 2026–2028; on 02.01.2029 its period is over."""
    draft = save(award, coordinator_a)
    with clock.frozen_at(datetime(2029, 1, 2, 10, tzinfo=BERLIN)):
        with pytest.raises(InvalidTransition, match="am 31.12.2028 abgelaufen"):
            save(award, coordinator_a)
        with pytest.raises(InvalidTransition, match="abgelaufen"):
            amendment_submit(request=draft, user=coordinator_a)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_a_second_open_request_is_not_possible(award, coordinator_a):
    submitted(award, coordinator_a)

    with pytest.raises(InvalidTransition):
        save(award, coordinator_a)
    assert AmendmentRequest.objects.count() == 1


def test_database_allows_only_one_open_request_per_award(award, coordinator_a):
    first = save(award, coordinator_a)

    with pytest.raises(IntegrityError), transaction.atomic():
        AmendmentRequest.objects.create(award=award, number=2, period_end=first.period_end, plan=first.plan,
                                        created_by=coordinator_a)


def test_recommender_may_not_decide(award, coordinator_a, approver):
    request = amendment_recommend(request=submitted(award, coordinator_a), user=approver)

    with pytest.raises(NotPermitted):
        amendment_approve(request=request, user=approver)
    with pytest.raises(NotPermitted):
        amendment_reject(request=request, user=approver, reason="Nein.")
    request.refresh_from_db()
    assert request.status == S.RECOMMENDED


def test_four_eyes_applies_to_the_amendment_not_to_the_original_recommendation(
    programme, coordinator_a, approver, approver2
):
    """approver2 recommended the original application (approver approved it); the amendment is
    recommended by approver, so approver2 may decide it and sign the Änderungsbescheid."""
    award = issued_award(programme, coordinator_a, approver2, approver)
    request = amendment_recommend(request=submitted(award, coordinator_a), user=approver)

    request = amendment_approve(request=request, user=approver2)

    assert (request.status, request.notice.issued_by) == (S.APPROVED, approver2)


def test_clerk_cannot_approve(award, coordinator_a, clerk, clerk2):
    request = amendment_recommend(request=submitted(award, coordinator_a), user=clerk2)

    with pytest.raises(NotPermitted):
        amendment_approve(request=request, user=clerk)


def test_coordinator_cannot_review(award, coordinator_a):
    request = submitted(award, coordinator_a)

    with pytest.raises(NotPermitted):
        amendment_recommend(request=request, user=coordinator_a)
    with pytest.raises(NotPermitted):
        amendment_send_back(request=request, user=coordinator_a, questions="?")


def test_approval_needs_a_recommendation(award, coordinator_a, approver2):
    with pytest.raises(InvalidTransition):
        amendment_approve(request=submitted(award, coordinator_a), user=approver2)


def test_approval_beyond_the_budget_of_a_year_is_refused_and_changes_nothing(
    award, coordinator_a, clerk, approver2, programme
):
    Budget.objects.filter(programme=programme, year=2029).update(amount=D("20000.00"))
    request = recommended(award, coordinator_a, clerk)

    with pytest.raises(BudgetExceeded) as caught:
        amendment_approve(request=request, user=approver2)

    assert "2029" in caught.value.message and "20.000,00 €" in caught.value.message
    award.refresh_from_db()
    assert award.period_end == date(2028, 12, 31)
    assert award.revisions.count() == 1
    assert not Notice.objects.filter(kind=Notice.Kind.AMENDMENT).exists()
    request.refresh_from_db()
    assert request.status == S.RECOMMENDED


def test_budget_committed_by_other_awards_counts(award, coordinator_a, coordinator_b, clerk, approver, approver2,
                                                  programme):
    Budget.objects.filter(programme=programme, year=2029).update(amount=D("120000.00"))
    factories.approved_award(programme, coordinator_b, clerk, approver, start=date(2029, 1, 1),
                             end=date(2029, 12, 31))  # commits 100.000,00 € of 2029
    request = recommended(award, coordinator_a, clerk)

    with pytest.raises(BudgetExceeded):
        amendment_approve(request=request, user=approver2)


def test_missing_budget_year_is_refused_with_a_clear_message(award, coordinator_a, clerk, approver2, programme):
    Budget.objects.filter(programme=programme, year=2029).delete()
    request = recommended(award, coordinator_a, clerk)

    with pytest.raises(BudgetExceeded) as caught:
        amendment_approve(request=request, user=approver2)

    assert "kein Haushaltsansatz" in caught.value.message and "2029" in caught.value.message


def test_approval_without_an_issued_award_notice_is_refused(programme, coordinator_a, clerk, approver, approver2):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, start=date(2026, 1, 1),
                                     end=date(2028, 12, 31), notice=False)
    request = recommended(award, coordinator_a, clerk)

    with pytest.raises(DomainError) as caught:
        amendment_approve(request=request, user=approver2)

    assert "Zuwendungsbescheid" in caught.value.message
    request.refresh_from_db()
    assert request.status == S.RECOMMENDED
    assert AwardRevision.objects.filter(award=award).count() == 1


def test_called_funds_after_the_recommendation_are_checked_again_on_approval(
    award, coordinator_a, clerk, approver2
):
    request = recommended(award, coordinator_a, clerk)
    year_2027 = AwardYear.objects.get(award=award, budget__year=2027)
    Disbursement.objects.create(award_year=year_2027, amount=D("95000.00"), requested_by=coordinator_a)

    refused(lambda: amendment_approve(request=request, user=approver2), GRANT.format(2027))
    assert amounts(award)[2027] == D("100000.00")


def test_decided_request_cannot_be_withdrawn(award, coordinator_a, clerk, approver2):
    request = amendment_approve(request=recommended(award, coordinator_a, clerk), user=approver2)

    with pytest.raises(InvalidTransition):
        amendment_withdraw(request=request, user=coordinator_a)


def test_rejection_needs_a_reason(award, coordinator_a, clerk, approver2):
    from core.errors import FieldErrors

    with pytest.raises(FieldErrors):
        amendment_reject(request=recommended(award, coordinator_a, clerk), user=approver2, reason="  ")


# -- concurrency (PostgreSQL, real threads) ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_amendment_approvals_exceeding_a_budget_year_only_one_succeeds(
    monkeypatch, programme, coordinator_a, coordinator_b, clerk, approver, approver2
):
    Budget.objects.filter(programme=programme, year=2029).update(amount=D("50000.00"))
    first = recommended(issued_award(programme, coordinator_a, clerk, approver), coordinator_a, clerk)
    second = recommended(issued_award(programme, coordinator_b, clerk, approver), coordinator_b, clerk)
    monkeypatch.setattr("grants.services.amendments.audit_log", slowed(audit_log))

    def approve(request, user):
        with frozen():  # each thread has its own clock context
            return amendment_approve(request=request, user=user)

    results = run_together(lambda: approve(first, approver), lambda: approve(second, approver2))

    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, BudgetExceeded) and "2029" in error.message
    assert AmendmentRequest.objects.filter(status=S.APPROVED).count() == 1
    assert AmendmentRequest.objects.filter(status=S.RECOMMENDED).count() == 1
    committed = sum(AwardYear.objects.filter(budget__year=2029).values_list("amount", flat=True))
    assert committed == D("30000.00")
    assert Notice.objects.filter(kind=Notice.Kind.AMENDMENT).count() == 1
    assert AwardRevision.objects.filter(number=2).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_payment_request_during_an_approval_cannot_push_a_lowered_year_below_what_was_called(
    monkeypatch, programme, coordinator_a, clerk, approver, approver2
):
    """2026 is lowered from 100.000 € to 70.000 € while 60.000 € are called; a request for
    another 20.000 € at the same moment: the approval or the request is refused, never both
    succeed (which would leave 80.000 € called against 70.000 € awarded)."""
    award = issued_award(programme, coordinator_a, clerk, approver)
    disbursement_request(award=award, year=2026, amount=D("60000.00"), user=coordinator_a)
    rows = {2026: year_row("70000.00"), 2027: year_row("115000.00"), 2028: year_row("115000.00")}
    request = recommended(award, coordinator_a, clerk, rows=rows, period_end=date(2028, 12, 31))
    checks = amendments_module._request_errors

    def checked_then_paused(*args, **kwargs):  # holds the approval open right after its check
        errors = checks(*args, **kwargs)
        time.sleep(0.4)
        return errors

    monkeypatch.setattr(amendments_module, "_request_errors", checked_then_paused)

    def in_frozen_time(fn, after: float = 0.0):
        time.sleep(after)  # the request arrives while the approval pauses after its check
        with frozen():  # each thread has its own clock context
            return fn()

    results = run_together(
        lambda: in_frozen_time(lambda: amendment_approve(request=request, user=approver2)),
        lambda: in_frozen_time(lambda: disbursement_request(award=award, year=2026, amount=D("20000.00"),
                                                            user=coordinator_a), after=0.2),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    year = AwardYear.objects.get(award=award, budget__year=2026)
    called = sum(Disbursement.objects.filter(award_year=year).values_list("amount", flat=True))
    assert called <= year.amount
