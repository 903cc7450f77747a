"""Interest under § 49a Abs. 3 HVwVfG (grants/interest.py), against figures calculated by hand.

Rate per day: (Basiszinssatz + 5) / 100 / days of the calendar year; each segment (one base
rate, one year, one principal) rounded to cents half up; the total is the sum of the segments.

Note: the task brief quoted 328,27 € / 737,61 € for the first case; by hand
10.000 × 6,62 × 181 / 36.500 = 11.982.200 / 36.500 = 328,2794… → 328,28 €, so the total is
737,62 €. The figures below are the correct ones.
"""

from calendar import isleap
from datetime import date, timedelta
from decimal import Decimal

import pytest

from grants.interest import (
    BaseRateMissing,
    balance_as_of,
    base_rate_stale_since,
    interest_for,
    next_change_day,
)

M = Decimal
# The Bundesbank table as seeded by migration 0008 (the part these cases need).
RATES = [
    (date(2016, 7, 1), M("-0.88")), (date(2023, 1, 1), M("1.62")), (date(2023, 7, 1), M("3.12")),
    (date(2024, 1, 1), M("3.62")), (date(2024, 7, 1), M("3.37")), (date(2025, 1, 1), M("2.27")),
    (date(2025, 7, 1), M("1.27")),
]


def test_one_year_2023_splits_at_the_july_change_and_adds_rounded_segments():
    # 01.01.–30.06.2023: 181 days at 1,62 + 5 = 6,62 %: 10.000 × 6,62 × 181 / 36.500 = 328,2794 → 328,28
    # 01.07.–31.12.2023: 184 days at 3,12 + 5 = 8,12 %: 10.000 × 8,12 × 184 / 36.500 = 409,3370 → 409,34
    # total 737,62
    result = interest_for(principal=M("10000.00"), start=date(2023, 1, 1), end=date(2024, 1, 1), rates=RATES)
    assert [(s.start, s.end, s.days, s.rate, s.interest) for s in result.segments] == [
        (date(2023, 1, 1), date(2023, 6, 30), 181, M("6.62"), M("328.28")),
        (date(2023, 7, 1), date(2023, 12, 31), 184, M("8.12"), M("409.34")),
    ]
    assert result.total == M("737.62")


def test_leap_year_2024_divides_by_366():
    # 01.01.–30.06.2024: 182 days at 3,62 + 5 = 8,62 %: 10.000 × 8,62 × 182 / 36.600 = 428,6448 → 428,64
    # 01.07.–31.12.2024: 184 days at 3,37 + 5 = 8,37 %: 10.000 × 8,37 × 184 / 36.600 = 420,7869 → 420,79
    # total 849,43
    result = interest_for(principal=M("10000.00"), start=date(2024, 1, 1), end=date(2025, 1, 1), rates=RATES)
    assert [(s.days, s.year_days, s.interest) for s in result.segments] == [(182, 366, M("428.64")),
                                                                           (184, 366, M("420.79"))]
    assert result.total == M("849.43")


def test_period_with_the_negative_base_rate_and_a_year_boundary():
    # 01.12.–31.12.2022: 31 days at -0,88 + 5 = 4,12 %: 10.000 × 4,12 × 31 / 36.500 = 34,9918 → 34,99
    # 01.01.–31.01.2023: 31 days at 1,62 + 5 = 6,62 %: 10.000 × 6,62 × 31 / 36.500 = 56,2247 → 56,22
    # total 91,21
    result = interest_for(principal=M("10000.00"), start=date(2022, 12, 1), end=date(2023, 2, 1), rates=RATES)
    assert [(s.base_rate, s.rate, s.interest) for s in result.segments] == [
        (M("-0.88"), M("4.12"), M("34.99")), (M("1.62"), M("6.62"), M("56.22"))]
    assert result.total == M("91.21")


def test_partial_repayment_goes_to_interest_first_and_lowers_the_principal_from_its_day():
    # Until 30.06.2023: 328,28 interest (as above). On 01.07.2023 2.000,00 arrive:
    # 328,28 settle the interest, 1.671,72 reduce the principal to 8.328,28 from 01.07.2023 on.
    # 01.07.–31.12.2023: 8.328,28 × 8,12 × 184 / 36.500 = 340,9073 → 340,91
    # Balance on 01.01.2024: principal 8.328,28 + interest 340,91 = 8.669,19
    balance = balance_as_of(principal=M("10000.00"), interest_from=date(2023, 1, 1), as_of=date(2024, 1, 1),
                            rates=RATES, repayments=[(date(2023, 7, 1), M("2000.00"))])
    applied = balance.repayments[0]
    assert (applied.to_interest, applied.to_principal, applied.excess) == (M("328.28"), M("1671.72"), M("0.00"))
    assert balance.segments[-1].principal == M("8328.28")
    assert balance.segments[-1].interest == M("340.91")
    assert balance.principal_outstanding == M("8328.28")
    assert balance.interest_outstanding == M("340.91")
    assert balance.total_outstanding == M("8669.19")
    assert not balance.settled


def test_repayment_of_everything_owed_settles_and_stops_interest():
    # Interest until 30.06.2023: 328,28; 10.000,00 + 328,28 paid on 01.07.2023 settle it all.
    balance = balance_as_of(principal=M("10000.00"), interest_from=date(2023, 1, 1), as_of=date(2024, 1, 1),
                            rates=RATES, repayments=[(date(2023, 7, 1), M("10328.28"))])
    assert balance.total_outstanding == M("0.00")
    assert balance.settled
    assert [s.end for s in balance.segments] == [date(2023, 6, 30)]


def test_repayments_after_the_date_are_ignored():
    balance = balance_as_of(principal=M("10000.00"), interest_from=date(2023, 1, 1), as_of=date(2023, 7, 1),
                            rates=RATES, repayments=[(date(2023, 8, 1), M("5000.00"))])
    assert balance.repayments == ()
    assert balance.total_outstanding == M("10328.28")


def test_waived_interest_is_zero_and_repayments_go_to_the_principal():
    result = interest_for(principal=M("10000.00"), start=date(2023, 1, 1), end=date(2024, 1, 1), rates=RATES,
                          waived=True)
    assert result.segments == () and result.total == M("0.00")
    balance = balance_as_of(principal=M("10000.00"), interest_from=date(2023, 1, 1), as_of=date(2024, 1, 1),
                            rates=RATES, repayments=[(date(2023, 7, 1), M("2000.00"))], waived=True)
    assert balance.total_outstanding == M("8000.00")
    assert balance.repayments[0].to_interest == M("0.00")


def test_no_days_no_interest():
    assert interest_for(principal=M("10000.00"), start=date(2023, 5, 1), end=date(2023, 5, 1), rates=RATES).total == 0


def test_a_day_before_the_table_is_refused_in_german():
    with pytest.raises(BaseRateMissing) as refusal:
        interest_for(principal=M("1.00"), start=date(2016, 6, 30), end=date(2016, 7, 2), rates=RATES)
    assert "30.06.2016" in refusal.value.message


def test_the_latest_rate_stays_valid_until_the_next_entry():
    # 01.07.2025 – 31.12.2026 all at 1,27 + 5 = 6,27 %, split only at the year boundary.
    result = interest_for(principal=M("1000.00"), start=date(2025, 7, 1), end=date(2027, 1, 1), rates=RATES)
    assert [(s.start, s.end, s.rate) for s in result.segments] == [
        (date(2025, 7, 1), date(2025, 12, 31), M("6.27")), (date(2026, 1, 1), date(2026, 12, 31), M("6.27"))]


def test_stale_table_names_the_first_change_day_the_period_reaches():
    assert next_change_day(date(2025, 7, 1)) == date(2026, 1, 1)
    assert next_change_day(date(2025, 1, 1)) == date(2025, 7, 1)
    # The period's last day is end − 1: 31.12.2025 does not reach 01.01.2026 …
    assert base_rate_stale_since(latest_valid_from=date(2025, 7, 1), end=date(2026, 1, 1)) is None
    # … 01.01.2026 does.
    assert base_rate_stale_since(latest_valid_from=date(2025, 7, 1), end=date(2026, 1, 2)) == date(2026, 1, 1)
    assert base_rate_stale_since(latest_valid_from=None, end=date(2026, 1, 2)) is None


def _segments_day_by_day(principal, start, end, rates):
    """The module's definition, walked day by day: consecutive days with the same table entry
    and the same calendar year form one segment, each rounded to cents half up."""
    from core.money import to_money

    table = sorted(rates)
    groups: list[list] = []
    day = start
    while day < end:
        valid_from, rate = [entry for entry in table if entry[0] <= day][-1]
        if groups and groups[-1][0] == (valid_from, day.year):
            groups[-1][2] += 1
        else:
            groups.append([(valid_from, day.year), rate, 1])
        day += timedelta(days=1)
    return [(days, to_money(principal * (rate + 5) * days / (100 * (366 if isleap(year) else 365))))
            for (_valid_from, year), rate, days in groups]


def test_segments_agree_with_the_day_by_day_definition_over_the_whole_table():
    # Includes an entry that starts mid-year, as a correction of the table could.
    rates = [*RATES, (date(2019, 3, 15), M("-0.50"))]
    first = date(2016, 7, 1)
    for offset in range(0, 3800, 97):
        start = first + timedelta(days=offset)
        for length in (1, 30, 183, 366, 800, 2400):
            end = start + timedelta(days=length)
            result = interest_for(principal=M("12345.67"), start=start, end=end, rates=rates)
            assert [(s.days, s.interest) for s in result.segments] == _segments_day_by_day(
                M("12345.67"), start, end, rates), (start, end)
