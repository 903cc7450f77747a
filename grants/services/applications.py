"""The coordinator's side of an application: create, edit, attach, submit, withdraw."""

import hashlib
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core.errors import DomainError, FieldErrors, PlanInvalid
from grants.models import Application, ApplicationAttachment, ApplicationStatus, FundingProgramme
from grants.models.applications import CLOSED_STATUSES, EDITABLE_STATUSES
from core.money import ZERO
from grants.notifications import notify_applicant
from grants.services.guards import require_capability, require_own_body, require_status
from grants.services.numbering import number_next
from grants.services.plans import plan_submission_errors, requested_grant_by_year
from core import clock
from core.formats import format_date, format_decimal

S = ApplicationStatus

# States from which the applicant may withdraw: everything before a decision.
WITHDRAWABLE_STATUSES = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.RECOMMENDED)

APPLICATION_FIELDS = ("title", "purpose", "period_start", "period_end", "contact_name", "contact_phone",
                      "contact_email")


def _check_open_for_applications(programme: FundingProgramme, today: date) -> None:
    if not programme.accepts_applications:
        raise DomainError(
            _("Die Förderperiode „%(programme)s“ nimmt keine Anträge an.") % {"programme": programme})
    if programme.application_deadline and today > programme.application_deadline:
        raise DomainError(
            _("Die Antragsfrist der Förderperiode „%(programme)s“ ist am %(deadline)s abgelaufen.")
            % {"programme": programme, "deadline": format_date(programme.application_deadline)}
        )


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


def check_may_start_application(user, programme: FundingProgramme, today: date) -> None:
    """A coordinator may start an application when the period accepts applications, its
    deadline has not passed and the body has no live application in it yet."""
    require_capability(user, Capability.APPLY)
    _check_open_for_applications(programme, today)
    _check_no_live_application(user, programme)


def _check_no_live_application(user, programme: FundingProgramme) -> None:
    live = Application.objects.filter(programme=programme, municipality=user.municipality).exclude(
        status__in=CLOSED_STATUSES).first()
    if live:
        raise DomainError(
            _("Für %(body)s gibt es in dieser Förderperiode bereits einen Antrag "
              "(%(reference)s, Status „%(status)s“).")
            % {"body": user.municipality, "reference": live.file_reference or _("Entwurf"),
               "status": live.get_status_display()}
        )


def concurrent_application_refusal(user) -> DomainError:
    """A concurrent create won the one-live-application constraint."""
    return DomainError(
        _("Für %(body)s gibt es in dieser Förderperiode bereits einen Antrag.") % {"body": user.municipality})


def application_create(*, user, programme: FundingProgramme, today: date | None = None, **data) -> Application:
    """A coordinator starts a draft for their own body in an open programme period."""
    require_capability(user, Capability.APPLY)
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unbekannte Felder: {', '.join(sorted(unknown))}")
    _check_open_for_applications(programme, today or clock.today())
    errors = _field_errors(programme, data)
    if errors:
        raise FieldErrors(errors)
    _check_no_live_application(user, programme)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                programme=programme, municipality=user.municipality, created_by=user, **data)
            audit_log(actor=user, action="grants.application.created", target=application,
                      changes={"status": [None, application.status]})
    except IntegrityError:
        raise concurrent_application_refusal(user) from None
    return application


def application_update(*, application: Application, user, **data) -> Application:
    """Change the application's details while it is a draft or answers a request for changes."""
    require_own_body(user, application.municipality)
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unbekannte Felder: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
        require_status(application, EDITABLE_STATUSES, _("Den Antrag zu ändern"))
        merged = {name: getattr(application, name) for name in APPLICATION_FIELDS} | data
        errors = _field_errors(application.programme, merged)
        if not errors:
            years = range(merged["period_start"].year, merged["period_end"].year + 1)
            outside = sorted(
                set(application.expenditures.exclude(year__in=years).values_list("year", flat=True))
                | set(application.financings.exclude(year__in=years).values_list("year", flat=True))
            )
            if outside:
                errors["period"] = [
                    _("Der Finanzierungsplan enthält Angaben für %(years)s; bitte diese zuerst aus dem "
                      "Plan entfernen oder den Zeitraum beibehalten.")
                    % {"years": ", ".join(str(y) for y in outside)}
                ]
        if errors:
            raise FieldErrors(errors)
        changes = {
            name: [getattr(application, name), value]
            for name, value in data.items()
            if getattr(application, name) != value
        }
        for name, value in data.items():
            setattr(application, name, value)
        application.save(update_fields=[*data.keys(), "updated_at"])
        if changes:
            audit_log(actor=user, action="grants.application.changed", target=application, changes=changes)
    return application


def _sanitize_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:255] or "anlage.pdf"


def check_pdf_upload(content: bytes, *, field: str = "file") -> None:
    """An uploaded PDF: not empty, within settings.MAX_UPLOAD_BYTES, a PDF by its content (not
    its name). Refusals are FieldErrors under `field`; also used for the Sachbericht."""
    limit = settings.MAX_UPLOAD_BYTES
    if not content:
        raise FieldErrors({field: [_("Die Datei ist leer.")]})
    if len(content) > limit:
        # Decimal comma in the numbers only; the sentence keeps its full stop.
        size_mb = format_decimal(Decimal(len(content)) / 1_048_576, 1)
        raise FieldErrors({field: [
            _("Die Datei ist %(size)s MB groß; erlaubt sind höchstens %(limit)s MB.")
            % {"size": size_mb, "limit": f"{limit / 1_048_576:.0f}"}]})
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise FieldErrors({field: [
            _("Die Datei ist kein gültiges PDF-Dokument. Bitte nur PDF-Dateien hochladen.")]})


def attachment_add(*, application: Application, user, name: str, content: bytes, description: str = "") -> ApplicationAttachment:
    """Attach a PDF. Checked by its content, not its name, and by size."""
    require_own_body(user, application.municipality)
    check_pdf_upload(content)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        require_status(application, EDITABLE_STATUSES, _("Anlagen hinzuzufügen"))
        attachment = ApplicationAttachment(
            application=application, original_name=_sanitize_filename(name), description=description,
            size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=user,
        )
        attachment.file.save("upload.pdf", ContentFile(content), save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        audit_log(actor=user, action="grants.application.attachment_added", target=application,
                  data={"file": attachment.original_name, "sha256": attachment.sha256})
    return attachment


def attachment_remove(*, attachment: ApplicationAttachment, user) -> None:
    application = attachment.application
    require_own_body(user, application.municipality)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        require_status(application, EDITABLE_STATUSES, _("Anlagen zu entfernen"))
        name, stored = attachment.original_name, attachment.file.name
        attachment.delete()
        audit_log(actor=user, action="grants.application.attachment_removed", target=application,
                  data={"file": name})
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))


def application_submit(*, application: Application, user, answer: str = "", now: datetime | None = None) -> Application:
    """Entwurf → Eingereicht, or Nachforderung → Eingereicht with the answer to the request.

    The plan must meet every rule; the first submission must meet the deadline and
    receives the file reference.
    """
    require_own_body(user, application.municipality)
    now = now or clock.now()
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
        require_status(application, EDITABLE_STATUSES, _("Das Einreichen"))
        before = application.status
        open_request = None
        if before == S.DRAFT:
            _check_open_for_applications(application.programme, timezone.localdate(now))
        else:
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
                  data={"file_reference": application.file_reference, **({"answer": answer.strip()} if open_request else {})})
        total = sum(requested_grant_by_year(application).values(), ZERO)
        notify_applicant(application, "resubmitted" if before == S.CHANGES_REQUESTED else "submitted",
                         requested_total=str(total))
    return application


def application_withdraw(*, application: Application, user, reason: str = "") -> Application:
    """The applicant withdraws before a decision."""
    require_own_body(user, application.municipality)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        require_status(application, WITHDRAWABLE_STATUSES, _("Das Zurückziehen"))
        before = application.status
        application.status = S.WITHDRAWN
        application.save(update_fields=["status", "updated_at"])
        audit_log(actor=user, action="grants.application.withdrawn", target=application,
                  changes={"status": [before, application.status]}, data={"reason": reason.strip()})
    return application
