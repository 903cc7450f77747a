"""Shared starting points for the Änderungsantrag tests: an award 2026–2028 of 100.000,00 € a
year whose Zuwendungsbescheid is issued, and plans built from a compact description."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core import clock
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from grants.services.amendments import amendment_recommend, amendment_save, amendment_submit
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = datetime(2027, 3, 1, 10, tzinfo=BERLIN)
AWARD_PERIOD = {"start": date(2026, 1, 1), "end": date(2028, 12, 31)}
D = Decimal


def frozen():
    return clock.frozen_at(TODAY)


def issued_award(programme, coordinator, clerk, approver):
    award = factories.approved_award(programme, coordinator, clerk, approver, on=date(2026, 1, 20), **AWARD_PERIOD,
                                     notice=False)
    factories.issue_notice(award.application, approver, date(2026, 2, 1))
    award.refresh_from_db()
    return award


def year_row(grant, *, personal="118000.00", positions="2.00", micro="5000.00", material="7000.00", own=None):
    """One year of a plan: expenditures (coordination staff, micro-projects, material) and the
    grant; own funds make up the rest unless given."""
    total = D(personal) + D(micro) + D(material)
    own = D(own) if own is not None else total - D(grant)
    return {"personal": (D(personal), D(positions)), "mikroprojekte": D(micro), "sachausgaben": D(material),
            FinancingSource.GRANT: D(grant), FinancingSource.OWN_FUNDS: own}


def lines(programme, rows: dict[int, dict]):
    categories = {c.code: c for c in programme.cost_categories.all()}
    expenditures, financings = [], []
    for year, row in rows.items():
        amount, positions = row["personal"]
        expenditures.append(ExpenditureLine(year, categories["personal"], amount, positions))
        expenditures.append(ExpenditureLine(year, categories["mikroprojekte"], row["mikroprojekte"]))
        expenditures.append(ExpenditureLine(year, categories["sachausgaben"], row["sachausgaben"]))
        financings.append(FinancingLine(year, FinancingSource.GRANT, row[FinancingSource.GRANT]))
        financings.append(FinancingLine(year, FinancingSource.OWN_FUNDS, row[FinancingSource.OWN_FUNDS]))
    return expenditures, financings


# 2026 unchanged (ended), 2027 and 2028 lowered, the period extended into 2029: same total.
SHIFTED = {
    2026: year_row("100000.00"),
    2027: year_row("80000.00"),
    2028: year_row("90000.00"),
    2029: year_row("30000.00", personal="59000.00", positions="1.00", material="1000.00"),
}
SHIFTED_END = date(2029, 6, 30)


def save(award, coordinator, rows=SHIFTED, period_end=SHIFTED_END, reason="Die Stelle war 2027 länger unbesetzt."):
    expenditures, financings = lines(award.application.programme, rows)
    return amendment_save(award=award, user=coordinator, period_end=period_end, expenditures=expenditures,
                          financings=financings, reason=reason)


def submitted(award, coordinator, **kwargs):
    return amendment_submit(request=save(award, coordinator, **kwargs), user=coordinator)


def recommended(award, coordinator, clerk, **kwargs):
    return amendment_recommend(request=submitted(award, coordinator, **kwargs), user=clerk,
                               note="Verschiebung plausibel.")
