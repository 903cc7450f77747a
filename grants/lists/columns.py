"""The columns of each work list, in the order the table shows them: what its header says, how
the database sorts by it and what the export writes. The templates write the cells (links,
badges); a test holds each table's headers to these columns and each export to the table."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.formats import format_date
from core.ordering import choice_order, needs_work
from grants.exports.tables import COUNT, DATE, MONEY, REFERENCE
from grants.lists import ListColumn, Listing, full_name, local_date
from grants.models import AmendmentRequest, ApplicationStatus, Disbursement, Reclaim, UsageReport
from grants.models.applications import EDITABLE_STATUSES
from grants.models.usage_reports import list_order as usage_report_list_order
from grants.policies.base import status_label
from grants.selectors.deadlines import STATE_ORDER, DeadlineState
from municipalities.models import display_name_sql


def _period(application) -> str:
    return f"{application.programme.period_start.year}–{application.programme.period_end.year}"


def body_fields(prefix: str) -> tuple[str, ...]:
    """The fields the body columns (`_body_columns`) read of the application at `prefix`: for a
    list that loads only its columns (`QuerySet.only`)."""
    return (f"{prefix}__file_reference", f"{prefix}__municipality__name", f"{prefix}__municipality__kind")


def person_fields(field: str) -> tuple[str, ...]:
    """The fields a person column (`_person_column`) sorts by and shows."""
    return (f"{field}__last_name", f"{field}__first_name")


def _body_columns(prefix: str) -> tuple[ListColumn, ListColumn]:
    """Gebietskörperschaft and Aktenzeichen of the application at `prefix` (e.g. `award__application`)."""
    def application(row):
        for part in prefix.split("__"):
            row = getattr(row, part)
        return row
    return (
        ListColumn("koerperschaft", _("Gebietskörperschaft"), (display_name_sql(f"{prefix}__municipality"),),
                   lambda row: application(row).municipality.display_name),
        ListColumn("aktenzeichen", _("Aktenzeichen"), (f"{prefix}__file_reference",),
                   lambda row: application(row).file_reference or ""),
    )


def _person_column(key: str, label, field: str) -> ListColumn:
    """A person of the row (`field`, e.g. "prepared_by"): sorted by last name, then first name;
    exported with the full name."""
    return ListColumn(key, label, person_fields(field), lambda row: full_name(getattr(row, field)))


def _search(prefix: str = "") -> tuple[str, ...]:
    """Names and file references: the body, the Aktenzeichen, the project's title."""
    return tuple(f"{prefix}{field}" for field in ("municipality__name", "file_reference", "title"))


# -- Arbeitsvorrat (Sachbearbeitung) -------------------------------------------------------------------

S = ApplicationStatus
#: What waits for the clerk.
NEEDS_REVIEW = (S.SUBMITTED, S.IN_REVIEW)

REVIEW_QUEUE = Listing(
    slug="arbeitsvorrat", title=_("Arbeitsvorrat"),
    columns=(
        ListColumn("aktenzeichen", _("Aktenzeichen"), ("file_reference",), lambda a: a.file_reference or "",
                   kind=REFERENCE),
        ListColumn("koerperschaft", _("Gebietskörperschaft"), (display_name_sql("municipality"),),
                   lambda a: a.municipality.display_name),
        ListColumn("bezirk", _("Regierungsbezirk"), ("municipality__regierungsbezirk",),
                   lambda a: a.municipality.get_regierungsbezirk_display()),
        ListColumn("periode", _("Förderperiode"), ("programme__period_start", "programme__period_end"), _period),
        ListColumn("status", _("Status"), (choice_order("status", S.choices),), status_label),
        ListColumn("eingang", _("Eingereicht am"), ("submitted_at",), lambda a: local_date(a.submitted_at),
                   kind=DATE),
        ListColumn("betrag", _("Beantragte Zuwendung"), ("requested_total",), lambda a: a.requested_total,
                   kind=MONEY, css="money text-wrap"),
        _person_column("zustaendig", _("Zuständig"), "assignee"),
    ),
    default_order=(needs_work("status", NEEDS_REVIEW), "submitted_at"),
    default_label=_("zu bearbeiten zuerst (eingereicht oder in Prüfung), dann nach Eingang"),
    search_fields=(*_search(), "programme__code", "programme__name"),
)

# -- Anträge einer Gebietskörperschaft (Koordination) ---------------------------------------------------

def _application_status(application) -> str:
    """The status, and for a closed grant "abgeschlossen" beside it (as the list's badges)."""
    try:
        closed = application.award.is_closed
    except ObjectDoesNotExist:  # no award (yet)
        closed = False
    label = status_label(application)
    return f"{label}, {_('abgeschlossen')}" if closed else str(label)


APPLICATIONS = Listing(
    slug="antraege", title=_("Anträge"),
    columns=(
        ListColumn("aktenzeichen", _("Aktenzeichen"), ("file_reference",),
                   lambda a: a.file_reference or _("Entwurf"), kind=REFERENCE),
        ListColumn("vorhaben", _("Vorhaben"), ("title",), lambda a: a.title),
        ListColumn("periode", _("Förderperiode"), ("programme__period_start", "programme__period_end"), _period),
        ListColumn("status", _("Status"), (choice_order("status", S.choices),), _application_status),
        ListColumn("anlagen", _("Anlagen"), ("attachment_count",), lambda a: a.attachment_count, kind=COUNT),
        ListColumn("geaendert", _("zuletzt geändert"), ("updated_at",), lambda a: local_date(a.updated_at),
                   kind=DATE),
        ListColumn("zustaendig", _("Zuständig im Ministerium"), ("assignee__last_name", "assignee__first_name"),
                   lambda a: (full_name(a.assignee) or _("noch nicht zugewiesen")) if a.submitted_at else ""),
    ),
    default_order=(needs_work("status", EDITABLE_STATUSES), "-programme__period_start", "-created_at"),
    default_label=_("Entwürfe und Nachforderungen zuerst, dann die neuesten Förderperioden"),
    search_fields=_search(),
)

# -- Auszahlungen ---------------------------------------------------------------------------------------

D = Disbursement.Status


def _payment_status(disbursement) -> str:
    """The status, for a paid request with the day and the payment reference (as the list shows it)."""
    label = status_label(disbursement)
    if disbursement.paid_on:
        return f"{label} {format_date(disbursement.paid_on)} · {disbursement.payment_reference}"
    return label

PAYMENTS = Listing(
    slug="auszahlungen", title=_("Auszahlungen"),
    columns=(
        *_body_columns("award_year__award__application"),
        ListColumn("jahr", _("Jahr"), ("award_year__budget__year",), lambda d: d.award_year.year, kind=COUNT),
        ListColumn("betrag", _("Betrag"), ("amount",), lambda d: d.amount, kind=MONEY, css="money"),
        ListColumn("abgerufen", _("abgerufen am"), ("requested_at",), lambda d: local_date(d.requested_at),
                   kind=DATE),
        ListColumn("status", _("Status"), (choice_order("status", D.choices),), _payment_status),
        _person_column("vorbereitet", _("vorbereitet von"), "prepared_by"),
    ),
    # Within a status tab: the request that waits longest first (paid and rejected: newest first,
    # see the view).
    default_order=("requested_at",),
    default_label=_("wartet am längsten zuerst"),
    search_fields=_search("award_year__award__application__"),
)

# -- Verwendungsnachweise -------------------------------------------------------------------------------

R = UsageReport.Status

USAGE_REPORTS = Listing(
    slug="verwendungsnachweise", title=_("Verwendungsnachweise"),
    columns=(
        *_body_columns("award__application"),
        ListColumn("nachweis", _("Nachweis"), ("kind", "year"), str),
        ListColumn("periode", _("Förderperiode"), ("award__application__programme__period_start",
                                                    "award__application__programme__period_end"),
                   lambda r: _period(r.award.application)),
        ListColumn("eingereicht", _("eingereicht am"), ("submitted_at",), lambda r: local_date(r.submitted_at),
                   kind=DATE),
        ListColumn("status", _("Status"), (choice_order("status", R.choices),),
                   status_label),
        _person_column("geprueft", _("geprüft von"), "checked_by"),
    ),
    default_order=(usage_report_list_order(), "submitted_at"),  # as its index (usage_report_list_idx)
    default_label=_("eingereichte zuerst, dann solche mit offenen Rückfragen, dann angenommene"),
    search_fields=_search("award__application__"),
)

# -- Rückforderungen ------------------------------------------------------------------------------------

RS = Reclaim.Status

RECLAIMS = Listing(
    slug="rueckforderungen", title=_("Rückforderungen"),
    columns=(
        *_body_columns("award__application"),
        ListColumn("jahr", _("Haushaltsjahr"), ("award_year__budget__year",), lambda r: r.award_year.budget.year,
                   kind=COUNT),
        ListColumn("betrag", _("Erstattungsbetrag"), ("principal",), lambda r: r.principal, kind=MONEY,
                   css="text-end"),
        ListColumn("vorgeschlagen", _("vorgeschlagen am"), ("proposed_at",), lambda r: local_date(r.proposed_at),
                   kind=DATE),
        ListColumn("faellig", _("zu zahlen bis"), ("due_on",), lambda r: r.due_on, kind=DATE),
        ListColumn("status", _("Status"), (choice_order("status", RS.choices),), status_label),
    ),
    # To fix first, then the fixed ones by their payment date (overdue on top), then the rest, newest first.
    default_order=(choice_order("status", (), first=(RS.PROPOSED, RS.ISSUED)), "due_on", "-proposed_at"),
    default_label=_("festzusetzende zuerst, dann festgesetzte nach Zahlungsfrist"),
    search_fields=_search("award__application__"),
)

# -- Änderungsanträge -----------------------------------------------------------------------------------

A = AmendmentRequest.Status

AMENDMENTS = Listing(
    slug="aenderungsantraege", title=_("Änderungsanträge"),
    columns=(
        *_body_columns("award__application"),
        ListColumn("antrag", _("Änderungsantrag"), ("pk",), lambda a: _("Änderungsantrag %(n)s") % {"n": a.number}),
        ListColumn("ende", _("beantragtes Ende"), ("period_end",), lambda a: a.period_end, kind=DATE),
        ListColumn("eingereicht", _("eingereicht am"), ("submitted_at",), lambda a: local_date(a.submitted_at),
                   kind=DATE),
        ListColumn("status", _("Status"), (choice_order("status", A.choices),), status_label),
        _person_column("empfohlen", _("empfohlen von"), "recommended_by"),
    ),
    default_order=(needs_work("status", AmendmentRequest.OPEN_STATUSES), "submitted_at"),
    default_label=_("offene zuerst, in der Reihenfolge des Eingangs"),
    search_fields=_search("award__application__"),
)

# -- Fristen der Verwendungsnachweise (computed in Python from the running awards) ------------------------

_STATE_POSITION = {state.value: position for position, state in enumerate(STATE_ORDER)}


def _deadline_columns(*, body: bool) -> tuple[ListColumn, ...]:
    """Sort keys read a `DeadlineKey` (the list pages keys), export values a `DeadlineRow`."""
    columns = (
        ListColumn("koerperschaft", _("Gebietskörperschaft"), (), lambda row: row.municipality.display_name,
                   row_key=lambda key: key.body),
        ListColumn("aktenzeichen", _("Aktenzeichen"), (), lambda row: row.application.file_reference or "",
                   kind=REFERENCE, row_key=lambda key: key.file_reference or None),
        ListColumn("nachweis", _("Nachweis"), (), lambda row: row.proof_label,
                   row_key=lambda key: (key.deadline.kind, key.deadline.year or 0)),
        ListColumn("zeitraum", _("Zeitraum"), (),
                   lambda row: f"{format_date(row.deadline.covers_from)} – {format_date(row.deadline.covers_to)}",
                   row_key=lambda key: (key.deadline.covers_from, key.deadline.covers_to)),
        ListColumn("faellig", _("fällig am"), (), lambda row: row.deadline.due, kind=DATE,
                   row_key=lambda key: key.deadline.due),
        ListColumn("stand", _("Stand"), (), lambda row: " ".join(filter(None, (row.state_label, row.note))),
                   row_key=lambda key: _STATE_POSITION[key.state]),
        # Days overdue: the earlier the due date of an overdue proof, the more days.
        ListColumn("ueberfaellig", _("Tage überfällig"), (), lambda row: row.days_overdue, kind=COUNT, css="money",
                   row_key=lambda key: -key.deadline.due.toordinal() if key.state == DeadlineState.OVERDUE else None),
    )
    return columns if body else columns[1:]


def _deadlines(*, body: bool) -> Listing:
    return Listing(
        slug="fristen", title=_("Fristen"), columns=_deadline_columns(body=body), default_order=(),
        default_label=_("überfällige zuerst (am längsten überfällige oben), dann bald fällige, anstehende, erledigte"),
        search_texts=lambda key: (key.body, key.file_reference or ""))


#: The ministry's deadlines of every body, and a body's own (without the body's column).
DEADLINES = _deadlines(body=True)
BODY_DEADLINES = _deadlines(body=False)

# -- Bescheide ----------------------------------------------------------------------------------------

def _seal(notice) -> str:
    """The day of the notice's electronic seal, as the table shows it."""
    if not notice.sealed:
        return str(_("nicht gesiegelt"))
    day = format_date(local_date(notice.sealed_at))
    return f"{day} ({_('Testsiegel')})" if notice.seal_test else day


NOTICES = Listing(
    slug="bescheide", title=_("Bescheide"),
    columns=(
        ListColumn("nummer", _("Bescheidnummer"), ("number",), lambda n: n.number),
        ListColumn("art", _("Art"), ("kind",), lambda n: n.get_kind_display()),
        *_body_columns("application"),
        ListColumn("datum", _("Bescheiddatum"), ("issued_on",), lambda n: n.issued_on, kind=DATE),
        ListColumn("bekanntgabe", _("bekannt gegeben am"), ("notified_on",),
                   lambda n: n.notified_on or _("nicht erfasst"), kind=DATE),
        _person_column("erlassen", _("erlassen von"), "issued_by"),
        ListColumn("siegel", _("Elektronisches Siegel"), ("sealed_at",), lambda n: _seal(n)),
    ),
    # Not yet notified first (the Bekanntgabe is still to be recorded), then the newest.
    default_order=(F("notified_on").asc(nulls_first=True), "-issued_on", "-number"),
    default_label=_("Bescheide ohne erfasste Bekanntgabe zuerst, dann die neuesten"),
    search_fields=(*_search("application__"), "number"),
)
