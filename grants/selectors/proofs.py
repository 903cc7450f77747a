"""Verwendungsnachweise: which proofs an award owes and when, what each covers, and the actual
figures of a proof beside the binding plan."""

from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.money import ZERO
from grants.models import Award, UsageReport
from grants.plan import codec
from grants.plan.lines import RECEIVED_LABELS, FinancingSource
from grants.selectors.awards import paid_by_year
from grants.selectors.deadlines import ReportDeadline, report_deadlines

K = UsageReport.Kind



def report_deadline(award: Award, kind: str, year: int | None) -> ReportDeadline:
    """The deadline of this report of the award; a DomainError when the award has none such
    (a year outside the award, an interim report for the last year, a year on the final one)."""
    for deadline in report_deadlines(award):
        if deadline.kind == kind and deadline.year == year:
            return deadline
    if kind == K.INTERIM:
        raise DomainError(_("Für das Haushaltsjahr %(year)s ist kein Zwischennachweis vorgesehen; das letzte "
                            "Jahr deckt der Verwendungsnachweis ab.") % {"year": year})
    raise DomainError(_("Diesen Nachweis gibt es für die Zuwendung nicht."))


def period_has_ended(deadline: ReportDeadline, today: date) -> bool:
    return today > deadline.covers_to


def report_url(report_or_deadline, application_id: int) -> str:
    """The page of the proof (its form for the coordinator)."""
    if report_or_deadline.kind == K.INTERIM:
        return reverse("grants:usage_report_interim", args=[application_id, report_or_deadline.year])
    return reverse("grants:usage_report_final", args=[application_id])


def report_label(deadline: ReportDeadline) -> str:
    if deadline.kind == K.INTERIM:
        return _("Zwischennachweis %(year)s") % {"year": deadline.year}
    return str(_("Verwendungsnachweis"))


def paid_for(award: Award, kind: str, year: int | None) -> Decimal:
    """What was paid for the period the proof covers (the year, or the whole award)."""
    return paid_by_year(award, year if kind == K.INTERIM else None)


def _row(label, planned, actual, key=None) -> dict:
    return {"label": label, "planned": planned, "actual": actual, "key": key,
            "difference": None if actual is None else actual - (planned or ZERO)}


def _total(rows) -> dict:
    planned = sum((row["planned"] or ZERO for row in rows), ZERO)
    actuals = [row["actual"] for row in rows if row["actual"] is not None]
    return _row(_("Summe"), planned, sum(actuals, ZERO) if actuals else None)


def actual_figures(report: UsageReport | None) -> tuple[dict, dict]:
    """The report's actual expenditure per category code and financing per source."""
    if report is None:
        return {}, {}
    return ({line.category.code: line.amount for line in report.expenditures.select_related("category")},
            {line.source: line.amount for line in report.financings.all()})


def comparison(award: Award, kind: str, year: int | None, report: UsageReport | None, *,
               typed: tuple[dict, dict] | None = None) -> dict:
    """Plan beside actual per cost category and per financing source, with differences. With
    `typed` (what a form holds: {code: amount}, {source: amount}) the actual amounts are those.
    Each row's `key` is the form field it is typed in."""
    categories = list(award.application.programme.cost_categories.order_by("position", "name"))
    plan = codec.decode(award.plan_snapshot)
    plan_year = year if kind == K.INTERIM else None
    planned_expenditures = plan.expenditure_by_category(plan_year)
    planned_financings = plan.financing_by_source(plan_year)
    actual_expenditures, actual_financings = typed if typed is not None else actual_figures(report)
    expenditure_rows = [
        _row(category.name, planned_expenditures.get(category.code), actual_expenditures.get(category.code),
             f"expenditure-{category.code}")
        for category in categories
    ]
    financing_rows = [
        _row(RECEIVED_LABELS[source], planned_financings.get(source), actual_financings.get(source),
             f"financing-{source}") | {"source": source}
        for source in FinancingSource.values
    ]
    return {"expenditure_rows": expenditure_rows, "expenditure_total": _total(expenditure_rows),
            "financing_rows": financing_rows, "financing_total": _total(financing_rows),
            "categories": categories}
