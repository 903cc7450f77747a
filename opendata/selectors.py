"""What the public list of awards shows (issue 13, item 5): the awards whose Zuwendungsbescheid
is issued, with the amounts of the Fassung in force.

- An award appears once its Zuwendungsbescheid exists and its date has come (a notice may be
  dated a few days ahead, e.g. for a public handover; until that day it is not public).
- Its amounts, period and total are those of the latest Fassung (`AwardRevision`) in force:
  Fassung 1 with the Zuwendungsbescheid, each later one from the date of the Änderungsbescheid
  that made it. Years at 0,00 € (dropped by an amendment) are left out of a year's list.
- Vorhaben and Zweck are read from the Zuwendungsbescheid as issued (its snapshot), not from
  the application.
- Reclaims are not deducted and not listed: the list shows what was awarded (see
  README "Offene Daten").
- Nothing personal: a record holds the body (its official name and AGS), the file reference,
  the project, the period, the amounts and the notice dates – no contact, staff, bank data.

Two queries for any number of awards: the awards with their body and the in-force Fassung's key
and notice data (subqueries), then those Fassungen.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from core import clock
from core.money import ZERO, to_money
from grants.models import Award, AwardRevision, AwardYear, FundingProgramme, Notice
from municipalities.models import Municipality


@dataclass(frozen=True)
class AwardRecord:
    """One award in one budget year, as published."""

    file_reference: str
    recipient: str          # Municipality.display_name
    ags: str                # Amtlicher Gemeindeschlüssel of the body
    title: str              # Vorhaben, as in the Zuwendungsbescheid
    purpose: str            # Zweck der Zuwendung, as in the Zuwendungsbescheid
    period_start: date
    period_end: date
    year: int
    amount: Decimal         # the year's awarded amount
    award_total: Decimal    # the award over all its years
    notice_date: date       # date of the Zuwendungsbescheid
    amended_on: date | None  # date of the latest Änderungsbescheid in force, if any


@dataclass(frozen=True)
class AwardList:
    programme: FundingProgramme
    year: int
    records: list[AwardRecord]
    total: Decimal
    # When the data last changed: the latest moment a notice it rests on was recorded or took
    # effect (its date); None for an empty list.
    data_as_of: datetime | None

    @property
    def count(self) -> int:
        return len(self.records)


@dataclass(frozen=True)
class _PublishedAward:
    programme_id: int
    municipality: Municipality
    file_reference: str
    title: str
    purpose: str
    period_start: date
    period_end: date
    amounts: dict[int, Decimal]
    notice_date: date
    amended_on: date | None
    changed_at: datetime


def _effective(recorded: datetime, dated: date) -> datetime:
    """A notice counts from when it was recorded, but not before the start of its date."""
    start_of_day = timezone.make_aware(datetime.combine(dated, time.min))
    return max(recorded, start_of_day)


def _published_awards(*, today: date, programme: FundingProgramme | None = None,
                      body: Municipality | None = None) -> list[_PublishedAward]:
    award_notice = (Notice.objects.filter(award=OuterRef("pk"), kind=Notice.Kind.AWARD, issued_on__lte=today)
                    .order_by("-issued_on", "-number"))
    in_force = (AwardRevision.objects.filter(award=OuterRef("pk"))
                .filter(Q(number=1) | Q(amendment__notice__issued_on__lte=today)).order_by("-number"))
    awards = (Award.objects
              .annotate(od_notice_date=Subquery(award_notice.values("issued_on")[:1]),
                        od_notice_recorded=Subquery(award_notice.values("created_at")[:1]),
                        od_title=Subquery(award_notice.annotate(value=KT("snapshot__application__title"))
                                          .values("value")[:1]),
                        od_purpose=Subquery(award_notice.annotate(value=KT("snapshot__application__purpose"))
                                            .values("value")[:1]),
                        od_revision=Subquery(in_force.values("pk")[:1]))
              .filter(od_notice_date__isnull=False)
              .select_related("application__municipality")
              .only("pk", "period_start", "period_end", "application__file_reference", "application__programme_id",
                    "application__title", "application__purpose", "application__municipality__name",
                    "application__municipality__kind", "application__municipality__ags"))
    if programme is not None:
        awards = awards.filter(application__programme=programme)
    if body is not None:
        awards = awards.filter(application__municipality=body)
    rows = list(awards)
    fields = ("pk", "period_start", "period_end", "amounts", "amendment__notice__issued_on",
              "amendment__notice__created_at")
    in_force_rows = AwardRevision.objects.filter(pk__in=[award.od_revision for award in rows]).values(*fields)
    revisions: dict[int, dict[str, Any]] = {row["pk"]: dict(row) for row in in_force_rows}
    # Awards written without their Fassung 1 (bulk-loaded data, seed_scale): their year rows are
    # the binding amounts (they always equal the latest Fassung), one more query for all of them.
    without = [award.pk for award in rows if award.od_revision is None]
    year_rows: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if without:
        for award_id, year, amount in (AwardYear.objects.filter(award__in=without)
                                       .values_list("award_id", "budget__year", "amount")):
            year_rows[award_id][str(year)] = amount
    published = []
    for award in rows:
        revision: dict[str, Any] = revisions.get(award.od_revision) or {
            "period_start": award.period_start, "period_end": award.period_end, "amounts": year_rows[award.pk],
            "amendment__notice__issued_on": None, "amendment__notice__created_at": None}
        changed_at = _effective(award.od_notice_recorded, award.od_notice_date)
        amended_on = revision["amendment__notice__issued_on"]
        if amended_on is not None:
            changed_at = max(changed_at, _effective(revision["amendment__notice__created_at"], amended_on))
        application = award.application
        published.append(_PublishedAward(
            programme_id=application.programme_id, municipality=application.municipality,
            file_reference=application.file_reference or "",
            title=award.od_title or application.title, purpose=award.od_purpose or application.purpose,
            period_start=revision["period_start"], period_end=revision["period_end"],
            amounts={int(year): to_money(amount) for year, amount in revision["amounts"].items()},
            notice_date=award.od_notice_date, amended_on=amended_on, changed_at=changed_at))
    return published


def _sort_key(record: AwardRecord) -> tuple[str, str]:
    return (record.recipient.casefold(), record.file_reference)


def award_list(*, programme: FundingProgramme, year: int, body: Municipality | None = None,
               today: date | None = None) -> AwardList:
    """The published awards of `programme` with an amount in budget year `year` (of `body`, if
    given), sorted by the body's name, with their total."""
    records = []
    changes = []
    for award in _published_awards(today=today or clock.today(), programme=programme, body=body):
        amount = award.amounts.get(year, ZERO)
        if amount <= ZERO:
            continue
        changes.append(award.changed_at)
        records.append(AwardRecord(
            file_reference=award.file_reference, recipient=award.municipality.display_name,
            ags=award.municipality.ags, title=award.title, purpose=award.purpose,
            period_start=award.period_start, period_end=award.period_end, year=year, amount=amount,
            award_total=sum(award.amounts.values(), ZERO), notice_date=award.notice_date,
            amended_on=award.amended_on))
    records.sort(key=_sort_key)
    return AwardList(programme=programme, year=year, records=records,
                     total=sum((record.amount for record in records), ZERO),
                     data_as_of=max(changes, default=None))


@dataclass(frozen=True)
class YearFigures:
    year: int
    count: int
    total: Decimal


@dataclass(frozen=True)
class ProgrammeFigures:
    programme: FundingProgramme
    years: list[YearFigures]


def published_overview(today: date | None = None) -> list[ProgrammeFigures]:
    """Every programme period with at least one published award (newest first), each with the
    number of awards and their sum per budget year of the period (years without awards included)."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    totals: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    programme_ids = set()
    for award in _published_awards(today=today or clock.today()):
        programme_ids.add(award.programme_id)
        for year, amount in award.amounts.items():
            if amount > ZERO:
                counts[award.programme_id, year] += 1
                totals[award.programme_id, year] += amount
    programmes = FundingProgramme.objects.filter(pk__in=programme_ids).order_by("-period_start", "code")
    return [ProgrammeFigures(programme=programme, years=[
        YearFigures(year=year, count=counts[programme.pk, year], total=totals[programme.pk, year])
        for year in programme.years]) for programme in programmes]


def publisher_name(programme: FundingProgramme, today: date | None = None) -> str:
    """Who publishes the list: the ministry – the authority the issuing authority acts for, if it
    acts for one, else the issuing authority under its name valid today."""
    authority = programme.issuing_authority
    if authority.acting_for:
        return authority.acting_for
    dated = authority.names.filter(valid_from__lte=today or clock.today()).order_by("-valid_from").first()
    return dated.name if dated is not None else authority.name
