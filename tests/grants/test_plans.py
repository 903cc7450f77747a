from datetime import date
from decimal import Decimal

import pytest

from audit.selectors import audit_entries_for
from core.errors import InvalidTransition, NotPermitted, PlanInvalid
from grants.models import ApplicationStatus
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from grants.services.applications import application_submit
from grants.services.plans import financing_plan_replace, plan_snapshot, plan_submission_errors
from grants.services.reviews import application_request_changes
from tests import factories

GRANT = FinancingSource.GRANT
OWN = FinancingSource.OWN_FUNDS


@pytest.fixture
def categories(programme):
    return {c.code: c for c in programme.cost_categories.all()}


@pytest.fixture
def draft(programme, coordinator_a):
    """A draft of coordinator A for the whole period 2026–2030 with a balanced plan."""
    return factories.draft_application(programme, coordinator_a)


@pytest.fixture
def draft_2026(programme, coordinator_a):
    """A one-year draft (2026) without a plan, to test one year's rules in isolation."""
    return factories.draft_application(programme, coordinator_a, start=date(2026, 1, 1), end=date(2026, 12, 31),
                                       with_plan=False)


def plan_rows(application):
    return (
        sorted(application.expenditures.values_list("year", "category__code", "amount", "positions")),
        sorted(application.financings.values_list("year", "source", "amount")),
    )


def replace(application, user, expenditures, financings):
    return financing_plan_replace(application=application, user=user, expenditures=expenditures,
                                  financings=financings)


# --- the submission rules ----------------------------------------------------------------

def test_balanced_plan_meets_every_rule(draft):
    assert plan_submission_errors(draft) == {}


def test_unbalanced_year_is_reported_under_its_year_key_with_the_gap(draft, categories, coordinator_a, programme):
    expenditures, financings = factories.balanced_plan(programme, draft.years)
    financings = [f if not (f.year == 2027 and f.source == OWN) else FinancingLine(2027, OWN, Decimal("29000.00"))
                  for f in financings]
    replace(draft, coordinator_a, expenditures, financings)

    errors = plan_submission_errors(draft)

    assert list(errors) == ["year-2027"]
    assert errors["year-2027"] == [
        "2027: Ausgaben (130.000,00 €) und Finanzierung (129.000,00 €) sind nicht ausgeglichen; "
        "es fehlen 1.000,00 €."
    ]


def test_overfinanced_year_is_reported_with_the_excess(draft, coordinator_a, programme):
    expenditures, financings = factories.balanced_plan(programme, draft.years)
    financings = [f if not (f.year == 2030 and f.source == OWN) else FinancingLine(2030, OWN, Decimal("30500.00"))
                  for f in financings]
    replace(draft, coordinator_a, expenditures, financings)

    errors = plan_submission_errors(draft)

    assert "die Finanzierung übersteigt die Ausgaben um 500,00 €" in errors["year-2030"][0]


def test_personnel_grant_is_capped_at_two_positions_of_60000(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["personal"], Decimal("180000.00"), Decimal("3.00"))],
            [FinancingLine(2026, GRANT, Decimal("120000.01")), FinancingLine(2026, OWN, Decimal("59999.99"))])

    errors = plan_submission_errors(draft_2026)

    assert list(errors) == ["financing-2026-zuwendung"]
    assert "(120.000,01 €)" in errors["financing-2026-zuwendung"][0]
    assert "zuwendungsfähigen Ausgaben (120.000,00 €)" in errors["financing-2026-zuwendung"][0]


def test_personnel_grant_up_to_two_positions_of_60000_is_accepted(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["personal"], Decimal("180000.00"), Decimal("3.00"))],
            [FinancingLine(2026, GRANT, Decimal("120000.00")), FinancingLine(2026, OWN, Decimal("60000.00"))])

    assert plan_submission_errors(draft_2026) == {}


def test_personnel_grant_is_capped_at_60000_per_full_time_position(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["personal"], Decimal("40000.00"), Decimal("0.50"))],
            [FinancingLine(2026, GRANT, Decimal("30000.01")), FinancingLine(2026, OWN, Decimal("9999.99"))])

    errors = plan_submission_errors(draft_2026)

    assert "zuwendungsfähigen Ausgaben (30.000,00 €)" in errors["financing-2026-zuwendung"][0]


def test_micro_projects_grant_is_capped_at_5000_a_year(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("8000.00"))],
            [FinancingLine(2026, GRANT, Decimal("5000.01")), FinancingLine(2026, OWN, Decimal("2999.99"))])

    errors = plan_submission_errors(draft_2026)

    assert "zuwendungsfähigen Ausgaben (5.000,00 €)" in errors["financing-2026-zuwendung"][0]
    assert "aus Eigen- oder Drittmitteln zu finanzieren" in errors["financing-2026-zuwendung"][0]


def test_material_costs_are_not_fundable(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["sachausgaben"], Decimal("10000.00"))],
            [FinancingLine(2026, GRANT, Decimal("1.00")), FinancingLine(2026, OWN, Decimal("9999.00"))])

    errors = plan_submission_errors(draft_2026)

    assert "zuwendungsfähigen Ausgaben (0,00 €)" in errors["financing-2026-zuwendung"][0]


def test_material_costs_financed_by_own_funds_are_accepted(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["personal"], Decimal("60000.00"), Decimal("1.00")),
             ExpenditureLine(2026, categories["sachausgaben"], Decimal("10000.00"))],
            [FinancingLine(2026, GRANT, Decimal("60000.00")), FinancingLine(2026, OWN, Decimal("10000.00"))])

    assert plan_submission_errors(draft_2026) == {}


def test_personnel_without_positions_is_refused(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["personal"], Decimal("50000.00"))],
            [FinancingLine(2026, OWN, Decimal("50000.00")), FinancingLine(2026, GRANT, Decimal("0.00"))])

    errors = plan_submission_errors(draft_2026)

    assert errors["positions-2026-personal"] == [
        "Bitte die Stellenanteile (VZÄ) für „Personalausgaben WIR-Koordination“ 2026 angeben."
    ]


def test_further_position_before_its_first_year_is_refused(programme, coordinator_a, categories):
    application = factories.draft_application(programme, coordinator_a, start=date(2026, 1, 1),
                                              end=date(2027, 12, 31), with_plan=False)
    replace(application, coordinator_a,
            [ExpenditureLine(2026, categories["weitere-stelle"], Decimal("20000.00"), Decimal("1.00")),
             ExpenditureLine(2027, categories["weitere-stelle"], Decimal("20000.00"), Decimal("1.00"))],
            [FinancingLine(2026, OWN, Decimal("20000.00")),
             FinancingLine(2027, GRANT, Decimal("20000.00"))])

    errors = plan_submission_errors(application)

    assert list(errors) == ["expenditure-2026-weitere-stelle"]
    assert errors["expenditure-2026-weitere-stelle"] == [
        "„Personalausgaben weitere Stelle“ ist erst ab 2027 förderfähig."
    ]


def test_further_position_is_fundable_up_to_20000_from_its_first_year(programme, coordinator_a, categories):
    application = factories.draft_application(programme, coordinator_a, start=date(2027, 1, 1),
                                              end=date(2027, 12, 31), with_plan=False)
    replace(application, coordinator_a,
            [ExpenditureLine(2027, categories["weitere-stelle"], Decimal("25000.00"), Decimal("1.00"))],
            [FinancingLine(2027, GRANT, Decimal("20000.01")), FinancingLine(2027, OWN, Decimal("4999.99"))])

    errors = plan_submission_errors(application)

    assert "zuwendungsfähigen Ausgaben (20.000,00 €)" in errors["financing-2027-zuwendung"][0]


def test_total_grant_above_programme_cap_of_600000_is_refused(programme, coordinator_a):
    application = factories.draft_application(programme, coordinator_a, grant=Decimal("123000.00"))

    errors = plan_submission_errors(application)

    assert list(errors) == ["plan"]
    assert errors["plan"] == [
        "Die beantragte Zuwendung insgesamt (615.000,00 €) übersteigt den Höchstbetrag von 600.000,00 € "
        "je Gebietskörperschaft."
    ]


def test_total_grant_of_exactly_600000_is_accepted(programme, coordinator_a):
    application = factories.draft_application(programme, coordinator_a, grant=Decimal("120000.00"))

    assert plan_submission_errors(application) == {}


def test_empty_plan_is_refused(draft_2026):
    errors = plan_submission_errors(draft_2026)

    assert errors == {"plan": ["Der Finanzierungsplan enthält keine Ausgaben."]}


def test_plan_without_requested_grant_is_refused(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("5000.00"))],
            [FinancingLine(2026, OWN, Decimal("5000.00"))])

    assert plan_submission_errors(draft_2026) == {"plan": ["Es ist keine Zuwendung beantragt."]}


def test_submitting_an_unbalanced_plan_raises_plan_invalid_with_the_year_key(draft, coordinator_a, programme):
    expenditures, financings = factories.balanced_plan(programme, draft.years)
    replace(draft, coordinator_a, expenditures, financings[:-1])  # drop own funds 2030

    with pytest.raises(PlanInvalid, match="Der Finanzierungsplan ist nicht zulässig") as caught:
        application_submit(application=draft, user=coordinator_a)

    assert "year-2030" in caught.value.errors
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


# --- saving a draft plan -----------------------------------------------------------------

def test_draft_may_be_saved_unbalanced(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("5000.00"))],
            [FinancingLine(2026, GRANT, Decimal("1000.00"))])

    assert plan_rows(draft_2026) == (
        [(2026, "mikroprojekte", Decimal("5000.00"), None)],
        [(2026, GRANT, Decimal("1000.00"))],
    )


def test_saving_the_plan_replaces_every_line_and_writes_an_audit_entry(draft, categories, coordinator_a):
    replace(draft, coordinator_a,
            [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("5000.00"))],
            [FinancingLine(2026, GRANT, Decimal("5000.00"))])

    assert plan_rows(draft) == (
        [(2026, "mikroprojekte", Decimal("5000.00"), None)],
        [(2026, GRANT, Decimal("5000.00"))],
    )
    entry = audit_entries_for(draft).filter(action="grants.application.plan_changed").last()
    assert entry.actor == coordinator_a
    assert entry.changes == {"ausgaben": ["650000.00", "5000.00"], "zuwendung": ["500000.00", "5000.00"]}


def test_saving_rounds_amounts_to_cents(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("4999.995"))],
            [FinancingLine(2026, GRANT, "5000")])

    assert plan_rows(draft_2026) == (
        [(2026, "mikroprojekte", Decimal("5000.00"), None)],
        [(2026, GRANT, Decimal("5000.00"))],
    )


def test_line_outside_the_application_period_is_refused_and_nothing_saved(draft_2026, categories, coordinator_a):
    replace(draft_2026, coordinator_a,
            [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("5000.00"))],
            [FinancingLine(2026, GRANT, Decimal("5000.00"))])
    before = plan_rows(draft_2026)

    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a,
                [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("4000.00")),
                 ExpenditureLine(2027, categories["mikroprojekte"], Decimal("5000.00"))],
                [FinancingLine(2026, GRANT, Decimal("4000.00"))])

    assert caught.value.errors == {
        "expenditure-2027-mikroprojekte": ["2027 liegt außerhalb des Vorhabenzeitraums (2026)."]
    }
    assert plan_rows(draft_2026) == before


def test_financing_outside_the_application_period_is_refused(draft_2026, categories, coordinator_a):
    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a, [], [FinancingLine(2025, OWN, Decimal("1.00"))])

    assert "außerhalb des Vorhabenzeitraums" in caught.value.errors["financing-2025-eigenmittel"][0]
    assert plan_rows(draft_2026) == ([], [])


def test_negative_expenditure_is_refused(draft, categories, coordinator_a):
    before = plan_rows(draft)

    with pytest.raises(PlanInvalid) as caught:
        replace(draft, coordinator_a, [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("-1.00"))], [])

    assert caught.value.errors == {"expenditure-2026-mikroprojekte": ["Beträge dürfen nicht negativ sein."]}
    assert plan_rows(draft) == before


def test_negative_financing_is_refused(draft_2026, coordinator_a):
    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a, [], [FinancingLine(2026, OWN, Decimal("-0.01"))])

    assert caught.value.errors == {"financing-2026-eigenmittel": ["Beträge dürfen nicht negativ sein."]}


def test_negative_positions_are_refused(draft_2026, categories, coordinator_a):
    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a,
                [ExpenditureLine(2026, categories["personal"], Decimal("1000.00"), Decimal("-1.00"))], [])

    assert caught.value.errors == {"positions-2026-personal": ["Stellenanteile dürfen nicht negativ sein."]}


def test_positions_for_a_category_without_positions_are_refused(draft_2026, categories, coordinator_a):
    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a,
                [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("1000.00"), Decimal("1.00"))], [])

    assert "werden keine Stellenanteile angegeben" in caught.value.errors["positions-2026-mikroprojekte"][0]


def test_category_of_another_programme_is_refused(draft_2026, coordinator_a):
    other = factories.make_programme(code="wir-2021", start=2021, end=2025, budget=None)
    foreign = other.cost_categories.get(code="mikroprojekte")

    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a, [ExpenditureLine(2026, foreign, Decimal("1000.00"))], [])

    assert caught.value.errors == {
        "expenditure-2026-mikroprojekte": ["Die Kostenart „Mikroprojekte“ gehört nicht zu diesem Förderprogramm."]
    }
    assert plan_rows(draft_2026) == ([], [])


def test_same_category_twice_in_a_year_is_refused(draft_2026, categories, coordinator_a):
    line = ExpenditureLine(2026, categories["mikroprojekte"], Decimal("1000.00"))

    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a, [line, line], [])

    assert "doppelt angegeben" in caught.value.errors["expenditure-2026-mikroprojekte"][0]


def test_same_financing_source_twice_in_a_year_is_refused(draft_2026, coordinator_a):
    line = FinancingLine(2026, OWN, Decimal("1000.00"))

    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a, [], [line, line])

    assert "doppelt angegeben" in caught.value.errors["financing-2026-eigenmittel"][0]


def test_unknown_financing_source_is_refused(draft_2026, coordinator_a):
    with pytest.raises(PlanInvalid) as caught:
        replace(draft_2026, coordinator_a, [], [FinancingLine(2026, "lotto", Decimal("1000.00"))])

    assert caught.value.errors == {"financing-2026-lotto": ["Unbekannte Finanzierungsquelle „lotto“."]}


def test_float_amount_in_the_plan_is_refused(draft_2026, categories, coordinator_a):
    with pytest.raises(TypeError):
        replace(draft_2026, coordinator_a, [ExpenditureLine(2026, categories["mikroprojekte"], 5000.0)], [])

    assert plan_rows(draft_2026) == ([], [])


def test_coordinator_cannot_replace_other_bodies_plan(draft, coordinator_b, categories):
    before = plan_rows(draft)

    with pytest.raises(NotPermitted, match="eigene Gebietskörperschaft"):
        replace(draft, coordinator_b, [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("1.00"))], [])

    assert plan_rows(draft) == before


def test_clerk_cannot_replace_a_plan(draft, clerk, categories):
    before = plan_rows(draft)

    with pytest.raises(NotPermitted, match="Nur die Koordination"):
        replace(draft, clerk, [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("1.00"))], [])

    assert plan_rows(draft) == before


def test_plan_of_a_submitted_application_cannot_be_replaced(programme, coordinator_a, categories):
    application = factories.submitted_application(programme, coordinator_a)
    before = plan_rows(application)

    with pytest.raises(InvalidTransition, match="Den Finanzierungsplan zu ändern ist im Status „Eingereicht“"):
        replace(application, coordinator_a,
                [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("1.00"))], [])

    assert plan_rows(application) == before


def test_plan_may_be_changed_when_changes_are_requested(programme, coordinator_a, clerk, categories):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    application_request_changes(application=application, user=clerk, message="Bitte Mikroprojekte erläutern.")

    replace(application, coordinator_a, [ExpenditureLine(2026, categories["mikroprojekte"], Decimal("1.00"))], [])

    assert plan_rows(application)[0] == [(2026, "mikroprojekte", Decimal("1.00"), None)]


# --- the binding snapshot ----------------------------------------------------------------

def test_snapshot_carries_a_cut_by_own_funds_so_the_year_stays_balanced(draft):
    approved = {year: Decimal("100000.00") for year in draft.years} | {2026: Decimal("90000.00")}

    snapshot = plan_snapshot(draft, approved)

    first = snapshot["years"][0]
    assert first["year"] == 2026
    assert first["financing"] == {"eigenmittel": "40000.00", "drittmittel": "0.00", "zuwendung": "90000.00"}
    assert first["requested_grant"] == "100000.00"
    assert first["reduction"] == "10000.00"
    spent = sum(Decimal(e["amount"]) for e in first["expenditures"])
    assert spent == sum(Decimal(v) for v in first["financing"].values()) == Decimal("130000.00")
