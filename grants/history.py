"""An application's history in words, as the people involved may see it."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability
from audit.selectors import audit_entries_for
from grants.models import ApplicationStatus

ACTION_LABELS = {
    "grants.application.created": _("Antrag angelegt"),
    "grants.application.changed": _("Antrag geändert"),
    "grants.application.plan_changed": _("Finanzierungsplan geändert"),
    "grants.application.attachment_added": _("Anlage hinzugefügt"),
    "grants.application.attachment_removed": _("Anlage entfernt"),
    "grants.application.submitted": _("Antrag eingereicht"),
    "grants.application.withdrawn": _("Antrag zurückgezogen"),
    "grants.application.review_started": _("Prüfung begonnen"),
    "grants.application.changes_requested": _("Nachforderung gesendet"),
    "grants.application.recommended": _("Zur Bewilligung empfohlen"),
    "grants.application.approved": _("Bewilligt"),
    "grants.application.rejected": _("Abgelehnt"),
    "grants.application.commented": _("Kommentar hinzugefügt"),
}

_STATUS_LABELS = dict(ApplicationStatus.choices)


def application_history(application, user) -> list[dict]:
    """Oldest first. Applicants do not see internal comments being written."""
    rows = []
    for entry in audit_entries_for(application):
        if not user.can(Capability.VIEW_ALL) and entry.action == "grants.application.commented" \
                and entry.data.get("visibility") != "antragsteller":
            continue
        status = entry.changes.get("status")
        status_change = None
        if status and len(status) == 2:
            before, after = status
            status_change = f"{_STATUS_LABELS.get(before, '–') if before else '–'} → {_STATUS_LABELS.get(after, after)}"
        rows.append({
            "created_at": entry.created_at, "actor": entry.actor,
            "label": ACTION_LABELS.get(entry.action, entry.action), "status_change": status_change,
        })
    return rows
