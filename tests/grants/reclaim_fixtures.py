"""Starting points for the reclaim tests, reached through the services: an award 2021–2025 with
its Zuwendungsbescheid, 20.000,00 € of 2023 paid on 02.01.2023, and the interim proof of use
2023 submitted. The clock stands on 01.03.2024 (10:00 Berlin) unless a test moves it."""

import importlib
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from accounts.roles import Role
from core import clock
from grants.models import BaseRate, Notice, ReclaimHearing, UsageReport
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_release,
    disbursement_request,
)
from grants.services.hearings import reclaim_hearing_answer, reclaim_hearing_send
from grants.services.reclaims import reclaim_issue, reclaim_propose
from grants.services.usage_reports import usage_report_attach_narrative, usage_report_save, usage_report_submit
from tests import factories

M = Decimal
BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2024, 3, 1)
PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)
SPENT = {"personal": M("100000.00"), "mikroprojekte": M("5000.00"), "sachausgaben": M("7000.00")}
RECEIVED = {"zuwendung": M("20000.00"), "eigenmittel": M("92000.00")}


def at(day: date, hour: int = 10):
    return clock.frozen_at(datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN))


def pay(award, year, amount, on, *, coordinator, clerk, approver):
    """Request, prepare, release and book a payment, all on the day `on`."""
    with at(on):
        disbursement = disbursement_request(award=award, year=year, amount=amount, user=coordinator)
        disbursement_prepare(disbursement=disbursement, user=clerk)
        disbursement_release(disbursement=disbursement, user=approver)
        return disbursement_book(disbursement=disbursement, user=clerk, paid_on=on, payment_reference=f"K-{on}")


def ensure_base_rates() -> None:
    """The table comes from a data migration; a transactional test (threads, browser) empties
    the tables when it ends, so it is loaded again where it is missing."""
    if not BaseRate.objects.exists():
        seeded = importlib.import_module("grants.migrations.0011_a_base_rates_from_2002")
        for valid_from, rate in seeded.BASE_RATES:
            BaseRate.objects.create(valid_from=valid_from, rate=Decimal(rate), source=seeded.SOURCE)


def award_with_notice(coordinator, clerk, approver):
    ensure_base_rates()
    programme = factories.make_programme(code="wir-2021", start=2021, end=2025)
    authority = programme.issuing_authority
    authority.payee, authority.iban = "Hessische Landeshauptkasse", "DE02500500000001234567"  # printed in groups
    authority.bic, authority.bank_name = "HELADEFFXXX", "Landesbank Hessen-Thüringen"
    authority.save()
    award = factories.approved_award(programme, coordinator, clerk, approver, on=date(2021, 10, 20), notice=False)
    notice = factories.issue_notice(award.application, approver, date(2021, 10, 29), kind=Notice.Kind.AWARD)
    return award, notice


def submitted_interim(award, coordinator, year=2023):
    report = usage_report_save(award=award, kind=UsageReport.Kind.INTERIM, year=year, user=coordinator,
                               expenditures=SPENT, financings=RECEIVED)
    usage_report_attach_narrative(report=report, user=coordinator, name="Sachbericht.pdf", content=PDF)
    return usage_report_submit(report=report, user=coordinator, declaration=True)


def propose(report, clerk, **changes):
    award = report.award
    data = {"award_year": award.years.get(budget__year=2023), "ground": "nicht_verwendet",
            "principal": M("10000.00"), "reason": "Die Stelle war von Januar bis Juni 2023 nicht besetzt.",
            "interest_from": date(2023, 1, 2)}
    data.update(changes)
    return reclaim_propose(report=report, user=clerk, **data)


WEIGHING = ("Die Stellungnahme bestätigt die unbesetzte Stelle; Gründe, von der Rückforderung abzusehen, "
            "sind nicht vorgetragen.")


def hear(reclaim, sender, *, answer: bool = True):
    """The Anhörung (§ 28 HVwVfG) before the notice: the letter sent today and, with `answer`,
    answered today by the body's coordinator, so that the notice may be issued at once."""
    if not ReclaimHearing.objects.filter(reclaim=reclaim).exists():
        reclaim_hearing_send(reclaim=reclaim, user=sender)
    if answer and not ReclaimHearing.objects.filter(reclaim=reclaim, answered_at__isnull=False).exists():
        coordinator = User.objects.filter(role=Role.KOORDINATION,
                                          municipality_id=reclaim.award.application.municipality_id).first()
        reclaim_hearing_answer(reclaim=reclaim, user=coordinator, text="Die Stelle war unbesetzt; wir bitten um "
                               "Verzicht auf die Zinsen.")
    return ReclaimHearing.objects.get(reclaim=reclaim)


def issued(reclaim, approver, **kwargs):
    hear(reclaim, approver)
    return reclaim_issue(reclaim=reclaim, user=approver, weighing=kwargs.pop("weighing", WEIGHING), **kwargs)


# -- fixtures shared by the reclaim test modules (imported there) --------------------------------


@pytest.fixture(autouse=True)
def frozen_clock():
    with at(TODAY):
        yield


@pytest.fixture
def award(coordinator_a, clerk, approver):
    award, _notice = award_with_notice(coordinator_a, clerk, approver)
    pay(award, 2023, Decimal("20000.00"), date(2023, 1, 2), coordinator=coordinator_a, clerk=clerk, approver=approver)
    return award


@pytest.fixture
def report(award, coordinator_a):
    return submitted_interim(award, coordinator_a)


@pytest.fixture
def proposed(report, clerk):
    return propose(report, clerk)


@pytest.fixture
def fixed(proposed, approver2):
    return issued(proposed, approver2)
