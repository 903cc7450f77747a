"""The case history of an application and its grant: every event of every object of the case
(the application's steps, attachments, notices, payment calls and payments, proofs of use,
hearings, reclaims and repayments, Änderungsanträge, closing) in one timeline with who and when.

Every audit entry of the case carries the application's id (`AuditEntry.case_id`), so the
timeline is one indexed query however many objects and entries the case has; the page of the
whole history adds one query for the people in it and one per kind of object shown (for the
objects' names and links)."""

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from audit.models import AuditEntry
from core.formats import format_date
from core.money import format_eur
from grants.models import (
    AmendmentRequest,
    Application,
    ApplicationStatus,
    Award,
    Disbursement,
    Notice,
    Reclaim,
    UsageReport,
)
from grants.models.programmes import FinancingType
from grants.plan.lines import FinancingSource
from grants.selectors.history import ACTION_LABELS, RECLAIM_LABELS, USAGE_REPORT_LABELS, reclaim_text
from grants.selectors.scoping import reclaims_visible_to

# The kinds of object (and event) the timeline can be filtered by: code → label, actions.
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "antrag": (_("Antrag"), ("grants.application.",)),
    "anlagen": (_("Anlagen"), ("grants.application.attachment_",)),
    "bescheide": (_("Bescheide"), ("grants.notice.",)),
    "zahlungen": (_("Mittelabrufe und Auszahlungen"), ("grants.disbursement.",)),
    "nachweise": (_("Verwendungsnachweise"), ("grants.usage_report.",)),
    "rueckforderungen": (_("Anhörungen, Rückforderungen und Rückzahlungen"), ("grants.reclaim.",)),
    "aenderungen": (_("Änderungsanträge"), ("grants.amendment.", "grants.award.amended")),
    "zuwendung": (_("Zuwendung und Abschluss"), ("grants.award.",)),
}


def kind_of(action: str) -> str:
    """The kind of an event: the kind whose action prefix matches longest."""
    best, length = "", -1
    for code, (_label, prefixes) in KINDS.items():
        for prefix in prefixes:
            if action.startswith(prefix) and len(prefix) > length:
                best, length = code, len(prefix)
    return best


def _kind_q(code: str) -> Q:
    """The entries of one kind, in the database (a longer prefix of another kind is left out)."""
    wanted = Q()
    for prefix in KINDS[code][1]:
        wanted |= Q(action__startswith=prefix)
    for other, (_label, prefixes) in KINDS.items():
        for prefix in prefixes:
            if other != code and any(prefix.startswith(mine) and prefix != mine for mine in KINDS[code][1]):
                wanted &= ~Q(action__startswith=prefix)
    return wanted


EVENT_LABELS: dict[str, Any] = {
    **ACTION_LABELS,
    "grants.application.early_start_consented": _("Vorzeitiger Maßnahmebeginn zugelassen"),
    "grants.award.created": _("Zuwendung angelegt"),
    "grants.award.financing_changed": _("Finanzierungsart festgelegt"),
    "grants.award.amended": _("Neue Fassung des Finanzierungsplans"),
    "grants.notice.issued": _("Bescheid erlassen"),
    "grants.notice.ceremony_set": _("Bescheid einer Übergabe zugeordnet"),
    "grants.notice.notified": _("Bekanntgabe erfasst"),
    "grants.notice.notified_corrected": _("Bekanntgabe berichtigt"),
    "grants.notice.remedy_waived": _("Rechtsbehelfsverzicht erfasst"),
    "grants.disbursement.requested": _("Mittel abgerufen"),
    "grants.disbursement.prepared": _("Auszahlung vorbereitet"),
    "grants.disbursement.released": _("Auszahlung freigegeben"),
    "grants.disbursement.paid": _("Auszahlung gebucht"),
    "grants.disbursement.rejected": _("Mittelabruf abgelehnt"),
    "grants.disbursement.cancelled": _("Mittelabruf zurückgezogen"),
    "grants.disbursement.exported": _("In Zahlungsanordnung übernommen"),
    **USAGE_REPORT_LABELS,
    **RECLAIM_LABELS,
    "grants.amendment.created": _("Änderungsantrag angelegt"),
    "grants.amendment.saved": _("Änderungsantrag gespeichert"),
    "grants.amendment.submitted": _("Änderungsantrag eingereicht"),
    "grants.amendment.withdrawn": _("Änderungsantrag zurückgezogen"),
    "grants.amendment.sent_back": _("Rückfragen zum Änderungsantrag gesendet"),
    "grants.amendment.recommended": _("Änderungsantrag zur Bewilligung empfohlen"),
    "grants.amendment.approved": _("Änderungsantrag bewilligt, Änderungsbescheid erlassen"),
    "grants.amendment.rejected": _("Änderungsantrag abgelehnt"),
}

_STATUS_LABELS = {
    "grants.application.": dict(ApplicationStatus.choices),
    "grants.award.": dict(Award.Status.choices),
    "grants.disbursement.": dict(Disbursement.Status.choices),
    "grants.usage_report.": dict(UsageReport.Status.choices),
    "grants.reclaim.": dict(Reclaim.Status.choices),
    "grants.amendment.": dict(AmendmentRequest.Status.choices),
}

# Ministry work a coordinator does not see: a reclaim is internal until the hearing letter is sent.
_INTERNAL_ACTIONS = ("grants.reclaim.proposed", "grants.reclaim.discarded")


def case_entries(application: Application, user) -> QuerySet[AuditEntry]:
    """Every entry of the case the person may see, newest first: one query on
    (case_id, created_at). Applicants see neither internal comments being written nor the
    ministry's internal reclaim work."""
    entries = AuditEntry.objects.filter(case_id=application.pk).select_related("actor").order_by("-created_at", "-pk")
    if not user.can(Capability.VIEW_ALL):
        entries = entries.exclude(action__in=_INTERNAL_ACTIONS).filter(
            ~Q(action="grants.application.commented") | Q(data__visibility="antragsteller"))
        # Who handles the case is the ministry's internal organisation (coordinators see the name only).
        entries = entries.exclude(action__startswith="grants.application.assignment_")
    return entries


def case_entries_filtered(entries: QuerySet[AuditEntry], *, kind: str = "", action: str = "", actor: int | None = None,
                          since: date | None = None, until: date | None = None) -> QuerySet[AuditEntry]:
    """`case_entries` narrowed by kind of object, event, person and days (both inclusive)."""
    if kind in KINDS:
        entries = entries.filter(_kind_q(kind))
    if action:
        entries = entries.filter(action=action)
    if actor is not None:
        entries = entries.filter(actor_id=actor)
    tz = timezone.get_current_timezone()
    if since is not None:
        entries = entries.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until is not None:
        entries = entries.filter(created_at__lt=datetime.combine(until, time.max, tzinfo=tz))
    return entries


def case_people(entries: QuerySet[AuditEntry]) -> list[tuple[int, str]]:
    """The people who appear in the case (id, name), by name: one query."""
    ids = entries.order_by().exclude(actor=None).values("actor_id").distinct()
    return sorted(((user.pk, str(user)) for user in User.objects.filter(pk__in=ids)), key=lambda item: item[1])


def case_events(entries: QuerySet[AuditEntry]) -> list[tuple[str, str]]:
    """The events that occur in the case (action, label), in the order of `EVENT_LABELS`."""
    present = set(entries.order_by().values_list("action", flat=True).distinct())
    return [(action, str(label)) for action, label in EVENT_LABELS.items() if action in present]


# -- rows ------------------------------------------------------------------------------------------


def _status_change(entry: AuditEntry) -> str | None:
    status = entry.changes.get("status")
    if not status or len(status) != 2:
        return None
    labels = next((labels for prefix, labels in _STATUS_LABELS.items() if entry.action.startswith(prefix)), {})
    before, after = status
    return f"{labels.get(before, '–') if before else '–'} → {labels.get(after, after)}"


def _day(value: str | None) -> str:
    try:
        return format_date(date.fromisoformat(value or ""))
    except ValueError:
        return value or ""


def _money(value) -> str:
    try:
        return format_eur(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


def _field_names(model, names: Iterable[str]) -> str:
    fields = {field.name: str(field.verbose_name) for field in model._meta.fields}
    labels = [_gettext("Finanzierungsplan") if name.startswith("plan.") else fields.get(name, name) for name in names]
    return ", ".join(dict.fromkeys(labels))


def _text(entry: AuditEntry) -> str:
    """The event's details in words, from what the entry recorded."""
    action, data, changes = entry.action, entry.data, entry.changes
    if action.startswith("grants.reclaim."):
        return reclaim_text(entry)
    if action == "grants.application.submitted":
        return _gettext("Antwort: %(answer)s") % {"answer": data["answer"]} if data.get("answer") else ""
    if action == "grants.application.changes_requested":
        return data.get("message", "")
    if action.startswith("grants.application.assignment_"):
        before, after = changes.get("assignee", [None, None])
        text = f"{before or _gettext('niemand')} → {after or _gettext('niemand')}"
        return f"{text} · {data['note']}" if data.get("note") else text
    if action in ("grants.application.attachment_added", "grants.application.attachment_removed"):
        return data.get("file", "")
    if action == "grants.application.changed":
        return _gettext("Geändert: %(fields)s") % {"fields": _field_names(Application, changes)}
    if action == "grants.application.plan_changed" and "zuwendung" in changes:
        before, after = changes["zuwendung"]
        return _gettext("beantragte Zuwendung %(before)s → %(after)s") % {"before": _money(before),
                                                                            "after": _money(after)}
    if action in ("grants.application.recommended", "grants.application.approved") and data.get("total"):
        return _money(data["total"])
    if action == "grants.application.early_start_consented":
        return _gettext("ab %(date)s") % {"date": _day(data.get("allowed_from"))}
    if action == "grants.notice.issued":
        return data.get("number", "")
    if action.startswith("grants.notice.notified"):
        after = (changes.get("notified_on") or [None, None])[1]
        return _gettext("bekanntgegeben am %(date)s") % {"date": _day(after)} if after else ""
    if action == "grants.notice.remedy_waived":
        return _gettext("erklärt am %(date)s") % {"date": _day(data.get("declared_on"))}
    if action == "grants.disbursement.requested":
        return _gettext("%(amount)s für %(year)s") % {"amount": _money(data.get("amount")), "year": data.get("year")}
    if action == "grants.disbursement.paid":
        return _gettext("ausgezahlt am %(date)s") % {"date": _day(data.get("paid_on"))}
    if action == "grants.disbursement.exported":
        return _gettext("Zahlungsanordnung %(number)s") % {"number": (changes.get("export") or [None, ""])[1]}
    if action == "grants.award.amended":
        text = _gettext("Fassung %(revision)s, Änderungsbescheid %(notice)s") % {
            "revision": data.get("revision"), "notice": data.get("notice")}
        if data.get("amendment_number"):
            text = _gettext("Änderungsantrag %(number)s: %(text)s") % {"number": data["amendment_number"], "text": text}
        return text
    if action == "grants.award.financing_changed":
        return str(dict(FinancingType.choices).get((changes.get("financing_type") or [None, ""])[1], ""))
    return str(data.get("questions") or data.get("reason") or data.get("note") or data.get("message") or "")


def resubmission_changes(entry: AuditEntry) -> dict | None:
    """For a resubmission: what changed in the plan and the texts since the request for changes,
    as recorded when it was submitted (`grants.services.resubmission`)."""
    if entry.action != "grants.application.submitted":
        return None
    changed = entry.data.get("since_request")
    if not changed:
        return None
    sources = dict(FinancingSource.choices)
    cells = [{**cell, "line": str(sources.get(cell["line"][len("fin:"):], cell["line"]))
              if cell["line"].startswith("fin:") else cell.get("name") or cell["line"],
              "before": _money(cell["before"]) if cell["before"] is not None else "–",
              "after": _money(cell["after"]) if cell["after"] is not None else "–"}
             for cell in changed.get("cells", [])]
    fields = {field.name: str(field.verbose_name) for field in Application._meta.fields}
    dates = ("period_start", "period_end")
    texts = [{"label": fields.get(text["field"], text["field"]),
              "before": _day(text["before"]) if text["field"] in dates else text["before"],
              "after": _day(text["after"]) if text["field"] in dates else text["after"]}
             for text in changed.get("texts", [])]
    return {"cells": cells, "texts": texts}


def timeline_rows(entries: Iterable[AuditEntry], *, objects: dict | None = None) -> list[dict]:
    """Entries as rows: when, who, kind, what (in words), status change, details, for a
    resubmission the changes since the request, and (with `objects`, see `object_links`) the
    object's name and page."""
    types = ContentType.objects.get_for_models(Application, Award)  # cached: no query after the first
    plain = {types[Application].pk: _gettext("Antrag"), types[Award].pk: _gettext("Zuwendung")}
    rows = []
    for entry in entries:
        kind = kind_of(entry.action)
        name, url = (objects or {}).get((entry.content_type_id, entry.object_id), (None, None))
        if name is None:
            name = _gettext("Anlage") if kind == "anlagen" else plain.get(entry.content_type_id)
        rows.append({
            "created_at": entry.created_at, "actor": entry.actor, "kind": kind,
            "kind_label": KINDS[kind][0] if kind else "",
            "label": EVENT_LABELS.get(entry.action, _gettext("Im Verwaltungsbereich geändert")
                                      if entry.action.endswith((".created", ".updated", ".deleted")) else entry.action),
            "status_change": _status_change(entry), "text": _text(entry),
            "since_request": resubmission_changes(entry), "object": name, "url": url,
        })
    return rows


def object_links(entries: list[AuditEntry], user) -> dict[tuple[int, int], tuple[str, str | None]]:
    """The name and page of each object the entries are about: one query per kind of object
    among them (payment calls, proofs, reclaims, Änderungsanträge); notices by their number."""
    wanted: dict[int, set[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.content_type_id, set()).add(entry.object_id)
    types = ContentType.objects.get_for_models(Disbursement, UsageReport, Reclaim, AmendmentRequest)
    notice_type = ContentType.objects.get_for_model(Notice)
    ministry = user.can(Capability.VIEW_ALL)
    links: dict[tuple[int, int], tuple[str, str | None]] = {}

    def url(name: str, pk: int) -> str | None:
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            return None

    for entry in entries:
        if entry.content_type_id == notice_type.pk:
            links[(notice_type.pk, entry.object_id)] = (entry.object_repr,
                                                        url("grants:notice_download", entry.object_id))
    if ids := wanted.get(types[Disbursement].pk):
        for pk, year, amount in Disbursement.objects.filter(pk__in=ids).values_list(
                "pk", "award_year__budget__year", "amount"):
            links[(types[Disbursement].pk, pk)] = (_gettext("Mittelabruf %(year)s über %(amount)s") % {
                "year": year, "amount": format_eur(amount)}, None)
    if ids := wanted.get(types[UsageReport].pk):
        for report in UsageReport.objects.filter(pk__in=ids).only("pk", "kind", "year", "submitted_at"):
            links[(types[UsageReport].pk, report.pk)] = (  # the ministry's page shows a submitted proof
                str(report), url("grants:usage_report_check", report.pk)
                if ministry and report.submitted_at is not None else None)
    if ids := wanted.get(types[Reclaim].pk):
        shown = reclaims_visible_to(user).filter(pk__in=ids).values("pk")  # a coordinator: fixed or heard
        for pk, year, visible in Reclaim.objects.filter(pk__in=ids).annotate(visible=Exists(
                shown.filter(pk=OuterRef("pk")))).values_list("pk", "award_year__budget__year", "visible"):
            links[(types[Reclaim].pk, pk)] = (_gettext("Rückforderung %(year)s") % {"year": year},
                                              url("grants:reclaim_detail", pk) if visible else None)
    if ids := wanted.get(types[AmendmentRequest].pk):
        for pk, number, submitted_at in AmendmentRequest.objects.filter(pk__in=ids).values_list(
                "pk", "number", "submitted_at"):
            links[(types[AmendmentRequest].pk, pk)] = (  # the ministry sees a request once it is submitted
                _gettext("Änderungsantrag %(number)s") % {"number": number},
                url("grants:amendment_detail", pk) if submitted_at is not None or not ministry else None)
    return links
