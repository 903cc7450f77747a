"""An application's history in words, as the people involved may see it: the application's
own steps and, once awarded, the milestones of the grant (amendments decided, reclaims
fixed and settled, closing). Each of those has its full history on its own page."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability
from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from grants.models import AmendmentRequest, ApplicationStatus, Award, Reclaim

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
    "grants.amendment.submitted": _("Änderungsantrag eingereicht"),
    "grants.amendment.approved": _("Änderungsantrag bewilligt, Änderungsbescheid erlassen"),
    "grants.amendment.rejected": _("Änderungsantrag abgelehnt"),
    "grants.reclaim.issued": _("Rückforderungsbescheid erlassen"),
    "grants.reclaim.settled": _("Rückforderung erledigt"),
    "grants.award.closed": _("Zuwendung abgeschlossen"),
}

# The grant's milestones shown in the application's history (object model → actions).
_MILESTONES = {
    Award: {"grants.award.closed"},
    AmendmentRequest: {"grants.amendment.submitted", "grants.amendment.approved", "grants.amendment.rejected"},
    Reclaim: {"grants.reclaim.issued", "grants.reclaim.settled"},
}


def _milestones(application) -> list[AuditEntry]:
    award = getattr(application, "award", None)
    if award is None:
        return []
    targets = {
        Award: [award.pk],
        AmendmentRequest: list(award.amendment_requests.values_list("pk", flat=True)),
        Reclaim: list(award.reclaims.values_list("pk", flat=True)),
    }
    entries = []
    for model, ids in targets.items():
        if ids:
            entries += AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=ids,
                action__in=_MILESTONES[model]).select_related("actor")
    return entries

_STATUS_LABELS = dict(ApplicationStatus.choices)


def application_history(application, user) -> list[dict]:
    """Oldest first. Applicants do not see internal comments being written."""
    rows = []
    entries = sorted([*audit_entries_for(application), *_milestones(application)],
                     key=lambda entry: (entry.created_at, entry.pk))
    for entry in entries:
        if not user.can(Capability.VIEW_ALL) and entry.action == "grants.application.commented" \
                and entry.data.get("visibility") != "antragsteller":
            continue
        status = entry.changes.get("status") if entry.action.startswith("grants.application.") else None
        status_change = None
        if status and len(status) == 2:
            before, after = status
            status_change = f"{_STATUS_LABELS.get(before, '–') if before else '–'} → {_STATUS_LABELS.get(after, after)}"
        rows.append({
            "created_at": entry.created_at, "actor": entry.actor,
            "label": ACTION_LABELS.get(entry.action, entry.action), "status_change": status_change,
        })
    return rows
