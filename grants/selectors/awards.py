"""An award's figures and records: amounts per budget year, what was called and paid, its
revisions (Fassungen) and the notices that carry it."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery, Sum, prefetch_related_objects

from core.money import ZERO, to_money
from grants.models import AmendmentRequest, Award, AwardRevision, AwardYear, Disbursement, Notice


def budget_year(award_year: str = "award_year") -> Subquery:
    """The budget year of the row's award year (the foreign key at `award_year`) as a subquery, for
    a list that names the year: PostgreSQL plans a query with two joins fewer (award year and
    budget) noticeably faster, and the subquery itself is two primary-key lookups per row."""
    return Subquery(AwardYear.objects.filter(pk=OuterRef(f"{award_year}_id")).values("budget__year")[:1])


def award_years(award: Award):
    """The award's years with their budgets: from the prefetch where the page loaded them once
    (`with_award_facts`), else read."""
    if "years" in getattr(award, "_prefetched_objects_cache", {}):
        return award.years.all()
    return award.years.select_related("budget")


def with_award_facts(award: Award) -> Award:
    """Loads what every panel of the application page asks of the award – its years with their
    budgets, its proofs of use – once (two queries), so that no panel reads them again."""
    prefetch_related_objects([award], Prefetch("years", queryset=AwardYear.objects.select_related("budget")
                                               .order_by("budget__year")), "usage_reports")
    return award


def award_total(award: Award) -> Decimal:
    if "years" in getattr(award, "_prefetched_objects_cache", {}):
        return sum((row.amount for row in award.years.all()), ZERO)
    return award.years.aggregate(total=Sum("amount"))["total"] or ZERO


def _disbursed_by_award_year(award: Award, statuses) -> dict[int, Decimal]:
    """Sum of the award's requests in `statuses`, per award year (pk)."""
    return dict(
        Disbursement.objects.filter(award_year__award=award, status__in=statuses)
        .values_list("award_year").annotate(Sum("amount"))
    )


def awarded_by_year(award: Award) -> dict[int, Decimal]:
    """The binding grant per budget year (years dropped by an amendment are kept with 0,00 €)."""
    return {row.budget.year: row.amount for row in award_years(award)}


def called_by_year(award: Award) -> dict[int, Decimal]:
    """What the body has called per budget year: the requests holding their amount
    (requested, prepared, released, paid)."""
    called = _disbursed_by_award_year(award, Disbursement.ACTIVE_STATUSES)
    return {row.budget.year: called[row.pk] for row in award_years(award) if row.pk in called}


def award_year_figures(award: Award, disbursements: list[Disbursement] | None = None) -> list[dict]:
    """Per year of an award: awarded, called (all live requests), paid, still callable.
    `disbursements`: all of the award's requests where the caller has them already."""
    rows = []
    if disbursements is None:
        called = _disbursed_by_award_year(award, Disbursement.ACTIVE_STATUSES)
        paid = _disbursed_by_award_year(award, (Disbursement.Status.PAID,))
    else:
        called, paid = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
        for disbursement in disbursements:
            if disbursement.status in Disbursement.ACTIVE_STATUSES:
                called[disbursement.award_year_id] += disbursement.amount
            if disbursement.status == Disbursement.Status.PAID:
                paid[disbursement.award_year_id] += disbursement.amount
    for award_year in award_years(award):
        rows.append({
            "year": award_year.year,
            "award_year": award_year,
            "awarded": award_year.amount,
            "called": called.get(award_year.pk, ZERO),
            "paid": paid.get(award_year.pk, ZERO),
            "remaining": award_year.amount - called.get(award_year.pk, ZERO),
        })
    return rows


def paid_by_year(award: Award, year: int | None = None) -> Decimal:
    """What was paid out of the award in one budget year, or in all."""
    return sum((row["paid"] for row in award_year_figures(award) if year is None or row["year"] == year), ZERO)


def latest_revision(award: Award) -> AwardRevision | None:
    return award.revisions.order_by("-number").first()


def revisions(award: Award, *, requests: list[AmendmentRequest] | None = None) -> list[dict]:
    """Every Fassung of the award with its total, its amounts per year and the Änderungsantrag
    and Änderungsbescheid that made it. `requests`: all the award's Änderungsanträge with their
    notices, where the caller has them already."""
    if requests is None:
        requests = list(AmendmentRequest.objects.filter(revision__award=award).select_related("notice")
                        .defer("notice__pdf", "notice__snapshot"))
    amendments = {request.revision_id: request for request in requests if request.revision_id is not None}
    rows = []
    for revision in award.revisions.select_related("created_by").order_by("number"):
        amendment = amendments.get(revision.pk)
        amounts = {int(year): to_money(amount) for year, amount in revision.amounts.items()}
        rows.append({"revision": revision, "total": sum(amounts.values(), ZERO),
                     "amounts": sorted((y, a) for y, a in amounts.items() if a),
                     "amendment": amendment, "notice": amendment.notice if amendment else None})
    return rows


def award_notice_of(award: Award) -> Notice | None:
    """The award's Zuwendungsbescheid (the latest one, should there be more)."""
    return (Notice.objects.filter(award=award, kind=Notice.Kind.AWARD).defer("pdf", "snapshot")
            .order_by("-issued_on", "-number").first())


def binding_notice_of(award: Award) -> Notice | None:
    """The award's latest Zuwendungs- or Änderungsbescheid: what a new Änderungsbescheid changes."""
    return (award.notices.filter(kind__in=(Notice.Kind.AWARD, Notice.Kind.AMENDMENT)).defer("pdf", "snapshot")
            .order_by("-issued_on", "-created_at", "-pk").first())


def mark_award_notices(awards) -> None:
    """Note on each award whether its Zuwendungsbescheid is issued (`has_award_notice`), in one
    query, so that pages asking the payment policy row by row need no query per row."""
    awards = list(awards)
    issued = set(Notice.objects.filter(award__in={award.pk for award in awards}, kind=Notice.Kind.AWARD)
                 .values_list("award_id", flat=True))
    for award in awards:
        award.has_award_notice = award.pk in issued
