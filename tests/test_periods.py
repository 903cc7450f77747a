"""Bekanntgabe and Bestandskraft, computed by hand from the calendar."""

from datetime import date

import pytest

from core.periods import (
    easter_sunday,
    final_date,
    hessian_holidays,
    is_working_day,
    month_period_end,
    posted_notification_date,
)


@pytest.mark.parametrize(("year", "easter"), [
    (2021, date(2021, 4, 4)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
])
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_hessian_holidays_2026():
    assert sorted(hessian_holidays(2026)) == [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14),
        date(2026, 5, 25), date(2026, 6, 4), date(2026, 10, 3), date(2026, 12, 25), date(2026, 12, 26)]


def test_reformation_day_and_all_saints_are_working_days_in_hessen_except_2017():
    assert is_working_day(date(2021, 11, 1))          # Allerheiligen, Monday
    assert not is_working_day(date(2017, 10, 31))     # Reformationstag 2017, once a holiday everywhere
    assert is_working_day(date(2018, 10, 31))


def test_posted_on_thursday_28_10_2021_is_notified_on_monday_01_11_2021():
    # Third day is Sunday 31.10.2021 → next working day.
    assert posted_notification_date(date(2021, 10, 28)) == date(2021, 11, 1)


def test_posted_on_monday_is_notified_on_thursday():
    assert posted_notification_date(date(2021, 10, 25)) == date(2021, 10, 28)


def test_posted_before_good_friday_is_notified_after_easter_monday():
    # Posted Tuesday 30.03.2021: third day Friday 02.04.2021 (Karfreitag), Sat, Sun, Monday 05.04.
    # (Ostermontag) → Tuesday 06.04.2021.
    assert posted_notification_date(date(2021, 3, 30)) == date(2021, 4, 6)


def test_month_period_same_day_of_next_month():
    assert month_period_end(date(2021, 11, 1)) == date(2021, 12, 1)
    assert month_period_end(date(2021, 10, 29)) == date(2021, 11, 29)


def test_month_period_from_31_january_ends_on_last_day_of_february():
    assert month_period_end(date(2022, 1, 31)) == date(2022, 2, 28)   # Monday
    assert month_period_end(date(2024, 1, 31)) == date(2024, 2, 29)   # leap year, Thursday


def test_month_period_ending_on_saturday_ends_on_monday():
    assert month_period_end(date(2021, 10, 6)) == date(2021, 11, 8)


def test_month_period_ending_on_holiday_ends_next_working_day():
    # 01.05.2024 is a Wednesday and Tag der Arbeit.
    assert month_period_end(date(2024, 4, 1)) == date(2024, 5, 2)


def test_month_end_shortened_and_on_weekend():
    # 31.01.2021 → 28.02.2021 is a Sunday → Monday 01.03.2021.
    assert month_period_end(date(2021, 1, 31)) == date(2021, 3, 1)


def test_final_the_day_after_the_period_ends():
    # Posted 28.10.2021 → notified 01.11.2021 → period ends 01.12.2021 → final from 02.12.2021.
    assert final_date(posted_notification_date(date(2021, 10, 28))) == date(2021, 12, 2)


def test_waiver_makes_final_at_once():
    assert final_date(date(2021, 10, 29), waived_on=date(2021, 11, 3)) == date(2021, 11, 3)


def test_late_waiver_changes_nothing():
    assert final_date(date(2021, 10, 29), waived_on=date(2022, 1, 10)) == date(2021, 11, 30)
