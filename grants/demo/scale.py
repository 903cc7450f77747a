"""Scale data for measuring the pages (`manage.py seed_scale`, `bench/scale.py`).

Builds, on top of the demo (its bodies, accounts and base rates), many programme periods with
one application per body and period – 10,000 applications and 100,000 plan lines by default –
and behind them what a ministry accumulates over the years: recommendations, decisions,
awards with their years and award notices, payments in every state, interim and final proofs
of use, reclaims (proposed, fixed, settled, discarded) with their notices and repayments,
comments and audit entries, and a few applications whose history has 2,000 entries.

Written with `bulk_create`, not through the services: the services check, lock and audit one
step at a time, which would take hours for this volume. The rows are written consistent with
what the services would have written – every model constraint holds (one live application per
body and period, four eyes on decisions, payments and reclaims, issued reclaims with notice
and payment date, one final proof per award), statuses follow the workflow (an award exists
only for an approved application, payments only against award years, proofs only for
deadlines that have come, a closed award has its final proof accepted and no open reclaim) and
every step has its audit entry with the status change the history shows. Deterministic: the
same number of applications gives the same data.

One record is deliberately bad: a fixed reclaim whose interest period starts before the
base-rate table (1 July 2001) – the deadlines page must show it with its problem, not fail.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from core import clock
from grants.models import (
    Application,
    ApplicationComment,
    ApplicationStatus,
    Award,
    AwardYear,
    Budget,
    CostCategory,
    Decision,
    Disbursement,
    FundingProgramme,
    IssuingAuthority,
    Notice,
    PlanExpenditure,
    PlanFinancing,
    Reclaim,
    ReclaimRepayment,
    Recommendation,
    RecommendationYear,
    UsageReport,
    UsageReportExpenditure,
    UsageReportFinancing,
)
from grants.plan import codec
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from municipalities.models import Municipality

CODE_PREFIX = "skala-"
FIRST_YEAR = 2000
PERIOD_YEARS = 3
BATCH = 2000
HISTORY_ENTRIES = 2000
HISTORY_APPLICATIONS = 5
BAD_INTEREST_FROM = date(2001, 7, 1)  # before the first base rate (1 January 2002)
BERLIN = ZoneInfo("Europe/Berlin")
S = ApplicationStatus
DS = Disbursement.Status
RS = Reclaim.Status
US = UsageReport.Status

# Status mix by the period's phase: (status, weight).
_PAST = [(S.APPROVED, 84), (S.REJECTED, 9), (S.WITHDRAWN, 7)]
_RUNNING = [(S.APPROVED, 60), (S.REJECTED, 6), (S.WITHDRAWN, 4), (S.RECOMMENDED, 5), (S.IN_REVIEW, 10),
            (S.SUBMITTED, 8), (S.CHANGES_REQUESTED, 3), (S.DRAFT, 4)]
_FUTURE = [(S.SUBMITTED, 35), (S.IN_REVIEW, 25), (S.CHANGES_REQUESTED, 8), (S.RECOMMENDED, 7), (S.DRAFT, 20),
           (S.WITHDRAWN, 5)]
# The path to each status, for the audit entries.
_PATH: dict[str, list[str]] = {
    S.DRAFT: [], S.SUBMITTED: [S.SUBMITTED], S.IN_REVIEW: [S.SUBMITTED, S.IN_REVIEW],
    S.CHANGES_REQUESTED: [S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED],
    S.RECOMMENDED: [S.SUBMITTED, S.IN_REVIEW, S.RECOMMENDED],
    S.APPROVED: [S.SUBMITTED, S.IN_REVIEW, S.RECOMMENDED, S.APPROVED],
    S.REJECTED: [S.SUBMITTED, S.IN_REVIEW, S.REJECTED], S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}
_ACTION: dict[str, str] = {
    S.SUBMITTED: "submitted", S.IN_REVIEW: "review_started", S.CHANGES_REQUESTED: "changes_requested",
    S.RECOMMENDED: "recommended", S.APPROVED: "approved", S.REJECTED: "rejected", S.WITHDRAWN: "withdrawn"}


class ScaleSetupError(Exception):
    pass


@dataclass
class ScaleResult:
    counts: dict[str, int] = field(default_factory=dict)
    history_applications: list[int] = field(default_factory=list)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def _money(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _Builder:
    def __init__(self, applications: int, today: date, prefix: str, history_entries: int):
        self.wanted = applications
        self.history_entries = history_entries
        self.today = today
        self.prefix = prefix
        self.rng = random.Random(11)
        self.result = ScaleResult()
        self.audit: list[AuditEntry] = []
        self.ct = {model: ContentType.objects.get_for_model(model)
                   for model in (Application, Award, Reclaim, UsageReport, Disbursement)}

    # -- people and places -------------------------------------------------------------------------

    def cast(self) -> None:
        self.bodies = list(Municipality.objects.order_by("name"))
        self.clerk = User.objects.filter(role=Role.SACHBEARBEITUNG, is_active=True).order_by("pk").first()
        self.approver = User.objects.filter(role=Role.BEWILLIGUNG, is_active=True).order_by("pk").first()
        self.authority = IssuingAuthority.objects.order_by("pk").first()
        if not self.bodies or self.clerk is None or self.approver is None or self.authority is None:
            raise ScaleSetupError("Es fehlen Gebietskörperschaften, Konten (Sachbearbeitung, Bewilligung) oder "
                                  "eine Bewilligungsbehörde; zuerst seed_demo ausführen.")
        coordinators: dict[int, User] = {}
        for user in User.objects.filter(role=Role.KOORDINATION, municipality__isnull=False).order_by("pk"):
            if user.municipality_id is not None:
                coordinators.setdefault(user.municipality_id, user)
        fallback = next(iter(coordinators.values()), self.clerk)
        self.coordinator = {body.pk: coordinators.get(body.pk, fallback) for body in self.bodies}

    # -- programme periods -------------------------------------------------------------------------

    def programmes(self) -> None:
        count = -(-self.wanted // len(self.bodies))
        span = self.today.year + 1 - FIRST_YEAR + 1
        programmes = []
        for i in range(count):
            start = FIRST_YEAR + i * span // count
            programmes.append(FundingProgramme(
                code=f"{self.prefix}{i + 1:04d}", name=f"Skalenprogramm {i % 37 + 1}",
                file_reference_prefix=f"{self.prefix.strip('-').upper()}-{i + 1:04d}", period_start=date(start, 1, 1),
                period_end=date(start + PERIOD_YEARS - 1, 12, 31), accepts_applications=start >= self.today.year,
                issuing_authority=self.authority, legal_basis="Förderrichtlinie Skalenprogramm",
                budget_chapter="08 02", budget_title=f"633 {i % 90 + 10}"))
        self.programme_list = FundingProgramme.objects.bulk_create(programmes, batch_size=BATCH)
        categories, budgets = [], []
        for programme in self.programme_list:
            categories += [CostCategory(programme=programme, code="personal", name="Personalausgaben", position=1),
                           CostCategory(programme=programme, code="sachausgaben", name="Sachausgaben", position=2),
                           CostCategory(programme=programme, code="mikroprojekte", name="Mikroprojekte",
                                        position=3)]
            budgets += [Budget(programme=programme, year=year, amount=Decimal("50000000.00"))
                        for year in range(programme.period_start.year, programme.period_end.year + 1)]
        CostCategory.objects.bulk_create(categories, batch_size=BATCH)
        Budget.objects.bulk_create(budgets, batch_size=BATCH)
        self.categories: dict[int, list[CostCategory]] = {}
        for category in categories:
            self.categories.setdefault(category.programme_id, []).append(category)
        self.budgets = {(b.programme_id, b.year): b for b in budgets}

    # -- applications and their plans ---------------------------------------------------------------

    def _status_for(self, programme: FundingProgramme) -> str:
        if programme.period_end < self.today:
            mix = _PAST
        elif programme.period_start <= self.today:
            mix = _RUNNING
        else:
            mix = _FUTURE
        return self.rng.choices([s for s, _ in mix], weights=[w for _, w in mix])[0]

    def applications(self) -> None:
        rows, number = [], 0
        for programme in self.programme_list:
            for sequence, body in enumerate(self.bodies, start=1):
                if number == self.wanted:
                    break
                number += 1
                status = self._status_for(programme)
                submitted = _at(programme.period_start - timedelta(days=self.rng.randint(90, 150)))
                created = submitted - timedelta(days=self.rng.randint(5, 40))
                if status == S.DRAFT:
                    submitted_at, reference = None, None
                else:
                    submitted_at, reference = submitted, f"{programme.file_reference_prefix}-{sequence:04d}"
                rows.append(Application(
                    programme=programme, municipality=body, file_reference=reference, status=status,
                    title=f"Vielfaltszentrum {body.name} {programme.period_start.year}",
                    purpose="Aufbau und Betrieb eines Zentrums für Vielfalt und Teilhabe.",
                    period_start=programme.period_start, period_end=programme.period_end,
                    contact_name="Koordinationsstelle", created_by=self.coordinator[body.pk],
                    created_at=created, submitted_at=submitted_at))
        self.application_list = Application.objects.bulk_create(rows, batch_size=BATCH)
        self.programme_by_id = {p.pk: p for p in self.programme_list}
        self.body_by_id = {b.pk: b for b in self.bodies}
        self.grant: dict[int, dict[int, Decimal]] = {}
        self.lines: dict[int, tuple[list[ExpenditureLine], list[FinancingLine]]] = {}
        expenditures, financings = [], []
        for application in self.application_list:
            personal, material, _micro = self.categories[application.programme_id]
            grants = {}
            for index, year in enumerate(application.years):
                staff = _money(self.rng.randint(40000, 90000))
                things = _money(self.rng.randint(3000, 15000))
                expenditures += [PlanExpenditure(application=application, year=year, category=personal, amount=staff),
                                 PlanExpenditure(application=application, year=year, category=material, amount=things)]
                own = _money((staff + things) * Decimal("0.1")) if index == 0 else Decimal("0.00")
                grants[year] = staff + things - own
                financings.append(PlanFinancing(application=application, year=year, source=FinancingSource.GRANT,
                                                amount=grants[year]))
                if index == 0:
                    financings.append(PlanFinancing(application=application, year=year,
                                                    source=FinancingSource.OWN_FUNDS, amount=own))
            self.grant[application.pk] = grants
            self.lines[application.pk] = (
                [ExpenditureLine(year=row.year, category=row.category, amount=row.amount)
                 for row in expenditures[-2 * len(grants):]],
                [FinancingLine(year=row.year, source=row.source, amount=row.amount)
                 for row in financings[-(len(grants) + 1):]])
        PlanExpenditure.objects.bulk_create(expenditures, batch_size=BATCH)
        PlanFinancing.objects.bulk_create(financings, batch_size=BATCH)
        self.result.counts["plan_lines"] = len(expenditures) + len(financings)

    def _audit(self, target, action: str, when: datetime, actor, *, changes=None, data=None, repr_=None) -> None:
        self.audit.append(AuditEntry(
            created_at=when, actor=actor, action=action, content_type=self.ct[type(target)], object_id=target.pk,
            object_repr=(repr_ or str(target.pk))[:200], changes=changes or {}, data=data or {},
            case_id=getattr(target, "audit_case_id", None)))

    def _repr(self, application: Application) -> str:
        return f"{application.file_reference or 'Entwurf'} – {self.body_by_id[application.municipality_id].name}"

    def workflow(self) -> None:
        """Audit entries of each step, recommendations, decisions and comments."""
        recommendations, decisions, comments = [], [], []
        for application in self.application_list:
            label = self._repr(application)
            coordinator = self.coordinator[application.municipality_id]
            self._audit(application, "grants.application.created", application.created_at, coordinator,
                        changes={"status": [None, S.DRAFT]}, repr_=label)
            before: str = S.DRAFT
            when = application.submitted_at or application.created_at
            for step in _PATH[application.status]:
                actor = coordinator if step in (S.SUBMITTED, S.WITHDRAWN) else (
                    self.approver if step in (S.APPROVED, S.REJECTED) else self.clerk)
                self._audit(application, f"grants.application.{_ACTION[step]}", when, actor,
                            changes={"status": [before, step]}, repr_=label)
                before, when = step, when + timedelta(days=self.rng.randint(3, 20))
            application.decided_at = when  # type: ignore[attr-defined]
            if application.status in (S.RECOMMENDED, S.APPROVED):
                recommendations.append(Recommendation(application=application, recommended_by=self.clerk,
                                                      created_at=when - timedelta(days=5),
                                                      justification="Förderfähig und wirtschaftlich."))
            if application.status in (S.APPROVED, S.REJECTED):
                rejected = application.status == S.REJECTED
                decisions.append(Decision(
                    application=application, outcome=Decision.Outcome.REJECTED if rejected
                    else Decision.Outcome.APPROVED, decided_by=self.approver, recommended_by=self.clerk,
                    decided_at=when, reason="Die Haushaltsmittel reichen nicht aus." if rejected else "",
                    discretion="Nach pflichtgemäßem Ermessen abgewogen." if rejected else ""))
            if application.submitted_at is not None:
                for n in range(self.rng.choice((0, 1, 1, 2, 3))):
                    visibility = ApplicationComment.Visibility.INTERNAL if n % 2 == 0 \
                        else ApplicationComment.Visibility.APPLICANT
                    moment = application.submitted_at + timedelta(days=n + 1, hours=2)
                    comments.append(ApplicationComment(application=application, author=self.clerk,
                                                       text=f"Prüfvermerk {n + 1}: Unterlagen vollständig.",
                                                       visibility=visibility, created_at=moment))
                    self._audit(application, "grants.application.commented", moment, self.clerk,
                                data={"visibility": visibility}, repr_=label)
        Recommendation.objects.bulk_create(recommendations, batch_size=BATCH)
        years = []
        for recommendation in recommendations:
            grants = self.grant[recommendation.application_id]
            years += [RecommendationYear(recommendation=recommendation, year=year, amount=amount)
                      for year, amount in grants.items()]
        RecommendationYear.objects.bulk_create(years, batch_size=BATCH)
        recommended = {r.application_id: r for r in recommendations}
        for decision in decisions:
            decision.recommendation = recommended.get(decision.application_id)
        self.decision_list = Decision.objects.bulk_create(decisions, batch_size=BATCH)
        ApplicationComment.objects.bulk_create(comments, batch_size=BATCH)
        self.result.counts["comments"] = len(comments)

    # -- awards, notices, payments ------------------------------------------------------------------

    def awards(self) -> None:
        by_id = {a.pk: a for a in self.application_list}
        awards = []
        for decision in self.decision_list:
            if decision.outcome != Decision.Outcome.APPROVED:
                continue
            application = by_id[decision.application_id]
            programme = self.programme_by_id[application.programme_id]
            snapshot = self._snapshot(application)
            awards.append(Award(application=application, decision=decision, period_start=application.period_start,
                                period_end=application.period_end, financing_type=programme.financing_type,
                                plan_snapshot=snapshot, created_at=decision.decided_at))
        self.award_list = Award.objects.bulk_create(awards, batch_size=BATCH)
        notices, years = [], []
        for award in self.award_list:
            application = by_id[award.application_id]
            notices.append(Notice(kind=Notice.Kind.AWARD, number=f"ZB-{application.file_reference}",
                                  application=application, award=award, issued_on=award.created_at.date(),
                                  issued_by=self.approver, created_at=award.created_at,
                                  snapshot={"kind": Notice.Kind.AWARD, "file_reference": application.file_reference}))
            for year, amount in self.grant[application.pk].items():
                years.append(AwardYear(award=award, budget=self.budgets[(application.programme_id, year)],
                                       amount=amount))
        Notice.objects.bulk_create(notices, batch_size=BATCH)
        self.award_years = AwardYear.objects.bulk_create(years, batch_size=BATCH)
        self.result.counts["notices"] = len(notices)

    def _snapshot(self, application: Application) -> dict:
        expenditures, financings = self.lines[application.pk]
        return codec.encode(codec.from_lines(application.years, expenditures, financings,
                                             approved=self.grant[application.pk]))

    def payments(self) -> None:
        year_of = {(b.pk): b.year for b in self.budgets.values()}
        rows = []
        for award_year in self.award_years:
            year = year_of[award_year.budget_id]
            if year > self.today.year:
                continue
            if year < self.today.year:
                states = [DS.PAID, DS.PAID] if self.rng.random() < 0.5 else [DS.PAID]
            else:
                states = [self.rng.choices([DS.REQUESTED, DS.PREPARED, DS.RELEASED, DS.PAID, DS.REJECTED],
                                           weights=[40, 20, 10, 25, 5])[0]]
            share = _money(award_year.amount / len(states) * Decimal("0.95"))
            for index, state in enumerate(states):
                requested = _at(max(date(year, 2 + index * 5, 1), date(year, 1, 1)))
                if year == self.today.year:
                    requested = _at(self.today - timedelta(days=self.rng.randint(1, 60)))
                row = Disbursement(award_year=award_year, amount=share, status=state, requested_at=requested,
                                   requested_by=self.coordinator[self._body_of_award_year(award_year)],
                                   stated_need="Personal- und Sachausgaben der nächsten zwei Monate.")
                if state in (DS.PREPARED, DS.RELEASED, DS.PAID):
                    row.prepared_by, row.prepared_at = self.clerk, requested + timedelta(days=2)
                if state in (DS.RELEASED, DS.PAID):
                    row.released_by, row.released_at = self.approver, requested + timedelta(days=4)
                if state == DS.PAID:
                    row.paid_on = (requested + timedelta(days=7)).date()
                    row.payment_reference = f"LHK-{year}-{award_year.pk:06d}-{index}"
                if state == DS.REJECTED:
                    row.rejection_reason = "Bedarf nicht dargelegt."
                rows.append(row)
        Disbursement.objects.bulk_create(rows, batch_size=BATCH)
        self.result.counts["payments"] = len(rows)
        # The audit trail of each step, as the services write it (the multi-server bench checks that
        # every released and paid payment has its entries).
        for row in rows:
            case = self.award_application[row.award_year.award_id].pk
            steps: list[tuple[str, str, datetime, Any]] = [
                (DS.REQUESTED, "requested", row.requested_at, row.requested_by)]
            if row.prepared_at:
                steps.append((DS.PREPARED, "prepared", row.prepared_at, row.prepared_by))
            if row.released_at:
                steps.append((DS.RELEASED, "released", row.released_at, row.released_by))
                if row.status == DS.PAID:
                    steps.append((DS.PAID, "paid", row.released_at + timedelta(days=3), self.clerk))
            if row.status == DS.REJECTED:
                steps.append((DS.REJECTED, "rejected", row.requested_at + timedelta(days=2), self.clerk))
            before: str | None = None
            for after, verb, when, actor in steps:
                self.audit.append(AuditEntry(
                    created_at=when, actor=actor, action=f"grants.disbursement.{verb}",
                    content_type=self.ct[Disbursement], object_id=row.pk, object_repr=str(row.pk),
                    changes={"status": [before, after]}, data={}, case_id=case))
                before = after

    def _body_of_award_year(self, award_year: AwardYear) -> int:
        return self.award_application[award_year.award_id].municipality_id

    # -- proofs of use, reclaims, closing -------------------------------------------------------------

    def proofs(self) -> None:
        reports, lines_for = [], []
        self.final_accepted: dict[int, UsageReport] = {}
        for award in self.award_list:
            application = self.award_application[award.pk]
            years = sorted(self.grant[application.pk])
            deadlines: list[tuple[str, int | None, date]] = [
                (UsageReport.Kind.INTERIM, year, date(year + 1, 3, 31)) for year in years[:-1]]
            deadlines.append((UsageReport.Kind.FINAL, None, date(award.period_end.year + 1, 6, 30)))
            for kind, year, due in deadlines:
                if due - timedelta(days=60) > self.today or self.rng.random() < 0.04:
                    continue  # not yet started – or overdue
                if due < self.today - timedelta(days=200):
                    status = US.ACCEPTED if self.rng.random() < 0.97 else US.QUESTIONS
                else:
                    status = self.rng.choices([US.DRAFT, US.SUBMITTED, US.QUESTIONS, US.ACCEPTED],
                                              weights=[30, 40, 10, 20])[0]
                submitted = min(_at(due - timedelta(days=self.rng.randint(0, 40))), _at(self.today))
                report = UsageReport(award=award, kind=kind, year=year, status=status, declaration=status != US.DRAFT,
                                     created_at=submitted - timedelta(days=20))
                if status != US.DRAFT:
                    report.submitted_at = submitted
                    report.submitted_by = self.coordinator[application.municipality_id]
                if status in (US.ACCEPTED, US.QUESTIONS):
                    report.checked_at = submitted + timedelta(days=self.rng.randint(10, 60))
                    report.checked_by = self.clerk
                    report.check_note = "Belege stichprobenartig geprüft." if status == US.ACCEPTED \
                        else "Bitte die Abweichung bei den Sachausgaben erläutern."
                reports.append(report)
                lines_for.append((report, application))
        UsageReport.objects.bulk_create(reports, batch_size=BATCH)
        expenditures, financings = [], []
        for report, application in lines_for:
            personal, material, _micro = self.categories[application.programme_id]
            grants = self.grant[application.pk]
            spent = grants[report.year] if report.year else sum(grants.values(), Decimal("0.00"))
            expenditures += [
                UsageReportExpenditure(report=report, category=personal, amount=_money(spent * Decimal("0.9"))),
                UsageReportExpenditure(report=report, category=material, amount=_money(spent * Decimal("0.08")))]
            financings.append(UsageReportFinancing(report=report, source=FinancingSource.GRANT,
                                                   amount=_money(spent * Decimal("0.95"))))
            if report.status != US.DRAFT and report.submitted_at is not None:
                self._audit(report, "grants.usage_report.submitted", report.submitted_at,
                            report.submitted_by, changes={"status": [US.DRAFT, US.SUBMITTED]}, repr_=str(report))
            if report.status == US.ACCEPTED and report.checked_at is not None:
                self._audit(report, "grants.usage_report.accepted", report.checked_at, self.clerk,
                            changes={"status": [US.SUBMITTED, US.ACCEPTED]}, repr_=str(report))
                if report.kind == UsageReport.Kind.FINAL:
                    self.final_accepted[report.award_id] = report
        UsageReportExpenditure.objects.bulk_create(expenditures, batch_size=BATCH)
        UsageReportFinancing.objects.bulk_create(financings, batch_size=BATCH)
        self.result.counts["proofs"] = len(reports)

    def reclaims(self) -> None:
        last_year: dict[int, AwardYear] = {}
        year_of = {b.pk: b.year for b in self.budgets.values()}
        for award_year in self.award_years:
            current = last_year.get(award_year.award_id)
            if current is None or year_of[award_year.budget_id] > year_of[current.budget_id]:
                last_year[award_year.award_id] = award_year
        reclaims, notices = [], []
        for award_id, report in self.final_accepted.items():
            if self.rng.random() >= 0.06:
                continue
            award_year = last_year[award_id]
            application = self.award_application[award_id]
            assert report.checked_at is not None
            decided = report.checked_at + timedelta(days=30)
            status = self.rng.choices([RS.SETTLED, RS.ISSUED, RS.PROPOSED, RS.DISCARDED], weights=[60, 25, 10, 5])[0]
            principal = _money(award_year.amount * Decimal("0.05")) or Decimal("100.00")
            reclaim = Reclaim(award_id=award_id, award_year=award_year, usage_report=report,
                              ground=Reclaim.Ground.UNUSED, principal=principal, status=status,
                              reason="Nicht verwendete Mittel laut Verwendungsnachweis.",
                              interest_from=date(year_of[award_year.budget_id], 12, 31),
                              proposed_by=self.clerk, proposed_at=report.checked_at,
                              facts_known_on=report.checked_at.date(), interest_waived=status == RS.SETTLED)
            if status != RS.PROPOSED:
                reclaim.decided_by, reclaim.decided_at = self.approver, decided
            if status == RS.DISCARDED:
                reclaim.discard_reason = "Geringfügiger Betrag."
            if status in (RS.ISSUED, RS.SETTLED):
                notice = Notice(kind=Notice.Kind.RECLAIM, number=f"RF-{application.file_reference}",
                                application=application, award_id=award_id, issued_on=decided.date(),
                                issued_by=self.approver, created_at=decided,
                                snapshot={"kind": Notice.Kind.RECLAIM, "reclaim": {"total_due": str(principal)}})
                notices.append(notice)
                reclaim.notice = notice
                reclaim.due_on = decided.date() + timedelta(days=30)
            if status == RS.SETTLED:
                reclaim.settled_at = decided + timedelta(days=20)
            reclaims.append(reclaim)
        if reclaims:
            bad = next((r for r in reclaims if r.status == RS.ISSUED), None)
            if bad is not None:
                bad.interest_from = BAD_INTEREST_FROM
                bad.reason = "Nicht verwendete Mittel (Altfall: Verzinsung ab 1. Juli 2001)."
        Notice.objects.bulk_create(notices, batch_size=BATCH)
        for reclaim in reclaims:
            if reclaim.notice is not None:
                reclaim.notice_id = reclaim.notice.pk
        Reclaim.objects.bulk_create(reclaims, batch_size=BATCH)
        repayments = []
        for reclaim in reclaims:
            self._audit(reclaim, "grants.reclaim.proposed", reclaim.proposed_at, self.clerk,
                        changes={"status": [None, RS.PROPOSED]}, repr_=f"Rückforderung {reclaim.pk}")
            if reclaim.status == RS.SETTLED:
                assert reclaim.settled_at is not None
                repayments.append(ReclaimRepayment(reclaim=reclaim, received_on=reclaim.settled_at.date(),
                                                   amount=reclaim.principal, reference=f"RZ-{reclaim.pk}",
                                                   booked_by=self.clerk, booked_at=reclaim.settled_at))
        ReclaimRepayment.objects.bulk_create(repayments, batch_size=BATCH)
        self.result.counts["reclaims"] = len(reclaims)
        self.open_reclaim_awards = {r.award_id for r in reclaims if r.status in Reclaim.OPEN_STATUSES}

    def closing(self) -> None:
        closed = []
        for award_id, report in self.final_accepted.items():
            if award_id in self.open_reclaim_awards or report.checked_at is None:
                continue
            award = self.award_by_id[award_id]
            award.status, award.closed_by = Award.Status.CLOSED, self.approver
            award.closed_at = report.checked_at + timedelta(days=60)
            closed.append(award)
            self._audit(award, "grants.award.closed", award.closed_at, self.approver,
                        changes={"status": [Award.Status.RUNNING, Award.Status.CLOSED]}, repr_=f"Zuwendung {award_id}")
        Award.objects.bulk_update(closed, ["status", "closed_by", "closed_at"], batch_size=BATCH)
        self.result.counts["awards_closed"] = len(closed)

    # -- long histories ------------------------------------------------------------------------------------

    def histories(self) -> None:
        if not self.history_entries:
            return
        # The newest running grants: the pages a clerk opens today.
        running = [a for a in self.award_list if a.status == Award.Status.RUNNING]
        chosen = [self.award_application[a.pk] for a in running[-HISTORY_APPLICATIONS:]]
        comments = []
        for application in chosen:
            label, start = self._repr(application), application.submitted_at or application.created_at
            for n in range(self.history_entries):
                moment = start + timedelta(hours=n + 1)
                if n % 5 == 0:
                    comments.append(ApplicationComment(application=application, author=self.clerk,
                                                       text=f"Vermerk {n // 5 + 1} zur laufenden Betreuung.",
                                                       visibility=ApplicationComment.Visibility.INTERNAL,
                                                       created_at=moment))
                    self._audit(application, "grants.application.commented", moment, self.clerk,
                                data={"visibility": "intern"}, repr_=label)
                else:
                    self._audit(application, "grants.application.changed", moment,
                                self.coordinator[application.municipality_id],
                                changes={"contact_phone": [f"0561 {n}", f"0561 {n + 1}"]}, repr_=label)
            self.result.history_applications.append(application.pk)
        ApplicationComment.objects.bulk_create(comments, batch_size=BATCH)
        self.result.counts["comments"] += len(comments)

    def run(self) -> ScaleResult:
        self.cast()
        self.programmes()
        self.applications()
        self.workflow()
        self.awards()
        self.award_application = {a.pk: a.application for a in self.award_list}
        self.award_by_id = {a.pk: a for a in self.award_list}
        self.payments()
        self.proofs()
        self.reclaims()
        self.closing()
        self.histories()
        for chunk in _chunks(self.audit):
            AuditEntry.objects.bulk_create(chunk)
        counts = self.result.counts
        counts.update(programmes=len(self.programme_list), applications=len(self.application_list),
                      awards=len(self.award_list), audit_entries=len(self.audit))
        return self.result


def scale_present(prefix: str = CODE_PREFIX) -> bool:
    return FundingProgramme.objects.filter(code__startswith=prefix).exists()


def seed_scale(*, applications: int, today: date | None = None, prefix: str = CODE_PREFIX,
               history_entries: int = HISTORY_ENTRIES) -> ScaleResult:
    """Build the scale data in one transaction; refuses when it is there already. `prefix`: the
    code of the periods it builds (file references and notice numbers follow it), so that two
    sets can stand side by side – a test grows the data with a second set. `today` places the
    periods (from 2000 to the year after it) and decides what is past, running or to come.
    `history_entries`: the length of the long histories (0: none)."""
    if applications < 1:
        raise ScaleSetupError("Die Zahl der Anträge muss mindestens 1 sein.")
    with transaction.atomic():
        if scale_present(prefix):
            raise ScaleSetupError(f"Skalendaten sind bereits vorhanden (Förderperioden „{prefix}…“). Für einen "
                                  "neuen Lauf eine leere Datenbank verwenden.")
        return _Builder(applications, today or clock.today(), prefix, history_entries).run()
