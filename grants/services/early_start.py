"""Recording the consent to an early project start (vorzeitiger Maßnahmebeginn) on an
application: once, by ministry staff with signing authority, with an audit entry."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from core import clock
from core.errors import FieldErrors
from grants.models import Application, EarlyStartConsent
from grants.policies import check, may_early_start_record


def early_start_consent_record(*, application: Application, user, consented_on: date, consented_by: str,
                               allowed_from: date | None = None) -> EarlyStartConsent:
    """Record that `consented_by` consented on `consented_on` to the project beginning from
    `allowed_from` (default: the application's start) before the notice."""
    allowed_from = allowed_from or application.period_start
    errors: dict[str, list[str]] = {}
    if not consented_by.strip():
        errors["consented_by"] = [_("Bitte angeben, wer der vorzeitigen Maßnahme zugestimmt hat.")]
    if consented_on > clock.today():
        errors["consented_on"] = [_("Das Datum der Zustimmung darf nicht in der Zukunft liegen.")]
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        check(may_early_start_record(user, application))
        consent = EarlyStartConsent.objects.create(
            application=application, consented_on=consented_on, consented_by=consented_by.strip(),
            allowed_from=allowed_from, recorded_by=user, recorded_at=clock.now())
        audit_log(actor=user, action="grants.application.early_start_consented", target=application,
                  data={"consented_on": consented_on.isoformat(), "consented_by": consent.consented_by,
                        "allowed_from": allowed_from.isoformat()})
    return consent
