"""Pieces the list pages share, shaped so that the database does the work for one page only.

A sum per row as a correlated subquery, not as `annotate(Sum(...))` over a join: the join
groups every row of the list before the page is cut (10,000 applications × their plan lines
to show 25), the subquery runs for the rows of the page – unless the list is sorted by it.
"""

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.money import ZERO
from grants.models import PlanFinancing
from grants.plan.lines import FinancingSource

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def requested_grant_total() -> Coalesce:
    """The grant an application asks for, over all its years (0,00 € without plan lines)."""
    lines = (PlanFinancing.objects.filter(application=OuterRef("pk"), source=FinancingSource.GRANT)
             .order_by().values("application").annotate(total=Sum("amount")).values("total"))
    return Coalesce(Subquery(lines, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)
