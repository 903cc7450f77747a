"""The start page as a to-do list: what waits for this person, overdue and oldest first, each
item linked straight to the page where it is done.

Per capability (grants/policies decides what is actionable, so the list never offers what the
action page would refuse):

- a body's coordinator (`APPLY`, own body only): requests for changes to answer, drafts to
  submit, hearings to answer, questions on a proof of use or an Änderungsantrag, proofs of use
  due or overdue, money that can be called now, fixed reclaims to pay;
- people with signing authority (`DECIDE`): recommendations to decide, Zuwendungsbescheide to
  issue, payments to release, Änderungsanträge to decide, reclaims to fix;
- the clerk (`REVIEW` without `DECIDE`): submissions to review (new ones and answers to a
  request for changes), applications in review, calls to prepare, released payments to book,
  proofs to check, Änderungsanträge to review, hearings to send, overdue repayments;
- the programme administration (`MANAGE_PROGRAMME`): a base rate to check, budgets missing.

Each kind is read with a fixed number of queries whatever the number of rows (the objects the
policies look at are joined or marked in bulk); the one exception is the Zuwendungsbescheid to
issue, whose policy reads per application: it is asked for at most `limit` candidates.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.roles import Capability
from core import clock
from core.formats import format_date
from core.money import ZERO, format_eur
from grants.interest import next_change_day
from grants.models import (
    AmendmentRequest,
    Application,
    ApplicationStatus,
    Award,
    AwardYear,
    BaseRate,
    Budget,
    ChangeRequest,
    Disbursement,
    FundingProgramme,
    Notice,
    Reclaim,
    Recommendation,
    UsageReport,
)
from grants.policies import (
    may_amendment_approve,
    may_amendment_edit,
    may_amendment_recommend,
    may_application_approve,
    may_application_edit,
    may_application_recommend,
    may_application_start_review,
    may_application_submit,
    may_base_rate_set,
    may_budget_set,
    may_disbursement_book,
    may_disbursement_prepare,
    may_disbursement_release,
    may_disbursement_request,
    may_notice_issue,
    may_reclaim_book_repayment,
    may_reclaim_hearing_answer,
    may_reclaim_hearing_send,
    may_reclaim_issue,
    may_usage_report_accept,
    may_usage_report_edit,
    may_usage_report_submit,
    not_closed,
    not_same_person,
)
from grants.selectors.awards import budget_year, mark_award_notices
from grants.selectors.deadlines import DeadlineState, deadline_index, deadline_rows_for, running_awards
from grants.selectors.lists import award_long_texts, without_long_texts
from grants.selectors.payments import payment_year_rows
from grants.selectors.proofs import report_label, report_url
from grants.selectors.reclaims import OVERDUE_PAYMENT, repayment_overdue
from grants.selectors.scoping import (
    amendments_visible_to,
    applications_visible_to,
    disbursements_visible_to,
    reclaims_visible_to,
    usage_reports_visible_to,
)

S = ApplicationStatus
D = Disbursement.Status
RS = Reclaim.Status
A = AmendmentRequest.Status
# The start page shows this many items of each kind; the group links to all of them.
START_PAGE_ITEMS = 5


@dataclass(frozen=True)
class TodoItem:
    """One thing to do: what, for which body and file, since or until when, and where it is done."""

    what: str
    body: str
    reference: str
    url: str
    today: date
    since: date | None = None
    due: date | None = None
    detail: str = ""

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days if self.due is not None and self.due < self.today else 0

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def when(self) -> str:
        """The date in words: "überfällig seit 155 Tagen (fällig am 30.06.2026)", "fällig am …",
        "seit …"."""
        if self.overdue:
            assert self.due is not None
            return ngettext("überfällig seit %(days)s Tag (fällig am %(due)s)",
                            "überfällig seit %(days)s Tagen (fällig am %(due)s)", self.days_overdue) % {
                "days": self.days_overdue, "due": format_date(self.due)}
        if self.due is not None:
            left = (self.due - self.today).days
            if left == 0:
                return _("heute fällig")
            return ngettext("fällig am %(due)s (noch %(days)s Tag)", "fällig am %(due)s (noch %(days)s Tage)",
                            left) % {"due": format_date(self.due), "days": left}
        if self.since is not None:
            waiting = (self.today - self.since).days
            if waiting <= 0:
                return _("wartet seit heute")
            return ngettext("wartet seit %(days)s Tag (%(date)s)", "wartet seit %(days)s Tagen (%(date)s)",
                            waiting) % {
                "date": format_date(self.since), "days": waiting}
        return ""

    @property
    def order(self) -> tuple:
        """Overdue first (the longest overdue first), then by the date it waits since or is due."""
        return (not self.overdue, self.due or self.since or self.today, self.body, self.reference)


@dataclass
class TodoGroup:
    """The items of one kind: `items` are the first `limit` (overdue and oldest first), `total` how
    many there are, `list_url` the page that shows them all."""

    kind: str
    label: str
    items: list[TodoItem]
    total: int
    list_url: str
    overdue: int = 0
    more: int = field(init=False)

    def __post_init__(self):
        self.more = max(0, self.total - len(self.items))


def _local(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _ref(application: Application) -> str:
    return application.file_reference or _("Entwurf")


class _Order(NamedTuple):
    """Where a row's body and file reference are: the order of items due on the same day."""

    body: str
    reference: str


class _Collector:
    """Builds the groups: each kind adds its actionable items; the groups are ordered by their
    most urgent item, the kinds with overdue items first."""

    def __init__(self, user, today: date, limit: int | None):
        self.user, self.today, self.limit = user, today, limit
        self.groups: list[TodoGroup] = []

    def add(self, kind: str, label: str, items: Iterable[TodoItem], list_url: str, *, total: int | None = None):
        ordered = sorted(items, key=lambda item: item.order)
        if not ordered:
            return
        shown = ordered if self.limit is None else ordered[:self.limit]
        self.groups.append(TodoGroup(kind, label, shown, len(ordered) if total is None else total,
                                     list_url, overdue=sum(1 for item in ordered if item.overdue)))

    def add_rows(self, kind: str, label: str, rows: QuerySet, list_url: str, *, order: "_Order",
                 allowed: Callable[[Any], bool], item: Callable[[Any], TodoItem], since: str | None = None,
                 due: str | None = None, prepare: Callable[[list], None] | None = None) -> None:
        """Work counted and ordered in the database, for kinds that grow with the programme (every
        payment call, every proof): `rows` are the candidates – in the state the work needs, visible
        to the person, with what the policy refuses for whole sets of rows already filtered
        (`not_closed`, `not_same_person`). They are ordered as `TodoItem.order` orders items (by the
        field `due` or `since`; on one day by the body's name and the file reference) and read a few
        at a time, each batch with the number of candidates (one query); the policy (`allowed`) and
        `item` are asked only until `limit` items are found, `prepare` (e.g. `mark_award_notices`)
        once per batch. The total is the number of candidates – what the list the group links to
        shows; the full list of the kind (no limit) counts what it shows."""
        assert (since is None) != (due is None), "ordered either by the day it is due or by the day it waits since"
        overdue = Count("pk", filter=Q(**{f"{due}__lt": self.today})) if due else Value(0)
        if self.limit == 0:  # counts only (the review backlog of a person with signing authority)
            counts = rows.aggregate(total=Count("pk"), overdue=overdue) if due else rows.aggregate(total=Count("pk"))
            if counts["total"]:
                self.groups.append(TodoGroup(kind, label, [], counts["total"], list_url,
                                             overdue=counts.get("overdue", 0)))
            return
        # Waiting since a moment: ties are rare, the order is the queue's index (status, since, id).
        # Due on a day: several on one day, in the order of the body's name and the file reference.
        ordered = (rows.order_by(F(since).asc(nulls_last=True), "pk") if since is not None
                   else rows.order_by(F(str(due)).asc(nulls_last=True), f"{order.body}__name", order.reference, "pk"))
        if self.limit is None:
            batch = list(ordered)
            if prepare:
                prepare(batch)
            self.add(kind, label, [item(row) for row in batch if allowed(row)], list_url)
            return
        ordered = ordered.annotate(todo_total=Window(Count("pk")),
                                   todo_overdue=Window(overdue) if due else Value(0))
        items: list[TodoItem] = []
        offset, size, first = 0, self.limit * 2, None
        while len(items) < self.limit:
            batch = list(ordered[offset:offset + size])
            if first is None:
                if not batch:
                    return
                first = batch[0]
            if prepare:
                prepare(batch)
            items += [item(row) for row in batch if allowed(row)][:self.limit - len(items)]
            if len(batch) < size:
                break
            offset, size = offset + size, size * 2
        assert first is not None
        self.groups.append(TodoGroup(kind, label, items, first.todo_total, list_url, overdue=first.todo_overdue))

    def item(self, what: str, application: Application, url: str, **kwargs) -> TodoItem:
        return TodoItem(what=what, body=str(application.municipality), reference=_ref(application), url=url,
                        today=self.today, **kwargs)

    def result(self) -> list[TodoGroup]:
        self.groups.sort(key=lambda group: (group.overdue == 0, group.items[0].order if group.items else ()))
        return self.groups


def todo_for(user, *, today: date | None = None, limit: int | None = START_PAGE_ITEMS,
             only: str | None = None) -> list[TodoGroup]:
    """The person's to-do, grouped by kind; `limit` items per kind (None: all); `only`: one kind."""
    collector = _Collector(user, today or clock.today(), limit)
    for names, build in _kinds_of(user):
        if only is None or only in names.split():
            build(collector)
    groups = collector.result()
    return groups if only is None else [group for group in groups if group.kind == only]


def review_backlog(user, *, today: date | None = None) -> list[TodoGroup]:
    """For a person with signing authority: the review work of the unit (the clerk's kinds),
    counted, without items – the start page links each kind to its list."""
    if not (user.can(Capability.DECIDE) and user.can(Capability.REVIEW)):
        return []
    collector = _Collector(user, today or clock.today(), 0)
    for _names, build in CLERK_KINDS:
        build(collector)
    return collector.result()


def _kinds_of(user) -> list[tuple[str, Callable[["_Collector"], None]]]:
    """(names of the kinds, builder) of the work this person's to-do can hold."""
    kinds: list[tuple[str, Callable[[_Collector], None]]] = []
    if user.can(Capability.APPLY) and user.municipality_id:
        kinds += COORDINATOR_KINDS
    if user.can(Capability.DECIDE):
        kinds += SIGNING_KINDS
    elif user.can(Capability.REVIEW):
        kinds += CLERK_KINDS
    if user.can(Capability.MANAGE_PROGRAMME):
        kinds += PROGRAMME_KINDS
    return kinds


def todo_kinds(user) -> set[str]:
    """The kinds of work this person's to-do can hold (for the full list of one kind)."""
    return {kind for names, _build in _kinds_of(user) for kind in names.split()}


def _slim(queryset, award: str, *related: str):
    """`queryset` reading only what an item shows and its policy asks: the award (at the path
    `award`) with its application, body and programme, and `related` – not every object the pages of the
    scoped queryset show (each join costs planning time on every start page)."""
    return queryset.select_related(None).defer(None).select_related(
        f"{award}application__municipality", f"{award}application__programme", *related).defer(
        *award_long_texts(award))


def _all_of(kind: str) -> str:
    return f"{reverse('dashboard')}?alle={kind}"


# -- the coordinator -------------------------------------------------------------------------------

_APPLICATION_RELATED = ("municipality", "programme")
_APPLICATION_ORDER = _Order(body="municipality", reference="file_reference")


def _own_applications(user):
    return without_long_texts(applications_visible_to(user).select_related(*_APPLICATION_RELATED))


def _changes_to_answer(c: _Collector) -> None:
    open_since = (ChangeRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=True)
                  .order_by("created_at").values("created_at")[:1])
    applications = (_own_applications(c.user).filter(status=S.CHANGES_REQUESTED)
                    .annotate(open_since=Subquery(open_since)))
    c.add("nachforderung", _("Nachforderungen beantworten"), [
        c.item(_("Nachforderung beantworten"), application, reverse("grants:application_edit", args=[application.pk]),
               since=_local(application.open_since), detail=application.title)
        for application in applications if may_application_edit(c.user, application) is None],
        _all_of("nachforderung"))


def _drafts_to_submit(c: _Collector) -> None:
    drafts = _own_applications(c.user).filter(status=S.DRAFT)
    c.add("entwurf", _("Anträge einreichen"), [
        c.item(_("Antrag fertigstellen und einreichen"), application,
               reverse("grants:application_edit", args=[application.pk]),
               since=_local(application.created_at), due=application.programme.application_deadline,
               detail=application.title)
        for application in drafts if may_application_submit(c.user, application, today=c.today) is None],
        _all_of("entwurf"))


def _hearings_to_answer(c: _Collector) -> None:
    reclaims = (_slim(reclaims_visible_to(c.user), "award__").filter(
                    status=RS.PROPOSED, hearing__answered_at__isnull=True, hearing__isnull=False)
                .select_related("hearing").defer("hearing__pdf", "hearing__snapshot", "hearing__answer_pdf"))
    c.add("anhoerung", _("Anhörungen beantworten"), [
        c.item(_("Stellungnahme zur Anhörung abgeben"), reclaim.award.application,
               reverse("grants:reclaim_detail", args=[reclaim.pk]) + "#h-anhoerung",
               since=reclaim.hearing.letter_date, due=reclaim.hearing.reply_due,
               detail=_("Rückforderung über %(amount)s") % {"amount": format_eur(reclaim.principal)})
        for reclaim in reclaims if may_reclaim_hearing_answer(c.user, reclaim) is None],
        _all_of("anhoerung"))


def _proof_questions(c: _Collector) -> None:
    reports = _slim(usage_reports_visible_to(c.user), "award__").filter(status=UsageReport.Status.QUESTIONS)
    c.add("nachweis-rueckfragen", _("Rückfragen zu Nachweisen beantworten"), [
        c.item(_("Rückfragen zum %(report)s beantworten") % {"report": report}, report.award.application,
               report_url(report, report.award.application_id), since=_local(report.checked_at))
        for report in reports if may_usage_report_submit(c.user, report) is None],
        _all_of("nachweis-rueckfragen"))


def _amendment_questions(c: _Collector) -> None:
    requests = (_slim(amendments_visible_to(c.user), "award__").filter(status=A.DRAFT).exclude(review_note="")
                .defer("plan"))
    items = []
    for request in requests:
        if may_amendment_edit(c.user, request.award, request=request, today=c.today) is None:
            items.append(c.item(_("Rückfragen zum Änderungsantrag beantworten"), request.award.application,
                                reverse("grants:amendment_edit", args=[request.award.application_id]),
                                since=_local(request.submitted_at or request.created_at)))
    c.add("aenderung-rueckfragen", _("Rückfragen zu Änderungsanträgen beantworten"), items,
          _all_of("aenderung-rueckfragen"))


def _proofs_due(c: _Collector) -> None:
    """Proofs of use overdue or due soon that the body can write now (not those with questions:
    they are a kind of their own)."""
    awards = running_awards(Award.objects.filter(application__municipality_id=c.user.municipality_id))
    keys = [key for key in deadline_index(awards, today=c.today)
            if key.state in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON)]
    items = []
    for row in deadline_rows_for(keys, today=c.today):
        if row.has_questions:
            continue
        if may_usage_report_edit(c.user, row.award, row.report, deadline=row.deadline, today=c.today) is None:
            what = (_("%(proof)s fertigstellen und einreichen") if row.draft_started
                    else _("%(proof)s erstellen und einreichen")) % {"proof": report_label(row.deadline)}
            items.append(c.item(what, row.application, report_url(row.deadline, row.application.pk),
                                due=row.deadline.due))
    c.add("nachweis-faellig", _("Verwendungsnachweise fällig"), items, reverse("grants:deadline_list"))


def _money_to_call(c: _Collector) -> None:
    """Running awards of the body with money that can be called now (two queries for the awards'
    years and requests, one for their notices)."""
    awards = list(running_awards(Award.objects.filter(application__municipality_id=c.user.municipality_id))
                  .prefetch_related(Prefetch("years", queryset=AwardYear.objects.select_related("budget")
                                             .order_by("budget__year"))))
    mark_award_notices(awards)
    award_of_year = {year.pk: award.pk for award in awards for year in award.years.all()}
    requests: dict[int, list[Disbursement]] = defaultdict(list)
    for request in Disbursement.objects.filter(award_year_id__in=award_of_year).only("pk", "award_year_id", "amount",
                                                                                      "status"):
        requests[award_of_year[request.award_year_id]].append(request)
    callable_awards = []
    for award in awards:
        rows = payment_year_rows(award, c.today, disbursements=requests[award.pk], explain=False)
        callable_years = [row for row in rows if row["callable"]]
        if callable_years and may_disbursement_request(c.user, award, year_rows=rows) is None:
            callable_awards.append((award, callable_years))
    # All of one body: in the order of the file reference (`TodoItem.order`); items for those shown.
    callable_awards.sort(key=lambda pair: _ref(pair[0].application))
    items = [
        c.item(_("Mittel abrufen"), award.application, reverse("grants:payment_request", args=[award.application_id]),
               detail=_("jetzt abrufbar: %(amount)s (%(years)s)") % {
                   "amount": format_eur(sum((row["callable"] for row in years), ZERO)),
                   "years": ", ".join(str(row["year"]) for row in years)})
        for award, years in (callable_awards if c.limit is None else callable_awards[:c.limit])]
    c.add("mittelabruf", _("Mittel abrufen"), items, reverse("grants:application_list"), total=len(callable_awards))


def _reclaims_to_pay(c: _Collector) -> None:
    reclaims = (_slim(reclaims_visible_to(c.user), "award__", "notice").filter(status=RS.ISSUED)
                .defer("notice__pdf", "notice__snapshot"))
    c.add("rueckforderung-zahlen", _("Rückforderungen zahlen"), [
        c.item(_("Rückforderungsbescheid %(number)s zahlen") % {"number": reclaim.notice.number if reclaim.notice
                                                               else ""},
               reclaim.award.application, reverse("grants:reclaim_detail", args=[reclaim.pk]),
               due=reclaim.due_on, detail=_("Erstattungsbetrag %(amount)s zuzüglich Zinsen") % {
                   "amount": format_eur(reclaim.principal)})
        for reclaim in reclaims], _all_of("rueckforderung-zahlen"))


COORDINATOR_KINDS: list[tuple[str, Callable[[_Collector], None]]] = [
    ("nachforderung", _changes_to_answer),
    ("anhoerung", _hearings_to_answer),
    ("nachweis-rueckfragen", _proof_questions),
    ("aenderung-rueckfragen", _amendment_questions),
    ("nachweis-faellig", _proofs_due),
    ("rueckforderung-zahlen", _reclaims_to_pay),
    ("mittelabruf", _money_to_call),
    ("entwurf", _drafts_to_submit),
]


# -- the clerk -------------------------------------------------------------------------------------


def _submissions(c: _Collector) -> None:
    """Submitted applications: new ones, and answers to a request for changes (resubmissions)."""
    answered = (ChangeRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=False)
                .order_by("-answered_at").values("answered_at")[:1])
    applications = (_own_applications(c.user).filter(status=S.SUBMITTED)
                    .annotate(answered=Subquery(answered)))
    queue = reverse("grants:review_queue") + f"?status={S.SUBMITTED}"

    def allowed(application: Application) -> bool:
        return may_application_start_review(c.user, application) is None

    def review(what: str, since: str) -> Callable[[Application], TodoItem]:
        return lambda application: c.item(
            what, application, reverse("grants:application_detail", args=[application.pk]) + "#h-pruefung",
            since=_local(getattr(application, since)), detail=application.title)

    c.add_rows("antwort", _("Antworten auf Nachforderungen"), applications.filter(answered__isnull=False), queue,
               since="answered", order=_APPLICATION_ORDER, allowed=allowed,
               item=review(_("Antwort auf die Nachforderung prüfen"), "answered"))
    c.add_rows("eingereicht", _("Eingereichte Anträge prüfen"), applications.filter(answered__isnull=True), queue,
               since="submitted_at", order=_APPLICATION_ORDER, allowed=allowed,
               item=review(_("Antrag prüfen"), "submitted_at"))


def _in_review(c: _Collector) -> None:
    c.add_rows(
        "in-pruefung", _("Prüfung abschließen: empfehlen oder nachfordern"),
        _own_applications(c.user).filter(status=S.IN_REVIEW), reverse("grants:review_queue") + f"?status={S.IN_REVIEW}",
        since="submitted_at", order=_APPLICATION_ORDER,
        allowed=lambda application: may_application_recommend(c.user, application) is None,
        item=lambda application: c.item(
            _("Prüfung abschließen"), application,
            reverse("grants:application_detail", args=[application.pk]) + "#h-pruefung",
            since=_local(application.submitted_at), detail=application.title))


_DISBURSEMENT_RELATED = ("award_year__budget", "award_year__award__application__municipality",
                         "award_year__award__application__programme")


_DISBURSEMENT_ORDER = _Order(body="award_year__award__application__municipality",
                             reference="award_year__award__application__file_reference")


def _disbursements(c: _Collector, status: str) -> QuerySet:
    # The budget year (what an item names) as a subquery, not joined with the window count.
    return _slim(disbursements_visible_to(c.user).filter(not_closed("award_year__award"), status=status),
                 "award_year__award__").annotate(budget_year=budget_year())


def _mark_notices(rows: list[Disbursement]) -> None:
    # Every row has its own award object (select_related): mark each, not one per award.
    mark_award_notices([row.award_year.award for row in rows])


def _payment_detail(disbursement: Disbursement) -> str:
    return _("%(amount)s für %(year)s") % {"amount": format_eur(disbursement.amount),
                                           "year": disbursement.budget_year}  # type: ignore[attr-defined]  # _disbursements


def _calls_to_prepare(c: _Collector) -> None:
    c.add_rows(
        "vorbereiten", _("Mittelabrufe vorbereiten"), _disbursements(c, D.REQUESTED),
        reverse("grants:payment_queue") + f"?status={D.REQUESTED}", since="requested_at", order=_DISBURSEMENT_ORDER,
        prepare=_mark_notices, allowed=lambda d: may_disbursement_prepare(c.user, d) is None,
        item=lambda d: c.item(_("Mittelabruf prüfen und vorbereiten"), d.award_year.award.application,
                              reverse("grants:payment_prepare", args=[d.pk]), since=_local(d.requested_at),
                              detail=_payment_detail(d)))


def _payments_to_book(c: _Collector) -> None:
    c.add_rows(
        "buchen", _("Freigegebene Auszahlungen buchen"), _disbursements(c, D.RELEASED),
        reverse("grants:payment_queue") + f"?status={D.RELEASED}", since="released_at", order=_DISBURSEMENT_ORDER,
        allowed=lambda d: may_disbursement_book(c.user, d) is None,
        item=lambda d: c.item(_("Auszahlung buchen"), d.award_year.award.application,
                              reverse("grants:payment_book", args=[d.pk]), since=_local(d.released_at),
                              detail=_payment_detail(d)))


_AWARD_ORDER = _Order(body="award__application__municipality", reference="award__application__file_reference")


def _proofs_to_check(c: _Collector) -> None:
    reports = _slim(usage_reports_visible_to(c.user), "award__").filter(not_closed("award"),
                                                                         status=UsageReport.Status.SUBMITTED)
    c.add_rows(
        "nachweis-pruefen", _("Nachweise prüfen"), reports,
        reverse("grants:usage_report_list") + f"?status={UsageReport.Status.SUBMITTED}", since="submitted_at",
        order=_AWARD_ORDER, allowed=lambda report: may_usage_report_accept(c.user, report) is None,
        # A proof submitted again after questions (it was checked before) is an answer to read.
        item=lambda report: c.item(
            (_("Antwort auf die Rückfragen zum %(report)s prüfen") if report.checked_at else _("%(report)s prüfen"))
            % {"report": report}, report.award.application,
            reverse("grants:usage_report_check", args=[report.pk]), since=_local(report.submitted_at)))


def _amendments_to_review(c: _Collector) -> None:
    requests = (_slim(amendments_visible_to(c.user), "award__").filter(not_closed("award"), status=A.SUBMITTED)
                .defer("plan"))
    c.add_rows(
        "aenderung-pruefen", _("Änderungsanträge prüfen"), requests,
        reverse("grants:amendment_list") + f"?status={A.SUBMITTED}", since="submitted_at", order=_AWARD_ORDER,
        allowed=lambda request: may_amendment_recommend(c.user, request) is None,
        item=lambda request: c.item(
            _("Antwort auf die Rückfragen zum Änderungsantrag prüfen") if request.review_note
            else _("Änderungsantrag prüfen"), request.award.application,
            reverse("grants:amendment_detail", args=[request.pk]), since=_local(request.submitted_at)))


def _hearings_to_send(c: _Collector) -> None:
    reclaims = _slim(reclaims_visible_to(c.user), "award__", "hearing").filter(status=RS.PROPOSED, hearing__isnull=True)
    c.add("anhoerung-senden", _("Anhörungen zu Rückforderungen versenden"), [
        c.item(_("Anhörungsschreiben versenden"), reclaim.award.application,
               reverse("grants:reclaim_detail", args=[reclaim.pk]) + "#h-anhoerung",
               since=_local(reclaim.proposed_at), due=reclaim.revocation_deadline,
               detail=_("Rückforderung über %(amount)s") % {"amount": format_eur(reclaim.principal)})
        for reclaim in reclaims if may_reclaim_hearing_send(c.user, reclaim) is None],
        reverse("grants:reclaim_list") + f"?status={RS.PROPOSED}")


def _repayments_overdue(c: _Collector) -> None:
    reclaims = (_slim(reclaims_visible_to(c.user), "award__", "notice")
                .filter(not_closed("award"), repayment_overdue(c.today))
                .defer("notice__pdf", "notice__snapshot"))
    c.add_rows(
        "rueckzahlung", _("Überfällige Rückzahlungen"), reclaims,
        reverse("grants:reclaim_list") + f"?payment={OVERDUE_PAYMENT}", due="due_on", order=_AWARD_ORDER,
        allowed=lambda reclaim: may_reclaim_book_repayment(c.user, reclaim) is None,
        item=lambda reclaim: c.item(
            _("Rückzahlung nachhalten oder buchen"), reclaim.award.application,
            reverse("grants:reclaim_detail", args=[reclaim.pk]) + "#h-buchen", due=reclaim.due_on,
            detail=_("Rückforderungsbescheid %(number)s") % {"number": reclaim.notice.number if reclaim.notice
                                                              else ""}))


CLERK_KINDS: list[tuple[str, Callable[[_Collector], None]]] = [
    ("antwort eingereicht", _submissions),  # one query for both kinds
    ("in-pruefung", _in_review),
    ("vorbereiten", _calls_to_prepare),
    ("nachweis-pruefen", _proofs_to_check),
    ("aenderung-pruefen", _amendments_to_review),
    ("anhoerung-senden", _hearings_to_send),
    ("buchen", _payments_to_book),
    ("rueckzahlung", _repayments_overdue),
]


# -- signing authority -----------------------------------------------------------------------------


def _recommendations(c: _Collector) -> None:
    newest = Recommendation.objects.filter(application=OuterRef("pk")).order_by("-created_at", "-pk")
    applications = (_own_applications(c.user).filter(status=S.RECOMMENDED)
                    .annotate(recommended_at=Subquery(newest.values("created_at")[:1]),
                              recommender=Subquery(newest.values("recommended_by_id")[:1]))
                    .filter(not_same_person("recommender", c.user))
                    .prefetch_related(Prefetch("recommendations", to_attr="recommendations_newest_first",
                                               queryset=Recommendation.objects.order_by("-created_at", "-pk"))))

    def allowed(application: Application) -> bool:
        current = next(iter(application.recommendations_newest_first), None)  # type: ignore[attr-defined]  # to_attr
        return may_application_approve(c.user, application, recommendation=current) is None

    c.add_rows(
        "entscheiden", _("Empfohlene Anträge entscheiden"), applications, reverse("grants:decision_queue"),
        since="recommended_at", order=_APPLICATION_ORDER, allowed=allowed,
        item=lambda application: c.item(
            _("Empfehlung entscheiden: bewilligen oder ablehnen"), application,
            reverse("grants:decision_approve", args=[application.pk]), since=_local(application.recommended_at),
            detail=application.title))


def _award_notices_to_issue(c: _Collector) -> None:
    """Approved applications whose Zuwendungsbescheid is not issued yet. The notice policy reads per
    application; it is asked for the oldest `limit` candidates only (all on the full list)."""
    candidates = (_own_applications(c.user).filter(status=S.APPROVED, award__status=Award.Status.RUNNING)
                  .exclude(Exists(Notice.objects.filter(application=OuterRef("pk"), kind=Notice.Kind.AWARD)))
                  .exclude(decision__recommended_by=c.user)
                  .select_related("municipality__administrative_court", "decision", "award")
                  .defer("award__plan_snapshot")
                  .order_by("decision__decided_at", "pk"))
    total = candidates.count()
    if not total:
        return
    items = []
    for application in candidates[:c.limit] if c.limit is not None else candidates:
        if may_notice_issue(c.user, application, Notice.Kind.AWARD) is None:
            items.append(c.item(_("Zuwendungsbescheid erlassen"), application,
                                reverse("grants:application_detail", args=[application.pk]) + "#bescheide",
                                since=_local(application.decision.decided_at), detail=application.title))
        else:  # refused (e.g. an address is incomplete): not offered, not counted
            total -= 1
    if items:
        c.add("bescheid", _("Zuwendungsbescheide erlassen"), items, _all_of("bescheid"), total=total)


def _releases(c: _Collector) -> None:
    c.add_rows(
        "freigeben", _("Auszahlungen freigeben"),
        _disbursements(c, D.PREPARED).filter(not_same_person("prepared_by", c.user)),
        reverse("grants:payment_queue") + f"?status={D.PREPARED}", since="prepared_at", order=_DISBURSEMENT_ORDER,
        prepare=_mark_notices, allowed=lambda d: may_disbursement_release(c.user, d) is None,
        item=lambda d: c.item(_("Auszahlung freigeben"), d.award_year.award.application,
                              reverse("grants:payment_release", args=[d.pk]), since=_local(d.prepared_at),
                              detail=_payment_detail(d)))


def _amendments_to_decide(c: _Collector) -> None:
    requests = (_slim(amendments_visible_to(c.user), "award__")
                .filter(not_closed("award"), not_same_person("recommended_by", c.user), status=A.RECOMMENDED)
                .defer("plan"))
    c.add_rows(
        "aenderung-entscheiden", _("Empfohlene Änderungsanträge entscheiden"), requests,
        reverse("grants:amendment_list") + f"?status={A.RECOMMENDED}", since="recommended_at", order=_AWARD_ORDER,
        # each request has its own award object
        prepare=lambda batch: mark_award_notices([request.award for request in batch]),
        allowed=lambda request: may_amendment_approve(c.user, request) is None,
        item=lambda request: c.item(_("Änderungsantrag entscheiden"), request.award.application,
                                    reverse("grants:amendment_detail", args=[request.pk]),
                                    since=_local(request.recommended_at)))


def _reclaims_to_fix(c: _Collector) -> None:
    reclaims = list(_slim(reclaims_visible_to(c.user), "award__", "hearing").filter(status=RS.PROPOSED)
                    .defer("hearing__pdf", "hearing__snapshot", "hearing__answer_pdf"))
    notices = {notice.award_id: notice for notice in Notice.objects.filter(
        kind=Notice.Kind.AWARD, award_id__in={reclaim.award_id for reclaim in reclaims}).defer("pdf", "snapshot")}
    c.add("festsetzen", _("Rückforderungen festsetzen"), [
        c.item(_("Rückforderung festsetzen"), reclaim.award.application,
               reverse("grants:reclaim_detail", args=[reclaim.pk]) + "#h-entscheidung",
               since=_local(reclaim.proposed_at), due=reclaim.revocation_deadline,
               detail=_("Rückforderung über %(amount)s") % {"amount": format_eur(reclaim.principal)})
        for reclaim in reclaims
        if may_reclaim_issue(c.user, reclaim, award_notice=notices.get(reclaim.award_id), day=c.today) is None],
        reverse("grants:reclaim_list") + f"?status={RS.PROPOSED}")


SIGNING_KINDS: list[tuple[str, Callable[[_Collector], None]]] = [
    ("entscheiden", _recommendations),
    ("bescheid", _award_notices_to_issue),
    ("freigeben", _releases),
    ("aenderung-entscheiden", _amendments_to_decide),
    ("festsetzen", _reclaims_to_fix),
]


# -- the programme administration ------------------------------------------------------------------

CHECK_BASE_RATE = gettext_lazy("Basiszinssatz prüfen und erfassen")


def _base_rate(c: _Collector) -> None:
    """The Bundesbank announces the base rate for 1 January and 1 July: a change day after the
    latest entry that has come is work for the programme administration."""
    if may_base_rate_set(c.user) is not None:
        return
    latest = BaseRate.objects.aggregate(latest=Max("valid_from"))["latest"]
    items: list[TodoItem] = []
    if latest is not None and (change := next_change_day(latest)) <= c.today:
        items.append(TodoItem(what=str(CHECK_BASE_RATE), body=_("Basiszinssatz-Tabelle"),
                              reference=_("zuletzt erfasst zum %(date)s") % {"date": format_date(latest)},
                              url=reverse("grants:base_rate_list"), today=c.today, since=change))
    c.add("basiszins", _("Basiszinssatz"), items, reverse("grants:base_rate_list"))


def _budgets_missing(c: _Collector) -> None:
    """Years of a programme period still taking or running awards without a Haushaltsansatz."""
    if may_budget_set(c.user) is not None:
        return
    live = FundingProgramme.objects.filter(Q(accepts_applications=True) | Q(period_end__gte=c.today))
    have = set(Budget.objects.filter(programme__in=live).values_list("programme_id", "year"))
    items = []
    for programme in live.only("pk", "name", "code", "period_start", "period_end"):
        for year in range(programme.period_start.year, programme.period_end.year + 1):
            if (programme.pk, year) not in have:
                items.append(TodoItem(what=_("Haushaltsansatz %(year)s erfassen") % {"year": year},
                                      body=str(programme), reference=programme.code,
                                      url=reverse("admin:grants_budget_add") + f"?programme={programme.pk}&year={year}",
                                      today=c.today,
                                      due=date(year, 1, 1) - timedelta(days=1)))
    c.add("haushalt", _("Haushaltsansätze fehlen"), items, reverse("grants:programme_overview"))


PROGRAMME_KINDS: list[tuple[str, Callable[[_Collector], None]]] = [
    ("basiszins", _base_rate),
    ("haushalt", _budgets_missing),
]


def todo_count(groups: list[TodoGroup]) -> int:
    return sum(group.total for group in groups)

