"""The building blocks of every policy: the `Refusal`, and the checks all areas share – the
person's capability, acting for the own body, the object's status, a running award."""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, cast

from django.db.models import Field, Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from core.errors import DomainError, InvalidTransition, NotPermitted
from grants.models import Award

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Keyed by the plain capability strings the views and policies pass.
CAPABILITY_REFUSALS: "dict[str, StrPromise]" = {
    Capability.APPLY: gettext_lazy(
        "Nur die Koordination einer Gebietskörperschaft kann Anträge stellen und Mittel abrufen."),
    Capability.REVIEW: gettext_lazy(
        "Nur die Sachbearbeitung oder Bewilligung im Ministerium kann Anträge prüfen."),
    Capability.DECIDE: gettext_lazy(
        "Nur Personen mit Bewilligungsbefugnis können Anträge bewilligen oder ablehnen."),
    Capability.PREPARE_PAYMENT: gettext_lazy(
        "Nur die Sachbearbeitung oder Bewilligung kann Auszahlungen vorbereiten und buchen."),
    Capability.RELEASE_PAYMENT: gettext_lazy(
        "Nur Personen mit Bewilligungsbefugnis können Auszahlungen freigeben."),
    Capability.ISSUE_NOTICE: gettext_lazy(
        "Nur Personen mit Bewilligungsbefugnis können Bescheide erlassen."),
    Capability.MANAGE_PROGRAMME: gettext_lazy(
        "Nur die Programmverwaltung kann Programme und Haushaltsansätze pflegen."),
    Capability.VIEW_ALL: gettext_lazy(
        "Nur das Ministerium kann die Daten aller Gebietskörperschaften einsehen."),
}


@dataclass(frozen=True)
class Refusal:
    """Why the person may not take the action now.

    `reason` is the German sentence shown to the person; `error` the `DomainError` class a
    service raises for it. `shown` marks refusals a page shows as a disabled button with the
    reason beside it (the person could take this action, just not now or not on this object:
    four eyes, a missing prerequisite); other refusals hide the button. `details` lists the
    single reasons where there are several (what keeps an award from being closed).
    """

    reason: str
    error: type[DomainError] = InvalidTransition
    shown: bool = False
    details: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return self.reason

    def exception(self) -> DomainError:
        if self.details and hasattr(self.error, "from_details"):
            return self.error.from_details(self.details)
        return self.error(self.reason)


def check(refusal: Refusal | None) -> None:
    """A service's guard: raise the refusal's domain error, if there is one."""
    if refusal is not None:
        raise refusal.exception()


def refuse_capability(user, capability: str) -> Refusal | None:
    if user is None or not user.can(capability):
        return Refusal(str(CAPABILITY_REFUSALS[capability]), NotPermitted)
    return None


def refuse_other_body(user, municipality_id: int) -> Refusal | None:
    """Coordinators act only for their own body."""
    if refusal := refuse_capability(user, Capability.APPLY):
        return refusal
    if user.municipality_id != municipality_id:
        return Refusal(_("Sie können nur für Ihre eigene Gebietskörperschaft handeln."), NotPermitted)
    return None


@cache
def _status_labels(model: Hashable) -> dict:
    field = cast(type[Model], model)._meta.get_field("status")
    return dict(cast(Field, field).flatchoices)


def status_label(obj) -> str:
    """`obj.get_status_display()` without building the choices anew on every call (the lists
    and queues ask it for every row)."""
    return str(_status_labels(cast(Hashable, type(obj))).get(obj.status, obj.status))


def refuse_status(obj, allowed: Iterable[str], action: str) -> Refusal | None:
    """`action` is the translated subject of the sentence, e.g. "Die Freigabe"."""
    if obj.status not in allowed:
        # Translators: %(action)s is the subject, e.g. "Die Freigabe" or "Den Antrag zu ändern".
        return Refusal(_("%(action)s ist im Status „%(status)s“ nicht möglich.")
                       % {"action": action, "status": status_label(obj)})
    return None


def refuse_closed(award) -> Refusal | None:
    """A closed award is read-only: no notice of any kind, no payment (request, preparation,
    release, booking, rejection, withdrawal), no proof of use (draft, submission, check), no
    reclaim (proposal, Festsetzung, discard, repayment) and no amendment (request to decision).
    Every policy of an issuing or changing action on an award asks this one function."""
    if award.status != award.Status.RUNNING:
        return Refusal(_("Die Zuwendung ist abgeschlossen und kann nicht mehr geändert werden."))
    return None


def not_closed(award_path: str) -> Q:
    """What `refuse_closed` lets through, as a filter on rows whose award is at `award_path`
    (e.g. "award_year__award"): for lists that count the work in the database."""
    return Q(**{f"{award_path}__status": Award.Status.RUNNING})


def refuse_same_person(acted_by_id: int | None, user, reason: str) -> Refusal | None:
    """Four eyes: the person who prepared, proposed or recommended may not also decide."""
    if acted_by_id is not None and acted_by_id == user.pk:
        return Refusal(reason, NotPermitted, shown=True)
    return None


def not_same_person(acted_by_path: str, user) -> Q:
    """What `refuse_same_person` lets through, as a filter on rows whose earlier step's person is
    at `acted_by_path` (e.g. "prepared_by"; no person: allowed)."""
    return Q(**{f"{acted_by_path}__isnull": True}) | ~Q(**{acted_by_path: user.pk})
