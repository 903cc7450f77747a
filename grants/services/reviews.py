"""The clerk's side: take into review, request changes, recommend, comment. Who may do what is
decided in grants/policies/applications.py."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core.errors import FieldErrors
from core.money import MAX_AMOUNT, ZERO, format_eur, to_money
from grants.handovers import handover
from grants.models import (
    Application,
    ApplicationComment,
    ApplicationStatus,
    ChangeRequest,
    Recommendation,
    RecommendationYear,
)
from grants.notifications import notify_applicant
from grants.plan.rules import TOO_LARGE
from grants.policies import (
    check,
    may_application_comment,
    may_application_recommend,
    may_application_request_changes,
    may_application_start_review,
    refuse_capability,
)
from grants.services.plans import requested_grant_by_year
from grants.services.resubmission import case_snapshot
from inbox.models import Event

S = ApplicationStatus


def _transition(application: Application, user, to: str, action: str, **data) -> None:
    before = application.status
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    audit_log(actor=user, action=action, target=application, changes={"status": [before, to]}, data=data)


def application_start_review(*, application: Application, user) -> Application:
    """Eingereicht → In Prüfung."""
    check(refuse_capability(user, Capability.REVIEW))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        check(may_application_start_review(user, application))
        _transition(application, user, S.IN_REVIEW, "grants.application.review_started")
    return application


def application_request_changes(*, application: Application, user, message: str) -> ChangeRequest:
    """In Prüfung → Nachforderung, with a message to the coordinator."""
    check(refuse_capability(user, Capability.REVIEW))
    if not message.strip():
        raise FieldErrors({"message": [_("Bitte schreiben Sie, was nachgereicht oder geändert werden soll.")]})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        check(may_application_request_changes(user, application))
        request = ChangeRequest.objects.create(application=application, requested_by=user, message=message.strip())
        _transition(application, user, S.CHANGES_REQUESTED, "grants.application.changes_requested",
                    message=request.message, snapshot=case_snapshot(application))
        mailed = notify_applicant(application, "changes_requested", message=request.message)
        handover(Event.CHANGES_REQUESTED, application=application, actor=user, key=f"change_request:{request.pk}",
                 mailed=mailed, detail=request.message)
    return request


def application_recommend(
    *, application: Application, user, amounts: dict[int, Decimal], justification: str = ""
) -> Recommendation:
    """In Prüfung → Zur Bewilligung empfohlen, with per-year amounts up to those requested.

    A cut below the requested amount needs a justification.
    """
    check(refuse_capability(user, Capability.REVIEW))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        check(may_application_recommend(user, application))
        requested = requested_grant_by_year(application)
        errors: dict[str, list[str]] = {}
        cleaned: dict[int, Decimal] = {}
        for year in application.years:
            key = f"amount-{year}"
            if year not in amounts or amounts[year] in (None, ""):
                errors[key] = [_("Bitte den Betrag für %(year)s angeben.") % {"year": year}]
                continue
            try:
                amount = to_money(amounts[year])
            except (TypeError, ValueError):
                errors[key] = [_("„%(value)s“ ist kein gültiger Betrag.") % {"value": amounts[year]}]
                continue
            if amount < 0:
                errors[key] = [_("Der Betrag darf nicht negativ sein.")]
            elif amount > MAX_AMOUNT:
                errors[key] = [str(TOO_LARGE)]
            elif amount > requested[year]:
                errors[key] = [_("Höchstens der beantragte Betrag von %(requested)s kann empfohlen werden.")
                               % {"requested": format_eur(requested[year])}]
            cleaned[year] = amount
        extra = sorted(set(amounts) - set(application.years))
        if extra:
            errors["amounts"] = [_("%(years)s liegt außerhalb des Vorhabenzeitraums.")
                                 % {"years": ", ".join(map(str, extra))}]
        if not errors and sum(cleaned.values(), ZERO) <= 0:
            errors["amounts"] = [_("Eine Empfehlung zur Bewilligung braucht einen Betrag über 0,00 €.")]
        if not errors and any(cleaned[y] < requested[y] for y in cleaned) and not justification.strip():
            errors["justification"] = [_("Bitte begründen Sie die Kürzung gegenüber dem Antrag.")]
        if errors:
            raise FieldErrors(errors)
        recommendation = Recommendation.objects.create(
            application=application, recommended_by=user, justification=justification.strip())
        RecommendationYear.objects.bulk_create(
            RecommendationYear(recommendation=recommendation, year=year, amount=amount)
            for year, amount in sorted(cleaned.items())
        )
        _transition(application, user, S.RECOMMENDED, "grants.application.recommended",
                    amounts={str(y): str(a) for y, a in sorted(cleaned.items())},
                    total=str(sum(cleaned.values(), ZERO)), justification=recommendation.justification)
        handover(Event.RECOMMENDED, application=application, actor=user, key=f"recommendation:{recommendation.pk}",
                 total=format_eur(sum(cleaned.values(), ZERO)), detail=recommendation.justification)
    return recommendation


def comment_add(*, application: Application, user, text: str,
                visibility: str = ApplicationComment.Visibility.INTERNAL) -> ApplicationComment:
    """Ministry staff comment; internal comments are never shown to the applicant."""
    check(may_application_comment(user, application))
    if not text.strip():
        raise FieldErrors({"text": [_("Der Kommentar ist leer.")]})
    if visibility not in ApplicationComment.Visibility.values:
        raise FieldErrors({"visibility": [_("Unbekannte Sichtbarkeit.")]})
    with transaction.atomic():
        comment = ApplicationComment.objects.create(application=application, author=user, text=text.strip(),
                                                    visibility=visibility)
        audit_log(actor=user, action="grants.application.commented", target=application,
                  data={"visibility": visibility})
    return comment
