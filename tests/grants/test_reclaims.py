"""Rückforderung services: propose from the check of a proof of use, issue the
Rückforderungsbescheid (four-eyes), discard, book repayments, keep the base-rate table.
Every refusal with its German message; the notice PDF read back.

Scenario (tests/grants/reclaim_fixtures.py): award 2021–2025, 20.000,00 € of 2023 paid on
02.01.2023, interim proof 2023 submitted; today is 01.03.2024. A reclaim of 10.000,00 € with
interest from 02.01.2023, issued on 01.03.2024, is due on 31.03.2024 (30 days). Its interest
until 30.03.2024:
  02.01.–30.06.2023: 180 days at 6,62 %: 10.000 × 6,62 × 180 / 36.500 = 326,4657 → 326,47
  01.07.–31.12.2023: 184 days at 8,12 %: 10.000 × 8,12 × 184 / 36.500 = 409,3370 → 409,34
  01.01.–30.03.2024:  90 days at 8,62 %: 10.000 × 8,62 ×  90 / 36.600 = 211,9672 → 211,97
  total 947,78; due by 31.03.2024: 10.947,78 €.
"""

import io
from datetime import date
from decimal import Decimal
from unittest import mock

import pdfplumber
import pytest
from django.core import mail
from pypdf import PdfReader

from audit.selectors import audit_entries_for
from audit.services import audit_log
from core.errors import DomainError, FieldErrors, InvalidTransition, NotPermitted
from grants.models import Award, BaseRate, IssuedRecordError, Notice, Reclaim, ReclaimRepayment, UsageReport
from grants.selectors.awards import award_notice_of
from grants.selectors.reclaims import reclaim_balance, reclaim_suggestion
from grants.services.notices import notice_preview
from grants.services.reclaims import (
    base_rate_set,
    reclaim_book_repayment,
    reclaim_discard,
    reclaim_issue,
    reclaim_propose,
)
from tests import factories
from tests.concurrency import run_together, slowed

# Shared fixtures (autouse: the clock at TODAY) and helpers.
from tests.grants.reclaim_fixtures import (  # noqa: F401
    TODAY,
    WEIGHING,
    at,
    award,
    award_with_notice,
    fixed,
    frozen_clock,
    hear,
    issued,
    pay,
    propose,
    proposed,
    report,
    submitted_interim,
)

# Every test here may write files: into a temporary directory (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("private_storage")

M = Decimal
RS = Reclaim.Status


def text_of(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(bytes(pdf))) as document:
        return " ".join(" ".join((page.extract_text() or "").replace("\xa0", " ").split()) for page in document.pages)


# -- proposal ----------------------------------------------------------------------------------


def test_proposal_accepts_the_report_and_creates_the_proposed_reclaim(proposed, report, clerk):
    report.refresh_from_db()
    assert report.status == UsageReport.Status.ACCEPTED
    assert report.checked_by == clerk and report.check_note.startswith("Die Stelle war")
    assert proposed.status == RS.PROPOSED and proposed.principal == M("10000.00")
    assert proposed.award_year.year == 2023 and proposed.usage_report == report
    assert [e.action for e in audit_entries_for(proposed)] == ["grants.reclaim.proposed"]


def test_proposal_keeps_a_separate_check_note(report, clerk):
    propose(report, clerk, note="Geprüft mit Belegen.")
    report.refresh_from_db()
    assert report.check_note == "Geprüft mit Belegen."


@pytest.mark.parametrize("principal, message", [
    (M("0.00"), "größer als 0,00 €"),
    (M("-5.00"), "größer als 0,00 €"),
    (M("10.005"), "zwei Nachkommastellen"),
    (M("20000.01"), "höchstens 20.000,00 €"),
])
def test_proposal_refuses_a_bad_principal(report, clerk, principal, message):
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, principal=principal)
    assert message in refusal.value.errors["principal"][0]
    assert Reclaim.objects.count() == 0
    report.refresh_from_db()
    assert report.status == UsageReport.Status.SUBMITTED


def test_proposal_counts_earlier_proposed_reclaims_of_the_year(proposed, award, coordinator_a, clerk):
    # A final proof, so that a second proposal for 2023 is possible: 20.000 paid − 10.000 proposed.
    final = UsageReport.objects.create(award=award, kind=UsageReport.Kind.FINAL, status=UsageReport.Status.SUBMITTED)
    with pytest.raises(FieldErrors) as refusal:
        reclaim_propose(report=final, user=clerk, award_year=award.years.get(budget__year=2023),
                        ground="nicht_verwendet", principal=M("10000.01"), reason="Rest",
                        interest_from=date(2023, 1, 2))
    assert "bereits 10.000,00 €" in refusal.value.errors["principal"][0]
    assert "höchstens 10.000,00 €" in refusal.value.errors["principal"][0]


def test_proposal_refuses_a_year_of_another_award(report, clerk, coordinator_b, approver):
    programme = report.award.application.programme
    other_award = factories.approved_award(programme, coordinator_b, clerk, approver)
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, award_year=other_award.years.get(budget__year=2023))
    assert refusal.value.errors["award_year"] == ["Dieses Haushaltsjahr gehört nicht zu dieser Zuwendung."]


def test_interim_proposal_refuses_another_year(report, clerk):
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, award_year=report.award.years.get(budget__year=2022))
    assert "nur Geld des Haushaltsjahres 2023" in refusal.value.errors["award_year"][0]


def test_interest_may_not_start_before_the_first_payment(report, clerk):
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, interest_from=date(2023, 1, 1))
    assert "vor der ersten Auszahlung des Jahres 2023 (02.01.2023)" in refusal.value.errors["interest_from"][0]


def test_interest_may_not_start_in_the_future(report, clerk):
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, interest_from=date(2024, 3, 2))
    assert refusal.value.errors["interest_from"] == ["Der Zinsbeginn darf nicht in der Zukunft liegen."]


def test_reason_is_required(report, clerk):
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, reason="   ")
    assert "Bitte begründen Sie die Rückforderung" in refusal.value.errors["reason"][0]


def test_proposal_refused_for_a_closed_award(report, clerk):
    Award.objects.filter(pk=report.award_id).update(status=Award.Status.CLOSED, closed_at=report.submitted_at)
    with pytest.raises(InvalidTransition) as refusal:
        propose(report, clerk)
    assert "abgeschlossen" in refusal.value.message


def test_proposal_needs_a_submitted_report(proposed, report, clerk):
    with pytest.raises(InvalidTransition):
        propose(report, clerk, principal=M("1.00"))


def test_coordinator_cannot_propose(report, coordinator_a):
    with pytest.raises(NotPermitted):
        propose(report, coordinator_a)


def test_suggestion_is_paid_minus_the_funded_part_of_actual_expenditure(report):
    # Fehlbedarfsfinanzierung (the per-type arithmetic: tests/grants/test_financing_types.py):
    # spent 112.000, other financing (own funds) 92.000 → funded 20.000; paid 20.000 → 0,00
    Award.objects.filter(pk=report.award_id).update(financing_type="fehlbedarf")
    report.award.refresh_from_db()
    suggestion = reclaim_suggestion(report, report.award.years.get(budget__year=2023))
    assert (suggestion.paid, suggestion.spent, suggestion.funded, suggestion.amount) == (
        M("20000.00"), M("112000.00"), M("20000.00"), M("0.00"))


def test_suggestion_when_less_was_spent(award, coordinator_a, clerk):
    Award.objects.filter(pk=award.pk).update(financing_type="fehlbedarf")
    report = submitted_interim(award, coordinator_a)
    # Fehlbedarfsfinanzierung: spent 104.500 − own funds 92.000 = 12.500 funded by the grant;
    # 20.000 paid → 7.500 suggested
    # (the report is submitted, so its line is changed directly for this figure)
    line = report.expenditures.get(category__code="personal")
    line.amount = M("92500.00")
    line.save()
    suggestion = reclaim_suggestion(report, award.years.get(budget__year=2023))
    assert suggestion.funded == M("12500.00") and suggestion.amount == M("7500.00")


# -- issue -------------------------------------------------------------------------------------


def test_issue_fixes_the_reclaim_and_issues_the_notice(fixed, approver2, award):
    fixed.refresh_from_db()
    notice = fixed.notice
    assert fixed.status == RS.ISSUED and fixed.decided_by == approver2
    assert fixed.due_on == date(2024, 3, 31)
    assert notice.kind == Notice.Kind.RECLAIM and notice.number == "WIR-21-B2024-001"
    assert notice.refers_to == award_notice_of(award) and notice.award == award
    data = notice.snapshot["reclaim"]
    assert [s["interest"] for s in data["segments"]] == ["326.47", "409.34", "211.97"]
    assert data["interest_total"] == "947.78" and data["total_due"] == "10947.78"
    assert data["payment_reference"] == f"{award.application.file_reference} WIR-21-B2024-001"
    assert data["base_rates_used"] == ["2023-01-01", "2023-07-01", "2024-01-01"]


def test_issued_notice_pdf_states_the_amounts_and_is_immutable(fixed):
    notice = fixed.notice
    pdf = bytes(notice.pdf)
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Rückforderungsbescheid WIR-21-B2024-001"
    text = text_of(pdf)
    for phrase in ("I. Teilwiderruf", "II. Erstattung", "III. Verzinsung", "IV. Begründung",
                   "Rechtsbehelfsbelehrung", "10.000,00 €", "zehntausend Euro", "947,78 €", "10.947,78 €",
                   "31.03.2024", "WIR-21-B2021-001 vom 29.10.2021", "DE02 5005 0000 0001 2345 67",
                   "326,47", "409,34", "211,97", "6,62 %", "8,12 %", "8,62 %",
                   "Bei späterer Zahlung erhöhen sich die Zinsen taggenau", "Im Auftrag"):
        assert phrase in text, phrase
    notice.sha256 = "0" * 64
    with pytest.raises(IssuedRecordError):
        notice.save()
    with pytest.raises(IssuedRecordError):
        Notice.objects.filter(pk=notice.pk).delete()


def test_waived_interest_is_stated_instead_of_the_table(report, clerk, approver2):
    reclaim = issued(propose(report, clerk), approver2, interest_waived=True,
                     interest_waiver_reason="Die Vakanz war nicht vorhersehbar.")
    assert reclaim.notice.snapshot["reclaim"]["total_due"] == "10000.00"
    text = text_of(reclaim.notice.pdf)
    assert "sehe ich ab" in text and "taggenau" not in text
    assert "Die Vakanz war nicht vorhersehbar." in text


def test_proposer_cannot_issue_four_eyes(report, approver, approver2):
    reclaim = propose(report, approver)
    with pytest.raises(NotPermitted) as refusal:
        reclaim_issue(reclaim=reclaim, user=approver)
    assert "Vier-Augen-Prinzip" in refusal.value.message
    reclaim.refresh_from_db()
    assert reclaim.status == RS.PROPOSED and Notice.objects.filter(kind=Notice.Kind.RECLAIM).count() == 0
    assert issued(reclaim, approver2).status == RS.ISSUED


def test_clerk_cannot_issue(proposed, clerk2):
    with pytest.raises(NotPermitted):
        reclaim_issue(reclaim=proposed, user=clerk2)


def test_issuing_twice_is_refused(fixed, approver):
    with pytest.raises(InvalidTransition) as refusal:
        reclaim_issue(reclaim=fixed, user=approver)
    assert refusal.value.message == "Diese Rückforderung ist bereits festgesetzt."
    assert Notice.objects.filter(kind=Notice.Kind.RECLAIM).count() == 1


def test_issue_needs_the_award_notice(report, clerk, approver2):
    reclaim = propose(report, clerk)
    with mock.patch("grants.services.reclaims.award_notice_of", return_value=None), \
            pytest.raises(DomainError) as refusal:
        reclaim_issue(reclaim=reclaim, user=approver2)
    assert "noch kein Zuwendungsbescheid erlassen" in refusal.value.message
    reclaim.refresh_from_db()
    assert reclaim.status == RS.PROPOSED


def test_coordinator_is_told_by_mail_after_commit(report, clerk, approver2, django_capture_on_commit_callbacks):
    reclaim = propose(report, clerk)
    hear(reclaim, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        issued(reclaim, approver2)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "koordination-a@example.org" in message.to
    assert "Rückforderungsbescheid WIR-21-B2024-001" in message.subject
    assert "10.947,78 €" in message.body and "31.03.2024" in message.body


def test_preview_renders_a_draft_for_a_proposed_reclaim(proposed, approver2):
    pdf = notice_preview(application=proposed.award.application, kind=Notice.Kind.RECLAIM, user=approver2,
                         refers_to=award_notice_of(proposed.award), reclaim=proposed)
    text = text_of(pdf)
    assert "ENTWURF" in text and "10.000,00 €" in text
    assert Notice.objects.filter(kind=Notice.Kind.RECLAIM).count() == 0


# -- discard -----------------------------------------------------------------------------------


def test_discard_needs_a_reason_and_another_person(proposed, clerk, approver2):
    with pytest.raises(FieldErrors):
        reclaim_discard(reclaim=proposed, user=approver2, reason=" ")
    reclaim = reclaim_discard(reclaim=proposed, user=approver2, reason="Belege nachgereicht.")
    assert reclaim.status == RS.DISCARDED and reclaim.discard_reason == "Belege nachgereicht."


def test_proposer_cannot_discard(report, approver):
    reclaim = propose(report, approver)
    with pytest.raises(NotPermitted):
        reclaim_discard(reclaim=reclaim, user=approver, reason="x")


def test_issued_reclaim_cannot_be_discarded(fixed, approver):
    with pytest.raises(InvalidTransition):
        reclaim_discard(reclaim=fixed, user=approver, reason="x")


# -- repayments --------------------------------------------------------------------------------


def test_partial_repayment_goes_to_interest_first(fixed, clerk):
    # Received 31.03.2024 (interest until 30.03.: 947,78): 5.000,00 → 947,78 interest, 4.052,22 principal.
    with at(date(2024, 4, 2)):
        reclaim_book_repayment(reclaim=fixed, user=clerk, received_on=date(2024, 3, 31), amount=M("5000.00"))
        balance = reclaim_balance(fixed, date(2024, 3, 31))
    assert balance.interest_outstanding == M("0.00")
    assert balance.principal_outstanding == M("5947.78")
    fixed.refresh_from_db()
    assert fixed.status == RS.ISSUED


def test_full_repayment_settles(fixed, clerk):
    with at(date(2024, 4, 2)):
        reclaim_book_repayment(reclaim=fixed, user=clerk, received_on=date(2024, 3, 31), amount=M("10947.78"),
                               reference="RZ-1")
    fixed.refresh_from_db()
    assert fixed.status == RS.SETTLED and fixed.settled_at is not None
    assert "grants.reclaim.settled" in [e.action for e in audit_entries_for(fixed)]


def test_repayment_above_the_outstanding_total_is_refused(fixed, clerk):
    with at(date(2024, 4, 2)), pytest.raises(FieldErrors) as refusal:
        reclaim_book_repayment(reclaim=fixed, user=clerk, received_on=date(2024, 3, 31), amount=M("10947.79"))
    assert "noch 10.947,78 € offen" in refusal.value.errors["amount"][0]
    assert ReclaimRepayment.objects.count() == 0


def test_repayment_date_rules(fixed, clerk):
    with pytest.raises(FieldErrors) as future:
        reclaim_book_repayment(reclaim=fixed, user=clerk, received_on=date(2024, 3, 2), amount=M("1.00"))
    assert future.value.errors["received_on"] == ["Das Eingangsdatum darf nicht in der Zukunft liegen."]
    with pytest.raises(FieldErrors) as early:
        reclaim_book_repayment(reclaim=fixed, user=clerk, received_on=date(2024, 2, 29), amount=M("1.00"))
    assert "vor dem Datum des Rückforderungsbescheids (01.03.2024)" in early.value.errors["received_on"][0]


def test_repayment_only_on_an_issued_reclaim(proposed, clerk):
    with pytest.raises(InvalidTransition):
        reclaim_book_repayment(reclaim=proposed, user=clerk, received_on=TODAY, amount=M("1.00"))


def test_coordinator_cannot_book_repayments(fixed, coordinator_a):
    with pytest.raises(NotPermitted):
        reclaim_book_repayment(reclaim=fixed, user=coordinator_a, received_on=TODAY, amount=M("1.00"))


# -- base rates --------------------------------------------------------------------------------


def test_base_rate_is_added_on_a_change_day(programme_admin):
    entry = base_rate_set(user=programme_admin, valid_from=date(2027, 7, 1), rate=M("1.27"), source="Bundesbank")
    assert entry.rate == M("1.27") and entry.created_by == programme_admin
    assert [e.action for e in audit_entries_for(entry)] == ["grants.base_rate.created"]


@pytest.mark.parametrize("valid_from, rate, key, message", [
    (date(2026, 2, 1), M("1.00"), "valid_from", "nur zum 1. Januar und zum 1. Juli"),
    (date(2026, 1, 1), M("20.01"), "rate", "zwischen -10 % und 20 %"),
    (date(2026, 1, 1), M("-10.01"), "rate", "zwischen -10 % und 20 %"),
    (date(2026, 1, 1), M("1.275"), "rate", "zwei Nachkommastellen"),
])
def test_base_rate_refusals(programme_admin, valid_from, rate, key, message):
    with pytest.raises(FieldErrors) as refusal:
        base_rate_set(user=programme_admin, valid_from=valid_from, rate=rate, source="")
    assert message in refusal.value.errors[key][0]


def test_only_the_programme_administration_keeps_base_rates(approver):
    with pytest.raises(NotPermitted):
        base_rate_set(user=approver, valid_from=date(2026, 1, 1), rate=M("1.00"), source="")


def test_a_base_rate_printed_in_an_issued_notice_cannot_be_changed(fixed, programme_admin):
    with pytest.raises(FieldErrors) as refusal:
        base_rate_set(user=programme_admin, valid_from=date(2023, 7, 1), rate=M("3.13"), source="")
    assert "WIR-21-B2024-001" in refusal.value.errors["rate"][0]
    assert BaseRate.objects.get(valid_from=date(2023, 7, 1)).rate == M("3.12")
    # An entry the notice did not use can be corrected.
    assert base_rate_set(user=programme_admin, valid_from=date(2025, 7, 1), rate=M("1.28"),
                         source="korrigiert").rate == M("1.28")


# -- concurrency (PostgreSQL, real threads) ---------------------------------------------------
# The threads do not share the test's frozen clock (a context variable): they run "today",
# which is later than every date used here.


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_repayments_cannot_overpay(monkeypatch, fixed, clerk, clerk2):
    monkeypatch.setattr("grants.services.reclaims.audit_log", slowed(audit_log))
    results = run_together(
        lambda: reclaim_book_repayment(reclaim=fixed, user=clerk, received_on=date(2024, 3, 31), amount=M("6000.00")),
        lambda: reclaim_book_repayment(reclaim=fixed, user=clerk2, received_on=date(2024, 3, 31),
                                       amount=M("6000.00")),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    assert isinstance(next(value for kind, value in results if kind == "error"), FieldErrors)
    assert list(ReclaimRepayment.objects.values_list("amount", flat=True)) == [M("6000.00")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_issues_produce_one_notice(monkeypatch, proposed, approver, approver2):
    hear(proposed, approver)
    monkeypatch.setattr("grants.services.reclaims.audit_log", slowed(audit_log))
    results = run_together(
        lambda: reclaim_issue(reclaim=proposed, user=approver, issued_on=TODAY, weighing=WEIGHING),
        lambda: reclaim_issue(reclaim=proposed, user=approver2, issued_on=TODAY, weighing=WEIGHING),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    assert isinstance(next(value for kind, value in results if kind == "error"), InvalidTransition)
    assert Notice.objects.filter(kind=Notice.Kind.RECLAIM).count() == 1
    assert Reclaim.objects.get(pk=proposed.pk).status == RS.ISSUED


def test_the_award_of_a_reclaim_is_always_that_of_its_year(award, clerk, coordinator_b, approver):
    other = factories.approved_award(award.application.programme, coordinator_b, clerk, approver)
    reclaim = Reclaim.objects.create(award=other, award_year=award.years.get(budget__year=2023),
                                     ground=Reclaim.Ground.UNUSED, principal=M("100.00"), reason="x",
                                     interest_from=date(2023, 1, 2), proposed_by=clerk)
    assert Reclaim.objects.get(pk=reclaim.pk).award_id == award.pk
