"""The Finanzierungsart (VV Nr. 2 zu § 44 LHO) as data of the programme period and of each grant,
and the refund it suggests after a proof of use (Nr. 2.1 ANBest-GK) – every figure by hand.

Scenario: programme 2021–2025 (tests/factories.py), 100.000,00 € awarded per year; the binding plan
per year: personnel 118.000 (2,0 positions, cap 2 × 60.000 = 120.000), micro-projects 5.000 (cap
5.000 a year), material costs 7.000 (not fundable) = 130.000, financed by the grant 100.000 and own
funds 30.000. The whole 2023 amount, 100.000,00 €, was paid on 02.11.2023; the interim proof 2023
reports the figures each test states. Today is 01.03.2024.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.selectors import audit_entries_for
from core.errors import FieldErrors, InvalidTransition, NotPermitted
from grants.models import Award, FundingProgramme, UsageReport, UsageReportExpenditure
from grants.models.programmes import FinancingType
from grants.notices.render import render_notice_pdf
from grants.selectors.reclaims import reclaim_suggestion
from grants.services.awards import award_financing_set
from grants.services.usage_reports import usage_report_attach_narrative, usage_report_save, usage_report_submit
from tests import factories
from tests.grants.notices.test_render import pages_text, snapshot
from tests.grants.reclaim_fixtures import PDF, ensure_base_rates, frozen_clock, pay  # noqa: F401

pytestmark = pytest.mark.usefixtures("private_storage")

M = Decimal
FT = FinancingType


def flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture
def make_award(coordinator_a, clerk, approver):
    """An award of the given type (set by Bewilligung before the notice), its notice issued and
    100.000,00 € of 2023 paid."""
    def make(financing_type: str, share: Decimal | None = None) -> Award:
        ensure_base_rates()
        programme = factories.make_programme(code="wir-2021", start=2021, end=2025)
        award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2021, 10, 28), notice=False)
        award = award_financing_set(award=award, user=approver, financing_type=financing_type,
                                    financing_share=share)
        factories.issue_notice(award.application, approver, date(2021, 10, 29))
        pay(award, 2023, M("100000.00"), date(2023, 11, 2), coordinator=coordinator_a, clerk=clerk,
            approver=approver)
        return award
    return make


def interim_2023(award, coordinator, *, personal, micro="5000.00", material="7000.00", own="30000.00",
                 third=None) -> UsageReport:
    spent = {"personal": M(personal), "mikroprojekte": M(micro), "sachausgaben": M(material)}
    received = {"zuwendung": M("100000.00"), "eigenmittel": M(own)}
    if third is not None:
        received["drittmittel"] = M(third)
    report = usage_report_save(award=award, kind=UsageReport.Kind.INTERIM, year=2023, user=coordinator,
                               expenditures=spent, financings=received)
    usage_report_attach_narrative(report=report, user=coordinator, name="Sachbericht.pdf", content=PDF)
    return usage_report_submit(report=report, user=coordinator, declaration=True)


def suggest(report: UsageReport):
    return reclaim_suggestion(report, report.award.years.get(budget__year=2023))


# -- Festbetragsfinanzierung ---------------------------------------------------------------------


def test_festbetrag_refunds_what_was_paid_beyond_the_eligible_expenditure(make_award, coordinator_a):
    award = make_award(FT.FESTBETRAG)
    # below the plan: personnel 90.000 + micro-projects 5.000 = 95.000 eligible (material not fundable);
    # the fixed amount 100.000 falls to 95.000 → refund 100.000 − 95.000 = 5.000
    s = suggest(interim_2023(award, coordinator_a, personal="90000.00"))
    assert (s.spent, s.eligible, s.funded, s.amount) == (M("102000.00"), M("95000.00"), M("95000.00"), M("5000.00"))


def test_festbetrag_is_not_reduced_by_savings_above_it_nor_by_other_income(make_award, coordinator_a):
    award = make_award(FT.FESTBETRAG)
    # spent 122.000 (8.000 below the plan) and 10.000 of unplanned third-party money:
    # eligible 110.000 + 5.000 = 115.000 ≥ 100.000 → the fixed amount stands, refund 0
    s = suggest(interim_2023(award, coordinator_a, personal="110000.00", third="10000.00"))
    assert (s.eligible, s.other_financing, s.funded, s.amount) == (
        M("115000.00"), M("40000.00"), M("100000.00"), M("0.00"))


def test_festbetrag_above_the_plan_counts_only_up_to_the_caps(make_award, coordinator_a):
    award = make_award(FT.FESTBETRAG)
    # above the plan: personnel 125.000 capped at 2 × 60.000 = 120.000, micro-projects 6.000 capped at
    # 5.000 → eligible 125.000 → funded 100.000 (the amount awarded) → refund 0
    s = suggest(interim_2023(award, coordinator_a, personal="125000.00", micro="6000.00", own="38000.00"))
    assert [(line.reported, line.eligible) for line in s.lines] == [
        (M("125000.00"), M("120000.00")), (M("6000.00"), M("5000.00")), (M("7000.00"), M("0.00"))]
    assert (s.eligible, s.funded, s.amount) == (M("125000.00"), M("100000.00"), M("0.00"))


# -- Anteilfinanzierung --------------------------------------------------------------------------


def test_anteil_refunds_the_share_of_the_shortfall(make_award, coordinator_a):
    award = make_award(FT.ANTEIL, M("80"))
    # eligible 95.000 × 80 % = 76.000 → refund 100.000 − 76.000 = 24.000
    s = suggest(interim_2023(award, coordinator_a, personal="90000.00"))
    assert (s.eligible, s.share_of_eligible, s.funded, s.amount) == (
        M("95000.00"), M("76000.00"), M("76000.00"), M("24000.00"))


def test_anteil_is_capped_at_the_amount_awarded(make_award, coordinator_a):
    award = make_award(FT.ANTEIL, M("80"))
    # above the plan: eligible 125.000 × 80 % = 100.000 = the amount awarded → refund 0;
    # personnel 130.000 (capped 120.000) → eligible 125.000 too: more spending adds nothing
    s = suggest(interim_2023(award, coordinator_a, personal="130000.00", micro="6000.00", own="43000.00"))
    assert (s.eligible, s.funded, s.amount) == (M("125000.00"), M("100000.00"), M("0.00"))


def test_anteil_rounds_the_share_to_the_cent(make_award, coordinator_a):
    award = make_award(FT.ANTEIL, M("62.5"))
    # eligible 90.001,01 + 5.000 = 95.001,01 × 62,5 % = 59.375,63125 → 59.375,63; refund 40.624,37
    s = suggest(interim_2023(award, coordinator_a, personal="90001.01"))
    assert (s.funded, s.amount) == (M("59375.63"), M("40624.37"))


# -- Fehlbedarfsfinanzierung ---------------------------------------------------------------------


def test_fehlbedarf_every_saving_reduces_the_grant_in_full(make_award, coordinator_a):
    award = make_award(FT.FEHLBEDARF)
    # spent 102.000 − own funds 30.000 = gap 72.000 (eligible 95.000 is more) → refund 28.000
    s = suggest(interim_2023(award, coordinator_a, personal="90000.00"))
    assert (s.gap, s.eligible, s.funded, s.amount) == (M("72000.00"), M("95000.00"), M("72000.00"), M("28000.00"))


def test_fehlbedarf_every_additional_income_reduces_the_grant_in_full(make_award, coordinator_a):
    award = make_award(FT.FEHLBEDARF)
    # spent as planned 130.000 − (own 30.000 + unplanned third-party 10.000) = 90.000 → refund 10.000
    s = suggest(interim_2023(award, coordinator_a, personal="118000.00", third="10000.00"))
    assert (s.gap, s.funded, s.amount) == (M("90000.00"), M("90000.00"), M("10000.00"))


def test_fehlbedarf_above_the_plan_refunds_nothing(make_award, coordinator_a):
    award = make_award(FT.FEHLBEDARF)
    # spent 138.000 − own 38.000 = 100.000 = awarded → refund 0
    s = suggest(interim_2023(award, coordinator_a, personal="125000.00", micro="6000.00", own="38000.00"))
    assert (s.gap, s.funded, s.amount) == (M("100000.00"), M("100000.00"), M("0.00"))


def test_fehlbedarf_never_funds_more_than_the_eligible_expenditure(make_award, coordinator_a):
    award = make_award(FT.FEHLBEDARF)
    # spent 92.000 with no own funds: gap 92.000, but only 80.000 + 5.000 = 85.000 are eligible (the
    # material costs 7.000 are not) → funded 85.000 → refund 15.000
    s = suggest(interim_2023(award, coordinator_a, personal="80000.00", own="0.00"))
    assert (s.gap, s.eligible, s.funded, s.amount) == (M("92000.00"), M("85000.00"), M("85000.00"), M("15000.00"))


# -- Vollfinanzierung ----------------------------------------------------------------------------


def test_voll_funds_the_eligible_expenditure_and_every_saving_reduces_it(make_award, coordinator_a):
    award = make_award(FT.VOLL)
    # eligible 90.000 + 5.000 = 95.000; the own funds 7.000 pay the material costs → gap 95.000
    # → funded 95.000 → refund 5.000
    s = suggest(interim_2023(award, coordinator_a, personal="90000.00", own="7000.00"))
    assert (s.eligible, s.gap, s.funded, s.amount) == (M("95000.00"), M("95000.00"), M("95000.00"), M("5000.00"))


def test_voll_is_reduced_by_income(make_award, coordinator_a):
    award = make_award(FT.VOLL)
    # as above plus 3.000 third-party money: gap 102.000 − 10.000 = 92.000 → refund 8.000
    s = suggest(interim_2023(award, coordinator_a, personal="90000.00", own="7000.00", third="3000.00"))
    assert (s.funded, s.amount) == (M("92000.00"), M("8000.00"))


def test_voll_above_the_plan_is_capped_at_the_amount_awarded(make_award, coordinator_a):
    award = make_award(FT.VOLL)
    # eligible 125.000, gap 138.000 − 38.000 = 100.000 → funded 100.000 → refund 0
    s = suggest(interim_2023(award, coordinator_a, personal="125000.00", micro="6000.00", own="38000.00"))
    assert (s.funded, s.amount) == (M("100000.00"), M("0.00"))


# -- final proof: over the whole period, capped by the chosen year ----------------------------


def test_final_proof_is_computed_over_all_years_and_capped_by_the_chosen_year(
        make_award, coordinator_a, clerk, approver):
    award = make_award(FT.FESTBETRAG)
    pay(award, 2024, M("20000.00"), date(2024, 1, 2), coordinator=coordinator_a, clerk=clerk, approver=approver)
    final = UsageReport.objects.create(award=award, kind=UsageReport.Kind.FINAL, status=UsageReport.Status.SUBMITTED)
    personal = award.application.programme.cost_categories.get(code="personal")
    UsageReportExpenditure.objects.create(report=final, category=personal, amount=M("60000.00"))
    # eligible 60.000 (cap 5 × 120.000); awarded 500.000 → funded 60.000; paid 120.000 → 60.000,
    # of which 2024 can give back only its 20.000, 2023 its 100.000
    in_2024 = reclaim_suggestion(final, award.years.get(budget__year=2024))
    in_2023 = reclaim_suggestion(final, award.years.get(budget__year=2023))
    assert (in_2024.paid, in_2024.awarded, in_2024.funded) == (M("120000.00"), M("500000.00"), M("60000.00"))
    assert (in_2024.amount, in_2023.amount) == (M("20000.00"), M("60000.00"))


# -- data of the programme period ----------------------------------------------------------------


@pytest.mark.parametrize("financing_type, share, message", [
    (FT.ANTEIL, None, "Bei Anteilfinanzierung ist der Anteil in Prozent anzugeben."),
    (FT.ANTEIL, M("0"), "Der Anteil muss über 0 und höchstens 100 % betragen."),
    (FT.ANTEIL, M("100.01"), "Der Anteil muss über 0 und höchstens 100 % betragen."),
    (FT.FESTBETRAG, M("50"), "Ein Anteil wird nur bei Anteilfinanzierung angegeben."),
])
def test_programme_share_must_fit_the_financing_type(programme, financing_type, share, message):
    programme.financing_type, programme.financing_share = financing_type, share
    with pytest.raises(ValidationError) as refusal:
        programme.full_clean()
    assert message in refusal.value.message_dict["financing_share"]


def test_programme_share_of_100_percent_is_valid(programme):
    programme.financing_type, programme.financing_share = FT.ANTEIL, M("100")
    programme.full_clean()


def test_database_refuses_anteil_without_a_share(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingProgramme.objects.filter(pk=programme.pk).update(financing_type=FT.ANTEIL)


def test_approval_copies_the_programmes_type_and_share(programme, coordinator_a, clerk, approver):
    FundingProgramme.objects.filter(pk=programme.pk).update(financing_type=FT.ANTEIL, financing_share=M("80"))
    programme.refresh_from_db()
    award = factories.approved_award(programme, coordinator_a, clerk, approver, notice=False)
    award.refresh_from_db()
    assert (award.financing_type, award.financing_share) == (FT.ANTEIL, M("80.00"))


# -- changing it on the award until the notice --------------------------------------------------


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, notice=False)


def test_bewilligung_changes_the_type_before_the_notice_with_an_audit_entry(award, approver):
    award_financing_set(award=award, user=approver, financing_type=FT.ANTEIL, financing_share=M("75"))
    award.refresh_from_db()
    assert (award.financing_type, award.financing_share) == (FT.ANTEIL, M("75.00"))
    entry = [e for e in audit_entries_for(award) if e.action == "grants.award.financing_changed"][-1]
    assert entry.actor == approver
    assert entry.changes == {"financing_type": ["festbetrag", "anteil"], "financing_share": [None, "75"]}


def test_anteil_without_a_share_is_refused_beside_the_field(award, approver):
    with pytest.raises(FieldErrors) as refusal:
        award_financing_set(award=award, user=approver, financing_type=FT.ANTEIL, financing_share=None)
    assert refusal.value.errors == {"financing_share": ["Bei Anteilfinanzierung ist der Anteil in Prozent anzugeben."]}
    award.refresh_from_db()
    assert award.financing_type == FT.FESTBETRAG


def test_a_share_is_dropped_for_the_other_types(award, approver):
    award_financing_set(award=award, user=approver, financing_type=FT.VOLL, financing_share=M("80"))
    award.refresh_from_db()
    assert (award.financing_type, award.financing_share) == (FT.VOLL, None)


def test_clerk_cannot_change_the_type(award, clerk):
    with pytest.raises(NotPermitted):
        award_financing_set(award=award, user=clerk, financing_type=FT.VOLL, financing_share=None)


def test_type_is_fixed_once_the_award_notice_is_issued(award, approver):
    notice = factories.issue_notice(award.application, approver, date(2026, 1, 5))
    with pytest.raises(InvalidTransition) as refusal:
        award_financing_set(award=award, user=approver, financing_type=FT.VOLL, financing_share=None)
    assert refusal.value.message == (
        f"Der Zuwendungsbescheid {notice.number} ist erlassen; die Finanzierungsart steht damit fest und kann nur "
        "noch durch einen Änderungsbescheid geändert werden.")
    award.refresh_from_db()
    assert award.financing_type == FT.FESTBETRAG


# -- the page ------------------------------------------------------------------------------------


def test_approver_changes_the_type_on_the_page(client, award, approver):
    client.force_login(approver)
    page = client.get(reverse("grants:application_detail", args=[award.application_id])).content.decode()
    assert "Festbetragsfinanzierung" in page and reverse("grants:award_financing", args=[award.application_id]) in page
    response = client.post(reverse("grants:award_financing", args=[award.application_id]),
                           {"financing_type": "anteil", "financing_share": "62,5"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.financing_type, award.financing_share) == (FT.ANTEIL, M("62.50"))
    page = client.get(reverse("grants:application_detail", args=[award.application_id])).content.decode()
    assert "Anteilfinanzierung" in page and "62,5 % der zuwendungsfähigen Ausgaben" in page


def test_page_shows_the_missing_share_beside_the_field(client, award, approver):
    client.force_login(approver)
    response = client.post(reverse("grants:award_financing", args=[award.application_id]),
                           {"financing_type": "anteil", "financing_share": ""})
    assert response.status_code == 200
    assert "Bei Anteilfinanzierung ist der Anteil in Prozent anzugeben." in response.content.decode()


def test_page_refuses_after_the_notice_and_says_why(client, award, approver):
    factories.issue_notice(award.application, approver, date(2026, 1, 5))
    client.force_login(approver)
    detail = reverse("grants:application_detail", args=[award.application_id])
    page = client.get(detail).content.decode()
    assert "die Finanzierungsart steht damit fest" in page
    assert reverse("grants:award_financing", args=[award.application_id]) not in page
    response = client.post(reverse("grants:award_financing", args=[award.application_id]),
                           {"financing_type": "voll"})
    assert response.status_code == 302 and response.url == detail
    award.refresh_from_db()
    assert award.financing_type == FT.FESTBETRAG


@pytest.mark.parametrize("who", ["coordinator_a", "clerk"])
def test_others_cannot_open_the_page(client, award, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("grants:award_financing", args=[award.application_id]))
    assert response.status_code in (403, 404)


# -- the notice ----------------------------------------------------------------------------------


def test_notice_prints_the_awards_type_not_the_programmes(award, approver):
    award_financing_set(award=award, user=approver, financing_type=FT.ANTEIL, financing_share=M("80"))
    notice = factories.issue_notice(award.application, approver, date(2026, 1, 5))
    assert notice.snapshot["award"]["financing"]["type"] == "anteil"
    assert notice.snapshot["programme"]["financing_type"] == "Festbetragsfinanzierung"
    text = flat(" ".join(pages_text(bytes(notice.pdf))))
    assert "Finanzierungsart Anteilfinanzierung (80 % der zuwendungsfähigen Ausgaben)" in text
    assert ("Die Zuwendung beträgt 80 % der zuwendungsfähigen Ausgaben, höchstens 500.000,00 € "
            "(VV Nr. 2 zu § 44 LHO). Sinken die zuwendungsfähigen Ausgaben, ermäßigt sich die Zuwendung anteilig "
            "(Nr. 2.1 ANBest-GK).") in text


@pytest.mark.parametrize("financing_type, label, consequence", [
    ("festbetrag", "Festbetragsfinanzierung",
     "Die Zuwendung wird als Festbetrag von 500.000,00 € gewährt (VV Nr. 2 zu § 44 LHO). Einsparungen bei den "
     "Ausgaben und weitere Einnahmen mindern sie nicht; sinken die zuwendungsfähigen Ausgaben unter den "
     "Festbetrag, ermäßigt sich die Zuwendung auf die Höhe der zuwendungsfähigen Ausgaben."),
    ("fehlbedarf", "Fehlbedarfsfinanzierung",
     "jede zusätzliche Einnahme mindert die Zuwendung in voller Höhe (Nr. 2.1 ANBest-GK)."),
    ("voll", "Vollfinanzierung",
     "Die Zuwendung deckt die gesamten zuwendungsfähigen Ausgaben, höchstens 500.000,00 €"),
])
def test_each_type_is_printed_with_its_consequence(award, approver, financing_type, label, consequence):
    award_financing_set(award=award, user=approver, financing_type=financing_type, financing_share=None)
    notice = factories.issue_notice(award.application, approver, date(2026, 1, 5))
    text = flat(" ".join(pages_text(bytes(notice.pdf))))
    assert f"Finanzierungsart {label}" in text and consequence in text


def test_an_old_snapshot_without_the_awards_type_prints_the_programmes():
    data = snapshot()
    assert "financing" not in data["award"]
    text = flat(" ".join(pages_text(render_notice_pdf(data))))
    assert "Finanzierungsart Festbetragsfinanzierung" in text and "Die Zuwendung wird als Festbetrag" not in text
