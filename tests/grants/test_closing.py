"""Abschluss einer Zuwendung (grants/services/closing.py): every reason that keeps an award
open, named in German; the happy path with its audit entry and mail; a closed award is
read-only for proofs of use and payment requests.

The award runs 2021–2025 (interim proofs 2021–2024, final proof due 30.06.2026); the tests
start from an award whose every proof is accepted and add one obstacle at a time.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from audit.selectors import audit_entries_for
from audit.services import audit_log
from core import clock
from core.errors import InvalidTransition, NotPermitted
from grants.models import AmendmentRequest, Award, Disbursement, Notice, Reclaim, UsageReport
from grants.policies.awards import AwardNotClosable, award_closing_blockers
from grants.services.closing import award_close
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_reject,
    disbursement_release,
    disbursement_request,
)
from grants.services.usage_reports import (
    usage_report_accept,
    usage_report_attach_narrative,
    usage_report_save,
    usage_report_send_back,
    usage_report_submit,
)
from tests import factories
from tests.concurrency import run_together, slowed

M = Decimal
R = UsageReport.Status
K = UsageReport.Kind
BERLIN = ZoneInfo("Europe/Berlin")
CLOSED_AT = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)
PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)
SPENT = {"personal": M("117500.00")}


@pytest.fixture
def past_programme(db):
    return factories.make_programme(code="wir-2021", start=2021, end=2025)


@pytest.fixture
def award(past_programme, coordinator_a, clerk, approver):
    return factories.approved_award(past_programme, coordinator_a, clerk, approver)


def report(award, kind, year=None, status=R.ACCEPTED):
    return UsageReport.objects.create(award=award, kind=kind, year=year, status=status)


@pytest.fixture
def closable(award):
    """Every proof of use accepted, nothing open: the award may be closed."""
    for year in (2021, 2022, 2023, 2024):
        report(award, K.INTERIM, year)
    report(award, K.FINAL)
    return award


def reclaim(award, proposer, *, status=Reclaim.Status.PROPOSED, principal="5000.00", year=2023, decider=None):
    notice = None
    extra = {}
    if status in Reclaim.BINDING_STATUSES or status == Reclaim.Status.DISCARDED:
        extra = {"decided_by": decider, "decided_at": datetime(2026, 8, 1, tzinfo=UTC)}
    if status in Reclaim.BINDING_STATUSES:
        notice = Notice.objects.create(kind=Notice.Kind.RECLAIM, number=f"WIR-21-R-{Reclaim.objects.count() + 1}",
                                       application=award.application, award=award, issued_on=date(2026, 8, 1),
                                       issued_by=decider)
        extra["due_on"] = date(2026, 9, 1)
    return Reclaim.objects.create(
        award=award, award_year=award.years.get(budget__year=year), ground=Reclaim.Ground.UNUSED,
        principal=M(principal), reason="Nicht verwendete Mittel", interest_from=date(2024, 3, 1),
        status=status, proposed_by=proposer, notice=notice, **extra)


def amendment(award, coordinator, status):
    return AmendmentRequest.objects.create(
        award=award, number=award.amendment_requests.count() + 1, status=status, period_end=award.period_end,
        plan=award.plan_snapshot, created_by=coordinator)


def blockers_of(award):
    return award_closing_blockers(Award.objects.get(pk=award.pk))


def refused(award, user):
    with pytest.raises(AwardNotClosable) as error:
        award_close(award=award, user=user)
    award.refresh_from_db()
    assert award.status == Award.Status.RUNNING and award.closed_at is None
    assert "grants.award.closed" not in [entry.action for entry in audit_entries_for(award)]
    return error.value


# -- the happy path -------------------------------------------------------------------------------


def test_closable_award_has_no_blockers(closable):
    assert blockers_of(closable) == []


def test_clerk_closes_the_award_with_date_person_and_audit_entry(closable, clerk):
    closed = award_close(award=closable, user=clerk, now=CLOSED_AT)

    closable.refresh_from_db()
    assert closed.status == closable.status == Award.Status.CLOSED
    assert (closable.closed_at, closable.closed_by) == (CLOSED_AT, clerk)
    entry = [e for e in audit_entries_for(closable) if e.action == "grants.award.closed"]
    assert len(entry) == 1
    assert entry[0].actor == clerk and entry[0].changes == {"status": ["laufend", "abgeschlossen"]}


def test_closing_mails_the_coordinator_after_the_commit(closable, clerk, coordinator_a, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        award_close(award=closable, user=clerk, now=CLOSED_AT)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    ref = closable.application.file_reference
    assert mail.subject == f"Ihre Zuwendung {ref} ist abgeschlossen"
    assert coordinator_a.email in mail.to
    assert "am 01.09.2026 abgeschlossen" in mail.body
    assert f"/antraege/{closable.application_id}/" in mail.body
    assert "abgeschlossen" in mail.alternatives[0][0]


def test_approver_may_close_as_well(closable, approver):
    assert award_close(award=closable, user=approver).status == Award.Status.CLOSED


@pytest.mark.parametrize("status", [Disbursement.Status.PAID, Disbursement.Status.REJECTED])
def test_paid_or_rejected_payments_do_not_block(closable, coordinator_a, clerk, approver, status):
    payment = disbursement_request(award=closable, year=2025, amount=M("1000.00"), user=coordinator_a)
    if status == Disbursement.Status.PAID:
        disbursement_prepare(disbursement=payment, user=clerk)
        disbursement_release(disbursement=payment, user=approver)
        disbursement_book(disbursement=payment, user=clerk, paid_on=clock.today(), payment_reference="HKR-1")
    else:
        disbursement_reject(disbursement=payment, user=clerk, reason="Kein Bedarf")
    assert blockers_of(closable) == []


@pytest.mark.parametrize("status", [Reclaim.Status.SETTLED, Reclaim.Status.DISCARDED])
def test_settled_or_discarded_reclaims_do_not_block(closable, clerk, approver, status):
    reclaim(closable, clerk, status=status, decider=approver)
    assert blockers_of(closable) == []


@pytest.mark.parametrize("status", [AmendmentRequest.Status.REJECTED, AmendmentRequest.Status.WITHDRAWN])
def test_rejected_or_withdrawn_amendments_do_not_block(closable, coordinator_a, status):
    amendment(closable, coordinator_a, status)
    assert blockers_of(closable) == []


# -- every refusal ------------------------------------------------------------------------------


def test_missing_final_proof_blocks_with_its_due_date(award, clerk):
    for year in (2021, 2022, 2023, 2024):
        report(award, K.INTERIM, year)

    error = refused(award, clerk)

    assert error.blockers == ["Der Verwendungsnachweis liegt noch nicht vor (fällig am 30.06.2026)."]
    assert error.message.startswith("Die Zuwendung kann noch nicht abgeschlossen werden: Der Verwendungsnachweis")


@pytest.mark.parametrize(("status", "label"), [(R.DRAFT, "Entwurf"), (R.SUBMITTED, "Eingereicht"),
                                               (R.QUESTIONS, "Rückfragen")])
def test_final_proof_not_accepted_blocks(closable, clerk, status, label):
    UsageReport.objects.filter(award=closable, kind=K.FINAL).update(status=status)

    assert refused(closable, clerk).blockers == [
        f"Der Verwendungsnachweis ist noch nicht angenommen (Stand: {label})."]


def test_interim_proof_not_accepted_blocks(closable, clerk):
    UsageReport.objects.filter(award=closable, kind=K.INTERIM, year=2023).update(status=R.QUESTIONS)

    assert refused(closable, clerk).blockers == [
        "Der Zwischennachweis 2023 ist noch nicht angenommen (Stand: Rückfragen)."]


def test_missing_interim_proof_blocks(closable, clerk):
    UsageReport.objects.filter(award=closable, kind=K.INTERIM, year=2022).delete()

    assert refused(closable, clerk).blockers == [
        "Der Zwischennachweis 2022 liegt noch nicht vor (fällig am 31.03.2023)."]


@pytest.mark.parametrize(("status", "label"), [(Reclaim.Status.PROPOSED, "Vorgeschlagen"),
                                               (Reclaim.Status.ISSUED, "Festgesetzt, offen")])
def test_open_reclaim_blocks(closable, clerk, approver, status, label):
    reclaim(closable, clerk, status=status, decider=approver if status == Reclaim.Status.ISSUED else None)

    assert refused(closable, clerk).blockers == [
        f"Die Rückforderung über 5.000,00 € für 2023 ist noch offen (Stand: {label})."]


@pytest.mark.parametrize(("steps", "label"), [(0, "Angefordert"), (1, "Vorbereitet"), (2, "Freigegeben")])
def test_payment_under_way_blocks(closable, coordinator_a, clerk, approver, steps, label):
    payment = disbursement_request(award=closable, year=2025, amount=M("2500.50"), user=coordinator_a)
    if steps >= 1:
        disbursement_prepare(disbursement=payment, user=clerk)
    if steps >= 2:
        disbursement_release(disbursement=payment, user=approver)
    requested = f"{payment.requested_at.astimezone(BERLIN):%d.%m.%Y}"

    assert refused(closable, clerk).blockers == [
        f"Der Mittelabruf über 2.500,50 € für 2025 vom {requested} ist noch nicht erledigt (Stand: {label})."]


@pytest.mark.parametrize(("status", "label"), [(AmendmentRequest.Status.DRAFT, "Entwurf"),
                                               (AmendmentRequest.Status.SUBMITTED, "Eingereicht"),
                                               (AmendmentRequest.Status.RECOMMENDED, "Zur Bewilligung empfohlen")])
def test_open_amendment_request_blocks(closable, coordinator_a, clerk, status, label):
    request = amendment(closable, coordinator_a, status)
    created = f"{request.created_at.astimezone(BERLIN):%d.%m.%Y}"

    assert refused(closable, clerk).blockers == [
        f"Der Änderungsantrag vom {created} ist noch nicht entschieden (Stand: {label})."]


def test_every_reason_is_named_at_once_final_proof_first(award, coordinator_a, clerk):
    report(award, K.INTERIM, 2021)
    report(award, K.INTERIM, 2022, R.SUBMITTED)
    reclaim(award, clerk, principal="1234.56", year=2022)
    disbursement_request(award=award, year=2024, amount=M("100.00"), user=coordinator_a)
    amendment(award, coordinator_a, AmendmentRequest.Status.SUBMITTED)

    blockers = refused(award, clerk).blockers

    assert len(blockers) == 7
    assert blockers[0] == "Der Verwendungsnachweis liegt noch nicht vor (fällig am 30.06.2026)."
    assert blockers[1:4] == [
        "Der Zwischennachweis 2022 ist noch nicht angenommen (Stand: Eingereicht).",
        "Der Zwischennachweis 2023 liegt noch nicht vor (fällig am 31.03.2024).",
        "Der Zwischennachweis 2024 liegt noch nicht vor (fällig am 31.03.2025).",
    ]
    assert blockers[4].startswith("Die Rückforderung über 1.234,56 € für 2022")
    assert blockers[5].startswith("Der Mittelabruf über 100,00 € für 2024")
    assert blockers[6].startswith("Der Änderungsantrag vom")


def test_coordinator_cannot_close(closable, coordinator_a):
    with pytest.raises(NotPermitted) as error:
        award_close(award=closable, user=coordinator_a)
    assert "Nur die Sachbearbeitung oder Bewilligung" in error.value.message
    closable.refresh_from_db()
    assert closable.status == Award.Status.RUNNING


def test_programme_administrator_cannot_close(closable, programme_admin):
    with pytest.raises(NotPermitted):
        award_close(award=closable, user=programme_admin)


def test_closed_award_cannot_be_closed_again(closable, clerk, approver):
    award_close(award=closable, user=clerk, now=CLOSED_AT)

    with pytest.raises(InvalidTransition) as error:
        award_close(award=closable, user=approver)

    assert error.value.message == "Der Abschluss der Zuwendung ist im Status „Abgeschlossen“ nicht möglich."
    closable.refresh_from_db()
    assert (closable.closed_at, closable.closed_by) == (CLOSED_AT, clerk)


# -- a closed award is read-only ----------------------------------------------------------------


def close_directly(award):
    """Closed regardless of its reports: to show every proof service refuses a closed award."""
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=CLOSED_AT)


CLOSED_MESSAGE = "Die Zuwendung ist abgeschlossen und kann nicht mehr geändert werden."


def test_closed_award_refuses_a_new_proof(award, coordinator_a):
    close_directly(award)
    with pytest.raises(InvalidTransition) as error:
        usage_report_save(award=award, kind=K.INTERIM, year=2021, user=coordinator_a, expenditures=SPENT,
                          financings={})
    assert error.value.message == CLOSED_MESSAGE
    assert not UsageReport.objects.exists()


def test_closed_award_refuses_changes_upload_and_submission_of_a_draft(award, coordinator_a, private_storage):
    draft = usage_report_save(award=award, kind=K.INTERIM, year=2021, user=coordinator_a, expenditures=SPENT,
                              financings={})
    usage_report_attach_narrative(report=draft, user=coordinator_a, name="sachbericht.pdf", content=PDF)
    close_directly(award)

    for attempt in (
        lambda: usage_report_save(award=award, kind=K.INTERIM, year=2021, user=coordinator_a,
                                  expenditures={"personal": M("1.00")}, financings={}),
        lambda: usage_report_attach_narrative(report=draft, user=coordinator_a, name="neu.pdf", content=PDF),
        lambda: usage_report_submit(report=draft, user=coordinator_a, declaration=True),
    ):
        with pytest.raises(InvalidTransition) as error:
            attempt()
        assert error.value.message == CLOSED_MESSAGE
    draft.refresh_from_db()
    assert draft.status == R.DRAFT
    assert draft.expenditures.get().amount == M("117500.00")


def test_closed_award_refuses_accepting_or_sending_back(award, coordinator_a, clerk, private_storage):
    draft = usage_report_save(award=award, kind=K.INTERIM, year=2021, user=coordinator_a, expenditures=SPENT,
                              financings={})
    usage_report_attach_narrative(report=draft, user=coordinator_a, name="sachbericht.pdf", content=PDF)
    submitted = usage_report_submit(report=draft, user=coordinator_a, declaration=True)
    close_directly(award)

    with pytest.raises(InvalidTransition, match="abgeschlossen"):
        usage_report_accept(report=submitted, user=clerk)
    with pytest.raises(InvalidTransition, match="abgeschlossen"):
        usage_report_send_back(report=submitted, user=clerk, questions="Bitte Belege nachreichen.")
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED


def test_closed_award_refuses_payment_requests(closable, clerk, coordinator_a):
    award_close(award=closable, user=clerk)
    with pytest.raises(InvalidTransition, match="abgeschlossen"):
        disbursement_request(award=closable, year=2025, amount=M("10.00"), user=coordinator_a)
    assert not Disbursement.objects.exists()


# -- concurrency (PostgreSQL, real threads) ---------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("slow", ["closing", "request"])
def test_closing_and_a_payment_request_at_the_same_moment_never_both_succeed(monkeypatch, closable, clerk,
                                                                              coordinator_a, slow):
    """Either the request comes first (and then blocks the closing) or the closing does (and the
    request sees a closed award): never a payment request on a closed award."""
    module = "grants.services.closing" if slow == "closing" else "grants.services.disbursements"
    monkeypatch.setattr(f"{module}.audit_log", slowed(audit_log))

    results = run_together(
        lambda: award_close(award=closable, user=clerk),
        lambda: disbursement_request(award=closable, year=2025, amount=M("10000.00"), user=coordinator_a,
                                     stated_need="Restmittel 2025"),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    closable.refresh_from_db()
    requests = Disbursement.objects.filter(award_year__award=closable).count()
    assert (closable.status, requests) in {(Award.Status.CLOSED, 0), (Award.Status.RUNNING, 1)}
