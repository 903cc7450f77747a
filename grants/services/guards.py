from accounts.roles import Capability
from grants.errors import InvalidTransition, NotPermitted

_CAPABILITY_REFUSALS = {
    Capability.APPLY: "Nur die Koordination einer Gebietskörperschaft kann Anträge stellen und Mittel abrufen.",
    Capability.REVIEW: "Nur die Sachbearbeitung oder Bewilligung im Ministerium kann Anträge prüfen.",
    Capability.DECIDE: "Nur Personen mit Bewilligungsbefugnis können Anträge bewilligen oder ablehnen.",
    Capability.PREPARE_PAYMENT: "Nur die Sachbearbeitung oder Bewilligung kann Auszahlungen vorbereiten und buchen.",
    Capability.RELEASE_PAYMENT: "Nur Personen mit Bewilligungsbefugnis können Auszahlungen freigeben.",
    Capability.ISSUE_NOTICE: "Nur Personen mit Bewilligungsbefugnis können Bescheide erlassen.",
    Capability.MANAGE_PROGRAMME: "Nur die Programmverwaltung kann Programme und Haushaltsansätze pflegen.",
    Capability.VIEW_ALL: "Nur das Ministerium kann die Daten aller Gebietskörperschaften einsehen.",
}


def require_capability(user, capability: str) -> None:
    if user is None or not user.can(capability):
        raise NotPermitted(_CAPABILITY_REFUSALS[capability])


def require_own_body(user, municipality) -> None:
    """Coordinators act only for their own body."""
    require_capability(user, Capability.APPLY)
    if user.municipality_id != municipality.pk:
        raise NotPermitted("Sie können nur für Ihre eigene Gebietskörperschaft handeln.")


def require_status(obj, allowed, action: str) -> None:
    if obj.status not in allowed:
        raise InvalidTransition(
            f"{action} ist im Status „{obj.get_status_display()}“ nicht möglich."
        )
