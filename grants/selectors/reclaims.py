"""Rückforderungen: what was paid and reclaimed in a budget year, the refund a proof of use
suggests, what is owed on a day (principal and interest), and whether the base-rate table
needs an entry."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum
from django.utils.translation import gettext as _

from core import clock
from core.formats import format_date
from core.money import ZERO, to_money
from grants.interest import Balance, RateEntry, balance_as_of, base_rate_stale_since
from grants.models import AwardYear, BaseRate, Disbursement, Reclaim, UsageReport
from grants.models.programmes import FinancingType
from grants.plan import codec
from grants.plan.lines import ExpenditureLine, FinancingSource
from grants.plan.rules import fundable_amount
from grants.selectors.awards import award_total

RS = Reclaim.Status
# Reclaims that count against what was paid in their year (a discarded proposal does not).
COUNTING_STATUSES = (RS.PROPOSED, RS.ISSUED, RS.SETTLED)


OVERDUE_PAYMENT = "ueberfaellig"  # the reclaim list's parameter `payment` for the rule below


def repayment_overdue(today: date) -> Q:
    """Reclaims whose repayment is overdue on `today`: fixed (Rückforderungsbescheid issued), not
    yet settled, and the notice's payment date has passed – the start page's to-do and the
    reclaim list's filter "Zahlung: überfällig" select with this one rule."""
    return Q(status=RS.ISSUED, due_on__lt=today)


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
class EligibleLine:
    """One cost category of a proof of use: reported, and what of it is zuwendungsfähig."""

    category: str
    reported: Decimal
    eligible: Decimal
    fundable: bool  # the category is zuwendungsfähig at all


@dataclass(frozen=True)
class Suggestion:
    """The principal suggested for the year of a proof of use, and how it was found."""

    financing_type: str  # FinancingType value of the award
    share: Decimal | None  # Anteilfinanzierung: percent of the eligible expenditure
    paid: Decimal
    spent: Decimal  # expenditure actually reported, every category
    eligible: Decimal  # reported expenditure of fundable categories, within the caps
    other_financing: Decimal  # own funds and third-party money actually reported
    awarded: Decimal  # the amount awarded for what the proof covers (the year, or the whole grant)
    funded: Decimal  # the grant the proof supports under the financing type, at most `awarded`
    already_reclaimed: Decimal
    amount: Decimal  # paid − funded − already reclaimed, ≥ 0, capped by what the year can give back
    lines: tuple[EligibleLine, ...] = ()

    @property
    def gap(self) -> Decimal:
        """Fehlbedarf: expenditure reported minus own and third-party funds, ≥ 0."""
        return max(self.spent - self.other_financing, ZERO)

    @property
    def share_of_eligible(self) -> Decimal:
        """Anteilfinanzierung: the share of the eligible expenditure, to the cent."""
        return to_money(self.eligible * (self.share or ZERO) / 100)


def eligible_expenditure(report: UsageReport) -> tuple[Decimal, tuple[EligibleLine, ...]]:
    """The zuwendungsfähige Ausgaben of a proof of use: per cost category what was reported,
    limited by the category's caps exactly as the plan rules limit a plan (`fundable_amount`,
    with the positions of the binding plan), summed over the years the proof covers. A category
    that is not zuwendungsfähig counts nothing."""
    award = report.award
    plan = codec.decode(award.plan_snapshot)
    years = [report.year] if report.kind == UsageReport.Kind.INTERIM and report.year else plan.year_numbers
    positions = {(row.year, line.category): line.positions for row in plan.years for line in row.expenditures}
    lines = []
    total = ZERO
    for row in report.expenditures.select_related("category").order_by("category__position", "category__name"):
        category = row.category
        caps = sum((fundable_amount(ExpenditureLine(year, category, row.amount, positions.get((year, category.code))))
                    for year in years), ZERO)
        eligible = min(row.amount, caps) if category.is_fundable else ZERO
        total += eligible
        lines.append(EligibleLine(category.name, row.amount, eligible, category.is_fundable))
    return total, tuple(lines)


def funded_by_type(*, financing_type: str, share: Decimal | None, eligible: Decimal, spent: Decimal,
                   other: Decimal, awarded: Decimal) -> Decimal:
    """The grant a proof supports (VV Nr. 2 zu § 44 LHO, Nr. 2 ANBest-GK), never more than awarded:

    - Festbetrag: the fixed amount, only reduced where the eligible expenditure falls below it;
      savings elsewhere and other income do not reduce it;
    - Anteil: the share of the eligible expenditure actually incurred;
    - Fehlbedarf and Voll: what the own and third-party funds leave uncovered of the expenditure,
      at most the eligible expenditure – every saving and every additional income reduces the
      grant in full (Nr. 2.1.2 ANBest-GK). Without other funds (Voll) that is the eligible
      expenditure itself.
    """
    if financing_type == FinancingType.ANTEIL:
        funded = to_money(eligible * (share or ZERO) / 100)
    elif financing_type in (FinancingType.FEHLBEDARF, FinancingType.VOLL):
        funded = min(eligible, max(spent - other, ZERO))
    else:  # Festbetrag
        funded = eligible
    return max(min(funded, awarded), ZERO)


def reclaim_suggestion(report: UsageReport, award_year: AwardYear, *, exclude: Reclaim | None = None) -> Suggestion:
    """Paid minus the grant the proof supports under the award's financing type (see
    `funded_by_type`). The interim proof compares with what was paid and awarded in its year; the
    final proof, whose figures cover the whole period, compares with everything paid and awarded,
    and the result is capped by what remains reclaimable in the chosen year. `exclude`: a reclaim
    not to count as already reclaimed (the suggestion as it stood before that reclaim)."""
    award = report.award
    spent = report.expenditures.aggregate(total=Sum("amount"))["total"] or ZERO
    other = report.financings.exclude(source=FinancingSource.GRANT).aggregate(
        total=Sum("amount"))["total"] or ZERO
    eligible, lines = eligible_expenditure(report)
    paid_year = paid_in_year(award_year)
    already_year = reclaimed_in_year(award_year, exclude=exclude)
    if report.kind == UsageReport.Kind.INTERIM:
        paid, already = paid_year, already_year
        awarded = (AwardYear.objects.filter(award=award, budget__year=report.year or 0)
                   .values_list("amount", flat=True).first() or ZERO)
    else:
        paid = Disbursement.objects.filter(award_year__award=report.award_id, status=Disbursement.Status.PAID
                                           ).aggregate(total=Sum("amount"))["total"] or ZERO
        counted = Reclaim.objects.filter(award=report.award_id, status__in=COUNTING_STATUSES)
        if exclude is not None:
            counted = counted.exclude(pk=exclude.pk)
        already = counted.aggregate(total=Sum("principal"))["total"] or ZERO
        awarded = AwardYear.objects.filter(award=award).aggregate(total=Sum("amount"))["total"] or ZERO
    funded = funded_by_type(financing_type=award.financing_type, share=award.financing_share, eligible=eligible,
                            spent=spent, other=other, awarded=awarded)
    amount = max(paid - funded - already, ZERO)
    amount = min(amount, max(paid_year - already_year, ZERO))
    return Suggestion(financing_type=award.financing_type, share=award.financing_share, paid=paid, spent=spent,
                      eligible=eligible, other_financing=other, awarded=awarded, funded=funded,
                      already_reclaimed=already, amount=amount, lines=lines)


def reclaim_balance(reclaim: Reclaim, as_of: date | None = None, *,
                    rates: list[RateEntry] | None = None) -> Balance:
    """Principal and interest outstanding as of `as_of` (default today), repayments applied.
    `rates`: the `base_rate_table()`, where the caller computes several balances."""
    return balance_as_of(principal=reclaim.principal, interest_from=reclaim.interest_from,
                         as_of=as_of or clock.today(), rates=base_rate_table() if rates is None else rates,
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


def base_rate_missing_for(interest_from: date) -> str | None:
    """Why interest from `interest_from` cannot be computed with the table: it starts later
    (from 01.01.2002 on, migration 0011_a) or is empty. None when the table covers the day."""
    first = BaseRate.objects.order_by("valid_from").values_list("valid_from", flat=True).first()
    if first is None:
        return _("Es ist noch kein Basiszinssatz erfasst; bitte zuerst die Tabelle des Basiszinssatzes pflegen.")
    if interest_from < first:
        return _("Für den %(day)s ist kein Basiszinssatz erfasst; die Tabelle beginnt am %(first)s. Zinsen nach "
                 "§ 49a Abs. 3 HVwVfG können erst ab diesem Tag berechnet werden.") % {
                     "day": format_date(interest_from), "first": format_date(first)}
    return None


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
