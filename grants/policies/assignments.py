"""Responsibility for a case ("zuständig"): who in the ministry handles an application.

The rules:

- Only the ministry's case workers hold a case: people who review applications (Sachbearbeitung
  and Bewilligung / Referatsleitung). Coordinators see the name of the responsible person, nothing
  more; the programme administration neither holds nor distributes cases.
- A case nobody holds may be taken by any case worker, or given to a colleague (distributing
  the incoming work).
- A case someone holds is handed on (to a colleague or back to nobody) by that person, or by
  the Referatsleitung (signing authority), who may also take it over – for absences and for
  balancing the work. A clerk cannot take a colleague's case away.
- Drafts are the applicant's alone; the ministry sees an application from its submission on.
- A decision or the closing of the grant does not end the responsibility: the person stays the
  contact for the file (later reclaims, audits) and can still hand it on.
"""

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import InvalidTransition, NotPermitted
from grants.models import Application
from grants.policies.base import Refusal, refuse_capability


def _refuse_case(user, application: Application) -> Refusal | None:
    if refusal := refuse_capability(user, Capability.REVIEW):
        return refusal
    if application.submitted_at is None:
        return Refusal(_("Ein Entwurf ist noch nicht eingereicht; er hat im Ministerium keine Zuständigkeit."),
                       InvalidTransition)
    return None


def _held_by_colleague(user, application: Application) -> Refusal | None:
    """A colleague holds the case and the person is no Referatsleitung."""
    if application.assignee_id in (None, user.pk) or user.can(Capability.DECIDE):
        return None
    return Refusal(_("Zuständig ist %(name)s. Den Fall gibt nur %(name)s selbst oder die Referatsleitung weiter.")
                   % {"name": application.assignee}, NotPermitted, shown=True)


def may_application_take(user, application: Application) -> Refusal | None:
    """Take the case: nobody holds it, or the person has signing authority."""
    if refusal := _refuse_case(user, application):
        return refusal
    if application.assignee_id == user.pk:
        return Refusal(_("Sie sind für diesen Fall bereits zuständig."), InvalidTransition)
    return _held_by_colleague(user, application)


def may_application_hand_on(user, application: Application) -> Refusal | None:
    """Give the case to a colleague (or back to nobody): the person who holds it, anyone while
    nobody holds it, or the Referatsleitung."""
    return _refuse_case(user, application) or _held_by_colleague(user, application)


def refuse_assignee(assignee) -> Refusal | None:
    """Who can hold a case: an active case worker of the ministry."""
    if assignee is not None and not assignee.can(Capability.REVIEW):
        return Refusal(_("%(name)s kann keine Fälle übernehmen: zuständig sein können nur aktive Personen der "
                         "Sachbearbeitung oder Bewilligung.") % {"name": assignee}, NotPermitted)
    return None
