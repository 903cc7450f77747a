"""The rule "funds only as far as needed within N months after payment" (callable_now) and
its enforcement in disbursement_request. Every expected amount is calculated by hand:
callable = round_down_to_cents(A × months_needed / 12) − C, where months_needed counts the
months of the budget year that have begun by today + N months."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core import clock
from core.errors import FieldErrors
from grants.models import AwardYear, Budget, Disbursement
from grants.selectors.payments import callable_now
from grants.services.disbursements import disbursement_cancel, disbursement_reject, disbursement_request
from tests import factories

M = Decimal
BERLIN = ZoneInfo("Europe/Berlin")


def year_of(year: int, amount: str = "100000.00") -> AwardYear:
    """An award year in memory: the rule itself needs no database."""
    return AwardYear(amount=M(amount), budget=Budget(year=year, amount=M("1000000.00")))


def rule(year, today, called="0.00", amount="100000.00", months=2):
    return callable_now(award_year=year_of(year, amount), today=today, called=M(called), months=months)


# -- the pure rule ----------------------------------------------------------------------------


def test_start_of_year_allows_the_first_three_months():
    # 01.01.2026 + 2 months = 01.03.2026: January, February, March have begun → 3/12.
    amount, why = rule(2026, date(2026, 1, 1))

    assert amount == M("25000.00")
    assert why == ("Abrufbar sind derzeit höchstens 25.000,00 €: Mittel dürfen nur angefordert werden, soweit "
                   "sie innerhalb von 2 Monaten nach der Auszahlung benötigt werden; für 2026 sind das bis Ende "
                   "März 3/12 der bewilligten 100.000,00 €, abzüglich bereits abgerufener 0,00 €.")


def test_mid_year_rounds_down_to_cents():
    # 15.06.2026 + 2 months = 15.08.2026 → 8/12 of 100.000,00 = 66.666,666… → 66.666,66.
    amount, why = rule(2026, date(2026, 6, 15))

    assert amount == M("66666.66")
    assert "bis Ende August 8/12" in why


def test_mid_year_partly_called_subtracts_what_was_called():
    # 8/12 → 66.666,66 minus 40.000,00 already called.
    amount, why = rule(2026, date(2026, 6, 15), called="40000.00")

    assert amount == M("26666.66")
    assert "höchstens 26.666,66 €" in why and "abzüglich bereits abgerufener 40.000,00 €" in why


def test_called_beyond_the_share_leaves_nothing_not_a_negative_amount():
    # 15.01.2026: 3/12 = 25.000,00, but 30.000,00 were called (e.g. under a longer period).
    amount, _why = rule(2026, date(2026, 1, 15), called="30000.00")

    assert amount == M("0.00")


def test_current_year_once_the_horizon_reaches_next_year_is_the_whole_remainder():
    # 25.11.2026 + 2 months = 25.01.2027: all twelve months of 2026 have begun.
    amount, why = rule(2026, date(2026, 11, 25), called="40000.00")

    assert amount == M("60000.00")
    assert "für 2026 ist das der gesamte bewilligte Betrag von 100.000,00 €" in why


def test_next_year_in_december_allows_its_first_two_months():
    # 10.12.2026 + 2 months = 10.02.2027: January and February 2027 → 2/12 = 16.666,66.
    amount, why = rule(2027, date(2026, 12, 10))

    assert amount == M("16666.66")
    assert "für 2027 sind das bis Ende Februar 2/12" in why


def test_next_year_in_late_november_allows_one_month():
    # 25.11.2026 + 2 months = 25.01.2027 → 1/12 = 8.333,33.
    assert rule(2027, date(2026, 11, 25))[0] == M("8333.33")


def test_end_of_month_is_clamped_when_adding_months():
    # 31.12.2026 + 2 months = 28.02.2027 (no 31 February) → 2/12.
    assert rule(2027, date(2026, 12, 31))[0] == M("16666.66")


def test_a_year_further_ahead_is_not_callable_and_says_from_when():
    # 2028 begins within two months from 01.11.2027 on.
    amount, why = rule(2028, date(2026, 11, 25))

    assert amount == M("0.00")
    assert why == ("Für 2028 sind Mittel erst ab 01.11.2027 abrufbar: Mittel dürfen nur angefordert werden, "
                   "soweit sie innerhalb von 2 Monaten nach der Auszahlung benötigt werden.")


def test_the_first_day_named_is_the_first_day_it_is_callable():
    assert rule(2028, date(2027, 10, 31))[0] == M("0.00")
    assert rule(2028, date(2027, 11, 1))[0] == M("8333.33")


def test_past_year_allows_the_whole_remainder():
    amount, why = rule(2026, date(2027, 3, 1), called="40000.00")

    assert amount == M("60000.00")
    assert "2026 ist abgelaufen" in why


def test_fully_called_year_says_so():
    amount, why = rule(2026, date(2026, 11, 25), called="100000.00")

    assert amount == M("0.00")
    assert why == "Für 2026 ist der bewilligte Betrag von 100.000,00 € vollständig abgerufen."


def test_the_configured_period_is_used():
    # Period 0: only the current month (January) → 1/12; period 5 from 15.01.: up to June → 6/12;
    # period 1 says "1 Monat" in the singular.
    assert rule(2026, date(2026, 1, 15), months=0)[0] == M("8333.33")
    assert rule(2026, date(2026, 1, 15), months=5)[0] == M("50000.00")
    assert "innerhalb von 1 Monat nach" in rule(2026, date(2026, 1, 15), months=1)[1]


def test_odd_amounts_round_down_and_never_exceed_what_is_left():
    # 99.999,99 × 8/12 = 66.666,66 (exactly 66.666,66); 0,11 × 8/12 = 0,0733… → 0,07.
    assert rule(2026, date(2026, 6, 15), amount="99999.99")[0] == M("66666.66")
    assert rule(2026, date(2026, 6, 15), amount="0.11")[0] == M("0.07")
    assert rule(2026, date(2026, 11, 25), amount="0.11", called="0.05")[0] == M("0.06")


# -- enforced by disbursement_request ------------------------------------------------------------


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver)


def on(day: date):
    return clock.frozen_at(datetime(day.year, day.month, day.day, 10, tzinfo=BERLIN))


def test_request_up_to_what_is_needed_is_accepted(award, coordinator_a):
    with on(date(2026, 1, 15)):
        disbursement = disbursement_request(award=award, year=2026, amount=M("25000.00"), user=coordinator_a,
                                            stated_need="Personalkosten Januar bis März")

    assert disbursement.status == Disbursement.Status.REQUESTED


def test_request_beyond_what_is_needed_within_the_period_is_refused_with_the_reason(award, coordinator_a):
    with on(date(2026, 1, 15)), pytest.raises(FieldErrors) as refusal:
        disbursement_request(award=award, year=2026, amount=M("25000.01"), user=coordinator_a)

    assert refusal.value.errors["amount"] == [
        "Abrufbar sind derzeit höchstens 25.000,00 €: Mittel dürfen nur angefordert werden, soweit sie innerhalb "
        "von 2 Monaten nach der Auszahlung benötigt werden; für 2026 sind das bis Ende März 3/12 der bewilligten "
        "100.000,00 €, abzüglich bereits abgerufener 0,00 €."]
    assert not Disbursement.objects.exists()


def test_earlier_requests_count_against_what_is_needed(award, coordinator_a):
    with on(date(2026, 1, 15)):
        disbursement_request(award=award, year=2026, amount=M("20000.00"), user=coordinator_a)
        with pytest.raises(FieldErrors, match="höchstens 5.000,00 €"):
            disbursement_request(award=award, year=2026, amount=M("5000.01"), user=coordinator_a)

    assert Disbursement.objects.count() == 1


def test_rejected_and_cancelled_requests_free_their_amount_again(award, coordinator_a, clerk):
    with on(date(2026, 1, 15)):
        first = disbursement_request(award=award, year=2026, amount=M("25000.00"), user=coordinator_a)
        disbursement_reject(disbursement=first, user=clerk, reason="Bedarf nicht belegt")
        second = disbursement_request(award=award, year=2026, amount=M("25000.00"), user=coordinator_a)
        disbursement_cancel(disbursement=second, user=coordinator_a)
        disbursement_request(award=award, year=2026, amount=M("25000.00"), user=coordinator_a)

    assert Disbursement.objects.filter(status=Disbursement.Status.REQUESTED).count() == 1


def test_the_programmes_period_is_read_from_the_programme(award, programme, coordinator_a):
    programme.funds_use_months = 5
    programme.save(update_fields=["funds_use_months"])

    with on(date(2026, 1, 15)):  # up to June → 6/12
        disbursement_request(award=award, year=2026, amount=M("50000.00"), user=coordinator_a)

    # Without `called` and `months` the rule reads both from the database.
    amount, why = callable_now(award_year=AwardYear.objects.get(award=award, budget__year=2026),
                               today=date(2026, 1, 15))
    assert amount == M("0.00")
    assert "innerhalb von 5 Monaten" in why and "abzüglich bereits abgerufener 50.000,00 €" in why


def test_a_future_year_cannot_be_requested_yet(award, coordinator_a):
    with on(date(2026, 11, 25)), pytest.raises(FieldErrors, match="erst ab 01.11.2027 abrufbar"):
        disbursement_request(award=award, year=2028, amount=M("100.00"), user=coordinator_a)
