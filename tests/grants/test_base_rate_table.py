"""The Basiszinssatz table (§ 247 BGB) is complete from 1 January 2002, loaded by migration
0011_a_base_rates_from_2002 (so production has it too); a reclaim of any period from 2002 on
computes, and a period before the table gets a clear German answer, never a 500."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from core.errors import FieldErrors
from grants.interest import interest_for
from grants.models import BaseRate, Reclaim
from grants.selectors.reclaims import base_rate_table, reclaim_balance
from tests.grants.reclaim_fixtures import (  # noqa: F401
    TODAY,
    award,
    award_with_notice,
    fixed,
    frozen_clock,
    issued,
    propose,
    proposed,
    report,
)

pytestmark = pytest.mark.usefixtures("private_storage")

M = Decimal
MIGRATION = importlib.import_module("grants.migrations.0011_a_base_rates_from_2002")


def half_years(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        days.append(day)
        day = date(day.year, 7, 1) if day.month == 1 else date(day.year + 1, 1, 1)
    return days


# -- the table ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_table_has_every_1_january_and_1_july_from_2002_without_a_gap():
    recorded = list(BaseRate.objects.order_by("valid_from").values_list("valid_from", flat=True))
    assert recorded[0] == date(2002, 1, 1)
    assert recorded == half_years(date(2002, 1, 1), recorded[-1])
    assert recorded[-1] >= date(2026, 1, 1)
    gaps = [(a, b) for a, b in zip(recorded, recorded[1:], strict=False) if (b - a).days > 184]
    assert gaps == []


@pytest.mark.django_db
@pytest.mark.parametrize("valid_from, rate", [
    # As published by the Deutsche Bundesbank (Bundesanzeiger), typed here from the published
    # tables, not copied from the migration.
    (date(2002, 1, 1), "2.57"), (date(2002, 7, 1), "2.47"), (date(2003, 1, 1), "1.97"),
    (date(2004, 7, 1), "1.13"), (date(2006, 7, 1), "1.95"), (date(2007, 7, 1), "3.19"),
    (date(2008, 1, 1), "3.32"), (date(2008, 7, 1), "3.19"), (date(2009, 1, 1), "1.62"),
    (date(2009, 7, 1), "0.12"), (date(2011, 7, 1), "0.37"), (date(2012, 1, 1), "0.12"),
    (date(2013, 1, 1), "-0.13"), (date(2015, 7, 1), "-0.83"), (date(2016, 7, 1), "-0.88"),
    (date(2022, 7, 1), "-0.88"), (date(2023, 1, 1), "1.62"), (date(2023, 7, 1), "3.12"),
    (date(2024, 1, 1), "3.62"), (date(2025, 7, 1), "1.27"), (date(2026, 1, 1), "1.27"),
])
def test_published_values(valid_from, rate):
    assert BaseRate.objects.get(valid_from=valid_from).rate == M(rate)


@pytest.mark.django_db
def test_the_migration_never_overwrites_an_entry_and_only_fills_what_is_missing(programme_admin):
    BaseRate.objects.filter(valid_from=date(2010, 1, 1)).update(rate=M("0.50"), source="Eigene Erfassung",
                                                                 created_by=programme_admin)
    BaseRate.objects.filter(valid_from=date(2004, 1, 1)).delete()
    MIGRATION.load(apps, None)
    kept = BaseRate.objects.get(valid_from=date(2010, 1, 1))
    assert (kept.rate, kept.source, kept.created_by) == (M("0.50"), "Eigene Erfassung", programme_admin)
    restored = BaseRate.objects.get(valid_from=date(2004, 1, 1))
    assert (restored.rate, restored.source) == (M("1.14"), "Deutsche Bundesbank, Bekanntmachung gem. § 247 Abs. 2 BGB")
    assert BaseRate.objects.count() == len(MIGRATION.BASE_RATES)  # nothing doubled


# -- historic reclaims -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reclaim_with_interest_from_2002_computes_to_the_cent():
    # Interest from 15.05.2002 to 31.01.2003 (end 01.02.2003) on 10.000,00 €; 2002 has 365 days.
    # 15.05.–30.06.2002:  47 days at 2,57 + 5 = 7,57 %: 10.000 × 7,57 × 47 / 36.500 =  97,4767 →  97,48
    # 01.07.–31.12.2002: 184 days at 2,47 + 5 = 7,47 %: 10.000 × 7,47 × 184 / 36.500 = 376,5698 → 376,57
    # 01.01.–31.01.2003:  31 days at 1,97 + 5 = 6,97 %: 10.000 × 6,97 × 31 / 36.500 =  59,1973 →  59,20
    # total 533,25; principal + interest 10.533,25
    reclaim = Reclaim(principal=M("10000.00"), interest_from=date(2002, 5, 15), interest_waived=False)
    balance = reclaim_balance(reclaim, as_of=date(2003, 2, 1))
    assert [(s.start, s.end, s.days, s.base_rate, s.rate, s.interest) for s in balance.segments] == [
        (date(2002, 5, 15), date(2002, 6, 30), 47, M("2.57"), M("7.57"), M("97.48")),
        (date(2002, 7, 1), date(2002, 12, 31), 184, M("2.47"), M("7.47"), M("376.57")),
        (date(2003, 1, 1), date(2003, 1, 31), 31, M("1.97"), M("6.97"), M("59.20")),
    ]
    assert balance.interest_outstanding == M("533.25")
    assert balance.total_outstanding == M("10533.25")


@pytest.mark.django_db
def test_a_reclaim_over_2008_splits_at_every_1_january_and_1_july_with_the_leap_year():
    # Interest from 15.11.2007 to 28.02.2009 (end 01.03.2009) on 10.000,00 €; 2008 has 366 days.
    # 15.11.–31.12.2007:  47 days at 3,19 + 5 = 8,19 %: 10.000 × 8,19 × 47 / 36.500 = 105,4603 → 105,46
    # 01.01.–30.06.2008: 182 days at 3,32 + 5 = 8,32 %: 10.000 × 8,32 × 182 / 36.600 = 413,7268 → 413,73
    # 01.07.–31.12.2008: 184 days at 3,19 + 5 = 8,19 %: 10.000 × 8,19 × 184 / 36.600 = 411,7377 → 411,74
    # 01.01.–28.02.2009:  59 days at 1,62 + 5 = 6,62 %: 10.000 × 6,62 × 59 / 36.500 = 107,0082 → 107,01
    # total 1.037,94
    result = interest_for(principal=M("10000.00"), start=date(2007, 11, 15), end=date(2009, 3, 1),
                          rates=base_rate_table())
    assert [(s.start, s.days, s.year_days, s.rate, s.interest) for s in result.segments] == [
        (date(2007, 11, 15), 47, 365, M("8.19"), M("105.46")),
        (date(2008, 1, 1), 182, 366, M("8.32"), M("413.73")),
        (date(2008, 7, 1), 184, 366, M("8.19"), M("411.74")),
        (date(2009, 1, 1), 59, 365, M("6.62"), M("107.01")),
    ]
    assert result.total == M("1037.94")


@pytest.mark.django_db
def test_every_half_year_from_2002_to_2025_is_its_own_segment():
    result = interest_for(principal=M("1000.00"), start=date(2002, 1, 1), end=date(2026, 1, 1),
                          rates=base_rate_table())
    assert [s.start for s in result.segments] == half_years(date(2002, 1, 1), date(2025, 7, 1))
    assert [s.base_rate for s in result.segments][:4] == [M("2.57"), M("2.47"), M("1.97"), M("1.22")]


# -- a period before the table -----------------------------------------------------------------


def test_interest_from_before_the_table_is_refused_beside_the_field(report, clerk):  # noqa: F811 (shared fixture)
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, interest_from=date(2001, 12, 31))
    assert refusal.value.errors["interest_from"] == [
        "Für den 31.12.2001 ist kein Basiszinssatz erfasst; die Tabelle beginnt am 01.01.2002. Zinsen nach "
        "§ 49a Abs. 3 HVwVfG können erst ab diesem Tag berechnet werden."]
    assert not Reclaim.objects.exists()


def test_detail_page_of_a_reclaim_before_the_table_says_so_instead_of_failing(client, approver2, proposed):  # noqa: F811
    BaseRate.objects.filter(valid_from__lt=date(2024, 1, 1)).delete()  # e.g. deleted in the admin
    client.force_login(approver2)
    response = client.get(reverse("grants:reclaim_detail", args=[proposed.pk]))
    assert response.status_code == 200
    assert "Für den 02.01.2023 ist kein Basiszinssatz erfasst" in response.content.decode()


def test_deadline_page_with_an_issued_reclaim_before_the_table_still_opens(client, approver2, fixed):  # noqa: F811
    BaseRate.objects.filter(valid_from__lt=date(2024, 1, 1)).delete()
    client.force_login(approver2)
    response = client.get(reverse("grants:deadline_list"))
    assert response.status_code == 200
    assert "Für den 02.01.2023 ist kein Basiszinssatz erfasst" in response.content.decode()


def test_application_page_with_an_issued_reclaim_before_the_table_still_opens(client, approver2, fixed):  # noqa: F811
    BaseRate.objects.filter(valid_from__lt=date(2024, 1, 1)).delete()
    client.force_login(approver2)
    response = client.get(reverse("grants:application_detail", args=[fixed.award.application.pk]))
    assert response.status_code == 200
    assert "Für den 02.01.2023 ist kein Basiszinssatz erfasst" in response.content.decode()
