"""Rückforderungen: what was paid and reclaimed in a budget year, the refund a proof of use
suggests, what is owed on a day (principal and interest), and whether the base-rate table
needs an entry."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Min, Sum
from django.utils.translation import gettext as _

from core import clock
from core.formats import format_date
from core.money import ZERO
from grants.interest import Balance, RateEntry, balance_as_of, base_rate_stale_since
from grants.models import AwardYear, BaseRate, Disbursement, Reclaim, UsageReport
from grants.plan.lines import FinancingSource
from grants.selectors.awards import award_total

RS = Reclaim.Status
# Reclaims that count against what was paid in their year (a discarded proposal does not).
COUNTING_STATUSES = (RS.PROPOSED, RS.ISSUED, RS.SETTLED)



def base_rate_table() -> list[RateEntry]:
    """The Basiszinssatz table as kept by the programme administration, oldest first."""
    return [RateEntry(valid_from, rate)
            for valid_from, rate in BaseRate.objects.order_by("valid_from").values_list("valid_from", "rate")]


def paid_in_year(award_year: AwardYear) -> Decimal:
    return Disbursement.objects.filter(award_year=award_year, status=Disbursement.Status.PAID).aggregate(
        total=Sum("amount"))["total"] or ZERO


def reclaimed_in_year(award_year: AwardYear, *, exclude: Reclaim | None = None) -> Decimal:
    """Principal of the proposed and binding reclaims of the year."""
    reclaims = Reclaim.objects.filter(award_year=award_year, status__in=COUNTING_STATUSES)
    if exclude is not None:
        reclaims = reclaims.exclude(pk=exclude.pk)
    return reclaims.aggregate(total=Sum("principal"))["total"] or ZERO


def payment_dates(award_year: AwardYear) -> tuple[date | None, date | None]:
    """First and last day on which money of the year was paid."""
    dates = Disbursement.objects.filter(award_year=award_year, status=Disbursement.Status.PAID).aggregate(
        first=Min("paid_on"), last=Max("paid_on"))
    return dates["first"], dates["last"]


@dataclass(frozen=True)
class Suggestion:
    """The principal suggested for the year of a proof of use, and how it was found."""

    paid: Decimal
    spent: Decimal  # expenditure actually reported
    other_financing: Decimal  # own funds and third-party money actually reported
    funded: Decimal  # the part of the expenditure the grant funds: spent − other financing, ≥ 0
    already_reclaimed: Decimal
    amount: Decimal  # paid − funded − already reclaimed, ≥ 0


def reclaim_suggestion(report: UsageReport, award_year: AwardYear) -> Suggestion:
    """Paid in the year minus the part of the actual expenditure that the grant funds
    (expenditure reported minus other financing reported, never below 0). For the final proof,
    whose figures cover the whole period, the same is computed over all years and capped by
    what remains reclaimable in the chosen year."""
    spent = report.expenditures.aggregate(total=Sum("amount"))["total"] or ZERO
    other = report.financings.exclude(source=FinancingSource.GRANT).aggregate(
        total=Sum("amount"))["total"] or ZERO
    funded = max(spent - other, ZERO)
    paid_year = paid_in_year(award_year)
    already_year = reclaimed_in_year(award_year)
    if report.kind == UsageReport.Kind.INTERIM:
        paid, already = paid_year, already_year
    else:
        paid = Disbursement.objects.filter(award_year__award=report.award_id, status=Disbursement.Status.PAID
                                           ).aggregate(total=Sum("amount"))["total"] or ZERO
        already = Reclaim.objects.filter(award=report.award_id, status__in=COUNTING_STATUSES).aggregate(
            total=Sum("principal"))["total"] or ZERO
    amount = max(paid - funded - already, ZERO)
    amount = min(amount, max(paid_year - already_year, ZERO))
    return Suggestion(paid=paid, spent=spent, other_financing=other, funded=funded, already_reclaimed=already,
                      amount=amount)


def reclaim_balance(reclaim: Reclaim, as_of: date | None = None) -> Balance:
    """Principal and interest outstanding as of `as_of` (default today), repayments applied."""
    return balance_as_of(principal=reclaim.principal, interest_from=reclaim.interest_from,
                         as_of=as_of or clock.today(), rates=base_rate_table(),
                         repayments=list(reclaim.repayments.all()) if reclaim.pk else (),
                         waived=reclaim.interest_waived)


def due_date(reclaim: Reclaim, issued_on: date) -> date:
    return issued_on + timedelta(days=reclaim.award.application.programme.reclaim_payment_days)


def stale_warning(end: date) -> str | None:
    """The warning when the base-rate table may lack a change for days before `end`."""
    latest = BaseRate.objects.aggregate(latest=Max("valid_from"))["latest"]
    since = base_rate_stale_since(latest_valid_from=latest, end=end)
    if since is None:
        return None
    return _("Der Basiszinssatz ist zuletzt zum %(latest)s erfasst; bitte prüfen, ob er sich zum %(since)s "
             "geändert hat.") % {"latest": format_date(latest), "since": format_date(since)}


def base_rate_used_by_issued_notice(valid_from: date) -> Reclaim | None:
    """A reclaim whose issued notice printed interest at the entry valid from `valid_from`
    (its table ran from interest_from to the day before due_on)."""
    later = BaseRate.objects.filter(valid_from__gt=valid_from).order_by("valid_from").values_list(
        "valid_from", flat=True).first()
    candidates = Reclaim.objects.filter(notice__isnull=False, interest_waived=False, due_on__gt=valid_from)
    if later is not None:
        candidates = candidates.filter(interest_from__lt=later)
    for reclaim in candidates.select_related("notice").only("pk", "notice__snapshot", "notice__number"):
        assert reclaim.notice is not None  # filtered on notice__isnull=False
        used = ((reclaim.notice.snapshot or {}).get("reclaim") or {}).get("base_rates_used")
        if used is None or valid_from.isoformat() in used:
            return reclaim
    return None


@dataclass(frozen=True)
class ReducedGrant:
    """The grant after this reclaim: the award total less the principal of the award's binding
    (issued or settled) reclaims before this one and of this one."""

    award_total: Decimal
    earlier_reclaims: Decimal
    this_reclaim: Decimal

    @property
    def reduced(self) -> Decimal:
        return self.award_total - self.earlier_reclaims - self.this_reclaim


def reduced_grant(reclaim: Reclaim) -> ReducedGrant:
    earlier = (Reclaim.objects.filter(award_id=reclaim.award_id, status__in=Reclaim.BINDING_STATUSES)
               .exclude(pk=reclaim.pk).aggregate(total=Sum("principal"))["total"] or ZERO)
    return ReducedGrant(award_total(reclaim.award), earlier, reclaim.principal)


def base_rate_on(day: date, rates: list[RateEntry] | None = None) -> RateEntry | None:
    """The Basiszinssatz entry valid on `day` (None when the table has none that early)."""
    valid = [entry for entry in (rates if rates is not None else base_rate_table()) if entry.valid_from <= day]
    return valid[-1] if valid else None


def revocation_deadline_warning(reclaim: Reclaim, today: date | None = None) -> str | None:
    """A warning while the one-year deadline of § 48 Abs. 4 HVwVfG is near (eight weeks) or past,
    for a reclaim not yet decided."""
    deadline = reclaim.revocation_deadline
    if deadline is None or reclaim.status != RS.PROPOSED:
        return None
    today = today or clock.today()
    if today > deadline:
        return _("Die Jahresfrist nach § 48 Abs. 4 HVwVfG ist am %(date)s abgelaufen; der Widerruf kann nicht mehr "
                 "ergehen.") % {"date": format_date(deadline)}
    if (deadline - today).days <= REVOCATION_WARNING_DAYS:
        return _("Die Jahresfrist nach § 48 Abs. 4 HVwVfG endet am %(date)s (in %(days)s Tagen); der "
                 "Rückforderungsbescheid muss bis dahin erlassen sein.") % {"date": format_date(deadline),
                                                                          "days": (deadline - today).days}
    return None


REVOCATION_WARNING_DAYS = 56
