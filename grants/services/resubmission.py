"""What changed in an application between the clerk's request for changes and its
resubmission: the request's audit entry keeps a snapshot of the plan's cells and the
application's texts; the resubmission's entry keeps the cells and texts that differ from it
(shown side by side in the case history, grants/selectors/timeline.py)."""

from decimal import Decimal

from audit.models import AuditEntry
from core.money import to_money
from grants.models import Application
from grants.services.plans import plan_lines

# The application's own statements a request for changes may be about.
TEXT_FIELDS = ("title", "purpose", "period_start", "period_end", "contact_name", "contact_phone")


def case_snapshot(application: Application) -> dict:
    """The plan's cells (year × cost line or source → amount) and the texts, as stored JSON."""
    expenditures, financings = plan_lines(application)
    cells: dict[str, dict] = {}
    for line in expenditures:
        cells[f"{line.year}|{line.category.code}"] = {
            "year": line.year, "line": line.category.code, "name": line.category.name,
            "amount": str(to_money(line.amount))}
    for financing in financings:
        cells[f"{financing.year}|fin:{financing.source}"] = {
            "year": financing.year, "line": f"fin:{financing.source}", "amount": str(to_money(financing.amount))}
    texts = {name: str(getattr(application, name) or "") for name in TEXT_FIELDS}
    return {"cells": cells, "texts": texts}


def _amount(cell: dict | None) -> Decimal:
    return Decimal(cell["amount"]) if cell else Decimal("0")


def snapshot_changes(before: dict, after: dict) -> dict:
    """The cells (year, line, before → after; None where a cell was not there) and texts that
    differ, cost lines before sources, by year."""
    cells = []
    for key in set(before.get("cells", {})) | set(after.get("cells", {})):
        old, new = before["cells"].get(key), after["cells"].get(key)
        if _amount(old) != _amount(new):
            cell = new or old
            assert cell is not None
            cells.append({"year": cell["year"], "line": cell["line"], "name": cell.get("name", ""),
                          "before": old["amount"] if old else None, "after": new["amount"] if new else None})
    cells.sort(key=lambda cell: (cell["year"], cell["line"].startswith("fin:"), cell["name"], cell["line"]))
    texts = [{"field": name, "before": before.get("texts", {}).get(name, ""), "after": value}
             for name, value in after.get("texts", {}).items() if before.get("texts", {}).get(name, "") != value]
    return {"cells": cells, "texts": texts}


def changes_since_request(application: Application) -> dict | None:
    """What changed since the last request for changes, if its snapshot was kept."""
    request = (AuditEntry.objects.filter(case_id=application.pk, action="grants.application.changes_requested")
               .order_by("-created_at", "-pk").only("data").first())
    if request is None or "snapshot" not in request.data:
        return None
    return snapshot_changes(request.data["snapshot"], case_snapshot(application))
