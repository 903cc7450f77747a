"""The coordinator's side of an application: create, save (details and plan together), attach,
submit, withdraw. Who may do what is decided in grants/policies/applications.py."""

import hashlib
from datetime import date, datetime
from typing import NamedTuple

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
from grants.models import Application, ApplicationAttachment, ApplicationStatus, CostCategory, FundingProgramme
from grants.notifications import notify_applicant
from grants.plan import lines
from grants.plan.lines import ExpenditureLine, FinancingLine
from grants.policies import (
    check,
    may_application_copy,
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
    plan_lines,
    plan_structure_errors,
    plan_submission_errors,
    plan_totals,
    plan_write,
    requested_grant_by_year,
)
from grants.services.resubmission import changes_since_request
from inbox.models import Event
from municipalities.models import Municipality

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


class CopiedApplication(NamedTuple):
    application: Application
    omitted: list[str]  # what of the source could not be carried over, in words


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def copied_period(source: Application, programme: FundingProgramme) -> tuple[date, date]:
    """The source's project period moved by the distance between the two programme periods
    (01.01.2021–31.12.2025 in 2021–2025 becomes 01.01.2026–31.12.2030 in 2026–2030), kept within
    the new programme period."""
    offset = programme.period_start.year - source.programme.period_start.year
    start = min(max(_shift_years(source.period_start, offset), programme.period_start), programme.period_end)
    end = max(min(_shift_years(source.period_end, offset), programme.period_end), start)
    return start, end


def copied_plan(source: Application, programme: FundingProgramme, years: list[int]
                ) -> tuple[list[ExpenditureLine], list[FinancingLine], list[str]]:
    """The source's plan on the new period's years: the n-th year of the old programme period onto
    the n-th year of the new one, each cost category onto the new programme's category with the
    same code. Lines whose year falls outside `years`, or whose category the new programme lacks,
    are left out and named."""
    offset = programme.period_start.year - source.programme.period_start.year
    categories = {category.code: category for category in CostCategory.objects.filter(programme=programme)}
    expenditures, financings = plan_lines(source)
    omitted_years: set[int] = set()
    omitted_categories: dict[str, str] = {}
    new_expenditures = []
    for line in expenditures:
        category = categories.get(line.category.code)
        if category is None:
            omitted_categories[line.category.code] = line.category.name
        elif line.year + offset not in years:
            omitted_years.add(line.year)
        else:
            new_expenditures.append(ExpenditureLine(line.year + offset, category, line.amount,
                                                    line.positions if category.counts_positions else None))
    new_financings = []
    for financing in financings:
        if financing.year + offset in years:
            new_financings.append(FinancingLine(financing.year + offset, financing.source, financing.amount))
        else:
            omitted_years.add(financing.year)
    omitted = [_("Die Kostenart „%(category)s“ gibt es in der neuen Förderperiode nicht; ihre Beträge "
                 "wurden nicht übernommen.") % {"category": name} for name in sorted(omitted_categories.values())]
    omitted += [_("Die Beträge für %(year)s liegen außerhalb des neuen Vorhabenzeitraums und wurden nicht "
                  "übernommen.") % {"year": year} for year in sorted(omitted_years)]
    return new_expenditures, new_financings, omitted


def application_copy_from_previous(*, user, programme: FundingProgramme, source: Application,
                                   today: date | None = None) -> CopiedApplication:
    """Start a draft in an open programme period as a copy of the body's application of an
    earlier period: its texts and contact, its period and plan moved onto the new period's years
    (copied_period, copied_plan). Attachments are not copied: they are documents of the old
    period (budget extracts, job descriptions, signed declarations) and are uploaded anew.

    The same rule as starting an application decides (one live application per body and
    period), checked again under a lock on the body, so a double submit makes one draft."""
    today = today or clock.today()
    check(may_application_copy(user, programme, source, today=today))
    try:
        with transaction.atomic():
            Municipality.objects.select_for_update().get(pk=user.municipality_id)
            source = Application.objects.select_related("programme").get(pk=source.pk)
            check(may_application_copy(user, programme, source, today=today))
            period_start, period_end = copied_period(source, programme)
            application = Application(
                programme=programme, municipality=user.municipality, created_by=user,
                period_start=period_start, period_end=period_end,
                **{name: getattr(source, name) for name in APPLICATION_FIELDS if not name.startswith("period_")})
            expenditures, financings, omitted = copied_plan(source, programme, application.years)
            errors = plan_structure_errors(application=application, expenditures=expenditures,
                                           financings=financings)
            if errors:
                raise PlanInvalid(errors)
            application.save()
            plan_write(application, expenditures, financings)
            audit_log(actor=user, action="grants.application.created", target=application,
                      changes={"status": [None, application.status]},
                      data={"copied_from": {"application": source.pk, "file_reference": source.file_reference,
                                            "programme": source.programme.code},
                            "plan": plan_totals(application), "omitted": omitted})
    except IntegrityError:
        raise _concurrent_application_refusal(user) from None
    return CopiedApplication(application, omitted)


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


def application_submit_check(*, application: Application, user, answer: str = "", today: date | None = None):
    """Raise what keeps the application from being submitted now (the status, the deadline, a
    missing answer to the request for changes, the plan's rules); return the open request for
    changes it answers, if any. The service asks it under its lock; the confirmation page asks
    it before showing the confirm button."""
    check(may_application_submit(user, application, today=today))
    open_request = None
    if application.status != S.DRAFT:
        open_request = application.change_requests.filter(answered_at__isnull=True).last()
        if open_request and not answer.strip():
            raise FieldErrors({"answer": [_("Bitte beantworten Sie die Nachforderung.")]})
    errors = plan_submission_errors(application)
    if errors:
        raise PlanInvalid(errors)
    return open_request


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
        open_request = application_submit_check(application=application, user=user, answer=answer,
                                                today=timezone.localdate(now))
        before = application.status
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
        since = changes_since_request(application) if before == S.CHANGES_REQUESTED else None
        audit_log(actor=user, action="grants.application.submitted", target=application,
                  changes={"status": [before, application.status]},
                  data={"file_reference": application.file_reference,
                        **({"answer": answer.strip()} if open_request else {}),
                        **({"since_request": since} if since is not None else {})})
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
