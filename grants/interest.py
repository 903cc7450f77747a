"""Interest on reclaimed grants under § 49a Abs. 3 HVwVfG: five percentage points above the
Basiszinssatz (§ 247 BGB), day-exact.

Every calendar day d with `start ≤ d < end` accrues

    principal × (base rate valid on d + 5) / 100 / (days of d's calendar year: 365 or 366).

The days are grouped into segments that end at every change of the base rate, at every year
boundary and at every change of the principal (a repayment). Each segment's interest is
rounded to cents (half up); the total is the sum of the rounded segments, so the table
printed in a notice adds up to its total.

Repayments are applied first to the interest accrued until the day before they arrive, then to
the principal (§ 367 Abs. 1 BGB); the principal is lower from the day of the repayment on.

Everything here is a pure function of its arguments; the base-rate table the programme
administration keeps (grants.models.BaseRate) is read by grants.selectors.reclaims.base_rate_table.
"""

from bisect import bisect_right
from calendar import isleap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.formats import format_date
from core.money import ZERO, to_money

SURCHARGE = Decimal("5.00")  # percentage points above the base rate, § 49a Abs. 3 Satz 1 HVwVfG
CHANGE_DAYS = ((1, 1), (7, 1))  # the base rate changes on 1 January and 1 July (§ 247 Abs. 1 BGB)


class BaseRateMissing(DomainError):
    """No base rate is recorded for a day that accrues interest."""


@dataclass(frozen=True)
class RateEntry:
    """One row of the Basiszinssatz table: `rate` (in %) applies from `valid_from` until the
    next entry."""

    valid_from: date
    rate: Decimal


@dataclass(frozen=True)
class InterestSegment:
    """Days `start` … `end` (both inclusive) with one base rate, one year length and one principal."""

    start: date
    end: date
    days: int
    base_rate: Decimal
    base_rate_from: date  # valid_from of the table entry used
    rate: Decimal  # base rate + 5 percentage points
    year_days: int
    principal: Decimal
    interest: Decimal


@dataclass(frozen=True)
class Interest:
    """The interest for the days `start ≤ d < end`."""

    start: date
    end: date  # exclusive: the first day that no longer accrues
    segments: tuple[InterestSegment, ...]

    @property
    def total(self) -> Decimal:
        return sum((segment.interest for segment in self.segments), ZERO)

    @property
    def base_rates_used(self) -> tuple[date, ...]:
        """valid_from of every table entry a segment used (for the immutability of notices)."""
        return tuple(sorted({segment.base_rate_from for segment in self.segments}))


@dataclass(frozen=True)
class Repayment:
    received_on: date
    amount: Decimal


@dataclass(frozen=True)
class AppliedRepayment:
    """How one repayment was applied: first to interest, then to principal (§ 367 BGB)."""

    received_on: date
    amount: Decimal
    to_interest: Decimal
    to_principal: Decimal
    excess: Decimal  # more than was owed (never booked: the service refuses it)


@dataclass(frozen=True)
class Balance:
    """What is owed as of `as_of`: interest for the days before `as_of`, repayments received on
    or before `as_of` applied."""

    as_of: date
    principal: Decimal  # original principal
    interest_accrued: Decimal
    interest_paid: Decimal
    principal_paid: Decimal
    segments: tuple[InterestSegment, ...]
    repayments: tuple[AppliedRepayment, ...]

    @property
    def principal_outstanding(self) -> Decimal:
        return self.principal - self.principal_paid

    @property
    def interest_outstanding(self) -> Decimal:
        return self.interest_accrued - self.interest_paid

    @property
    def total_outstanding(self) -> Decimal:
        return self.principal_outstanding + self.interest_outstanding

    @property
    def repaid(self) -> Decimal:
        return sum((r.amount for r in self.repayments), ZERO)

    @property
    def settled(self) -> bool:
        return self.total_outstanding <= ZERO


# -- the table ---------------------------------------------------------------------------------


def _sorted_rates(rates: Iterable) -> list[RateEntry]:
    """Accepts RateEntry, BaseRate rows or (valid_from, rate) pairs; sorted by date."""
    entries = []
    for entry in rates:
        if isinstance(entry, tuple):
            entries.append(RateEntry(entry[0], Decimal(entry[1])))
        else:
            entries.append(RateEntry(entry.valid_from, Decimal(entry.rate)))
    return sorted(entries, key=lambda e: e.valid_from)


def _entry_index(day: date, starts: Sequence[date]) -> int:
    """The index of the entry valid on `day`, by bisection of the sorted start days."""
    index = bisect_right(starts, day) - 1
    if index < 0:
        raise BaseRateMissing(_("Für den %(day)s ist kein Basiszinssatz erfasst.") % {"day": format_date(day)})
    return index


def next_change_day(day: date) -> date:
    """The first 1 January or 1 July strictly after `day`."""
    return date(day.year, 7, 1) if day < date(day.year, 7, 1) else date(day.year + 1, 1, 1)


def base_rate_stale_since(*, latest_valid_from: date | None, end: date) -> date | None:
    """Whether the table may be missing a change for a period whose last day is `end - 1`:
    the first 1 January / 1 July after the latest entry, if the period reaches it; else None.
    A warning only – the latest rate stays valid until the next entry."""
    if latest_valid_from is None:
        return None
    change = next_change_day(latest_valid_from)
    return change if change < end else None


# -- interest ----------------------------------------------------------------------------------


def _segments(principal: Decimal, start: date, end: date, rates: Sequence[RateEntry]) -> list[InterestSegment]:
    """Segments for `start ≤ d < end` on a constant principal."""
    segments: list[InterestSegment] = []
    if principal <= ZERO or end <= start:
        return segments
    starts = [entry.valid_from for entry in rates]
    cursor = start
    while cursor < end:
        index = _entry_index(cursor, starts)
        entry = rates[index]
        boundary = min(end, date(cursor.year + 1, 1, 1))
        if index + 1 < len(rates) and rates[index + 1].valid_from < boundary:  # the next entry starts first
            boundary = rates[index + 1].valid_from
        days = (boundary - cursor).days
        year_days = 366 if isleap(cursor.year) else 365
        rate = entry.rate + SURCHARGE
        interest = to_money(principal * rate * days / (Decimal(100) * year_days))
        segments.append(InterestSegment(start=cursor, end=boundary - timedelta(days=1), days=days,
                                        base_rate=entry.rate, base_rate_from=entry.valid_from, rate=rate,
                                        year_days=year_days, principal=principal, interest=interest))
        cursor = boundary
    return segments


def interest_for(*, principal: Decimal, start: date, end: date, rates: Iterable, waived: bool = False) -> Interest:
    """Interest on a constant `principal` for the days `start ≤ d < end`; none when waived."""
    principal = to_money(principal)
    table = _sorted_rates(rates)
    segments = [] if waived else _segments(principal, start, end, table)
    return Interest(start=start, end=end, segments=tuple(segments))


def balance_as_of(*, principal: Decimal, interest_from: date, as_of: date, rates: Iterable,
                  repayments: Iterable = (), waived: bool = False) -> Balance:
    """Principal and interest outstanding as of `as_of` (interest for the days before it),
    with the repayments received on or before `as_of` applied in date order: first to the
    interest accrued until the day before, then to the principal, which is lower from the
    repayment day on. `repayments` are Repayment, ReclaimRepayment rows or (date, amount)."""
    principal = to_money(principal)
    table = _sorted_rates(rates)
    items = []
    for item in repayments:
        if isinstance(item, tuple):
            items.append(Repayment(item[0], to_money(item[1])))
        else:
            items.append(Repayment(item.received_on, to_money(item.amount)))
    items.sort(key=lambda r: r.received_on)

    outstanding = principal
    accrued = interest_paid = principal_paid = ZERO
    segments: list[InterestSegment] = []
    applied: list[AppliedRepayment] = []
    cursor = interest_from

    def accrue(until: date) -> None:
        nonlocal accrued, cursor
        if until > cursor:
            if not waived:
                new = _segments(outstanding, cursor, until, table)
                segments.extend(new)
                accrued += sum((s.interest for s in new), ZERO)
            cursor = until

    for repayment in items:
        if repayment.received_on > as_of:
            break
        accrue(repayment.received_on)
        to_interest = min(repayment.amount, accrued - interest_paid)
        to_principal = min(repayment.amount - to_interest, outstanding)
        interest_paid += to_interest
        principal_paid += to_principal
        outstanding -= to_principal
        applied.append(AppliedRepayment(received_on=repayment.received_on, amount=repayment.amount,
                                        to_interest=to_interest, to_principal=to_principal,
                                        excess=repayment.amount - to_interest - to_principal))
    accrue(as_of)
    return Balance(as_of=as_of, principal=principal, interest_accrued=accrued, interest_paid=interest_paid,
                   principal_paid=principal_paid, segments=tuple(segments), repayments=tuple(applied))
