"""`manage.py seed_demo`: the demo history is complete, obeys the rules and is written once.

The full seed takes a while, so the tests of the seeded state share one run with the other
classes that read it (tests/grants/seeded.py): it happens inside a transaction that is rolled
back before any other test runs (each test's own changes are rolled back after the test, as usual).
"""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from grants import demo
from grants.models import (
    Application,
    ApplicationStatus,
    Award,
    AwardYear,
    Budget,
    Decision,
    Disbursement,
    FundingProgramme,
    Notice,
)
from grants.selectors.awards import award_total, award_year_figures
from grants.selectors.budgets import budget_figures
from municipalities.models import Municipality
from tests.grants.seeded import SEEDED

DEMO_ACCOUNTS = {
    "koordination-wmk": (Role.KOORDINATION, "Werra-Meißner-Kreis"),
    "koordination-htk": (Role.KOORDINATION, "Hochtaunuskreis"),
    "sachbearbeitung": (Role.SACHBEARBEITUNG, None),
    "bewilligung": (Role.BEWILLIGUNG, None),
    "admin": (Role.PROGRAMMVERWALTUNG, None),
}


def run_seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Row counts of every model of the apps the seed writes to, and the figures that matter."""
    counts = {
        model._meta.label: model._default_manager.count()
        for app in ("accounts", "audit", "grants", "municipalities")
        for model in apps.get_app_config(app).get_models()
    }
    return {
        "counts": counts,
        "budgets": Budget.objects.aggregate(s=Sum("amount"))["s"],
        "awarded": AwardYear.objects.aggregate(s=Sum("amount"))["s"],
        "disbursed": Disbursement.objects.aggregate(s=Sum("amount"))["s"],
        "users": sorted(User.objects.values_list("username", "password", "role", "municipality_id")),
        "audit_times": sorted(AuditEntry.objects.values_list("pk", "created_at")),
        "addresses": sorted(Municipality.objects.values_list("name", "street", "postal_code", "city")),
    }


def wmk_award() -> Award:
    return Award.objects.get(application__programme__code="wir-2021",
                             application__municipality__name="Werra-Meißner-Kreis")


# --- on an empty database ------------------------------------------------------------------


def test_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run_seed()
    assert not User.objects.exists()
    assert not FundingProgramme.objects.exists()


def test_a_failure_midway_leaves_nothing_written(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(demo, "CENTRES_2021", demo.CENTRES_2021[-1:])  # only the WMK: quicker

    def broken_build(accounts, history):
        raise RuntimeError("Abbruch beim Aufbau der Periode 2026–2030")

    monkeypatch.setattr(demo, "_build_2026", broken_build)
    with pytest.raises(RuntimeError):
        run_seed()
    assert not User.objects.exists()
    assert not FundingProgramme.objects.exists()
    assert not AuditEntry.objects.exists()
    # The address comes from the body list (migrations), not from the seed: untouched by the failure.
    assert Municipality.objects.get(name="Werra-Meißner-Kreis").street == "Schlossplatz 1"


def test_an_existing_account_with_another_role_is_refused_without_writing(db, settings):
    settings.DEBUG = True
    User.objects.create_user(username="bewilligung", password="x", role=Role.SACHBEARBEITUNG)
    with pytest.raises(CommandError, match="„bewilligung“"):
        run_seed()
    assert list(User.objects.values_list("username", flat=True)) == ["bewilligung"]
    assert not FundingProgramme.objects.exists()


# --- on the seeded database ------------------------------------------------------------------


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker) -> str:
    """The seeded demo shared with the other classes that read it (tests/grants/seeded.py):
    seeded once, rolled back before any other test runs; gives the command's output."""
    return SEEDED.open(django_db_blocker).output


@pytest.mark.usefixtures("seeded", "db")
class TestSeededDemo:
    def test_wmk_award_is_500000_euro_for_2021_to_2025_at_100000_a_year(self):
        award = wmk_award()
        assert award_total(award) == Decimal("500000.00")
        assert (award.period_start, award.period_end) == (date(2021, 1, 1), date(2025, 12, 31))
        years = {row.year: row.amount for row in award.years.select_related("budget")}
        assert years == {year: Decimal("100000.00") for year in range(2021, 2026)}

    def test_21_awards_over_12_5_million_each_between_400000_and_700000(self):
        awards = Award.objects.filter(application__programme__code="wir-2021")
        totals = [award_total(award) for award in awards]
        assert len(totals) == 21
        assert sum(totals) > Decimal("12500000.00")
        assert all(Decimal("400000.00") <= total <= Decimal("700000.00") for total in totals)
        assert awards.values("application__municipality").distinct().count() == 21

    def test_wmk_notice_was_handed_over_in_eschwege_by_anne_janz(self):
        notice = Notice.objects.get(award=wmk_award())
        assert notice.kind == Notice.Kind.AWARD
        assert notice.issued_on == date(2021, 10, 29)
        ceremony = notice.ceremony
        assert (ceremony.date, ceremony.place) == (date(2021, 10, 29), "Eschwege")
        assert (ceremony.official_title, ceremony.official_name) == ("Staatssekretärin", "Anne Janz")

    def test_wmk_notice_is_issued_as_a_pdf_with_its_amount_in_figures_and_words(self):
        import hashlib
        import io

        import pdfplumber
        notice = Notice.objects.get(application__municipality__name="Werra-Meißner-Kreis",
                                    application__programme__code="wir-2021")
        pdf = bytes(notice.pdf)
        assert hashlib.sha256(pdf).hexdigest() == notice.sha256
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            text = "\n".join(page.extract_text() for page in document.pages)
        assert "500.000,00 €" in text and "fünfhunderttausend Euro" in text
        assert "Kreisausschuss des Werra-Meißner-Kreises" in text and "WIR-21-B2021-021" in text

    def test_every_award_has_one_award_notice(self):
        awards = Award.objects.filter(application__programme__code="wir-2021")
        assert Notice.objects.filter(award__in=awards, kind=Notice.Kind.AWARD).count() == awards.count()

    def test_every_paid_award_had_its_notice_issued_and_notified_before_the_first_call(self):
        from django.utils import timezone

        from grants.selectors.finality import notice_finality
        paid_awards = Award.objects.filter(years__disbursements__status=Disbursement.Status.PAID).distinct()
        assert paid_awards.count() >= 21
        for award in paid_awards:
            notice = Notice.objects.get(award=award, kind=Notice.Kind.AWARD)
            first_call = Disbursement.objects.filter(award_year__award=award).order_by("requested_at").first()
            assert notice.created_at < first_call.requested_at, award
            assert notice.issued_on <= timezone.localdate(first_call.requested_at)
            assert notice_finality(notice).notified_on <= timezone.localdate(first_call.requested_at), award

    def test_wmk_notice_was_notified_at_the_handover_and_final_a_month_later(self):
        from grants.selectors.finality import notice_finality
        finality = notice_finality(Notice.objects.get(award=wmk_award(), kind=Notice.Kind.AWARD))
        # Handed over Friday 29.10.2021 → the period for an action ends Monday 29.11.2021.
        assert (finality.delivery.method, finality.notified_on) == ("uebergabe", date(2021, 10, 29))
        assert (finality.period_end, finality.final_on) == (date(2021, 11, 29), date(2021, 11, 30))

    def test_wmk_has_paid_disbursements_in_every_year_never_more_than_awarded(self):
        rows = award_year_figures(wmk_award())
        assert [row["year"] for row in rows] == [2021, 2022, 2023, 2024, 2025]
        for row in rows:
            assert Decimal("0.00") < row["paid"] <= row["awarded"]
            assert row["called"] <= row["awarded"]
        paid = Disbursement.objects.filter(award_year__award=wmk_award(), status=Disbursement.Status.PAID)
        assert all(d.paid_on.year == d.award_year.year and d.paid_on < date(2026, 1, 1) for d in paid)

    def test_no_budget_year_is_overcommitted_or_overpaid(self):
        for programme in FundingProgramme.objects.filter(code__in=["wir-2021", "wir-2026"]):
            figures = budget_figures(programme)
            assert [row.year for row in figures] == programme.years
            for row in figures:
                assert row.paid <= row.committed <= row.budget

    def test_four_eyes_held_for_every_decision_and_payment(self):
        decisions = Decision.objects.filter(application__programme__code="wir-2021")
        assert decisions.count() == 21
        assert all(d.decided_by_id != d.recommended_by_id for d in decisions)
        released = Disbursement.objects.exclude(released_by=None)
        assert released.count() == 214
        for disbursement in released:
            assert disbursement.prepared_by_id is not None
            assert disbursement.prepared_by_id != disbursement.released_by_id

    def test_period_2021_is_closed_and_names_its_basis_and_authority(self):
        programme = FundingProgramme.objects.get(code="wir-2021")
        assert not programme.accepts_applications
        assert programme.name == "WIR – Vielfalt und Teilhabe"
        assert programme.legal_basis.startswith("§§ 23 und 44 der Hessischen Landeshaushaltsordnung (LHO)")
        assert (programme.guideline_date, programme.budget_line) == (date(2020, 12, 11), "Kapitel 08 02, Titel 633 51")
        assert programme.financing_type == FundingProgramme.FinancingType.FEHLBEDARF
        assert programme.issuing_authority.name == "Hessisches Ministerium für Soziales und Integration"
        further = programme.cost_categories.get(code="weitere-stelle")
        assert (further.first_year, further.cap_per_year) == (2022, Decimal("20000.00"))

    def test_period_2026_is_open_with_extended_deadline_and_cap(self):
        programme = FundingProgramme.objects.get(code="wir-2026")
        assert programme.accepts_applications
        assert programme.application_deadline == date(2026, 12, 31)
        assert programme.max_grant_per_applicant == Decimal("600000.00")
        assert programme.issuing_authority.name == (
            "Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales")

    def test_htk_application_for_2026_waits_for_review(self):
        application = Application.objects.get(programme__code="wir-2026", municipality__name="Hochtaunuskreis")
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.file_reference == "WIR-26-0001"
        grants = application.financings.filter(source="zuwendung")
        assert {f.year: f.amount for f in grants} == {year: Decimal("120000.00") for year in range(2026, 2031)}

    def test_wmk_and_htk_have_postal_addresses(self):
        wmk = Municipality.objects.get(name="Werra-Meißner-Kreis")
        assert wmk.address_lines == ["Kreisausschuss des Werra-Meißner-Kreises", "Schlossplatz 1",
                                     "37269 Eschwege"]
        htk = Municipality.objects.get(name="Hochtaunuskreis")
        assert htk.address_lines[1:] == ["Ludwig-Erhard-Anlage 1-5", "61352 Bad Homburg v. d. Höhe"]

    def test_history_reads_as_it_happened(self):
        application = wmk_award().application
        entries = list(audit_entries_for(application))
        assert [e.action for e in entries] == [
            "grants.application.created", "grants.application.plan_changed", "grants.application.submitted",
            "grants.application.early_start_consented",  # 18.12.2020, before the period began
            "grants.application.review_started", "grants.application.recommended",
            "grants.application.approved",
        ]
        times = [e.created_at for e in entries]
        assert times == sorted(times)
        assert times[0].year == 2020 and times[-1].date() == date(2021, 10, 19)
        assert application.submitted_at.date() <= date(2020, 12, 31)
        # Every entry carries the moment it stands for; the demo's last step is on 23.11.2026.
        assert not AuditEntry.objects.filter(created_at__date__gt=date(2026, 11, 23)).exists()

    @pytest.mark.parametrize("username", DEMO_ACCOUNTS)
    def test_demo_account_has_its_role_body_and_default_password(self, username):
        user = User.objects.get(username=username)
        role, body = DEMO_ACCOUNTS[username]
        assert user.role == role
        assert (user.municipality.name if user.municipality else None) == body
        assert user.check_password("demo-wir-2021")
        assert user.email.endswith("@example.org")

    def test_admin_is_superuser_and_staff(self):
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff

    def test_running_period_has_awards_paid_calls_and_calls_in_progress(self):
        awards = Award.objects.filter(application__programme__code="wir-2026")
        assert sorted(a.application.municipality.name for a in awards) == ["Bad Homburg v. d. Höhe", "Hanau"]
        for award in awards:
            assert award_total(award) == Decimal("600000.00")
            assert Notice.objects.filter(award=award, kind=Notice.Kind.AWARD).count() == 1
        statuses = sorted(Disbursement.objects.filter(award_year__award__in=awards)
                          .exclude(status=Disbursement.Status.PAID).values_list("status", flat=True))
        assert statuses == [Disbursement.Status.REQUESTED, Disbursement.Status.PREPARED]

    def test_wmk_interim_proofs_are_accepted_and_its_final_proof_is_outstanding(self):
        from grants.models import UsageReport
        reports = UsageReport.objects.filter(award=wmk_award())
        assert sorted((r.kind, r.year, r.status) for r in reports) == [
            ("zwischennachweis", year, "angenommen") for year in (2021, 2022, 2023, 2024)]
        finals = UsageReport.objects.filter(kind="verwendungsnachweis", award__application__programme__code="wir-2021")
        checked = {"Frankfurt am Main", "Wiesbaden", "Kassel", "Offenbach am Main"}
        assert finals.count() == 20
        assert {r.award.application.municipality.name for r in finals.filter(status="angenommen")} == checked
        assert set(finals.exclude(award__application__municipality__name__in=checked)
                   .values_list("status", flat=True)) == {"eingereicht"}

    def test_final_proofs_checked_with_reclaims_settled_open_and_proposed(self):
        from grants.models import Reclaim
        from grants.selectors.reclaims import reclaim_balance
        reclaims = {r.award.application.municipality.name: r for r in Reclaim.objects.select_related(
            "award__application__municipality", "notice")}
        assert {name: r.status for name, r in reclaims.items()} == {
            "Wiesbaden": "erledigt", "Kassel": "festgesetzt", "Offenbach am Main": "vorgeschlagen"}
        wiesbaden = reclaims["Wiesbaden"]
        # 8.450,00 € from the last 2025 payment (10.10.2025) until the day before repayment (09.10.2026),
        # base rate 1,27 % + 5 = 6,27 %: 83 days in 2025 → 120,48 €, 281 days in 2026 → 407,88 €.
        assert wiesbaden.interest_from == date(2025, 10, 10)
        assert [(p.received_on, p.amount) for p in wiesbaden.repayments.all()] == [
            (date(2026, 10, 9), Decimal("8978.36"))]
        assert reclaim_balance(wiesbaden, date(2026, 11, 25)).settled
        assert wiesbaden.notice.kind == "rueckforderung" and reclaims["Kassel"].notice.kind == "rueckforderung"
        assert reclaims["Offenbach am Main"].notice is None
        assert wiesbaden.proposed_by != wiesbaden.decided_by

    def test_reclaim_principals_are_the_suggestion_for_the_financing_type_the_notices_print(self):
        """Each demo reclaim follows from the Fehlbedarfsfinanzierung its award notice prints.
        Wiesbaden by hand: awarded and paid 120.000 + 4 × 140.000 = 680.000; the final proof reports
        the plan's expenditure less 8.450 (vacancy 2025) and the plan's own funds, so the gap is
        680.000 − 8.450 = 671.550; eligible (caps: personnel 5 × 120.000 = 600.000, further position
        4 × 20.000 = 80.000, micro-projects 5 × 5.000 = 25.000) is 705.000 → the grant the proof
        supports is 671.550, the refund 680.000 − 671.550 = 8.450,00. Kassel: 1.236,40 of unplanned
        third-party money; Offenbach: 2.180,00 of micro-project money not passed on."""
        from grants.models import Reclaim
        from grants.selectors.awards import award_notice_of
        from grants.selectors.reclaims import reclaim_suggestion
        principals = {}
        for reclaim in Reclaim.objects.select_related("award__application__municipality", "usage_report",
                                                      "award_year__budget"):
            notice = award_notice_of(reclaim.award)
            assert notice is not None
            printed = Notice.objects.get(pk=notice.pk).snapshot["award"]["financing"]
            assert printed["type"] == reclaim.award.financing_type == "fehlbedarf"
            assert printed["label"] == "Fehlbedarfsfinanzierung"
            suggestion = reclaim_suggestion(reclaim.usage_report, reclaim.award_year, exclude=reclaim)
            assert suggestion.amount == reclaim.principal
            principals[reclaim.award.application.municipality.name] = reclaim.principal
        assert principals == {"Wiesbaden": Decimal("8450.00"), "Kassel": Decimal("1236.40"),
                              "Offenbach am Main": Decimal("2180.00")}
        wiesbaden = Reclaim.objects.get(award__application__municipality__name="Wiesbaden")
        suggestion = reclaim_suggestion(wiesbaden.usage_report, wiesbaden.award_year, exclude=wiesbaden)
        assert (suggestion.paid, suggestion.gap, suggestion.eligible, suggestion.funded) == (
            Decimal("680000.00"), Decimal("671550.00"), Decimal("705000.00"), Decimal("671550.00"))

    def test_award_notices_print_the_financing_type_with_its_consequence(self):
        import io

        import pdfplumber
        notice = Notice.objects.get(award=wmk_award(), kind=Notice.Kind.AWARD)  # the stored PDF
        with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as document:
            text = " ".join(" ".join((page.extract_text() or "").split()) for page in document.pages)
        assert "Finanzierungsart Fehlbedarfsfinanzierung" in text
        assert ("Die Zuwendung deckt den Fehlbedarf, der nach Einsatz der Eigenmittel und der Mittel Dritter "
                "verbleibt, höchstens 500.000,00 €") in text
        assert "jede zusätzliche Einnahme mindert die Zuwendung in voller Höhe (Nr. 2.1 ANBest-GK)" in text

    def test_every_rueckforderungsbescheid_was_preceded_by_a_hearing(self):
        """§ 28 HVwVfG: letter after the proposal, the notice only after the answer or the
        deadline, the weighing printed, within a year of knowing the facts (§ 48 Abs. 4)."""
        from django.utils import timezone

        from grants.models import Reclaim, ReclaimHearing
        issued = Reclaim.objects.filter(notice__isnull=False).select_related("notice", "hearing",
                                                                              "award__application__municipality")
        assert {r.award.application.municipality.name for r in issued} == {"Wiesbaden", "Kassel"}
        for reclaim in issued:
            hearing, notice = reclaim.hearing, reclaim.notice
            assert timezone.localdate(reclaim.proposed_at) <= hearing.letter_date < notice.issued_on
            assert hearing.reply_due == hearing.letter_date + timedelta(days=28)
            answered_on = timezone.localdate(hearing.answered_at) if hearing.answered_at else None
            assert (answered_on is not None and answered_on <= notice.issued_on) or notice.issued_on > hearing.reply_due
            assert reclaim.weighing and notice.issued_on <= reclaim.revocation_deadline
            printed = notice.snapshot["reclaim"]
            assert printed["hearing"]["letter_date"] == hearing.letter_date.isoformat()
            assert printed["weighing"] == reclaim.weighing
        offenbach = ReclaimHearing.objects.get(reclaim__award__application__municipality__name="Offenbach am Main")
        assert (offenbach.letter_date, offenbach.reply_due, offenbach.answered_at) == (
            date(2026, 11, 23), date(2026, 12, 21), None)

    def test_grants_with_accepted_final_proof_and_no_open_reclaim_are_closed(self):
        closed = Award.objects.filter(status=Award.Status.CLOSED)
        assert sorted(a.application.municipality.name for a in closed) == ["Frankfurt am Main", "Wiesbaden"]

    def test_bad_homburg_amendment_is_approved_with_a_notice_and_hanaus_waits(self):
        from grants.models import AmendmentRequest
        requests = {r.award.application.municipality.name: r for r in AmendmentRequest.objects.all()}
        homburg, hanau = requests["Bad Homburg v. d. Höhe"], requests["Hanau"]
        assert (homburg.status, homburg.notice.kind, homburg.revision.number) == ("bewilligt", "aenderung", 2)
        years = {row.year: row.amount for row in homburg.award.years.select_related("budget")}
        assert (years[2027], years[2028], award_total(homburg.award)) == (
            Decimal("125000.00"), Decimal("115000.00"), Decimal("600000.00"))
        assert hanau.status == "eingereicht"

    def test_output_summarises_and_lists_the_accounts(self, seeded):
        assert "Zuwendungen: 23" in seeded
        assert "500.000,00 €" in seeded
        assert "koordination-wmk" in seeded and "Werra-Meißner-Kreis" in seeded
        assert "demo-wir-2021" in seeded

    def test_seeding_history_sends_no_mail(self):
        """The seed ran with its on-commit callbacks executed (as after the command's commit):
        the notifications of the historic steps went to nobody's mailbox."""
        assert SEEDED.demo is not None and SEEDED.demo.mails == []

    def test_second_run_changes_nothing(self, settings):
        settings.DEBUG = True
        before = snapshot()
        output = run_seed()
        assert snapshot() == before
        assert "bereits vorhanden" in output

    def test_second_run_keeps_changed_passwords(self, settings):
        settings.DEBUG = True
        user = User.objects.get(username="koordination-wmk")
        user.set_password("selbst-gewaehlt-2026")
        user.save()
        run_seed()
        user.refresh_from_db()
        assert user.check_password("selbst-gewaehlt-2026")

    def test_password_option_sets_the_password_of_every_demo_account(self, settings):
        settings.DEBUG = True
        counts = snapshot()["counts"]
        output = run_seed("--password", "other")
        for username in DEMO_ACCOUNTS:
            assert User.objects.get(username=username).check_password("other")
        assert snapshot()["counts"] == counts
        assert "other" in output

    def test_force_runs_without_debug(self, settings):
        settings.DEBUG = False
        assert "bereits vorhanden" in run_seed("--force")
