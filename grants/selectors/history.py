"""An object's history in words, from its audit trail: the history of a proof of use and of a
reclaim, and the words for an application's steps. The whole case – application and grant –
is told by grants/selectors/timeline.py."""

from collections.abc import Callable, Iterable
from datetime import date

from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from core.formats import format_date
from core.money import format_eur
from grants.models import Reclaim, UsageReport

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
    "grants.application.assignment_taken": _("Zuständigkeit übernommen"),
    "grants.application.assignment_handed_on": _("Fall weitergegeben"),
    "grants.application.assignment_released": _("Zuständigkeit abgegeben"),
    "grants.amendment.submitted": _("Änderungsantrag eingereicht"),
    "grants.amendment.approved": _("Änderungsantrag bewilligt, Änderungsbescheid erlassen"),
    "grants.amendment.rejected": _("Änderungsantrag abgelehnt"),
    "grants.reclaim.issued": _("Rückforderungsbescheid erlassen"),
    "grants.reclaim.settled": _("Rückforderung erledigt"),
    "grants.award.closed": _("Zuwendung abgeschlossen"),
    "grants.casefile.exported": _("Akte an die E-Akte abgegeben (xdomea 0401)"),
    "grants.casefile.archived": _("Akte an das Archiv ausgesondert (xdomea 0503)"),
}



def _status_change(entry: AuditEntry, labels: dict) -> str | None:
    """`Eingereicht → In Prüfung` for an entry that changed the status."""
    status = entry.changes.get("status")
    if not status or len(status) != 2:
        return None
    before, after = status
    return f"{labels.get(before, '–') if before else '–'} → {labels.get(after, after)}"


def history_rows(entries: Iterable[AuditEntry], *, labels: dict, status_labels: dict,
                 text: Callable[[AuditEntry], str] | None = None) -> list[dict]:
    """Audit entries as rows: when, who, what (in words), the status change and a text."""
    return [{"created_at": entry.created_at, "actor": entry.actor, "label": labels.get(entry.action, entry.action),
             "status_change": _status_change(entry, status_labels), "text": text(entry) if text else ""}
            for entry in entries]


USAGE_REPORT_LABELS = {
    "grants.usage_report.created": _("Nachweis begonnen"),
    "grants.usage_report.saved": _("Angaben gespeichert"),
    "grants.usage_report.narrative_attached": _("Sachbericht hochgeladen"),
    "grants.usage_report.submitted": _("Nachweis eingereicht"),
    "grants.usage_report.questions_sent": _("Rückfragen gesendet"),
    "grants.usage_report.accepted": _("Nachweis angenommen"),
}


def usage_report_history(report: UsageReport | None) -> list[dict]:
    if report is None:
        return []
    return history_rows(audit_entries_for(report), labels=USAGE_REPORT_LABELS,
                        status_labels=dict(UsageReport.Status.choices),
                        text=lambda entry: entry.data.get("questions") or entry.data.get("note") or "")


RECLAIM_LABELS = {
    "grants.reclaim.proposed": _("Rückforderung vorgeschlagen"),
    "grants.reclaim.hearing_sent": _("Anhörungsschreiben versandt"),
    "grants.reclaim.hearing_answered": _("Stellungnahme zur Anhörung eingegangen"),
    "grants.reclaim.issued": _("Rückforderungsbescheid erlassen"),
    "grants.reclaim.discarded": _("Rückforderung verworfen"),
    "grants.reclaim.repayment_booked": _("Rückzahlung gebucht"),
    "grants.reclaim.settled": _("Rückforderung erledigt"),
}


def reclaim_text(entry: AuditEntry) -> str:
    data = entry.data
    if entry.action == "grants.reclaim.repayment_booked":
        return _gettext("%(amount)s eingegangen am %(date)s (Zinsen %(interest)s, Erstattungsbetrag %(principal)s)") % {
            "amount": format_eur(data["amount"]), "date": format_date(date.fromisoformat(data["received_on"])),
            "interest": format_eur(data["to_interest"]), "principal": format_eur(data["to_principal"])}
    if entry.action == "grants.reclaim.issued":
        return _gettext("Bescheid %(number)s, zu zahlen bis %(date)s") % {
            "number": data.get("notice"), "date": format_date(date.fromisoformat(data["due_on"]))}
    if entry.action == "grants.reclaim.hearing_sent":
        return _gettext("Schreiben vom %(date)s, Frist zur Äußerung bis %(due)s") % {
            "date": format_date(date.fromisoformat(data["letter_date"])),
            "due": format_date(date.fromisoformat(data["reply_due"]))}
    if entry.action == "grants.reclaim.hearing_answered":
        return _gettext("nach Fristablauf") if data.get("late") else _gettext("fristgerecht")
    return data.get("reason") or ""


def reclaim_history(reclaim: Reclaim) -> list[dict]:
    return history_rows(audit_entries_for(reclaim), labels=RECLAIM_LABELS, status_labels=dict(Reclaim.Status.choices),
                        text=reclaim_text)
