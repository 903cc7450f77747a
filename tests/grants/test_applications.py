import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.selectors import audit_entries_for
from core.errors import DomainError, FieldErrors, InvalidTransition, NotPermitted, PlanInvalid
from grants.models import Application, ApplicationAttachment, ApplicationStatus, ChangeRequest, NumberSequence
from grants.plan.lines import FinancingLine
from grants.services.applications import (
    application_create,
    application_save,
    application_submit,
    application_withdraw,
    attachment_add,
    attachment_remove,
)
from grants.services.awards import application_reject
from grants.services.plans import financing_plan_replace, plan_lines
from grants.services.reviews import application_request_changes
from tests import factories

S = ApplicationStatus
PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)


def details(**overrides):
    return {
        "title": "WIR-Vielfaltszentrum", "purpose": "Betrieb des WIR-Vielfaltszentrums",
        "period_start": date(2026, 1, 1), "period_end": date(2030, 12, 31),
    } | overrides


def aware(*args):
    return timezone.make_aware(datetime(*args))


def application_update(*, application, user, **data):
    """Change details as the coordinator's form does: the plan as it stands, the given fields new."""
    expenditures, financings = plan_lines(application)
    return application_save(user=user, application=application, data=data, expenditures=expenditures,
                            financings=financings)


@pytest.fixture
def draft(programme, coordinator_a):
    return factories.draft_application(programme, coordinator_a)


def changes_requested(programme, coordinator, clerk):
    application = factories.in_review_application(programme, coordinator, clerk)
    application_request_changes(application=application, user=clerk, message="Bitte den Stellenplan beifügen.")
    application.refresh_from_db()
    return application


# --- create ------------------------------------------------------------------------------

def test_coordinator_creates_a_draft_for_her_own_body(programme, coordinator_a, body_a):
    application = application_create(user=coordinator_a, programme=programme, **details())

    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.municipality == body_a
    assert application.created_by == coordinator_a
    assert application.file_reference is None
    assert application.submitted_at is None


def test_creating_an_application_writes_an_audit_entry(programme, coordinator_a):
    application = application_create(user=coordinator_a, programme=programme, **details())

    [entry] = audit_entries_for(application)
    assert (entry.actor, entry.action, entry.changes) == (
        coordinator_a, "grants.application.created", {"status": [None, "entwurf"]})


def test_coordinator_cannot_create_an_application_for_another_body(programme, coordinator_a, body_b):
    with pytest.raises(TypeError, match="Unbekannte Felder: municipality"):
        application_create(user=coordinator_a, programme=programme, municipality=body_b, **details())

    assert not Application.objects.exists()


@pytest.mark.parametrize("user", ["clerk", "approver", "programme_admin"])
def test_ministry_staff_cannot_create_an_application(programme, user, request):
    with pytest.raises(NotPermitted, match="Nur die Koordination einer Gebietskörperschaft kann Anträge stellen"):
        application_create(user=request.getfixturevalue(user), programme=programme, **details())

    assert not Application.objects.exists()


def test_inactive_coordinator_cannot_create_an_application(programme, coordinator_a):
    coordinator_a.is_active = False

    with pytest.raises(NotPermitted):
        application_create(user=coordinator_a, programme=programme, **details())

    assert not Application.objects.exists()


def test_create_is_refused_when_the_programme_does_not_accept_applications(programme, coordinator_a):
    programme.accepts_applications = False
    programme.save()

    with pytest.raises(DomainError, match="nimmt keine Anträge an"):
        application_create(user=coordinator_a, programme=programme, **details())

    assert not Application.objects.exists()


def test_create_is_refused_after_the_deadline(programme, coordinator_a):
    programme.application_deadline = date(2025, 12, 31)
    programme.save()

    with pytest.raises(DomainError, match="Antragsfrist .* ist am 31.12.2025 abgelaufen"):
        application_create(user=coordinator_a, programme=programme, today=date(2026, 1, 1), **details())

    assert not Application.objects.exists()


def test_create_is_allowed_on_the_deadline_day(programme, coordinator_a):
    programme.application_deadline = date(2025, 12, 31)
    programme.save()

    application = application_create(user=coordinator_a, programme=programme, today=date(2025, 12, 31),
                                     **details())

    assert application.status == S.DRAFT


def test_create_is_refused_when_the_period_lies_outside_the_programme(programme, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        application_create(user=coordinator_a, programme=programme,
                           **details(period_start=date(2025, 7, 1)))

    assert caught.value.errors == {
        "period": ["Der Vorhabenzeitraum muss in der Förderperiode 01.01.2026–31.12.2030 liegen."]
    }
    assert not Application.objects.exists()


def test_create_is_refused_when_the_period_ends_after_the_programme(programme, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        application_create(user=coordinator_a, programme=programme, **details(period_end=date(2031, 1, 31)))

    assert "Förderperiode" in caught.value.errors["period"][0]


def test_create_is_refused_when_the_period_starts_after_it_ends(programme, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        application_create(user=coordinator_a, programme=programme,
                           **details(period_start=date(2028, 1, 1), period_end=date(2027, 12, 31)))

    assert caught.value.errors == {"period": ["Der Beginn des Vorhabens muss vor seinem Ende liegen."]}


def test_create_is_refused_without_title_and_purpose(programme, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        application_create(user=coordinator_a, programme=programme, **details(title="  ", purpose=""))

    assert caught.value.errors == {"title": ["Dieses Feld ist auszufüllen."],
                                   "purpose": ["Dieses Feld ist auszufüllen."]}


def test_second_live_application_of_the_same_body_is_refused(programme, coordinator_a):
    application_create(user=coordinator_a, programme=programme, **details())

    with pytest.raises(DomainError) as caught:
        application_create(user=coordinator_a, programme=programme, **details(title="Zweiter Versuch"))

    assert str(caught.value) == ("Für Werra-Meißner-Kreis besteht in der Förderperiode 2026–2030 bereits ein "
                                 "Antragsentwurf (Status „Entwurf“).")
    assert Application.objects.count() == 1


def test_second_application_is_refused_also_while_the_first_is_under_review(programme, coordinator_a, clerk):
    factories.in_review_application(programme, coordinator_a, clerk)

    with pytest.raises(DomainError, match=r"bereits der Antrag WIR-26-0001 \(Status „In Prüfung“\)"):
        application_create(user=coordinator_a, programme=programme, **details())


def test_other_body_may_apply_while_one_body_has_a_live_application(programme, coordinator_a, coordinator_b):
    application_create(user=coordinator_a, programme=programme, **details())

    application = application_create(user=coordinator_b, programme=programme, **details())

    assert application.municipality == coordinator_b.municipality


def test_new_application_is_allowed_after_withdrawal(programme, coordinator_a):
    first = application_create(user=coordinator_a, programme=programme, **details())
    application_withdraw(application=first, user=coordinator_a)

    second = application_create(user=coordinator_a, programme=programme, **details())

    assert second.pk != first.pk
    assert second.status == S.DRAFT


def test_new_application_is_allowed_after_rejection(programme, coordinator_a, clerk, approver):
    first = factories.in_review_application(programme, coordinator_a, clerk)
    application_reject(application=first, user=approver, reason="Konzept fehlt.")

    second = application_create(user=coordinator_a, programme=programme, **details())

    assert second.status == S.DRAFT


def test_database_refuses_a_second_live_application_of_the_same_body(programme, coordinator_a):
    first = application_create(user=coordinator_a, programme=programme, **details())

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(programme=programme, municipality=first.municipality, created_by=coordinator_a,
                                   **details())

    assert Application.objects.count() == 1


def test_database_refuses_an_application_period_ending_before_it_starts(programme, coordinator_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(programme=programme, municipality=coordinator_a.municipality,
                                   created_by=coordinator_a,
                                   **details(period_start=date(2027, 1, 1), period_end=date(2026, 12, 31)))

    assert not Application.objects.exists()


# --- update ------------------------------------------------------------------------------

def test_coordinator_updates_her_draft_and_the_audit_records_before_and_after(draft, coordinator_a):
    application_update(application=draft, user=coordinator_a, title="WIR-Zentrum Eschwege",
                       contact_phone="05651 302-0")

    draft.refresh_from_db()
    assert draft.title == "WIR-Zentrum Eschwege"
    entry = audit_entries_for(draft).get(action="grants.application.changed")
    assert entry.actor == coordinator_a
    assert entry.changes == {
        "title": ["WIR-Vielfaltszentrum Werra-Meißner-Kreis", "WIR-Zentrum Eschwege"],
        "contact_phone": ["", "05651 302-0"],
    }


def test_update_without_a_change_writes_no_audit_entry(draft, coordinator_a):
    application_update(application=draft, user=coordinator_a, title=draft.title)

    assert not audit_entries_for(draft).filter(action="grants.application.changed").exists()


def test_update_may_shorten_the_period_when_the_plan_has_no_lines_there(programme, coordinator_a):
    application = factories.draft_application(programme, coordinator_a, with_plan=False)

    application_update(application=application, user=coordinator_a, period_end=date(2029, 12, 31))

    application.refresh_from_db()
    assert application.period_end == date(2029, 12, 31)
    entry = audit_entries_for(application).get(action="grants.application.changed")
    assert entry.changes == {"period_end": ["2030-12-31", "2029-12-31"]}


def test_update_that_would_orphan_plan_years_is_refused(draft, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        application_update(application=draft, user=coordinator_a, period_start=date(2027, 1, 1),
                           period_end=date(2029, 12, 31))

    outside = {key: messages for key, messages in caught.value.errors.items() if key.startswith("expenditure-")}
    assert {key.split("-")[1] for key in outside} == {"2026", "2030"}
    assert all("liegt außerhalb des Vorhabenzeitraums (2027–2029)" in message
               for messages in outside.values() for message in messages)
    draft.refresh_from_db()
    assert (draft.period_start, draft.period_end) == (date(2026, 1, 1), date(2030, 12, 31))


def test_update_is_refused_for_a_period_outside_the_programme(draft, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        application_update(application=draft, user=coordinator_a, period_end=date(2031, 12, 31))

    assert "Förderperiode" in caught.value.errors["period"][0]


def test_coordinator_cannot_update_other_bodies_application(draft, coordinator_b):
    with pytest.raises(NotPermitted, match="nur für Ihre eigene Gebietskörperschaft"):
        application_update(application=draft, user=coordinator_b, title="Übernommen")

    draft.refresh_from_db()
    assert draft.title == "WIR-Vielfaltszentrum Werra-Meißner-Kreis"
    assert not audit_entries_for(draft).filter(action="grants.application.changed").exists()


def test_clerk_cannot_update_an_application(draft, clerk):
    with pytest.raises(NotPermitted):
        application_update(application=draft, user=clerk, title="Vom Ministerium geändert")

    draft.refresh_from_db()
    assert draft.title == "WIR-Vielfaltszentrum Werra-Meißner-Kreis"


def test_submitted_application_cannot_be_updated(programme, coordinator_a):
    application = factories.submitted_application(programme, coordinator_a)

    with pytest.raises(InvalidTransition, match="Den Antrag zu ändern ist im Status „Eingereicht“ nicht möglich"):
        application_update(application=application, user=coordinator_a, title="Nachträglich")

    application.refresh_from_db()
    assert application.title == "WIR-Vielfaltszentrum Werra-Meißner-Kreis"


def test_application_may_be_updated_when_changes_are_requested(programme, coordinator_a, clerk):
    application = changes_requested(programme, coordinator_a, clerk)

    application_update(application=application, user=coordinator_a, purpose="Ergänzter Zweck")

    application.refresh_from_db()
    assert application.purpose == "Ergänzter Zweck"


def test_update_with_an_unknown_field_is_refused(draft, coordinator_a):
    with pytest.raises(TypeError, match="Unbekannte Felder: status"):
        application_update(application=draft, user=coordinator_a, status=S.APPROVED)

    draft.refresh_from_db()
    assert draft.status == S.DRAFT


# --- submit ------------------------------------------------------------------------------

def test_first_submission_assigns_the_first_file_reference(draft, coordinator_a):
    now = aware(2026, 3, 2, 10, 30)

    application_submit(application=draft, user=coordinator_a, now=now)

    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.file_reference == "WIR-26-0001"
    assert draft.submitted_at == now


def test_submission_writes_an_audit_entry_with_the_status_change(draft, coordinator_a):
    application_submit(application=draft, user=coordinator_a)

    entry = audit_entries_for(draft).get(action="grants.application.submitted")
    assert entry.actor == coordinator_a
    assert entry.changes == {"status": ["entwurf", "eingereicht"]}
    assert entry.data == {"file_reference": "WIR-26-0001"}


def test_next_body_gets_the_next_file_reference(programme, coordinator_a, coordinator_b):
    factories.submitted_application(programme, coordinator_a)

    second = factories.submitted_application(programme, coordinator_b)

    assert second.file_reference == "WIR-26-0002"


def test_submission_of_an_invalid_plan_changes_nothing(programme, coordinator_a):
    application = factories.draft_application(programme, coordinator_a, with_plan=False)

    with pytest.raises(PlanInvalid, match="Der Finanzierungsplan enthält keine Ausgaben"):
        application_submit(application=application, user=coordinator_a)

    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.file_reference is None
    assert application.submitted_at is None
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()
    assert not audit_entries_for(application).filter(action="grants.application.submitted").exists()


def test_refused_submission_does_not_use_up_a_file_reference(programme, coordinator_a, coordinator_b):
    invalid = factories.draft_application(programme, coordinator_a, with_plan=False)
    with pytest.raises(PlanInvalid):
        application_submit(application=invalid, user=coordinator_a)

    valid = factories.submitted_application(programme, coordinator_b)

    assert valid.file_reference == "WIR-26-0001"


def test_coordinator_cannot_submit_other_bodies_application(draft, coordinator_b):
    with pytest.raises(NotPermitted, match="eigene Gebietskörperschaft"):
        application_submit(application=draft, user=coordinator_b)

    draft.refresh_from_db()
    assert (draft.status, draft.file_reference) == (S.DRAFT, None)


def test_clerk_cannot_submit_an_application(draft, clerk):
    with pytest.raises(NotPermitted):
        application_submit(application=draft, user=clerk)

    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_submitted_application_cannot_be_submitted_again(programme, coordinator_a):
    application = factories.submitted_application(programme, coordinator_a)

    with pytest.raises(InvalidTransition, match="Das Einreichen ist im Status „Eingereicht“ nicht möglich"):
        application_submit(application=application, user=coordinator_a)


def test_first_submission_after_the_deadline_is_refused(draft, coordinator_a, programme):
    programme.application_deadline = date(2026, 12, 31)
    programme.save()

    with pytest.raises(DomainError, match="Antragsfrist .* am 31.12.2026 abgelaufen"):
        application_submit(application=draft, user=coordinator_a, now=aware(2027, 1, 1, 0, 5))

    draft.refresh_from_db()
    assert (draft.status, draft.file_reference) == (S.DRAFT, None)


def test_first_submission_on_the_deadline_day_is_accepted(draft, coordinator_a, programme):
    programme.application_deadline = date(2026, 12, 31)
    programme.save()

    application_submit(application=draft, user=coordinator_a, now=aware(2026, 12, 31, 23, 55))

    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


def test_first_submission_is_refused_when_the_programme_stopped_accepting(draft, coordinator_a, programme):
    programme.accepts_applications = False
    programme.save()

    with pytest.raises(DomainError, match="nimmt keine Anträge an"):
        application_submit(application=draft, user=coordinator_a)

    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_resubmission_after_a_change_request_is_allowed_after_the_deadline(programme, coordinator_a, clerk):
    application = changes_requested(programme, coordinator_a, clerk)
    programme.application_deadline = date(2026, 1, 31)
    programme.save()

    application_submit(application=application, user=coordinator_a, answer="Stellenplan ist beigefügt.",
                       now=aware(2027, 3, 1, 9, 0))

    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_resubmission_needs_an_answer(programme, coordinator_a, clerk):
    application = changes_requested(programme, coordinator_a, clerk)

    with pytest.raises(FieldErrors) as caught:
        application_submit(application=application, user=coordinator_a, answer="   ")

    assert caught.value.errors == {"answer": ["Bitte beantworten Sie die Nachforderung."]}
    application.refresh_from_db()
    assert application.status == S.CHANGES_REQUESTED
    assert ChangeRequest.objects.get(application=application).answered_at is None


def test_resubmission_records_the_answer_on_the_change_request(programme, coordinator_a, clerk):
    application = changes_requested(programme, coordinator_a, clerk)
    now = aware(2026, 12, 1, 14, 0)

    application_submit(application=application, user=coordinator_a, answer=" Stellenplan ist beigefügt. ",
                       now=now)

    request = ChangeRequest.objects.get(application=application)
    assert (request.answer, request.answered_by, request.answered_at) == (
        "Stellenplan ist beigefügt.", coordinator_a, now)
    entry = audit_entries_for(application).filter(action="grants.application.submitted").last()
    assert entry.changes == {"status": ["nachforderung", "eingereicht"]}
    assert entry.data["answer"] == "Stellenplan ist beigefügt."


def test_resubmission_keeps_file_reference_and_date_of_the_first_submission(programme, coordinator_a, clerk):
    application = changes_requested(programme, coordinator_a, clerk)
    first_submitted_at = application.submitted_at

    application_submit(application=application, user=coordinator_a, answer="Erledigt.",
                       now=first_submitted_at + timedelta(days=30))

    application.refresh_from_db()
    assert application.file_reference == "WIR-26-0001"
    assert application.submitted_at == first_submitted_at
    assert NumberSequence.objects.get().last_value == 1


def test_resubmission_checks_the_plan_again(programme, coordinator_a, clerk):
    application = changes_requested(programme, coordinator_a, clerk)
    financing_plan_replace(application=application, user=coordinator_a, expenditures=[],
                           financings=[FinancingLine(2026, "zuwendung", Decimal("1.00"))])

    with pytest.raises(PlanInvalid):
        application_submit(application=application, user=coordinator_a, answer="Plan geändert.")

    application.refresh_from_db()
    assert application.status == S.CHANGES_REQUESTED
    assert ChangeRequest.objects.get(application=application).answer == ""


# --- withdraw ----------------------------------------------------------------------------

@pytest.mark.parametrize("stage", ["draft", "submitted", "in_review", "changes_requested", "recommended"])
def test_coordinator_may_withdraw_before_a_decision(stage, programme, coordinator_a, clerk):
    application = {
        "draft": lambda: factories.draft_application(programme, coordinator_a),
        "submitted": lambda: factories.submitted_application(programme, coordinator_a),
        "in_review": lambda: factories.in_review_application(programme, coordinator_a, clerk),
        "changes_requested": lambda: changes_requested(programme, coordinator_a, clerk),
        "recommended": lambda: factories.recommended_application(programme, coordinator_a, clerk),
    }[stage]()
    before = application.status

    application_withdraw(application=application, user=coordinator_a, reason="Kreistag hat abgelehnt.")

    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    entry = audit_entries_for(application).get(action="grants.application.withdrawn")
    assert (entry.actor, entry.changes, entry.data) == (
        coordinator_a, {"status": [before, "zurueckgezogen"]}, {"reason": "Kreistag hat abgelehnt."})


def test_approved_application_cannot_be_withdrawn(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)

    with pytest.raises(InvalidTransition, match="Das Zurückziehen ist im Status „Bewilligt“ nicht möglich"):
        application_withdraw(application=award.application, user=coordinator_a)

    award.application.refresh_from_db()
    assert award.application.status == S.APPROVED


def test_rejected_application_cannot_be_withdrawn(programme, coordinator_a, clerk, approver):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    application_reject(application=application, user=approver, reason="Nicht förderfähig.")

    with pytest.raises(InvalidTransition, match="Abgelehnt"):
        application_withdraw(application=application, user=coordinator_a)

    application.refresh_from_db()
    assert application.status == S.REJECTED


def test_withdrawn_application_cannot_be_withdrawn_again(draft, coordinator_a):
    application_withdraw(application=draft, user=coordinator_a)

    with pytest.raises(InvalidTransition):
        application_withdraw(application=draft, user=coordinator_a)


def test_coordinator_cannot_withdraw_other_bodies_application(programme, coordinator_a, coordinator_b):
    application = factories.submitted_application(programme, coordinator_a)

    with pytest.raises(NotPermitted, match="eigene Gebietskörperschaft"):
        application_withdraw(application=application, user=coordinator_b)

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not audit_entries_for(application).filter(action="grants.application.withdrawn").exists()


def test_clerk_cannot_withdraw_an_application(programme, coordinator_a, clerk):
    application = factories.submitted_application(programme, coordinator_a)

    with pytest.raises(NotPermitted):
        application_withdraw(application=application, user=clerk)

    application.refresh_from_db()
    assert application.status == S.SUBMITTED


# --- attachments -------------------------------------------------------------------------

def test_valid_pdf_is_attached_with_its_hash_and_stored_privately(draft, coordinator_a, private_storage):
    attachment = attachment_add(application=draft, user=coordinator_a, name="Stellenplan.pdf", content=PDF,
                                description="Stellenplan 2026")

    attachment.refresh_from_db()
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.original_name == "Stellenplan.pdf"
    assert attachment.uploaded_by == coordinator_a
    assert attachment.file.name.startswith(f"attachments/{draft.pk}/")
    assert "Stellenplan" not in attachment.file.name
    stored = private_storage / attachment.file.name
    assert stored.read_bytes() == PDF


def test_attaching_writes_an_audit_entry_with_the_hash(draft, coordinator_a, private_storage):
    attachment_add(application=draft, user=coordinator_a, name="Stellenplan.pdf", content=PDF)

    entry = audit_entries_for(draft).get(action="grants.application.attachment_added")
    assert entry.actor == coordinator_a
    assert entry.data == {"file": "Stellenplan.pdf", "sha256": hashlib.sha256(PDF).hexdigest()}


def test_attachment_name_is_stripped_of_paths(draft, coordinator_a, private_storage):
    attachment = attachment_add(application=draft, user=coordinator_a, name="..\\..\\etc/passwd.pdf",
                                content=PDF)

    assert attachment.original_name == "passwd.pdf"


def test_non_pdf_content_with_pdf_name_is_refused(draft, coordinator_a, private_storage):
    with pytest.raises(FieldErrors) as caught:
        attachment_add(application=draft, user=coordinator_a, name="rechnung.pdf",
                       content=b"MZ\x90\x00 not a pdf at all")

    assert caught.value.errors == {
        "file": ["Die Datei ist kein gültiges PDF-Dokument. Bitte nur PDF-Dateien hochladen."]}
    assert not ApplicationAttachment.objects.exists()
    assert not any(private_storage.rglob("*.pdf"))


def test_pdf_header_without_end_marker_is_refused(draft, coordinator_a, private_storage):
    with pytest.raises(FieldErrors, match="kein gültiges PDF"):
        attachment_add(application=draft, user=coordinator_a, name="abgeschnitten.pdf", content=b"%PDF-1.4\n1 0 obj")

    assert not ApplicationAttachment.objects.exists()


def test_empty_file_is_refused(draft, coordinator_a, private_storage):
    with pytest.raises(FieldErrors) as caught:
        attachment_add(application=draft, user=coordinator_a, name="leer.pdf", content=b"")

    assert caught.value.errors == {"file": ["Die Datei ist leer."]}
    assert not ApplicationAttachment.objects.exists()


def test_too_large_file_is_refused(draft, coordinator_a, private_storage, settings):
    settings.MAX_UPLOAD_BYTES = len(PDF) - 1

    with pytest.raises(FieldErrors) as caught:
        attachment_add(application=draft, user=coordinator_a, name="gross.pdf", content=PDF)

    message = caught.value.errors["file"][0]
    assert message.startswith("Die Datei ist ")
    assert "erlaubt sind höchstens" in message
    assert message.endswith(" MB.")
    assert not ApplicationAttachment.objects.exists()
    assert not any(private_storage.rglob("*.pdf"))


def test_too_large_file_message_gives_sizes_in_german_format(draft, coordinator_a, private_storage, settings):
    settings.MAX_UPLOAD_BYTES = 1_048_576
    content = b"%PDF-1.4\n" + b"0" * 1_572_864 + b"\n%%EOF\n"

    with pytest.raises(FieldErrors) as caught:
        attachment_add(application=draft, user=coordinator_a, name="gross.pdf", content=content)

    assert caught.value.errors["file"] == ["Die Datei ist 1,5 MB groß; erlaubt sind höchstens 1 MB."]


def test_file_at_the_size_limit_is_accepted(draft, coordinator_a, private_storage, settings):
    settings.MAX_UPLOAD_BYTES = len(PDF)

    attachment = attachment_add(application=draft, user=coordinator_a, name="genau.pdf", content=PDF)

    assert attachment.size == len(PDF)


def test_attachment_cannot_be_added_to_a_submitted_application(programme, coordinator_a, private_storage):
    application = factories.submitted_application(programme, coordinator_a)

    with pytest.raises(InvalidTransition, match="Anlagen hinzuzufügen ist im Status „Eingereicht“ nicht möglich"):
        attachment_add(application=application, user=coordinator_a, name="spät.pdf", content=PDF)

    assert not ApplicationAttachment.objects.exists()
    assert not any(private_storage.rglob("*.pdf"))


def test_coordinator_cannot_attach_to_other_bodies_application(draft, coordinator_b, private_storage):
    with pytest.raises(NotPermitted):
        attachment_add(application=draft, user=coordinator_b, name="fremd.pdf", content=PDF)

    assert not ApplicationAttachment.objects.exists()


def test_removing_an_attachment_deletes_the_row_and_after_commit_the_file(
        draft, coordinator_a, private_storage, django_capture_on_commit_callbacks):
    attachment = attachment_add(application=draft, user=coordinator_a, name="alt.pdf", content=PDF)
    stored = private_storage / attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=attachment, user=coordinator_a)

    assert not ApplicationAttachment.objects.exists()
    assert not stored.exists()
    entry = audit_entries_for(draft).get(action="grants.application.attachment_removed")
    assert (entry.actor, entry.data) == (coordinator_a, {"file": "alt.pdf"})


def test_attachment_of_a_submitted_application_cannot_be_removed(programme, coordinator_a, private_storage):
    application = factories.draft_application(programme, coordinator_a)
    attachment = attachment_add(application=application, user=coordinator_a, name="bleibt.pdf", content=PDF)
    application_submit(application=application, user=coordinator_a)

    with pytest.raises(InvalidTransition, match="Anlagen zu entfernen"):
        attachment_remove(attachment=attachment, user=coordinator_a)

    assert ApplicationAttachment.objects.filter(pk=attachment.pk).exists()
    assert (private_storage / attachment.file.name).read_bytes() == PDF


def test_coordinator_cannot_remove_other_bodies_attachment(draft, coordinator_a, coordinator_b, private_storage):
    attachment = attachment_add(application=draft, user=coordinator_a, name="a.pdf", content=PDF)

    with pytest.raises(NotPermitted):
        attachment_remove(attachment=attachment, user=coordinator_b)

    assert ApplicationAttachment.objects.filter(pk=attachment.pk).exists()
