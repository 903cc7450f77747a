"""The closed funding period 2021–2025: 21 WIR-Vielfaltszentren from application to final proof.

`build_2021` creates the programme and its budgets, then takes each centre of CENTRES_2021
through application, review, recommendation, award and notice (the Werra-Meißner-Kreis's
handed over on 29.10.2021 in Eschwege), pays out two calls a year, files the interim proofs
2021–2024 and the final proofs (all but the Werra-Meißner-Kreis's), and checks four final
proofs: Frankfurt's grant closed without findings, a reclaim repaid by Wiesbaden (its grant
closed too), one issued to Kassel and one proposed for Offenbach. At the end the period is
closed for applications.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import User
from core.money import ZERO, to_money
from grants.demo import notice_parts
from grants.demo.common import (
    CODE_2021,
    WMK,
    History,
    at,
    balanced_plan,
    centre_purpose,
    create_programme,
    issuing_authority,
    workday,
)
from grants.models import (
    Application,
    Award,
    HandoverCeremony,
    Notice,
    NoticeDelivery,
    Reclaim,
    UsageReport,
)
from grants.plan import codec
from grants.plan.lines import FinancingSource
from grants.selectors.awards import award_year_figures
from grants.services.applications import application_create, application_submit
from grants.services.awards import application_approve
from grants.services.budgets import budget_set
from grants.services.closing import award_close
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_release,
    disbursement_request,
)
from grants.services.early_start import early_start_consent_record
from grants.services.hearings import reclaim_hearing_answer, reclaim_hearing_send
from grants.services.notice_deliveries import notice_delivery_record
from grants.services.notices import notice_issue
from grants.services.plans import financing_plan_replace
from grants.services.reclaims import (
    payment_dates,
    reclaim_balance,
    reclaim_book_repayment,
    reclaim_issue,
    reclaim_propose,
)
from grants.services.reviews import application_recommend, application_request_changes, application_start_review
from grants.services.usage_reports import (
    usage_report_accept,
    usage_report_attach_narrative,
    usage_report_save,
    usage_report_submit,
)


@dataclass(frozen=True)
class Centre:
    """One WIR-Vielfaltszentrum of 2021–2025: who applied and what was awarded.

    `grant_first` is the grant for 2021, `grant_later` for each of 2022–2025;
    `cut_first` (if set) is what the clerk recommended for 2021 instead of the request.
    """

    body: str
    username: str
    first_name: str
    last_name: str
    email: str
    grant_first: Decimal
    grant_later: Decimal
    positions: Decimal = Decimal("2.00")
    further_position: bool = False
    third_party: Decimal = ZERO
    cut_first: Decimal | None = None
    change_request: str = ""


def _c(body, username, first, last, email, first_year, later, **kw) -> Centre:
    return Centre(body, f"koordination-{username}", first, last, f"{email}@example.org",
                  Decimal(first_year), Decimal(later), **kw)


# In the order they were processed (file references and notice numbers follow it).
CENTRES_2021 = [
    _c("Frankfurt am Main", "frankfurt", "Anna", "Schäfer", "anna.schaefer", "125000.00", "143000.00",
       further_position=True, third_party=Decimal("10000.00")),
    _c("Wiesbaden", "wiesbaden", "Mehmet", "Yılmaz", "mehmet.yilmaz", "120000.00", "140000.00",
       further_position=True),
    _c("Kassel", "kassel", "Laura", "Becker", "laura.becker", "115000.00", "135000.00",
       further_position=True, third_party=Decimal("8000.00")),
    _c("Offenbach am Main", "offenbach", "Aylin", "Demir", "aylin.demir", "120000.00", "138000.00",
       further_position=True,
       change_request="Bitte erläutern Sie die Aufgabenteilung der beiden Koordinationsstellen und wie die "
                      "Mikroprojekte an gemeinnützige Träger vergeben werden."),
    _c("Darmstadt", "darmstadt", "Stefan", "Wagner", "stefan.wagner", "110000.00", "130000.00",
       further_position=True),
    _c("Main-Kinzig-Kreis", "main-kinzig", "Christina", "Schulz", "christina.schulz", "125000.00", "140000.00",
       further_position=True),
    _c("Offenbach", "kreis-offenbach", "Jonas", "Fischer", "jonas.fischer", "115000.00", "135000.00",
       further_position=True),
    _c("Groß-Gerau", "gross-gerau", "Fatma", "Kaya", "fatma.kaya", "110000.00", "125000.00"),
    _c("Wetteraukreis", "wetterau", "Markus", "Richter", "markus.richter", "115000.00", "130000.00",
       further_position=True),
    _c("Lahn-Dill-Kreis", "lahn-dill", "Nadine", "Wolf", "nadine.wolf", "105000.00", "125000.00"),
    _c("Gießen", "kreis-giessen", "Daniel", "Krüger", "daniel.krueger", "110000.00", "125000.00"),
    _c("Marburg-Biedenkopf", "marburg-biedenkopf", "Elena", "Popescu", "elena.popescu", "105000.00", "120000.00"),
    _c("Fulda", "kreis-fulda", "Sebastian", "Neumann", "sebastian.neumann", "100000.00", "115000.00"),
    _c("Kassel (Landkreis)", "kreis-kassel", "Miriam", "Braun", "miriam.braun", "100000.00", "120000.00"),
    _c("Schwalm-Eder-Kreis", "schwalm-eder", "Ahmet", "Öztürk", "ahmet.oeztuerk", "95000.00", "110000.00",
       positions=Decimal("1.50"), further_position=True),
    _c("Bergstraße", "bergstrasse", "Julia", "Zimmermann", "julia.zimmermann", "110000.00", "125000.00"),
    _c("Main-Taunus-Kreis", "main-taunus", "Thomas", "Hartmann", "thomas.hartmann", "105000.00", "120000.00"),
    _c("Hanau", "hanau", "Sarah", "Lange", "sarah.lange", "110000.00", "125000.00"),
    _c("Rüsselsheim am Main", "ruesselsheim", "Lukas", "Schmitt", "lukas.schmitt", "90000.00", "100000.00",
       positions=Decimal("1.50"), further_position=True),
    _c("Vogelsbergkreis", "vogelsberg", "Katharina", "Vogel", "katharina.vogel", "90000.00", "90000.00",
       positions=Decimal("1.50"), cut_first=Decimal("85000.00")),
    Centre(WMK, "koordination-wmk", "Jana", "Keller", "jana.keller@example.org",
           Decimal("100000.00"), Decimal("100000.00"), positions=Decimal("1.75")),
]



def build_2021(accounts: dict[str, User], history: History, centres: list[Centre]) -> None:
    admin, clerk, approver = accounts["admin"], accounts["sachbearbeitung"], accounts["bewilligung"]
    authority = issuing_authority("Hessisches Ministerium für Soziales und Integration")
    # Created open with the historic deadline so the 2020 applications can go through the
    # services; closed at the end, as the period is today.
    programme = create_programme(code=CODE_2021, start=2021, authority=authority, further_from=2022,
                                 application_deadline=date(2020, 12, 31), accepts_applications=True)
    notice_parts.configure(programme, first_year_budget=2021)
    notice_parts.name_history(authority)
    for year in programme.years:
        note = "Haushaltsansatz 2021" if year == 2021 else "Verpflichtungsermächtigung im Haushalt 2021"
        history.at(at(date(2021, 2, 1), 10, year - 2020), budget_set, programme=programme, year=year,
                   amount=Decimal("2700000.00"), user=admin, note=note)
    ceremony = HandoverCeremony.objects.create(
        date=date(2021, 10, 29), place="Eschwege", official_title="Staatssekretärin", official_name="Anne Janz",
        note="Übergabe des Zuwendungsbescheids für das WIR-Vielfaltszentrum des Werra-Meißner-Kreises.")

    awarded = []
    for index, centre in enumerate(centres):
        coordinator = accounts[centre.username]
        grants = {year: centre.grant_first if year == 2021 else centre.grant_later for year in programme.years}
        created = workday(date(2020, 11, 16) + timedelta(days=index))
        application = history.at(
            at(created, 9, 15), application_create, user=coordinator, programme=programme, today=created,
            title=f"WIR-Vielfaltszentrum {centre.body}", purpose=centre_purpose(centre.body),
            period_start=programme.period_start, period_end=programme.period_end,
            contact_name=coordinator.get_full_name(), contact_email=coordinator.email)
        expenditures, financings = balanced_plan(programme, programme.years, grants,
                                                 positions=centre.positions, further=centre.further_position,
                                                 third_party=centre.third_party)
        history.at(at(created, 11, 40), financing_plan_replace, application=application, user=coordinator,
                   expenditures=expenditures, financings=financings)
        submitted = at(workday(created + timedelta(days=7)), 14, 5)
        history.at(submitted, application_submit, application=application, user=coordinator, now=submitted)
        # The period begins on 1 January 2021, the notices follow during 2021: the ministry
        # consented to an early start of every centre in December 2020.
        history.at(at(date(2020, 12, 18), 10), early_start_consent_record, application=application, user=approver,
                   consented_on=date(2020, 12, 18), consented_by=notice_parts.EARLY_START_BY,
                   allowed_from=programme.period_start)

        review = workday(date(2021, 1, 11) + timedelta(days=2 * index))
        history.at(at(review, 9, 30), application_start_review, application=application, user=clerk)
        if centre.change_request:
            history.at(at(review, 15), application_request_changes, application=application,
                       user=clerk, message=centre.change_request)
            answered = at(workday(review + timedelta(days=9)), 10, 20)
            history.at(answered, application_submit, application=application, user=coordinator, now=answered,
                       answer="Stelle 1 koordiniert das Netzwerk der Integrationsarbeit, Stelle 2 übernimmt das "
                              "Fallmanagement. Die Mikroprojekte werden über einen jährlichen Aufruf an "
                              "gemeinnützige Träger vergeben.")
            history.at(at(workday(review + timedelta(days=12)), 9), application_start_review,
                       application=application, user=clerk)

        if centre.body == WMK:
            decided_on = date(2021, 10, 19)  # handed over on 29.10.2021 in Eschwege
        else:
            decided_on = workday(date(2021, 4, 12) + timedelta(days=8 * index))
        recommended = at(workday(decided_on - timedelta(days=14)), 11)
        amounts = dict(grants)
        justification = ""
        if centre.cut_first is not None:
            amounts[2021] = centre.cut_first
            justification = ("Kürzung 2021: Die Koordinationsstelle wird laut Antrag erst zum 01.03.2021 "
                             "vollständig besetzt; die Personalausgaben 2021 sind anteilig angesetzt.")
        history.at(recommended, application_recommend, application=application, user=clerk,
                   amounts=amounts, justification=justification)
        decided = at(decided_on, 14, 30)
        award = history.at(decided, application_approve, application=application, user=approver, now=decided)
        Application.objects.filter(pk=application.pk).update(updated_at=decided)

        issued_on = date(2021, 10, 29) if centre.body == WMK else workday(decided_on + timedelta(days=7))
        # The Werra-Meißner notice is handed over at the ceremony (its Bekanntgabe is recorded with it);
        # the others go by post the day they are issued (Bekanntgabe three days later, § 41 Abs. 2 HVwVfG).
        # Every first payment follows the notice (no money before the notice).
        notice = history.at(at(issued_on, 10), notice_issue, application=application, kind=Notice.Kind.AWARD,
                            user=approver, issued_on=issued_on, ceremony=ceremony if centre.body == WMK else None)
        if centre.body != WMK:
            history.at(at(issued_on, 16), notice_delivery_record, notice=notice, user=clerk,
                       method=NoticeDelivery.Method.POST, event_on=issued_on)

        awarded.append(_Awarded(award, coordinator, amounts, issued_on, index))

    _pay_out(history, awarded, programme.years, clerk, approver)
    _prove_use(history, awarded, programme.years, clerk)
    _check_final_proofs(history, awarded, clerk, approver)

    programme.accepts_applications = False
    programme.save(update_fields=["accepts_applications"])


@dataclass(frozen=True)
class _Awarded:
    award: Award
    coordinator: User
    amounts: dict[int, Decimal]
    issued_on: date
    index: int


def _pay_out(history: History, awarded: list[_Awarded], years: list[int], clerk: User, approver: User) -> None:
    """Two calls per year and award, in the order they happened (so payment references run
    by date): each requested by the coordinator, prepared by the clerk, released by the
    approver (four-eyes) and booked by the clerk."""
    for year in years:
        reference = 0
        for number, half in ((1, "Januar bis Juni"), (2, "Juli bis Dezember")):
            for item in awarded:
                amount = item.amounts[year]
                first = to_money(amount / 2)
                part = first if number == 1 else amount - first
                if year == 2021:  # awarded during the year: the calls follow the notice
                    day = item.issued_on + timedelta(days=10) if number == 1 else date(2021, 12, 1)
                else:  # funds may be called as needed within two months: half by April, the rest by October
                    day = date(year, 4 if number == 1 else 10, 1) + timedelta(days=item.index)
                requested = at(workday(day), 10)
                disbursement = history.at(
                    requested, disbursement_request, award=item.award, year=year, amount=part,
                    user=item.coordinator, stated_need=f"{number}. Abruf {year}: Personal- und Sachausgaben "
                                                       f"{half} {year}.")
                prepared = at(workday(requested.date() + timedelta(days=3)), 9)
                history.at(prepared, disbursement_prepare, disbursement=disbursement, user=clerk, now=prepared)
                released = at(workday(prepared.date() + timedelta(days=2)), 11)
                history.at(released, disbursement_release, disbursement=disbursement, user=approver, now=released)
                paid_on = workday(released.date() + timedelta(days=2))
                reference += 1
                history.at(at(paid_on, 15), disbursement_book, disbursement=disbursement, user=clerk,
                           paid_on=paid_on, payment_reference=f"ZA-{year}-{reference:04d}")


def _narrative_pdf() -> bytes:
    """One small Sachbericht PDF for the demo's proofs of use (rendered once, reused)."""
    from weasyprint import HTML
    return HTML(string="<html lang='de'><title>Sachbericht</title><body><h1>Sachbericht</h1>"
                       "<p>Demodaten: Bericht über die Arbeit des WIR-Vielfaltszentrums.</p></body></html>").write_pdf()


def _prove_use(history: History, awarded: list[_Awarded], years: list[int], clerk: User) -> None:
    """Interim proofs for 2021–2024, submitted each March and accepted in April. The final
    proof for 2021–2025 (due 30.06.2026) is in review for every body but the Werra-Meißner-
    Kreis, whose final proof is still outstanding."""
    narrative = _narrative_pdf()
    for item in awarded:
        plan = codec.decode(item.award.plan_snapshot)
        paid = {row["year"]: row["paid"] for row in award_year_figures(item.award)}

        def actual(year_list, plan=plan, paid=paid):
            spent, financing = {}, {}
            for year in year_list:
                for code, amount in plan.expenditure_by_category(year).items():
                    spent[code] = spent.get(code, ZERO) + amount
                for source, amount in plan.financing_by_source(year).items():
                    value = paid[year] if source == FinancingSource.GRANT else amount
                    financing[source] = financing.get(source, ZERO) + value
            return spent, financing

        for kind, year, year_list, submit_on in (
            *((UsageReport.Kind.INTERIM, year, [year], date(year + 1, 3, 10)) for year in years[:-1]),
            (UsageReport.Kind.FINAL, None, years, date(years[-1] + 1, 6, 22)),
        ):
            if kind == UsageReport.Kind.FINAL and item.award.application.municipality.name == WMK:
                continue
            spent, financing = actual(year_list)
            body = item.award.application.municipality.name
            if kind == UsageReport.Kind.FINAL and body in VACANCY_2025:
                spent["personal"] -= VACANCY_2025[body]
            if kind == UsageReport.Kind.FINAL and body in MICRO_PROJECTS_NOT_PASSED_ON_2025:
                spent["mikroprojekte"] -= MICRO_PROJECTS_NOT_PASSED_ON_2025[body]
            if kind == UsageReport.Kind.FINAL and body in ADDITIONAL_THIRD_PARTY_2024:
                financing[FinancingSource.THIRD_PARTY] = (financing.get(FinancingSource.THIRD_PARTY, ZERO)
                                                          + ADDITIONAL_THIRD_PARTY_2024[body])
            submitted = at(workday(submit_on + timedelta(days=item.index % 10)), 10)
            report = history.at(submitted, usage_report_save, award=item.award, kind=kind, year=year,
                                user=item.coordinator, expenditures=spent, financings=financing)
            report = history.at(submitted, usage_report_attach_narrative, report=report, user=item.coordinator,
                                name=f"Sachbericht_{year or 'gesamt'}.pdf", content=narrative)
            history.at(submitted, usage_report_submit, report=report, user=item.coordinator, declaration=True,
                       now=submitted)
            if kind == UsageReport.Kind.INTERIM:
                accepted = at(workday(submitted.date() + timedelta(days=30)), 11)
                history.at(accepted, usage_report_accept, report=report, user=clerk, now=accepted,
                           note="Zwischennachweis geprüft; keine Beanstandungen.")


# What the final proofs 2021–2025 report differently from the binding plan, by body. Under the
# Fehlbedarfsfinanzierung the notices print, each reduces the grant in full, so each reclaim's
# principal is the suggestion the proof gives (tests/grants/test_seed_demo.py checks it):
# personnel costs not spent in 2025 (a vacancy),
VACANCY_2025 = {"Wiesbaden": Decimal("8450.00")}
# micro-project money of 2025 not passed on (a project cancelled),
MICRO_PROJECTS_NOT_PASSED_ON_2025 = {"Offenbach am Main": Decimal("2180.00")}
# third-party money received in 2024 that the plan did not foresee.
ADDITIONAL_THIRD_PARTY_2024 = {"Kassel": Decimal("1236.40")}


def _final_report(item: _Awarded) -> UsageReport:
    return UsageReport.objects.get(award=item.award, kind=UsageReport.Kind.FINAL)


def _award_year(item: _Awarded, year: int):
    return item.award.years.select_related("budget").get(budget__year=year)


def _check_final_proofs(history: History, awarded: list[_Awarded], clerk: User, approver: User) -> None:
    """The ministry's check of the final proofs 2021–2025, as of November 2026:

    - Frankfurt: accepted without findings, the grant closed;
    - Wiesbaden: 8.450,00 € of 2025 unspent (a vacancy) → reclaim with interest under § 49a
      HVwVfG, heard (letter 08.09.2026, answer 22.09.2026), Rückforderungsbescheid 28.09.2026,
      repaid in full, the grant closed;
    - Kassel: 1.236,40 € of third-party money in 2024 the plan did not foresee → heard (letter
      27.10.2026, answer 10.11.2026), Rückforderungsbescheid 16.11.2026, payment still open;
    - Offenbach: 2.180,00 € of 2025 not passed on to micro-projects → proposed, heard on 23.11.2026,
      the reply deadline (21.12.2026) still running;
    - the others are still in review; the Werra-Meißner-Kreis has not yet submitted its proof.
    """
    by_body = {item.award.application.municipality.name: item for item in awarded}
    if not {"Frankfurt am Main", "Wiesbaden", "Kassel", "Offenbach am Main"} <= set(by_body):
        return  # a reduced demo (tests seed only some centres)
    frankfurt, wiesbaden, kassel, offenbach = (
        by_body[name] for name in ("Frankfurt am Main", "Wiesbaden", "Kassel", "Offenbach am Main"))

    accepted = at(date(2026, 8, 10), 11)
    history.at(accepted, usage_report_accept, report=_final_report(frankfurt), user=clerk, now=accepted,
               note="Verwendungsnachweis 2021–2025 geprüft; keine Beanstandungen.")
    closed = at(date(2026, 8, 17), 9)
    history.at(closed, award_close, award=frankfurt.award, user=clerk, now=closed)

    year_2025 = _award_year(wiesbaden, 2025)
    proposed = at(date(2026, 9, 7), 10)
    reclaim = history.at(
        proposed, reclaim_propose, report=_final_report(wiesbaden), user=clerk, award_year=year_2025,
        ground=Reclaim.Ground.UNUSED, principal=VACANCY_2025["Wiesbaden"], interest_from=payment_dates(year_2025)[1],
        reason="Die Stelle der WIR-Koordination war vom 01.09. bis 31.10.2025 unbesetzt; die Personalausgaben "
               "2025 lagen um 8.450,00 € unter dem verbindlichen Finanzierungsplan. Bei der bewilligten "
               "Fehlbedarfsfinanzierung ermäßigt sich die Zuwendung um jede Einsparung in voller Höhe "
               "(Nr. 2.1 ANBest-GK).",
        now=proposed)
    # Anhörung (§ 28 HVwVfG): letter the next day, four weeks to answer; Wiesbaden answers in time.
    history.at(at(date(2026, 9, 8), 9), reclaim_hearing_send, reclaim=reclaim, user=clerk)
    answered = at(date(2026, 9, 22), 11)
    history.at(answered, reclaim_hearing_answer, reclaim=reclaim, user=wiesbaden.coordinator, now=answered,
               text="Die Stelle der WIR-Koordination wurde nach der Kündigung der Stelleninhaberin zum 31.08.2025 "
                    "so schnell wie möglich, zum 01.11.2025, wieder besetzt. Den Betrag von 8.450,00 € bestreiten "
                    "wir nicht; wir bitten, von den Zinsen abzusehen.")
    issued = at(date(2026, 9, 28), 10)
    reclaim = history.at(
        issued, reclaim_issue, reclaim=reclaim, user=approver, issued_on=issued.date(), now=issued,
        interest_waived=False,
        weighing="Die Stellungnahme vom 22.09.2026 bestätigt die Vakanz und den Betrag. Die Mittel für 2025 wurden "
                 "am 10.10.2025 abgerufen, als die Stelle bereits unbesetzt war; nach den ANBest-GK durften sie nur "
                 "angefordert werden, soweit sie alsbald nach der Auszahlung benötigt wurden. Die Umstände sind "
                 "deshalb nicht unverschuldet im Sinne des § 49a Abs. 3 Satz 2 HVwVfG; von den Zinsen wird nicht "
                 "abgesehen. Gründe, die ein Absehen vom Widerruf rechtfertigen, sind nicht vorgetragen.")
    received_on = date(2026, 10, 9)
    owed = reclaim_balance(reclaim, received_on).total_outstanding
    history.at(at(date(2026, 10, 12), 14), reclaim_book_repayment, reclaim=reclaim, user=clerk,
               received_on=received_on, amount=owed, reference="RZ-2026-0001", now=at(date(2026, 10, 12), 14))
    closed = at(date(2026, 10, 20), 9)
    history.at(closed, award_close, award=wiesbaden.award, user=clerk, now=closed)

    year_2024 = _award_year(kassel, 2024)
    proposed = at(date(2026, 10, 26), 10)
    reclaim = history.at(
        proposed, reclaim_propose, report=_final_report(kassel), user=clerk, award_year=year_2024,
        ground=Reclaim.Ground.UNUSED, principal=ADDITIONAL_THIRD_PARTY_2024["Kassel"],
        interest_from=payment_dates(year_2024)[1],
        reason="Für die Netzwerktreffen 2024 hat die Stadt Kassel einen Zuschuss der Sparkassenstiftung von "
               "1.236,40 € erhalten, der im verbindlichen Finanzierungsplan nicht veranschlagt war. Bei der "
               "bewilligten Fehlbedarfsfinanzierung mindert jedes zusätzliche Deckungsmittel die Zuwendung in "
               "voller Höhe (Nr. 2.1 ANBest-GK).",
        note="Verwendungsnachweis geprüft; zusätzliche Drittmittel 2024 mindern die Zuwendung.", now=proposed)
    history.at(at(date(2026, 10, 27), 9), reclaim_hearing_send, reclaim=reclaim, user=clerk)
    answered = at(date(2026, 11, 10), 16)
    history.at(answered, reclaim_hearing_answer, reclaim=reclaim, user=kassel.coordinator, now=answered,
               text="Der Zuschuss der Sparkassenstiftung war für zusätzliche Angebote bei den Netzwerktreffen "
                    "gedacht und sollte die Landesmittel nach unserem Verständnis nicht mindern.")
    issued = at(date(2026, 11, 16), 10)
    history.at(issued, reclaim_issue, reclaim=reclaim, user=approver, issued_on=issued.date(), now=issued,
               interest_waived=False,
               weighing="Die Stellungnahme vom 10.11.2026 ändert die Bewertung nicht: Der Zuschuss deckte Ausgaben "
                        "des geförderten Vorhabens; bei der bewilligten Fehlbedarfsfinanzierung mindert jedes "
                        "zusätzliche Deckungsmittel die Zuwendung (Nr. 2.1 ANBest-GK), worauf der "
                        "Zuwendungsbescheid hinweist. Die Umstände sind daher nicht unverschuldet (§ 49a Abs. 3 "
                        "Satz 2 HVwVfG).")

    year_2025 = _award_year(offenbach, 2025)
    proposed = at(date(2026, 11, 20), 15)
    reclaim = history.at(
        proposed, reclaim_propose, report=_final_report(offenbach), user=clerk, award_year=year_2025,
        ground=Reclaim.Ground.UNUSED, principal=MICRO_PROJECTS_NOT_PASSED_ON_2025["Offenbach am Main"],
        interest_from=payment_dates(year_2025)[1],
        reason="Von den Mitteln für Mikroprojekte 2025 wurden 2.180,00 € nicht weitergeleitet; ein Träger hat "
               "sein Projekt abgesagt. Bei der bewilligten Fehlbedarfsfinanzierung ermäßigt sich die Zuwendung "
               "um diese Einsparung in voller Höhe (Nr. 2.1 ANBest-GK).", now=proposed)
    # Heard on 23.11.2026; the deadline (21.12.2026) is still running: the notice has to wait.
    history.at(at(date(2026, 11, 23), 9), reclaim_hearing_send, reclaim=reclaim, user=clerk)

