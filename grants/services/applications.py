"""The coordinator's side of an application: create, save (details and plan together), attach,
submit, withdraw. Who may do what is decided in grants/policies/applications.py."""

import hashlib
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core import clock
from core.errors import DomainError, FieldErrors, PlanInvalid
from core.formats import format_date
from core.money import ZERO
from core.uploads import check_pdf_upload, display_filename
from grants.handovers import handover
from grants.models import Application, ApplicationAttachment, ApplicationStatus, FundingProgramme
from grants.notifications import notify_applicant
from grants.plan import lines
from grants.plan.lines import ExpenditureLine, FinancingLine
from grants.policies import (
    check,
    may_application_edit,
    may_application_start,
    may_application_submit,
    may_application_withdraw,
    may_attachment_add,
    may_attachment_remove,
)
from grants.policies.base import refuse_other_body
from grants.services.numbering import number_next
from grants.services.plans import (
    plan_structure_errors,
    plan_submission_errors,
    plan_totals,
    plan_write,
    requested_grant_by_year,
)
from inbox.models import Event

S = ApplicationStatus

APPLICATION_FIELDS = ("title", "purpose", "period_start", "period_end", "contact_name", "contact_phone",
                      "contact_email")


def _check_fields(data: dict) -> None:
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unbekannte Felder: {', '.join(sorted(unknown))}")


def _field_errors(programme: FundingProgramme, data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("title", "purpose"):
        if not (data.get(name) or "").strip():
            errors[name] = [_("Dieses Feld ist auszufüllen.")]
    start, end = data.get("period_start"), data.get("period_end")
    if not start or not end:
        errors["period"] = [_("Bitte Beginn und Ende des Vorhabens angeben.")]
    elif start > end:
        errors["period"] = [_("Der Beginn des Vorhabens muss vor seinem Ende liegen.")]
    elif start < programme.period_start or end > programme.period_end:
        errors["period"] = [
            _("Der Vorhabenzeitraum muss in der Förderperiode %(start)s–%(end)s liegen.")
            % {"start": format_date(programme.period_start), "end": format_date(programme.period_end)}
        ]
    return errors


def _concurrent_application_refusal(user) -> DomainError:
    """A concurrent create won the one-live-application constraint."""
    return DomainError(
        _("Für %(body)s gibt es in dieser Förderperiode bereits einen Antrag.") % {"body": user.municipality})


def application_create(*, user, programme: FundingProgramme, today: date | None = None, **data) -> Application:
    """A coordinator starts a draft for their own body in an open programme period."""
    _check_fields(data)
    check(may_application_start(user, programme, today=today or clock.today()))
    errors = _field_errors(programme, data)
    if errors:
        raise FieldErrors(errors)
    try:
        with transaction.atomic():
            application = Application.objects.create(programme=programme, municipality=user.municipality,
                                                     created_by=user, **data)
            audit_log(actor=user, action="grants.application.created", target=application,
                      changes={"status": [None, application.status]})
    except IntegrityError:
        raise _concurrent_application_refusal(user) from None
    return application


def application_save(
    *, user, data: dict, expenditures: list[ExpenditureLine], financings: list[FinancingLine],
    application: Application | None = None, programme: FundingProgramme | None = None, today: date | None = None,
) -> Application:
    """The coordinator's form: create a draft (with `programme`) or change an editable one (with
    `application`) – its details and its whole plan at once.

    Details and plan are checked together against the period typed in the same form, and
    written in one transaction: either everything typed is saved, or nothing and every error
    is reported with the field it belongs to. A draft may be unbalanced; the full rules are
    checked on submission.
    """
    _check_fields(data)
    expenditures, financings = lines.rounded(expenditures, financings)
    try:
        with transaction.atomic():
            if application is None:
                assert programme is not None  # a new draft is started in a programme
                check(may_application_start(user, programme, today=today or clock.today()))
                application = Application(programme=programme, municipality=user.municipality, created_by=user)
                before, plan_before = {}, None
            else:
                check(refuse_other_body(user, application.municipality_id))
                application = Application.objects.select_for_update(of=("self",)).select_related(
                    "programme").get(pk=application.pk)
                check(may_application_edit(user, application))
                before = {name: getattr(application, name) for name in APPLICATION_FIELDS}
                plan_before = plan_totals(application)

            errors = _field_errors(application.programme, before | data)
            for name, value in data.items():
                setattr(application, name, value)
            if "period" not in errors:
                errors.update(plan_structure_errors(application=application, expenditures=expenditures,
                                                    financings=financings))
            if errors:
                raise FieldErrors(errors)

            created = application.pk is None
            application.save()
            plan_write(application, expenditures, financings)

            plan_after = plan_totals(application)
            if created:
                audit_log(actor=user, action="grants.application.created", target=application,
                          changes={"status": [None, application.status]}, data={"plan": plan_after})
            else:
                assert plan_before is not None  # read above for an existing application
                changes = {name: [before[name], value] for name, value in data.items() if before[name] != value}
                changes |= {f"plan.{key}": [plan_before[key], plan_after[key]]
                            for key in plan_after if plan_before[key] != plan_after[key]}
                if changes:
                    audit_log(actor=user, action="grants.application.changed", target=application, changes=changes)
    except IntegrityError:
        raise _concurrent_application_refusal(user) from None
    return application


def attachment_add(*, application: Application, user, name: str, content: bytes,
                   description: str = "") -> ApplicationAttachment:
    """Attach a PDF. Checked by its content, not its name, and by size."""
    check(refuse_other_body(user, application.municipality_id))
    check_pdf_upload(content)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        check(may_attachment_add(user, application))
        attachment = ApplicationAttachment(
            application=application, original_name=display_filename(name), description=description,
            size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=user,
        )
        # The file's row is written in this transaction: a rollback removes it (files.storage).
        attachment.file.save("upload.pdf", ContentFile(content), save=False)
        attachment.save()
        audit_log(actor=user, action="grants.application.attachment_added", target=application,
                  data={"file": attachment.original_name, "sha256": attachment.sha256})
    return attachment


def attachment_remove(*, attachment: ApplicationAttachment, user) -> None:
    check(refuse_other_body(user, attachment.application.municipality_id))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=attachment.application_id)
        check(may_attachment_remove(user, application))
        name, stored = attachment.original_name, attachment.file.name
        attachment.delete()
        audit_log(actor=user, action="grants.application.attachment_removed", target=application,
                  data={"file": name})
        # The file's row goes in this transaction; an object in S3 once the transaction committed.
        attachment.file.storage.delete(stored)


def application_submit(*, application: Application, user, answer: str = "", now: datetime | None = None) -> Application:
    """Entwurf → Eingereicht, or Nachforderung → Eingereicht with the answer to the request.

    The plan must meet every rule; the first submission must meet the deadline and
    receives the file reference.
    """
    check(refuse_other_body(user, application.municipality_id))
    now = now or clock.now()
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",)).select_related("programme")
                       .get(pk=application.pk))
        check(may_application_submit(user, application, today=timezone.localdate(now)))
        before = application.status
        open_request = None
        if before != S.DRAFT:
            open_request = application.change_requests.filter(answered_at__isnull=True).last()
            if open_request and not answer.strip():
                raise FieldErrors({"answer": [_("Bitte beantworten Sie die Nachforderung.")]})
        errors = plan_submission_errors(application)
        if errors:
            raise PlanInvalid(errors)
        update = ["status", "updated_at"]
        if not application.file_reference:
            number = number_next(key=f"file-reference:{application.programme_id}")
            application.file_reference = f"{application.programme.file_reference_prefix}-{number:04d}"
            update.append("file_reference")
        if application.submitted_at is None:
            application.submitted_at = now
            update.append("submitted_at")
        application.status = S.SUBMITTED
        application.save(update_fields=update)
        if open_request:
            open_request.answer, open_request.answered_by, open_request.answered_at = answer.strip(), user, now
            open_request.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_log(actor=user, action="grants.application.submitted", target=application,
                  changes={"status": [before, application.status]},
                  data={"file_reference": application.file_reference,
                        **({"answer": answer.strip()} if open_request else {})})
        total = sum(requested_grant_by_year(application).values(), ZERO)
        notify_applicant(application, "resubmitted" if before == S.CHANGES_REQUESTED else "submitted",
                         requested_total=str(total))
        if open_request:
            handover(Event.RESUBMITTED, application=application, actor=user, detail=open_request.answer,
                     key=f"change_request:{open_request.pk}:answered")
        else:
            handover(Event.SUBMITTED, application=application, actor=user,
                     key=f"application:{application.pk}:submitted")
    return application


def application_withdraw(*, application: Application, user, reason: str = "") -> Application:
    """The applicant withdraws before a decision."""
    check(refuse_other_body(user, application.municipality_id))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        check(may_application_withdraw(user, application))
        before = application.status
        application.status = S.WITHDRAWN
        application.save(update_fields=["status", "updated_at"])
        audit_log(actor=user, action="grants.application.withdrawn", target=application,
                  changes={"status": [before, application.status]}, data={"reason": reason.strip()})
    return application
