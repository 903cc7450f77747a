from decimal import Decimal

from audit.selectors import audit_entries_for
from grants.models import ApplicationStatus
from grants.selectors.awards import award_total
from grants.selectors.budgets import budget_figures
from tests import factories


def test_full_journey_from_draft_to_award_commits_budget(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)

    assert award.application.status == ApplicationStatus.APPROVED
    assert award_total(award) == Decimal("500000.00")
    figures = {row.year: row for row in budget_figures(programme)}
    assert figures[2026].committed == Decimal("100000.00")
    assert figures[2026].remaining == Decimal("900000.00")
    actions = [entry.action for entry in audit_entries_for(award.application)]
    assert actions == [
        "grants.application.created", "grants.application.plan_changed", "grants.application.submitted",
        "grants.application.review_started", "grants.application.recommended",
        # the period began on 01.01.2026: the factory records the consent to an early start
        "grants.application.early_start_consented", "grants.application.approved",
    ]
