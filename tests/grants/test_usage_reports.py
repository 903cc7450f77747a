"""Verwendungsnachweis services: the coordinator saves, attaches the Sachbericht and submits;
the ministry accepts or sends questions back. Every rule with its German refusal.

The award runs 2021–2025 (interim reports 2021–2024, the final one for the period); `today`
is passed where the rule depends on it.
"""

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from accounts.roles import Role
from audit.selectors import audit_entries_for
from core.errors import DomainError, FieldErrors, InvalidTransition, NotPermitted
from grants.models import UsageReport, UsageReportExpenditure
from grants.services.usage_reports import (
    usage_report_accept,
    usage_report_attach_narrative,
    usage_report_save,
    usage_report_send_back,
    usage_report_submit,
)
from tests import factories

M = Decimal
R = UsageReport.Status
INTERIM, FINAL = UsageReport.Kind.INTERIM, UsageReport.Kind.FINAL
PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)
SPENT = {"personal": M("117500.00"), "mikroprojekte": M("4800.00"), "sachausgaben": M("6900.00")}
RECEIVED = {"zuwendung": M("100000.00"), "eigenmittel": M("29200.00")}


@pytest.fixture
def past_programme(db):
    return factories.make_programme(code="wir-2021", start=2021, end=2025)


@pytest.fixture
def award(past_programme, coordinator_a, clerk, approver):
    return factories.approved_award(past_programme, coordinator_a, clerk, approver)


def save(award, user, *, kind=INTERIM, year=2021, expenditures=None, financings=None, **kwargs):
    return usage_report_save(award=award, kind=kind, year=year if kind == INTERIM else None, user=user,
                             expenditures=SPENT if expenditures is None else expenditures,
                             financings=RECEIVED if financings is None else financings, **kwargs)


@pytest.fixture
def draft(award, coordinator_a):
    return save(award, coordinator_a)


@pytest.fixture
def ready(draft, coordinator_a, private_storage):
    return usage_report_attach_narrative(report=draft, user=coordinator_a, name="Sachbericht 2021.pdf", content=PDF)


@pytest.fixture
def submitted(ready, coordinator_a):
    return usage_report_submit(report=ready, user=coordinator_a, declaration=True)


def actions(report) -> list[str]:
    return [entry.action for entry in audit_entries_for(report)]


# -- saving the draft ---------------------------------------------------------------------------


def test_coordinator_saves_draft_with_actual_amounts(draft, award):
    assert draft.status == R.DRAFT and draft.award == award and draft.year == 2021
    assert {line.category.code: line.amount for line in draft.expenditures.all()} == SPENT
    assert {line.source: line.amount for line in draft.financings.all()} == RECEIVED


def test_saving_writes_created_and_saved_audit_entries_with_amounts(draft, coordinator_a):
    entries = list(audit_entries_for(draft))
    assert [e.action for e in entries] == ["grants.usage_report.created", "grants.usage_report.saved"]
    assert entries[0].changes == {"status": [None, "entwurf"]}
    assert entries[1].actor == coordinator_a
    assert entries[1].changes["expenditure-personal"] == [None, "117500.00"]
    assert entries[1].changes["financing-zuwendung"] == [None, "100000.00"]


def test_saving_again_updates_the_same_report_and_removes_cleared_lines(draft, award, coordinator_a):
    again = save(award, coordinator_a, expenditures={"personal": M("118000.00"), "sachausgaben": None},
                 financings={"zuwendung": M("100000.00")})
    assert again.pk == draft.pk
    assert UsageReport.objects.count() == 1
    assert {line.category.code: line.amount for line in again.expenditures.all()} == {"personal": M("118000.00")}
    assert list(again.financings.values_list("source", flat=True)) == ["zuwendung"]
    last = list(audit_entries_for(again))[-1]
    assert last.changes["expenditure-personal"] == ["117500.00", "118000.00"]
    assert last.changes["expenditure-mikroprojekte"] == ["4800.00", None]


def test_saving_without_changes_writes_no_further_entry(draft, award, coordinator_a):
    save(award, coordinator_a)
    assert actions(draft).count("grants.usage_report.saved") == 1


def test_final_report_is_saved_without_year(award, coordinator_a):
    report = save(award, coordinator_a, kind=FINAL, year=2025)
    assert report.kind == FINAL and report.year is None


def test_interim_report_cannot_be_started_before_the_year_has_ended(award, coordinator_a):
    with pytest.raises(DomainError) as refused:
        save(award, coordinator_a, year=2022, today=date(2022, 12, 31))
    assert "erst nach dem Ende des Haushaltsjahres (31.12.2022)" in refused.value.message
    assert not UsageReport.objects.exists()


def test_interim_report_can_be_started_on_the_first_of_january(award, coordinator_a):
    assert save(award, coordinator_a, year=2022, today=date(2023, 1, 1)).status == R.DRAFT


def test_final_report_cannot_be_started_before_the_award_period_has_ended(award, coordinator_a):
    with pytest.raises(DomainError) as refused:
        save(award, coordinator_a, kind=FINAL, today=date(2025, 6, 30))
    assert "erst nach dem Ende des Bewilligungszeitraums (31.12.2025)" in refused.value.message


def test_no_interim_report_for_the_last_year_which_the_final_one_covers(award, coordinator_a):
    with pytest.raises(DomainError) as refused:
        save(award, coordinator_a, year=2025)
    assert "kein Zwischennachweis vorgesehen" in refused.value.message


def test_no_interim_report_for_a_year_outside_the_award(award, coordinator_a):
    with pytest.raises(DomainError):
        save(award, coordinator_a, year=2019)


def test_coordinator_of_another_body_cannot_save(award, coordinator_b):
    with pytest.raises(NotPermitted) as refused:
        save(award, coordinator_b)
    assert "eigene Gebietskörperschaft" in refused.value.message
    assert not UsageReport.objects.exists()


def test_clerk_cannot_save_for_a_body(award, clerk):
    with pytest.raises(NotPermitted) as refused:
        save(award, clerk)
    assert "Nur die Koordination" in refused.value.message


def test_negative_amount_is_refused_beside_its_category(award, coordinator_a):
    with pytest.raises(FieldErrors) as refused:
        save(award, coordinator_a, expenditures={"personal": M("-1.00")}, financings={"eigenmittel": M("-0.01")})
    assert refused.value.errors == {"expenditure-personal": ["Beträge dürfen nicht negativ sein."],
                                    "financing-eigenmittel": ["Beträge dürfen nicht negativ sein."]}
    assert not UsageReport.objects.exists()


def test_amount_beyond_the_column_size_is_refused(award, coordinator_a):
    with pytest.raises(FieldErrors) as refused:
        save(award, coordinator_a, expenditures={"personal": M("1000000000000.00")})
    assert refused.value.errors == {"expenditure-personal": ["Der Betrag ist zu groß."]}


def test_amount_with_fractions_of_a_cent_is_refused(award, coordinator_a):
    with pytest.raises(FieldErrors) as refused:
        save(award, coordinator_a, expenditures={"personal": M("1.005")})
    assert "expenditure-personal" in refused.value.errors


def test_category_of_another_programme_is_refused(award, coordinator_a, programme):
    with pytest.raises(FieldErrors) as refused:
        save(award, coordinator_a, expenditures={"reisekosten": M("10.00")})
    assert "„reisekosten“ ist keine Kostenart dieses Programms." in refused.value.errors["expenditures"]


def test_unknown_financing_source_is_refused(award, coordinator_a):
    with pytest.raises(FieldErrors) as refused:
        save(award, coordinator_a, financings={"spenden": M("10.00")})
    assert "financings" in refused.value.errors


def test_submitted_report_cannot_be_changed(submitted, award, coordinator_a):
    with pytest.raises(InvalidTransition) as refused:
        save(award, coordinator_a, expenditures={"personal": M("1.00")})
    assert "im Status „Eingereicht“ nicht möglich" in refused.value.message
    assert submitted.expenditures.get(category__code="personal").amount == M("117500.00")


# -- the Sachbericht --------------------------------------------------------------------------------


def test_narrative_is_stored_privately_with_its_hash(ready, private_storage):
    assert ready.narrative_name == "Sachbericht 2021.pdf"
    assert ready.narrative_sha256 == hashlib.sha256(PDF).hexdigest()
    stored = private_storage / ready.narrative.name
    assert stored.read_bytes() == PDF
    assert ready.narrative.name.startswith(f"usage-reports/{ready.award_id}/")
    entry = list(audit_entries_for(ready))[-1]
    assert entry.action == "grants.usage_report.narrative_attached"
    assert entry.data == {"file": "Sachbericht 2021.pdf", "sha256": hashlib.sha256(PDF).hexdigest()}


def test_new_narrative_replaces_the_previous_file(ready, coordinator_a, private_storage,
                                                 django_capture_on_commit_callbacks):
    old = private_storage / ready.narrative.name
    other = PDF.replace(b"1.4", b"1.7")
    with django_capture_on_commit_callbacks(execute=True):
        report = usage_report_attach_narrative(report=ready, user=coordinator_a, name="neu.pdf", content=other)
    assert not old.exists()
    assert (private_storage / report.narrative.name).read_bytes() == other
    assert report.narrative_sha256 == hashlib.sha256(other).hexdigest()


def test_narrative_that_is_not_a_pdf_is_refused(draft, coordinator_a, private_storage):
    with pytest.raises(FieldErrors) as refused:
        usage_report_attach_narrative(report=draft, user=coordinator_a, name="bericht.pdf",
                                      content=b"PK\x03\x04 eigentlich ein Word-Dokument")
    assert refused.value.errors == {
        "narrative": ["Die Datei ist kein gültiges PDF-Dokument. Bitte nur PDF-Dateien hochladen."]}
    draft.refresh_from_db()
    assert not draft.narrative and not list(private_storage.rglob("*.pdf"))


def test_narrative_beyond_the_size_limit_is_refused(draft, coordinator_a, private_storage, settings):
    settings.MAX_UPLOAD_BYTES = len(PDF) - 1
    with pytest.raises(FieldErrors) as refused:
        usage_report_attach_narrative(report=draft, user=coordinator_a, name="bericht.pdf", content=PDF)
    assert "erlaubt sind höchstens" in refused.value.errors["narrative"][0]


def test_coordinator_of_another_body_cannot_attach_a_narrative(draft, coordinator_b, private_storage):
    with pytest.raises(NotPermitted):
        usage_report_attach_narrative(report=draft, user=coordinator_b, name="x.pdf", content=PDF)


def test_narrative_cannot_be_replaced_after_submission(submitted, coordinator_a):
    with pytest.raises(InvalidTransition):
        usage_report_attach_narrative(report=submitted, user=coordinator_a, name="x.pdf", content=PDF)


# -- submitting ---------------------------------------------------------------------------------------


def test_submit_sets_status_submitter_declaration_and_audit_entry(submitted, coordinator_a):
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED
    assert submitted.declaration is True
    assert submitted.submitted_by == coordinator_a and submitted.submitted_at is not None
    entry = list(audit_entries_for(submitted))[-1]
    assert entry.action == "grants.usage_report.submitted"
    assert entry.changes == {"status": ["entwurf", "eingereicht"]}


def test_submit_needs_the_narrative(draft, coordinator_a):
    with pytest.raises(FieldErrors) as refused:
        usage_report_submit(report=draft, user=coordinator_a, declaration=True)
    assert refused.value.errors == {"narrative": ["Bitte den Sachbericht als PDF hochladen."]}
    draft.refresh_from_db()
    assert draft.status == R.DRAFT


def test_submit_needs_the_declaration(ready, coordinator_a):
    with pytest.raises(FieldErrors) as refused:
        usage_report_submit(report=ready, user=coordinator_a, declaration=False)
    assert refused.value.errors == {"declaration": ["Bitte bestätigen Sie die Erklärung."]}


def test_submit_needs_at_least_one_expenditure_line(award, coordinator_a, private_storage):
    report = save(award, coordinator_a, expenditures={}, financings={})
    usage_report_attach_narrative(report=report, user=coordinator_a, name="s.pdf", content=PDF)
    with pytest.raises(FieldErrors) as refused:
        usage_report_submit(report=report, user=coordinator_a, declaration=True)
    assert list(refused.value.errors) == ["expenditures"]


def test_coordinator_of_another_body_cannot_submit(ready, coordinator_b):
    with pytest.raises(NotPermitted):
        usage_report_submit(report=ready, user=coordinator_b, declaration=True)


def test_submitted_report_cannot_be_submitted_twice(submitted, coordinator_a):
    with pytest.raises(InvalidTransition):
        usage_report_submit(report=submitted, user=coordinator_a, declaration=True)


# -- the ministry's check -----------------------------------------------------------------------------


def test_clerk_accepts_a_submitted_report(submitted, clerk):
    report = usage_report_accept(report=submitted, user=clerk, note="Belege stichprobenartig geprüft.")
    report.refresh_from_db()
    assert report.status == R.ACCEPTED
    assert report.checked_by == clerk and report.checked_at is not None
    assert report.check_note == "Belege stichprobenartig geprüft."
    entry = list(audit_entries_for(report))[-1]
    assert entry.action == "grants.usage_report.accepted"
    assert entry.changes == {"status": ["eingereicht", "angenommen"]}


def test_approver_may_accept_too(submitted, approver):
    assert usage_report_accept(report=submitted, user=approver).status == R.ACCEPTED


def test_coordinator_cannot_accept(submitted, coordinator_a):
    with pytest.raises(NotPermitted) as refused:
        usage_report_accept(report=submitted, user=coordinator_a)
    assert "Sachbearbeitung oder Bewilligung" in refused.value.message
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED


def test_programme_administrator_cannot_accept(submitted, programme_admin):
    with pytest.raises(NotPermitted):
        usage_report_accept(report=submitted, user=programme_admin)


def test_draft_cannot_be_accepted(draft, clerk):
    with pytest.raises(InvalidTransition) as refused:
        usage_report_accept(report=draft, user=clerk)
    assert refused.value.message == "Die Annahme ist im Status „Entwurf“ nicht möglich."


def test_accepted_report_cannot_be_accepted_or_sent_back_again(submitted, clerk):
    usage_report_accept(report=submitted, user=clerk)
    with pytest.raises(InvalidTransition):
        usage_report_accept(report=submitted, user=clerk)
    with pytest.raises(InvalidTransition):
        usage_report_send_back(report=submitted, user=clerk, questions="Noch etwas?")


def test_questions_are_required_to_send_back(submitted, clerk):
    with pytest.raises(FieldErrors) as refused:
        usage_report_send_back(report=submitted, user=clerk, questions="  ")
    assert refused.value.errors == {"questions": ["Bitte formulieren Sie Ihre Rückfragen."]}


def test_coordinator_cannot_send_questions(submitted, coordinator_a):
    with pytest.raises(NotPermitted):
        usage_report_send_back(report=submitted, user=coordinator_a, questions="?")


def test_questions_go_back_and_the_coordinator_edits_and_resubmits(submitted, award, clerk, coordinator_a):
    report = usage_report_send_back(report=submitted, user=clerk,
                                    questions="Bitte die Mehrausgaben bei Sachausgaben erläutern.")
    report.refresh_from_db()
    assert report.status == R.QUESTIONS
    assert report.check_note == "Bitte die Mehrausgaben bei Sachausgaben erläutern."
    entry = list(audit_entries_for(report))[-1]
    assert entry.action == "grants.usage_report.questions_sent"
    assert entry.data == {"questions": "Bitte die Mehrausgaben bei Sachausgaben erläutern."}

    save(award, coordinator_a, expenditures=SPENT | {"sachausgaben": M("6500.00")})
    report = usage_report_submit(report=report, user=coordinator_a, declaration=True)
    assert report.status == R.SUBMITTED
    assert usage_report_accept(report=report, user=clerk).status == R.ACCEPTED
    assert actions(report) == [
        "grants.usage_report.created", "grants.usage_report.saved", "grants.usage_report.narrative_attached",
        "grants.usage_report.submitted", "grants.usage_report.questions_sent", "grants.usage_report.saved",
        "grants.usage_report.submitted", "grants.usage_report.accepted",
    ]


def test_database_refuses_a_negative_amount_written_past_the_service(draft):
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageReportExpenditure.objects.filter(report=draft).update(amount=M("-1.00"))


def test_other_role_without_body_cannot_save(award, db):
    viewer = factories.make_user("programm", Role.PROGRAMMVERWALTUNG)
    with pytest.raises(NotPermitted):
        save(award, viewer)
