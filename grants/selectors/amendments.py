"""Änderungsanträge: the award's open request, what a new request starts from, the requested
plan beside the binding one, and the budget each changed year would need."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import ZERO, to_money
from grants.models import AmendmentRequest, Award, CostCategory
from grants.plan import codec
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from grants.selectors.awards import awarded_by_year, called_by_year
from grants.selectors.budgets import budget_headroom

S = AmendmentRequest.Status


def open_request(award: Award) -> AmendmentRequest | None:
    """The award's one open request (draft, submitted or recommended), if any."""
    return award.amendment_requests.filter(status__in=AmendmentRequest.OPEN_STATUSES).first()


def categories_of(award: Award) -> dict[str, CostCategory]:
    """The programme's cost categories by code: what the plan lines of the award refer to."""
    return {c.code: c for c in award.application.programme.cost_categories.all()}


def plan_lines_of(award: Award, plan: dict) -> tuple[list[ExpenditureLine], list[FinancingLine]]:
    """A stored plan of the award (the binding one or a requested one) as plan lines."""
    return codec.decode(plan).lines(categories_of(award))


def amendment_initial(award: Award) -> tuple[date, list[ExpenditureLine], list[FinancingLine]]:
    """What a new Änderungsantrag starts from: the current binding period end and plan."""
    expenditures, financings = plan_lines_of(award, award.plan_snapshot)
    return award.period_end, expenditures, financings


def awarded_rows(award: Award) -> list[dict]:
    """Per budget year: the binding grant and what has been called of it."""
    called = called_by_year(award)
    return [{"year": year, "amount": amount, "called": called.get(year, ZERO)}
            for year, amount in sorted(awarded_by_year(award).items())]


def _diff_row(label, before: Decimal, after: Decimal) -> dict:
    return {"label": label, "before": before, "after": after, "difference": after - before}


def _baseline(award: Award, request: AmendmentRequest) -> tuple[dict[int, Decimal], codec.Plan, date]:
    """What the request is compared with: the binding state while it is open; for an approved
    request the revision before the one it made; otherwise the revision it was based on."""
    revision = None
    if request.status == S.APPROVED and request.revision_id:
        assert request.revision is not None  # revision_id is set
        revision = award.revisions.filter(number=request.revision.number - 1).first()
    elif request.status not in AmendmentRequest.OPEN_STATUSES:
        revision = request.base_revision
    if revision is None:
        return awarded_by_year(award), codec.decode(award.plan_snapshot), award.period_end
    return ({int(year): to_money(amount) for year, amount in revision.amounts.items()},
            codec.decode(revision.plan_snapshot), revision.period_end)


def comparison(award: Award, request: AmendmentRequest) -> dict:
    """Binding and requested plan side by side: the grant per year, and per year every cost
    category and financing source, each with the difference; totals per category over all years."""
    categories = list(award.application.programme.cost_categories.order_by("position", "name"))
    current_grant, current_plan, current_period_end = _baseline(award, request)
    requested_plan = codec.decode(request.plan)
    requested_grant = requested_plan.grant_by_year()
    called = called_by_year(award)
    years = sorted(set(current_grant) | set(requested_grant))
    grant_rows = [_diff_row(year, current_grant.get(year, ZERO), requested_grant.get(year, ZERO)) |
                  {"called": called.get(year, ZERO)} for year in years]
    grant_total = _diff_row(_("Summe"), sum(current_grant.values(), ZERO), sum(requested_grant.values(), ZERO))

    exp_before, fin_before = current_plan.expenditure_amounts(), current_plan.financing_amounts()
    exp_after, fin_after = requested_plan.expenditure_amounts(), requested_plan.financing_amounts()
    source_labels = dict(FinancingSource.choices)
    plan_years = []
    for year in years:
        rows = [_diff_row(c.name, exp_before.get((year, c.code), ZERO), exp_after.get((year, c.code), ZERO))
                for c in categories]
        rows = [row for row in rows if row["before"] or row["after"]]
        financing = [_diff_row(source_labels[s], fin_before.get((year, s), ZERO), fin_after.get((year, s), ZERO))
                     for s in FinancingSource.values]
        financing = [row for row in financing if row["before"] or row["after"]]
        plan_years.append({
            "year": year, "expenditures": rows, "financings": financing,
            "expenditure_total": _diff_row(_("Ausgaben gesamt"), sum((r["before"] for r in rows), ZERO),
                                           sum((r["after"] for r in rows), ZERO)),
            "changed": any(r["difference"] for r in rows + financing),
        })
    before_totals, after_totals = current_plan.expenditure_by_category(), requested_plan.expenditure_by_category()
    category_totals = [_diff_row(c.name, before_totals.get(c.code, ZERO), after_totals.get(c.code, ZERO))
                       for c in categories]
    category_totals = [row for row in category_totals if row["before"] or row["after"]]
    return {"grant_rows": grant_rows, "grant_total": grant_total, "plan_years": plan_years,
            "category_totals": category_totals, "baseline_period_end": current_period_end}


def budget_panel(award: Award, request: AmendmentRequest) -> list[dict]:
    """Per year whose grant the request changes: the budget, what other awards commit, what is
    free for this award, and whether the requested amount fits."""
    current = awarded_by_year(award)
    requested = codec.decode(request.plan).grant_by_year()
    years = sorted(year for year in set(current) | set(requested)
                   if current.get(year, ZERO) != requested.get(year, ZERO))
    rows = []
    for year, headroom in budget_headroom(award.application.programme, years, award=award).items():
        new, now = requested.get(year, ZERO), current.get(year, ZERO)
        rows.append({"year": year, "budget": headroom.amount,
                     "others": None if headroom.budget is None else headroom.committed_by_others,
                     "free": headroom.free, "requested": new, "current": now,
                     "fits": new <= now or (headroom.free is not None and new <= headroom.free)})
    return rows
