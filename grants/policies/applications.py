"""Applications: starting, editing, submitting and withdrawing (the coordinator), reviewing
and recommending (the clerk), approving and rejecting (a second person with signing authority)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from core import clock
from core.errors import DomainError
from core.formats import format_date
from grants.models import Application, ApplicationStatus, FundingProgramme, Recommendation
from grants.models.applications import CLOSED_STATUSES, EDITABLE_STATUSES, WITHDRAWABLE_STATUSES
from grants.policies.base import Refusal, refuse_capability, refuse_other_body, refuse_same_person, refuse_status
from grants.selectors.lists import body_applications_with_programmes
from grants.selectors.scoping import open_programmes

S = ApplicationStatus

FOUR_EYES_DECISION = gettext_lazy("Vier-Augen-Prinzip: Sie haben diesen Antrag zur Bewilligung empfohlen "
                                  "und dürfen ihn deshalb nicht selbst entscheiden.")


def refuse_programme_closed(programme: FundingProgramme, today: date) -> Refusal | None:
    """The programme period takes no (first) submissions: not open, or its deadline has passed."""
    if not programme.accepts_applications:
        return Refusal(_("Die Förderperiode „%(programme)s“ nimmt keine Anträge an.") % {"programme": programme},
                       DomainError)
    if programme.application_deadline and today > programme.application_deadline:
        return Refusal(_("Die Antragsfrist der Förderperiode „%(programme)s“ ist am %(deadline)s abgelaufen.")
                       % {"programme": programme, "deadline": format_date(programme.application_deadline)},
                       DomainError)
    return None


def live_application(user, programme: FundingProgramme, *,
                     applications: Sequence[Application] | None = None) -> Application | None:
    """The body's live application in the programme period (at most one), or None.
    `applications` are the body's applications where the caller has loaded them already."""
    if applications is None:
        return (Application.objects.filter(programme=programme, municipality_id=user.municipality_id)
                .exclude(status__in=CLOSED_STATUSES).first())
    return next((a for a in applications if a.programme_id == programme.pk and a.municipality_id ==
                 user.municipality_id and a.status not in CLOSED_STATUSES), None)


def refuse_live_application(user, programme: FundingProgramme, *,
                            applications: Sequence[Application] | None = None) -> Refusal | None:
    """A body has at most one live application per programme period."""
    live = live_application(user, programme, applications=applications)
    if live is None:
        return None
    if live.file_reference:
        reason = _("Für %(body)s besteht in der Förderperiode %(period)s bereits der Antrag %(reference)s "
                   "(Status „%(status)s“).")
    else:
        reason = _("Für %(body)s besteht in der Förderperiode %(period)s bereits ein Antragsentwurf "
                   "(Status „%(status)s“).")
    return Refusal(reason % {"body": user.municipality, "period": programme.period_label,
                             "reference": live.file_reference, "status": live.get_status_display()}, DomainError)


def may_application_start(user, programme: FundingProgramme, *, today: date | None = None,
                          applications: Sequence[Application] | None = None) -> Refusal | None:
    """A coordinator may start an application when the period accepts applications, its
    deadline has not passed and the body has no live application in it yet."""
    return (refuse_capability(user, Capability.APPLY)
            or refuse_programme_closed(programme, today or clock.today())
            or refuse_live_application(user, programme, applications=applications))


def _editable(user, application: Application, action: str) -> Refusal | None:
    return (refuse_other_body(user, application.municipality_id)
            or refuse_status(application, EDITABLE_STATUSES, action))


def may_application_edit(user, application: Application) -> Refusal | None:
    return _editable(user, application, _("Den Antrag zu ändern"))


def may_application_plan_edit(user, application: Application) -> Refusal | None:
    return _editable(user, application, _("Den Finanzierungsplan zu ändern"))


def may_attachment_add(user, application: Application) -> Refusal | None:
    return _editable(user, application, _("Anlagen hinzuzufügen"))


def may_attachment_remove(user, application: Application) -> Refusal | None:
    return _editable(user, application, _("Anlagen zu entfernen"))


def may_application_submit(user, application: Application, *, today: date | None = None) -> Refusal | None:
    """From a draft (within the programme's deadline) or in answer to a request for changes."""
    refusal = _editable(user, application, _("Das Einreichen"))
    if refusal is None and application.status == S.DRAFT:
        refusal = refuse_programme_closed(application.programme, today or clock.today())
    return refusal


def may_application_withdraw(user, application: Application) -> Refusal | None:
    """The applicant withdraws before a decision."""
    return (refuse_other_body(user, application.municipality_id)
            or refuse_status(application, WITHDRAWABLE_STATUSES, _("Das Zurückziehen")))


def may_application_start_review(user, application: Application) -> Refusal | None:
    return (refuse_capability(user, Capability.REVIEW)
            or refuse_status(application, (S.SUBMITTED,), _("Die Prüfung zu beginnen")))


def may_application_request_changes(user, application: Application) -> Refusal | None:
    return (refuse_capability(user, Capability.REVIEW)
            or refuse_status(application, (S.IN_REVIEW,), _("Eine Nachforderung")))


def may_application_recommend(user, application: Application) -> Refusal | None:
    return (refuse_capability(user, Capability.REVIEW)
            or refuse_status(application, (S.IN_REVIEW,), _("Die Empfehlung")))


def may_application_comment(user, application: Application) -> Refusal | None:
    """Ministry staff comment on a submitted application (internal or for the applicant)."""
    return refuse_capability(user, Capability.REVIEW)


def current_recommendation(application: Application) -> Recommendation | None:
    return application.recommendations.order_by("-created_at", "-pk").first()


def may_application_approve(user, application: Application, *,
                            recommendation: Recommendation | None = None) -> Refusal | None:
    """Zur Bewilligung empfohlen → Bewilligt, by someone other than the recommender."""
    if refusal := (refuse_capability(user, Capability.DECIDE)
                   or refuse_status(application, (S.RECOMMENDED,), _("Die Bewilligung"))):
        return refusal
    recommendation = recommendation or current_recommendation(application)
    return refuse_same_person(recommendation.recommended_by_id if recommendation else None, user,
                              str(FOUR_EYES_DECISION))


def may_application_reject(user, application: Application, *,
                           recommendation: Recommendation | None = None) -> Refusal | None:
    """During review or after the recommendation; a recommendation's author may not reject."""
    if refusal := (refuse_capability(user, Capability.DECIDE)
                   or refuse_status(application, (S.IN_REVIEW, S.RECOMMENDED), _("Die Ablehnung"))):
        return refusal
    if application.status != S.RECOMMENDED:
        return None
    recommendation = recommendation or current_recommendation(application)
    return refuse_same_person(recommendation.recommended_by_id if recommendation else None, user,
                              str(FOUR_EYES_DECISION))


def previous_application(user, programme: FundingProgramme, *,
                         applications: Sequence[Application] | None = None) -> Application | None:
    """The body's application from the latest period before `programme` – what a new draft may be
    copied from: in that period the live (or last) application, one with a file reference first.
    `applications`: the body's applications with their programmes, where the caller has them."""
    if applications is None:
        applications = body_applications_with_programmes(user)
    earlier = [a for a in applications if a.municipality_id == user.municipality_id
               and a.programme.period_start < programme.period_start]
    if not earlier:
        return None
    return max(earlier, key=lambda a: (a.programme.period_start, a.status not in CLOSED_STATUSES,
                                       bool(a.file_reference), a.created_at, a.pk))


def may_application_copy(user, programme: FundingProgramme, source: Application, *, today: date | None = None,
                         applications: Sequence[Application] | None = None) -> Refusal | None:
    """Start a draft in `programme` as a copy of the body's application of an earlier period: the
    same rule as starting one, and the source is the own body's, from an earlier period."""
    if refusal := (may_application_start(user, programme, today=today, applications=applications)
                   or refuse_other_body(user, source.municipality_id)):
        return refusal
    if source.programme.period_start >= programme.period_start:
        return Refusal(_("Übernommen werden kann nur ein Antrag aus einer früheren Förderperiode."), DomainError)
    return None


@dataclass(frozen=True)
class StartOption:
    """What a coordinator can do in one open programme period: start an application (`refusal`
    None), and then also copy `previous`; or not, because of `refusal` (`live`: the body's
    application in the period, where that is the reason)."""

    programme: FundingProgramme
    refusal: Refusal | None
    live: Application | None = None
    previous: Application | None = None


def application_start_options(user, *, today: date | None = None, programmes: Iterable[FundingProgramme] | None = None,
                              applications: Sequence[Application] | None = None) -> list[StartOption]:
    """Per open programme period (or per one of `programmes`): may this coordinator start an
    application now, and from which earlier application could it be copied; or why not.
    `applications`: all the body's applications with their programmes (loaded here if None)."""
    today = today or clock.today()
    programmes = list(open_programmes(today) if programmes is None else programmes)
    if applications is None:
        applications = body_applications_with_programmes(user, programmes)
    options = []
    for programme in programmes:
        refusal = may_application_start(user, programme, today=today, applications=applications)
        if refusal is None:
            options.append(StartOption(programme, None, previous=previous_application(
                user, programme, applications=applications)))
        else:
            options.append(StartOption(programme, refusal,
                                       live=live_application(user, programme, applications=applications)))
    return options


def programmes_open_to(user, *, today: date | None = None,
                       applications: Sequence[Application] | None = None) -> list[FundingProgramme]:
    """The programme periods in which this coordinator may start an application now
    (`applications`: the body's applications, where the caller has them already)."""
    today = today or clock.today()
    return [programme for programme in open_programmes(today)
            if may_application_start(user, programme, today=today, applications=applications) is None]
