from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from core.errors import InvalidTransition, NotPermitted

CAPABILITY_REFUSALS = {
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


def require_capability(user, capability: str) -> None:
    if user is None or not user.can(capability):
        raise NotPermitted(CAPABILITY_REFUSALS[capability])


def require_own_body(user, municipality) -> None:
    """Coordinators act only for their own body."""
    require_capability(user, Capability.APPLY)
    if user.municipality_id != municipality.pk:
        raise NotPermitted(_("Sie können nur für Ihre eigene Gebietskörperschaft handeln."))


def require_status(obj, allowed, action: str) -> None:
    """`action` is the already translated subject of the sentence, e.g. "Die Freigabe"."""
    if obj.status not in allowed:
        raise InvalidTransition(
            # Translators: %(action)s is the subject, e.g. "Die Freigabe" or "Den Antrag zu ändern".
            _("%(action)s ist im Status „%(status)s“ nicht möglich.")
            % {"action": action, "status": obj.get_status_display()}
        )


def require_award_running(award) -> None:
    """A closed award is read-only: no payment requests, proofs, reclaims or amendments.
    Callers pass the award row as they hold it (locked where the change depends on it)."""
    if award.status != award.Status.RUNNING:
        raise InvalidTransition(
            _("Die Zuwendung ist abgeschlossen und kann nicht mehr geändert werden.")
        )
