"""Änderungsanträge: the body asks to change the binding plan of a running award (shift money
between years or cost categories, change the end of the period); the ministry reviews,
recommends and decides in the four-eyes principle. An approval writes the next
`AwardRevision`, updates the award to it and issues the Änderungsbescheid – all in one
transaction.

Rules for the requested plan: the plan rules of an application (balance per year, caps,
lines inside the period, maximum per body – grants/services/plans.py), and further:
the period ends inside the programme period and not before the award begins; the total
grant does not rise (an increase needs a new application); a year's grant stays at least
what has been called for it; a budget year that has ended is not increased.
"""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from audit.models import AuditEntry
from audit.services import audit_log
from core import clock
from core.errors import (
    FieldErrors,
    PlanInvalid,
)
from core.formats import format_date
from core.money import ZERO, format_eur
from grants.handovers import handover
from grants.models import AmendmentRequest, Award, AwardRevision, AwardYear, Notice
from grants.notifications import notify_applicant
from grants.plan import codec, lines
from grants.plan.changes import changes_summary
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from grants.plan.rules import add_error, rule_errors
from grants.policies import (
    check,
    may_amendment_approve,
    may_amendment_edit,
    may_amendment_recommend,
    may_amendment_reject,
    may_amendment_send_back,
    may_amendment_submit,
    may_amendment_withdraw,
    refuse_capability,
)
from grants.policies.base import refuse_other_body
from grants.selectors.amendments import plan_lines_of
from grants.selectors.awards import awarded_by_year, binding_notice_of, called_by_year, latest_revision
from grants.services.budgets import budget_lock_and_check
from grants.services.notices import notice_handover, notice_issue
from inbox.models import Event

S = AmendmentRequest.Status
GRANT = FinancingSource.GRANT

NO_INCREASE = gettext_lazy("Eine Erhöhung der Zuwendung ist nur mit einem neuen Antrag möglich.")


# -- the rules ---------------------------------------------------------------------------------------


def amendment_errors(*, award: Award, period_end: date | None, expenditures: list[ExpenditureLine],
                     financings: list[FinancingLine], today: date) -> dict[str, list[str]]:
    """Every rule the requested period and plan must meet, keyed like the form's fields."""
    programme = award.application.programme
    errors: dict[str, list[str]] = {}
    if period_end is None:
        add_error(errors, "period_end", _("Bitte das Ende des Bewilligungszeitraums angeben."))
        return errors
    if period_end < award.period_start:
        add_error(errors, "period_end", _("Das Ende darf nicht vor dem Beginn der Zuwendung (%(start)s) liegen.")
                  % {"start": format_date(award.period_start)})
    if period_end > programme.period_end:
        add_error(errors, "period_end",
                  _("Der Bewilligungszeitraum muss in der Förderperiode %(start)s–%(end)s liegen.")
                  % {"start": format_date(programme.period_start), "end": format_date(programme.period_end)})
    if errors:
        return errors

    plan_errors = rule_errors(programme=programme, period_start=award.period_start, period_end=period_end,
                              expenditures=expenditures, financings=financings)
    for key, messages in plan_errors.items():
        for message in messages:
            add_error(errors, "period_end" if key == "period" else key, message)

    requested: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in financings:
        if line.source == GRANT:
            requested[line.year] += line.amount
    current = awarded_by_year(award)
    called = called_by_year(award)
    years = range(award.period_start.year, period_end.year + 1)

    current_total = sum(current.values(), ZERO)
    requested_total = sum(requested.values(), ZERO)
    if requested_total > current_total:
        add_error(errors, "plan", _("Die Zuwendung insgesamt (%(requested)s) übersteigt die bewilligte Zuwendung "
                                    "(%(current)s). %(rule)s")
                  % {"requested": format_eur(requested_total), "current": format_eur(current_total),
                     "rule": NO_INCREASE})

    for year in sorted(set(current) | set(called) | set(requested)):
        new = requested[year] if year in years else ZERO
        key = f"financing-{year}-{GRANT}"
        if called.get(year, ZERO) > new:
            if year in years:
                add_error(errors, key, _("Für %(year)s sind bereits %(called)s abgerufen; die Zuwendung des Jahres "
                                         "kann nicht darunter sinken.")
                          % {"year": year, "called": format_eur(called[year])})
            else:
                add_error(errors, "period_end", _("Für %(year)s sind bereits %(called)s abgerufen; das Jahr muss im "
                                                  "Bewilligungszeitraum bleiben.")
                          % {"year": year, "called": format_eur(called[year])})
        if year < today.year and new > current.get(year, ZERO):
            add_error(errors, key, _("Das Haushaltsjahr %(year)s ist abgelaufen; seine Zuwendung kann nicht erhöht "
                                     "werden (bisher %(current)s).")
                      % {"year": year, "current": format_eur(current.get(year, ZERO))})
    return errors


def _request_errors(request: AmendmentRequest, award: Award, today: date) -> dict[str, list[str]]:
    expenditures, financings = plan_lines_of(award, request.plan)
    return amendment_errors(award=award, period_end=request.period_end, expenditures=expenditures,
                            financings=financings, today=today)


def _changes_anything(request: AmendmentRequest, award: Award) -> bool:
    return (request.period_end != award.period_end
            or codec.decode(request.plan).binding_lines() != codec.decode(award.plan_snapshot).binding_lines())


# -- the coordinator's side ------------------------------------------------------------------------


def _lock_award(award: Award) -> Award:
    return (Award.objects.select_for_update(of=("self",))
            .select_related("application__programme", "application__municipality").get(pk=award.pk))


def _lock_request(request: AmendmentRequest) -> tuple[Award, AmendmentRequest]:
    """Lock in one order everywhere – the award, then the request – so two transitions on the
    same award cannot deadlock. Returns both as they are now."""
    award_id = AmendmentRequest.objects.values_list("award_id", flat=True).get(pk=request.pk)
    award = _lock_award(Award(pk=award_id))
    request = AmendmentRequest.objects.select_for_update().get(pk=request.pk)
    request.award = award
    return award, request


def _transition(request: AmendmentRequest, user, to: str, action: str, fields: list[str], **data) -> AuditEntry:
    before = request.status
    request.status = to
    request.save(update_fields=["status", *fields])
    return audit_log(actor=user, action=action, target=request, changes={"status": [before, to]}, data=data)


def amendment_save(*, award: Award, user, period_end: date | None, expenditures: list[ExpenditureLine],
                   financings: list[FinancingLine], reason: str) -> AmendmentRequest:
    """Create or update the award's one open draft Änderungsantrag with the requested period
    and plan. The plan must meet every rule; an invalid plan is not stored."""
    check(refuse_other_body(user, award.application.municipality_id))
    expenditures, financings = lines.rounded(expenditures, financings)
    with transaction.atomic():
        award = _lock_award(award)
        request = (AmendmentRequest.objects.select_for_update()
                   .filter(award=award, status__in=AmendmentRequest.OPEN_STATUSES).first())
        check(may_amendment_edit(user, award, request=request))
        errors = amendment_errors(award=award, period_end=period_end, expenditures=expenditures,
                                  financings=financings, today=clock.today())
        if errors:
            raise PlanInvalid(errors)
        assert period_end is not None  # amendment_errors refuses a missing end
        years = list(range(award.period_start.year, period_end.year + 1))
        plan = codec.encode(codec.from_lines(years, expenditures, financings))
        if request is None:
            # The award is locked: the next number is given once (unique per award besides).
            number = (award.amendment_requests.aggregate(last=Max("number"))["last"] or 0) + 1
            request = AmendmentRequest.objects.create(
                award=award, number=number, period_end=period_end, plan=plan, reason=reason.strip(),
                base_revision=latest_revision(award), created_by=user)
            audit_log(actor=user, action="grants.amendment.created", target=request,
                      changes={"status": [None, S.DRAFT]},
                      data={"period_end": period_end.isoformat(), "amounts": request.amounts})
        else:
            before = {"period_end": request.period_end.isoformat(), "amounts": request.amounts}
            request.period_end, request.plan = period_end, plan
            request.reason = reason.strip()
            request.save(update_fields=["period_end", "plan", "reason"])
            after = {"period_end": period_end.isoformat(), "amounts": request.amounts}
            audit_log(actor=user, action="grants.amendment.saved", target=request,
                      changes={key: [before[key], after[key]] for key in after if before[key] != after[key]})
    return request


def amendment_submit(*, request: AmendmentRequest, user, now: datetime | None = None) -> AmendmentRequest:
    """Entwurf → Eingereicht, once the plan meets every rule, it changes something and the
    change is explained."""
    check(refuse_other_body(user, request.award.application.municipality_id))
    with transaction.atomic():
        award, request = _lock_request(request)
        check(may_amendment_submit(user, request))
        errors = _request_errors(request, award, clock.today())
        if not request.reason.strip():
            add_error(errors, "reason", _("Bitte begründen Sie, warum die Änderung nötig ist."))
        if not errors and not _changes_anything(request, award):
            add_error(errors, "plan", _("Der Änderungsantrag ändert weder den Bewilligungszeitraum noch den "
                                   "Finanzierungsplan."))
        if errors:
            raise PlanInvalid(errors)
        request.submitted_at = now or clock.now()
        entry = _transition(request, user, S.SUBMITTED, "grants.amendment.submitted", ["submitted_at"],
                            period_end=request.period_end.isoformat(), amounts=request.amounts)
        _amendment_handover(Event.AMENDMENT_SUBMITTED, request, award, user, entry=entry, detail=request.reason)
    return request


def amendment_withdraw(*, request: AmendmentRequest, user) -> AmendmentRequest:
    """Entwurf, Eingereicht or Empfohlen → Zurückgezogen: the body withdraws before a decision."""
    check(refuse_other_body(user, request.award.application.municipality_id))
    with transaction.atomic():
        award, request = _lock_request(request)
        check(may_amendment_withdraw(user, request))
        _transition(request, user, S.WITHDRAWN, "grants.amendment.withdrawn", [])
    return request


# -- the ministry's side ---------------------------------------------------------------------------


def amendment_send_back(*, request: AmendmentRequest, user, questions: str) -> AmendmentRequest:
    """Eingereicht → Entwurf, with the clerk's questions; the body answers by changing and
    submitting again."""
    check(refuse_capability(user, Capability.REVIEW))
    if not questions.strip():
        raise FieldErrors({"questions": [_("Bitte schreiben Sie Ihre Rückfragen an die Koordination.")]})
    with transaction.atomic():
        award, request = _lock_request(request)
        check(may_amendment_send_back(user, request))
        request.review_note = questions.strip()
        entry = _transition(request, user, S.DRAFT, "grants.amendment.sent_back", ["review_note"],
                            questions=request.review_note)
        mailed = notify_applicant(award.application, "amendment_sent_back", questions=request.review_note,
                                  amendment_number=request.number)
        _amendment_handover(Event.AMENDMENT_QUESTIONS, request, award, user, entry=entry,
                            detail=request.review_note, mailed=mailed)
    return request


def amendment_recommend(*, request: AmendmentRequest, user, note: str = "",
                        now: datetime | None = None) -> AmendmentRequest:
    """Eingereicht → Zur Bewilligung empfohlen, after the rules are checked again."""
    check(refuse_capability(user, Capability.REVIEW))
    with transaction.atomic():
        award, request = _lock_request(request)
        check(may_amendment_recommend(user, request))
        errors = _request_errors(request, award, clock.today())
        if errors:
            raise PlanInvalid(errors)
        request.recommended_by, request.recommended_at = user, now or clock.now()
        request.recommendation_note = note.strip()
        entry = _transition(request, user, S.RECOMMENDED, "grants.amendment.recommended",
                            ["recommended_by", "recommended_at", "recommendation_note"],
                            note=request.recommendation_note)
        _amendment_handover(Event.AMENDMENT_RECOMMENDED, request, award, user, entry=entry,
                            detail=request.recommendation_note)
    return request


def amendment_reject(*, request: AmendmentRequest, user, reason: str, now: datetime | None = None) -> AmendmentRequest:
    """Eingereicht or Empfohlen → Abgelehnt, with a reason; the award stays as it is."""
    check(refuse_capability(user, Capability.DECIDE))
    if not reason.strip():
        raise FieldErrors({"reason": [_("Eine Ablehnung braucht eine Begründung.")]})
    with transaction.atomic():
        award, request = _lock_request(request)
        check(may_amendment_reject(user, request))
        request.decided_by, request.decided_at, request.decision_reason = user, now or clock.now(), reason.strip()
        entry = _transition(request, user, S.REJECTED, "grants.amendment.rejected",
                            ["decided_by", "decided_at", "decision_reason"], reason=request.decision_reason)
        mailed = notify_applicant(award.application, "amendment_rejected", reason=request.decision_reason,
                                  amendment_number=request.number)
        _amendment_handover(Event.AMENDMENT_REJECTED, request, award, user, entry=entry,
                            detail=request.decision_reason, mailed=mailed)
    return request


def _amendment_handover(event: str, request: AmendmentRequest, award: Award, user, *, entry: AuditEntry,
                        detail: str = "", mailed=()) -> None:
    """Tell the next role of the Änderungsantrag's step (grants/handovers.py); a request that is
    sent back and submitted again is a new hand-over each time (the step's audit entry is its key)."""
    handover(event, application=award.application, actor=user, page_pk=request.pk, number=request.number,
             key=f"audit:{entry.pk}", detail=detail, mailed=mailed)


def amendment_approve(*, request: AmendmentRequest, user, note: str = "", issued_on: date | None = None,
                      now: datetime | None = None) -> AmendmentRequest:
    """Zur Bewilligung empfohlen → Bewilligt: the award takes the requested period and plan.

    Locks the award, the request, the award's year rows and the budget rows of every year
    whose amount changes (in year order, as approvals of applications do); checks the rules
    again and each raised year against its budget; updates the award's years (a dropped year
    keeps its row at 0,00 €), period and binding plan; writes the next revision and issues
    the Änderungsbescheid. Any refusal leaves everything as it was.
    """
    check(refuse_capability(user, Capability.DECIDE) or refuse_capability(user, Capability.ISSUE_NOTICE))
    now = now or clock.now()
    with transaction.atomic():
        award, request = _lock_request(request)
        check(may_amendment_approve(user, request))
        refers_to = binding_notice_of(award)
        # The award's year rows before the checks: a payment request locks its year row, so what
        # has been called cannot grow between the check "not below what was called" and the change.
        rows = {row.budget.year: row for row in
                AwardYear.objects.select_for_update(of=("self",)).select_related("budget").filter(award=award)}
        errors = _request_errors(request, award, clock.today())
        if errors:
            raise PlanInvalid(errors)

        before_years = awarded_by_year(award)
        after_years = codec.decode(request.plan).grant_by_year()
        affected = sorted(year for year in set(before_years) | set(after_years)
                          if before_years.get(year, ZERO) != after_years.get(year, ZERO))
        raised = {year: after_years[year] for year in affected
                  if after_years.get(year, ZERO) > before_years.get(year, ZERO)}
        budgets = budget_lock_and_check(programme=award.application.programme, amounts=raised, lock_years=affected,
                                        award=award)

        for year in affected:
            amount = after_years.get(year, ZERO)
            if year in rows:
                rows[year].amount = amount
                rows[year].save(update_fields=["amount"])
            elif amount > 0:
                AwardYear.objects.create(award=award, budget=budgets[year], amount=amount)

        period_before = (award.period_start, award.period_end)
        plan_before = award.plan_snapshot
        award.period_end = request.period_end
        award.plan_snapshot = request.plan
        award.save(update_fields=["period_end", "plan_snapshot"])
        number = (award.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        binding = dict(sorted(after_years.items()))
        revision = AwardRevision.objects.create(
            award=award, number=number, period_start=award.period_start, period_end=award.period_end,
            amounts={str(year): str(amount) for year, amount in binding.items()}, plan_snapshot=award.plan_snapshot,
            created_at=now, created_by=user)

        changes = changes_summary(period_before=period_before, period_after=(award.period_start, award.period_end),
                                  amounts_before=before_years, amounts_after=binding,
                                  plan_before=codec.decode(plan_before), plan_after=codec.decode(award.plan_snapshot))
        # The approval is the decision the notice carries: its date bounds the notice date.
        request.decided_by, request.decided_at, request.decision_reason = user, now, note.strip()
        notice = notice_issue(application=award.application, kind=Notice.Kind.AMENDMENT, user=user,
                              issued_on=issued_on, refers_to=refers_to, changes=changes, amendment=request)

        request.revision, request.notice = revision, notice
        _transition(request, user, S.APPROVED, "grants.amendment.approved",
                    ["decided_by", "decided_at", "decision_reason", "revision", "notice"],
                    revision=number, notice=notice.number)
        audit_log(actor=user, action="grants.award.amended", target=award,
                  changes={"period_end": [period_before[1].isoformat(), award.period_end.isoformat()],
                           "amounts": [{str(y): str(a) for y, a in sorted(before_years.items())},
                                       revision.amounts]},
                  data={"revision": number, "amendment": request.pk, "amendment_number": request.number,
                        "notice": notice.number})
        mailed = notify_applicant(award.application, "amendment_approved", notice_number=notice.number,
                                  amendment_number=request.number,
                                  period_start=format_date(award.period_start),
                                  period_end=format_date(award.period_end),
                                  amounts=[(year, str(amount)) for year, amount in binding.items() if amount > 0],
                                  total=str(sum(binding.values(), ZERO)))
        # The Änderungsbescheid's hand-over, told here: its letter is the coordinators' e-mail.
        notice_handover(notice, user=user, mailed=mailed)
    return request
