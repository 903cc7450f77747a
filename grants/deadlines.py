"""The reporting deadlines of an award, computed from the programme's configuration.

One interim proof of use per budget year of the award except the last, due on the
programme's day of the following year (default 31 March); the final proof for the whole
period, due the programme's number of months after its end (default six). The notice
prints these dates; the deadlines page and the reminders read them from here.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from core.clock import add_months


@dataclass(frozen=True)
class ReportDeadline:
    kind: str  # "zwischennachweis" or "verwendungsnachweis" (UsageReport.Kind)
    year: int | None
    covers_from: date
    covers_to: date
    due: date


def report_deadlines(award, *, years: list[int] | None = None) -> list[ReportDeadline]:
    """`years`: the award's budget years when the caller has them already (a list page that
    prefetched them); otherwise they are read."""
    programme = award.application.programme
    if years is None:
        years = [row.budget.year for row in award.years.select_related("budget")]
    # An Änderungsbescheid that shortens the period keeps the dropped years' rows at 0,00 €.
    years = sorted(year for year in years if award.period_start.year <= year <= award.period_end.year)
    deadlines = []
    for year in years[:-1]:  # the last year is covered by the final proof of use
        following = year + 1
        day = min(programme.interim_report_day, calendar.monthrange(following, programme.interim_report_month)[1])
        deadlines.append(ReportDeadline(
            kind="zwischennachweis", year=year,
            covers_from=max(date(year, 1, 1), award.period_start), covers_to=min(date(year, 12, 31), award.period_end),
            due=date(following, programme.interim_report_month, day)))
    final_due = add_months(award.period_end + timedelta(days=1), programme.final_report_months) - timedelta(days=1)
    deadlines.append(ReportDeadline(kind="verwendungsnachweis", year=None, covers_from=award.period_start,
                                    covers_to=award.period_end, due=final_due))
    return deadlines
