"""Demo data: a realistic programme history, built through the services.

`seed()` creates the two WIR funding periods (2021–2025, closed and fully awarded;
2026–2030, open for applications), the accounts to try every role, and the history in
between: applications, reviews, recommendations, awards, notices and payments. Every
state is reached through the service that the application itself uses, so the data
obeys every rule and carries its audit trail. Timestamps the database sets by itself
(created_at, requested_at, audit entries) are moved afterwards to the historic moment
each step stands for, so the history reads as it would have happened.

Idempotent: accounts are found by username and the periods by their code; whatever
already exists is left alone, so a second run writes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction


from accounts.models import User
from accounts.roles import Role

from grants.models import (
    UsageReport,
    Application,
    Award,
    CostCategory,
    Disbursement,
    FundingProgramme,
    HandoverCeremony,
    IssuingAuthority,
    Notice,
    Reclaim,
)
from grants.plan import codec
from grants.plan.lines import FinancingSource
from core.money import ZERO, to_money
from grants.selectors import award_year_figures
from grants.services.applications import application_create, application_submit
from grants.services.awards import application_approve
from grants.services.budgets import budget_set
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_release,
    disbursement_request,
)
from grants.services.amendments import amendment_approve, amendment_initial, amendment_recommend, amendment_save, amendment_submit
from grants.services.closing import award_close
from grants.services.notices import notice_issue
from grants.services.reclaims import payment_dates, reclaim_balance, reclaim_book_repayment, reclaim_issue, reclaim_propose
from grants.services.usage_reports import usage_report_accept, usage_report_attach_narrative, usage_report_save, usage_report_submit
from grants.services.plans import financing_plan_replace
from grants.plan.lines import ExpenditureLine, FinancingLine
from grants.services.reviews import application_recommend, application_request_changes, application_start_review
from municipalities.models import Municipality
from grants.notifications import muted
from core import clock

DEFAULT_PASSWORD = "demo-wir-2021"
BERLIN = ZoneInfo("Europe/Berlin")

WMK = "Werra-Meißner-Kreis"
HTK = "Hochtaunuskreis"
CODE_2021 = "wir-2021"
CODE_2026 = "wir-2026"
PROGRAMME_NAME = "WIR – Vielfalt und Teilhabe"
LEGAL_BASIS = "Förderrichtlinie des Landesprogramms WIR vom 11. Dezember 2020"

# Postal addresses the body list does not carry (it leaves them empty).
ADDRESSES = {
    WMK: ("Schlossplatz 1", "37269", "Eschwege"),
    HTK: ("Ludwig-Erhard-Anlage 1-5", "61352", "Bad Homburg v. d. Höhe"),
    "Bad Homburg v. d. Höhe": ("Rathausplatz 1", "61348", "Bad Homburg v. d. Höhe"),
    "Hanau": ("Am Markt 14–18", "63450", "Hanau"),
}


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    first_name: str
    last_name: str
    email: str
    body: str | None = None
    superuser: bool = False


MINISTRY_ACCOUNTS = [
    Account("admin", Role.PROGRAMMVERWALTUNG, "Sabine", "Hoffmann", "sabine.hoffmann@example.org", superuser=True),
    Account("sachbearbeitung", Role.SACHBEARBEITUNG, "Katrin", "Weber", "katrin.weber@example.org"),
    Account("bewilligung", Role.BEWILLIGUNG, "Michael", "Brandt", "michael.brandt@example.org"),
]


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

HTK_ACCOUNT = Account("koordination-htk", Role.KOORDINATION, "Tobias", "Lehmann", "tobias.lehmann@example.org",
                      body=HTK)
BAD_HOMBURG = "Bad Homburg v. d. Höhe"
BAD_HOMBURG_ACCOUNT = Account("koordination-bad-homburg", Role.KOORDINATION, "Miriam", "Schäfer",
                              "miriam.schaefer@example.org", body=BAD_HOMBURG)

# Personnel cost of one full-time position per year (pay rises make it exceed the cap).
COST_PER_POSITION = {
    2021: Decimal("61000.00"), 2022: Decimal("62500.00"), 2023: Decimal("64000.00"),
    2024: Decimal("67500.00"), 2025: Decimal("70000.00"),
    2026: Decimal("72000.00"), 2027: Decimal("74000.00"), 2028: Decimal("76000.00"),
    2029: Decimal("78000.00"), 2030: Decimal("80000.00"),
}
FURTHER_POSITION = Decimal("0.50")
MICRO_PROJECTS = Decimal("6000.00")
MATERIAL_COSTS = Decimal("9500.00")


def all_accounts() -> list[Account]:
    """Every demo account: the ministry, the WMK and HTK coordinators, then the other bodies'."""
    coordinators = [
        Account(c.username, Role.KOORDINATION, c.first_name, c.last_name, c.email, body=c.body)
        for c in CENTRES_2021
    ]
    wmk = [a for a in coordinators if a.body == WMK]
    others = [a for a in coordinators if a.body != WMK]
    return [*MINISTRY_ACCOUNTS, *wmk, HTK_ACCOUNT, BAD_HOMBURG_ACCOUNT, *others]


class DemoSetupError(Exception):
    """The database holds something the demo cannot build on (e.g. a clashing account)."""


@dataclass
class SeedResult:
    accounts: list[tuple[User, bool]] = field(default_factory=list)  # (user, created now)
    built: list[str] = field(default_factory=list)  # programme codes built in this run


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class _History:
    """Runs each service at the moment it stands for: everything it writes (creation times,
    audit entries) carries that moment from the start (see core.clock)."""

    def at(self, when: datetime, service, **kwargs):
        with clock.frozen_at(when), muted():
            return service(**kwargs)


# ---------------------------------------------------------------------------------------
# Accounts and bodies


def _ensure_accounts(password: str | None) -> list[tuple[User, bool]]:
    bodies = {m.name: m for m in Municipality.objects.all()}
    # Hashed once for all accounts: hashing is deliberately slow, and it is one known password.
    hashed = make_password(password or DEFAULT_PASSWORD)
    result = []
    for spec in all_accounts():
        body = bodies[spec.body] if spec.body else None
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = User(username=spec.username, role=spec.role, municipality=body,
                        first_name=spec.first_name, last_name=spec.last_name, email=spec.email,
                        is_staff=spec.superuser, is_superuser=spec.superuser,
                        date_joined=_at(date(2026, 10, 1) if spec.body == HTK else date(2020, 11, 2), 8))
            user.password = hashed
            user.save()
        else:
            if user.role != spec.role or user.municipality_id != (body.pk if body else None):
                where = f", {body}" if body else ""
                raise DemoSetupError(
                    f"Das Konto „{spec.username}“ besteht bereits mit einer anderen Rolle oder "
                    f"Gebietskörperschaft; die Demo braucht es als {Role(spec.role).label}{where}. "
                    "Bitte das Konto umbenennen oder eine leere Datenbank verwenden."
                )
            if password is not None:
                user.password = hashed
                user.save(update_fields=["password"])
        result.append((user, created))
    return result


def _ensure_addresses() -> None:
    for name, (street, postal_code, city) in ADDRESSES.items():
        Municipality.objects.filter(name=name, street="", postal_code="", city="").update(
            street=street, postal_code=postal_code, city=city)


# ---------------------------------------------------------------------------------------
# Programmes


def _authority(name: str) -> IssuingAuthority:
    authority, _ = IssuingAuthority.objects.get_or_create(
        name=name, unit="Referat II 5 – Integration",
        defaults={
            "street": "Sonnenberger Straße 2/2a", "postal_code": "65193", "city": "Wiesbaden",
            "contact_name": "Katrin Weber", "contact_phone": "0611 3219-0",
            "contact_email": "wir-vielfalt@example.org", "website": "https://www.example.org/wir",
            # Repayments of reclaims: the treasury's account (the demo uses the well-known example IBAN).
            "payee": "Hessische Landeshauptkasse", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX",
            "bank_name": "Beispielbank (Demodaten)",
        },
    )
    return authority


def _programme(*, code: str, start: int, authority: IssuingAuthority, further_from: int | None, **fields):
    programme = FundingProgramme.objects.create(
        code=code, name=PROGRAMME_NAME, file_reference_prefix=f"WIR-{start % 100:02d}",
        period_start=date(start, 1, 1), period_end=date(start + 4, 12, 31), legal_basis=LEGAL_BASIS,
        issuing_authority=authority, financing_type=FundingProgramme.FinancingType.FESTBETRAG, **fields)
    CostCategory.objects.bulk_create([
        CostCategory(programme=programme, code="personal", name="Personalausgaben WIR-Koordination",
                     position=1, counts_positions=True, max_positions=Decimal("2.00"),
                     cap_per_position=Decimal("60000.00")),
        CostCategory(programme=programme, code="weitere-stelle", name="Personalausgaben weitere Stelle",
                     position=2, counts_positions=True, max_positions=Decimal("1.00"),
                     cap_per_year=Decimal("20000.00"), first_year=further_from),
        CostCategory(programme=programme, code="mikroprojekte", name="Mikroprojekte (Weiterleitung an "
                     "gemeinnützige Träger)", position=3, cap_per_year=Decimal("5000.00")),
        CostCategory(programme=programme, code="sachausgaben", name="Sachausgaben", position=4,
                     is_fundable=False),
    ])
    return programme


def _plan(programme, years, grants: dict[int, Decimal], *, positions: Decimal, further: bool,
          third_party: Decimal = ZERO):
    """A balanced plan: the requested grant per year, third-party funds, own funds for the rest."""
    categories = {c.code: c for c in programme.cost_categories.all()}
    further_from = categories["weitere-stelle"].first_year or programme.period_start.year
    expenditures, financings = [], []
    for year in years:
        lines = [ExpenditureLine(year, categories["personal"],
                                 to_money(COST_PER_POSITION[year] * positions), positions)]
        if further and year >= further_from:
            lines.append(ExpenditureLine(year, categories["weitere-stelle"],
                                         to_money(COST_PER_POSITION[year] * FURTHER_POSITION), FURTHER_POSITION))
        lines += [ExpenditureLine(year, categories["mikroprojekte"], MICRO_PROJECTS),
                  ExpenditureLine(year, categories["sachausgaben"], MATERIAL_COSTS)]
        total = sum((line.amount for line in lines), ZERO)
        expenditures += lines
        financings.append(FinancingLine(year, FinancingSource.GRANT, grants[year]))
        if third_party:
            financings.append(FinancingLine(year, FinancingSource.THIRD_PARTY, third_party))
        financings.append(FinancingLine(year, FinancingSource.OWN_FUNDS, total - grants[year] - third_party))
    return expenditures, financings


def _purpose(body: str) -> str:
    return (f"Betrieb des WIR-Vielfaltszentrums {body} nach Nr. 2.1 der Förderrichtlinie: Koordination der "
            "kommunalen Integrationsarbeit, Fallmanagement für Zugewanderte, interkulturelle Öffnung der "
            "Verwaltung und Förderung von Mikroprojekten gemeinnütziger Träger vor Ort.")


def _build_2021(accounts: dict[str, User], history: _History) -> None:
    admin, clerk, approver = accounts["admin"], accounts["sachbearbeitung"], accounts["bewilligung"]
    authority = _authority("Hessisches Ministerium für Soziales und Integration")
    # Created open with the historic deadline so the 2020 applications can go through the
    # services; closed at the end, as the period is today.
    programme = _programme(code=CODE_2021, start=2021, authority=authority, further_from=2022,
                           application_deadline=date(2020, 12, 31), accepts_applications=True)
    for year in programme.years:
        note = "Haushaltsansatz 2021" if year == 2021 else "Verpflichtungsermächtigung im Haushalt 2021"
        history.at(_at(date(2021, 2, 1), 10, year - 2020), budget_set, programme=programme, year=year,
                   amount=Decimal("2700000.00"), user=admin, note=note)
    ceremony = HandoverCeremony.objects.create(
        date=date(2021, 10, 29), place="Eschwege", official_title="Staatssekretärin", official_name="Anne Janz",
        note="Übergabe des Zuwendungsbescheids für das WIR-Vielfaltszentrum des Werra-Meißner-Kreises.")

    awarded = []
    for index, centre in enumerate(CENTRES_2021):
        coordinator = accounts[centre.username]
        grants = {year: centre.grant_first if year == 2021 else centre.grant_later for year in programme.years}
        created = _workday(date(2020, 11, 16) + timedelta(days=index))
        application = history.at(
            _at(created, 9, 15), application_create, user=coordinator, programme=programme, today=created,
            title=f"WIR-Vielfaltszentrum {centre.body}", purpose=_purpose(centre.body),
            period_start=programme.period_start, period_end=programme.period_end,
            contact_name=coordinator.get_full_name(), contact_email=coordinator.email)
        expenditures, financings = _plan(programme, programme.years, grants, positions=centre.positions,
                                         further=centre.further_position, third_party=centre.third_party)
        history.at(_at(created, 11, 40), financing_plan_replace, application=application, user=coordinator,
                   expenditures=expenditures, financings=financings)
        submitted = _at(_workday(created + timedelta(days=7)), 14, 5)
        history.at(submitted, application_submit, application=application, user=coordinator, now=submitted)

        review = _workday(date(2021, 1, 11) + timedelta(days=2 * index))
        history.at(_at(review, 9, 30), application_start_review, application=application, user=clerk)
        if centre.change_request:
            history.at(_at(review, 15), application_request_changes, application=application,
                       user=clerk, message=centre.change_request)
            answered = _at(_workday(review + timedelta(days=9)), 10, 20)
            history.at(answered, application_submit, application=application, user=coordinator, now=answered,
                       answer="Stelle 1 koordiniert das Netzwerk der Integrationsarbeit, Stelle 2 übernimmt das "
                              "Fallmanagement. Die Mikroprojekte werden über einen jährlichen Aufruf an "
                              "gemeinnützige Träger vergeben.")
            history.at(_at(_workday(review + timedelta(days=12)), 9), application_start_review,
                       application=application, user=clerk)

        if centre.body == WMK:
            decided_on = date(2021, 10, 19)  # handed over on 29.10.2021 in Eschwege
        else:
            decided_on = _workday(date(2021, 4, 12) + timedelta(days=8 * index))
        recommended = _at(_workday(decided_on - timedelta(days=14)), 11)
        amounts = dict(grants)
        justification = ""
        if centre.cut_first is not None:
            amounts[2021] = centre.cut_first
            justification = ("Kürzung 2021: Die Koordinationsstelle wird laut Antrag erst zum 01.03.2021 "
                             "vollständig besetzt; die Personalausgaben 2021 sind anteilig angesetzt.")
        history.at(recommended, application_recommend, application=application, user=clerk,
                   amounts=amounts, justification=justification)
        decided = _at(decided_on, 14, 30)
        award = history.at(decided, application_approve, application=application, user=approver, now=decided)
        Application.objects.filter(pk=application.pk).update(updated_at=decided)

        issued_on = date(2021, 10, 29) if centre.body == WMK else _workday(decided_on + timedelta(days=7))
        history.at(_at(issued_on, 10), notice_issue, application=application, kind=Notice.Kind.AWARD,
                   user=approver, issued_on=issued_on, ceremony=ceremony if centre.body == WMK else None)

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


def _pay_out(history: _History, awarded: list[_Awarded], years: list[int], clerk: User, approver: User) -> None:
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
                requested = _at(_workday(day), 10)
                disbursement = history.at(
                    requested, disbursement_request, award=item.award, year=year, amount=part,
                    user=item.coordinator, stated_need=f"{number}. Abruf {year}: Personal- und Sachausgaben "
                                                       f"{half} {year}.")
                prepared = _at(_workday(requested.date() + timedelta(days=3)), 9)
                history.at(prepared, disbursement_prepare, disbursement=disbursement, user=clerk, now=prepared)
                released = _at(_workday(prepared.date() + timedelta(days=2)), 11)
                history.at(released, disbursement_release, disbursement=disbursement, user=approver, now=released)
                paid_on = _workday(released.date() + timedelta(days=2))
                reference += 1
                history.at(_at(paid_on, 15), disbursement_book, disbursement=disbursement, user=clerk,
                           paid_on=paid_on, payment_reference=f"ZA-{year}-{reference:04d}")


def _narrative_pdf() -> bytes:
    """One small Sachbericht PDF for the demo's proofs of use (rendered once, reused)."""
    from weasyprint import HTML
    return HTML(string="<html lang='de'><title>Sachbericht</title><body><h1>Sachbericht</h1>"
                       "<p>Demodaten: Bericht über die Arbeit des WIR-Vielfaltszentrums.</p></body></html>").write_pdf()


def _prove_use(history: _History, awarded: list[_Awarded], years: list[int], clerk: User) -> None:
    """Interim proofs for 2021–2024, submitted each March and accepted in April. The final
    proof for 2021–2025 (due 30.06.2026) is in review for every body but the Werra-Meißner-
    Kreis, whose final proof is still outstanding."""
    narrative = _narrative_pdf()
    for item in awarded:
        plan = codec.decode(item.award.plan_snapshot)
        paid = {row["year"]: row["paid"] for row in award_year_figures(item.award)}

        def actual(year_list):
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
            submitted = _at(_workday(submit_on + timedelta(days=item.index % 10)), 10)
            report = history.at(submitted, usage_report_save, award=item.award, kind=kind, year=year,
                                user=item.coordinator, expenditures=spent, financings=financing)
            report = history.at(submitted, usage_report_attach_narrative, report=report, user=item.coordinator,
                                name=f"Sachbericht_{year or 'gesamt'}.pdf", content=narrative)
            history.at(submitted, usage_report_submit, report=report, user=item.coordinator, declaration=True,
                       now=submitted)
            if kind == UsageReport.Kind.INTERIM:
                accepted = _at(_workday(submitted.date() + timedelta(days=30)), 11)
                history.at(accepted, usage_report_accept, report=report, user=clerk, now=accepted,
                           note="Zwischennachweis geprüft; keine Beanstandungen.")


# Final proofs 2021–2025 with unspent personnel costs in 2025 (a vacancy), by body.
VACANCY_2025 = {"Wiesbaden": Decimal("8450.00")}
INELIGIBLE_2024 = Decimal("1236.40")


def _final_report(item: _Awarded) -> UsageReport:
    return UsageReport.objects.get(award=item.award, kind=UsageReport.Kind.FINAL)


def _award_year(item: _Awarded, year: int):
    return item.award.years.select_related("budget").get(budget__year=year)


def _check_final_proofs(history: _History, awarded: list[_Awarded], clerk: User, approver: User) -> None:
    """The ministry's check of the final proofs 2021–2025, as of November 2026:

    - Frankfurt: accepted without findings, the grant closed;
    - Wiesbaden: 8.450,00 € of 2025 unspent (a vacancy) → reclaim with interest under § 49a
      HVwVfG, Rückforderungsbescheid, repaid in full, the grant closed;
    - Kassel: 1.236,40 € of 2024 not eligible (catering) → Rückforderungsbescheid issued, payment
      still open;
    - Offenbach: 2.180,00 € of 2025 unspent → proposed, waiting for the second person to issue;
    - the others are still in review; the Werra-Meißner-Kreis has not yet submitted its proof.
    """
    by_body = {item.award.application.municipality.name: item for item in awarded}
    if not {"Frankfurt am Main", "Wiesbaden", "Kassel", "Offenbach am Main"} <= set(by_body):
        return  # a reduced demo (tests seed only some centres)
    frankfurt, wiesbaden, kassel, offenbach = (
        by_body[name] for name in ("Frankfurt am Main", "Wiesbaden", "Kassel", "Offenbach am Main"))

    accepted = _at(date(2026, 8, 10), 11)
    history.at(accepted, usage_report_accept, report=_final_report(frankfurt), user=clerk, now=accepted,
               note="Verwendungsnachweis 2021–2025 geprüft; keine Beanstandungen.")
    closed = _at(date(2026, 8, 17), 9)
    history.at(closed, award_close, award=frankfurt.award, user=clerk, now=closed)

    year_2025 = _award_year(wiesbaden, 2025)
    proposed = _at(date(2026, 9, 7), 10)
    reclaim = history.at(
        proposed, reclaim_propose, report=_final_report(wiesbaden), user=clerk, award_year=year_2025,
        ground=Reclaim.Ground.UNUSED, principal=VACANCY_2025["Wiesbaden"], interest_from=payment_dates(year_2025)[1],
        reason="Die Stelle der WIR-Koordination war vom 01.09. bis 31.10.2025 unbesetzt; die Personalausgaben "
               "2025 lagen um 8.450,00 € unter dem verbindlichen Finanzierungsplan. Die Festbetragsfinanzierung "
               "setzt voraus, dass die zuwendungsfähigen Ausgaben den Festbetrag erreichen.",
        now=proposed)
    issued = _at(date(2026, 9, 14), 10)
    reclaim = history.at(issued, reclaim_issue, reclaim=reclaim, user=approver, issued_on=issued.date(), now=issued)
    received_on = date(2026, 10, 9)
    owed = reclaim_balance(reclaim, received_on).total_outstanding
    history.at(_at(date(2026, 10, 12), 14), reclaim_book_repayment, reclaim=reclaim, user=clerk,
               received_on=received_on, amount=owed, reference="RZ-2026-0001", now=_at(date(2026, 10, 12), 14))
    closed = _at(date(2026, 10, 20), 9)
    history.at(closed, award_close, award=wiesbaden.award, user=clerk, now=closed)

    year_2024 = _award_year(kassel, 2024)
    proposed = _at(date(2026, 10, 26), 10)
    reclaim = history.at(
        proposed, reclaim_propose, report=_final_report(kassel), user=clerk, award_year=year_2024,
        ground=Reclaim.Ground.INELIGIBLE, principal=INELIGIBLE_2024, interest_from=payment_dates(year_2024)[1],
        reason="Die Bewirtung bei den Netzwerktreffen 2024 (Belege 2024-031 bis 2024-044, zusammen 1.236,40 €) "
               "ist nach der Förderrichtlinie nicht zuwendungsfähig.",
        note="Verwendungsnachweis geprüft; Bewirtungskosten 2024 nicht zuwendungsfähig.", now=proposed)
    issued = _at(date(2026, 11, 2), 10)
    history.at(issued, reclaim_issue, reclaim=reclaim, user=approver, issued_on=issued.date(), now=issued)

    year_2025 = _award_year(offenbach, 2025)
    proposed = _at(date(2026, 11, 20), 15)
    history.at(
        proposed, reclaim_propose, report=_final_report(offenbach), user=clerk, award_year=year_2025,
        ground=Reclaim.Ground.UNUSED, principal=Decimal("2180.00"), interest_from=payment_dates(year_2025)[1],
        reason="Von den Mitteln für Mikroprojekte 2025 wurden 2.180,00 € nicht weitergeleitet; ein Träger hat "
               "sein Projekt abgesagt.", now=proposed)


def _build_2026(accounts: dict[str, User], history: _History) -> None:
    admin, coordinator = accounts["admin"], accounts[HTK_ACCOUNT.username]
    authority = _authority("Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales")
    # The brief's default deadline (31.12. of the year before, i.e. 31.12.2025) has passed;
    # the demo extends it to 31.12.2026 so the period is open for trying out applications.
    programme = _programme(code=CODE_2026, start=2026, authority=authority, further_from=None,
                           application_deadline=date(2026, 12, 31), accepts_applications=True,
                           max_grant_per_applicant=Decimal("600000.00"))
    for year in programme.years:
        history.at(_at(date(2025, 12, 10), 10, year - 2025), budget_set, programme=programme, year=year,
                   amount=Decimal("3300000.00"), user=admin, note=f"Haushaltsansatz {year}")

    created = date(2026, 11, 9)
    application = history.at(
        _at(created, 10), application_create, user=coordinator, programme=programme, today=created,
        title=f"WIR-Vielfaltszentrum {HTK}", purpose=_purpose(HTK),
        period_start=programme.period_start, period_end=programme.period_end,
        contact_name=coordinator.get_full_name(), contact_email=coordinator.email)
    expenditures, financings = _plan(programme, programme.years, dict.fromkeys(programme.years, Decimal("120000.00")),
                                     positions=Decimal("2.00"), further=False)
    history.at(_at(created, 14, 20), financing_plan_replace, application=application, user=coordinator,
               expenditures=expenditures, financings=financings)
    submitted = _at(date(2026, 11, 16), 11, 45)
    history.at(submitted, application_submit, application=application, user=coordinator, now=submitted)
    Application.objects.filter(pk=application.pk).update(updated_at=submitted)

    _award_2026(programme, accounts, history)


def _award_2026(programme: FundingProgramme, accounts: dict[str, User], history: _History) -> None:
    """Two centres awarded in March 2026 with 600,000 € each (the brief names such awards
    for Bad Homburg and Hanau): issued notices, the 2026 calls so far paid out, and a call
    still waiting for preparation and one waiting for release – so the running period shows
    payments, notices and deadlines."""
    clerk, approver = accounts["sachbearbeitung"], accounts["bewilligung"]
    grants = dict.fromkeys(programme.years, Decimal("120000.00"))
    reference = 0
    for index, (body, username) in enumerate(((BAD_HOMBURG, BAD_HOMBURG_ACCOUNT.username), ("Hanau", "koordination-hanau"))):
        coordinator = accounts[username]
        created = _workday(date(2025, 11, 3) + timedelta(days=7 * index))
        application = history.at(
            _at(created, 9, 30), application_create, user=coordinator, programme=programme, today=created,
            title=f"WIR-Vielfaltszentrum {body}", purpose=_purpose(body),
            period_start=programme.period_start, period_end=programme.period_end,
            contact_name=coordinator.get_full_name(), contact_email=coordinator.email)
        expenditures, financings = _plan(programme, programme.years, grants, positions=Decimal("2.00"), further=False)
        history.at(_at(created, 11), financing_plan_replace, application=application, user=coordinator,
                   expenditures=expenditures, financings=financings)
        submitted = _at(_workday(created + timedelta(days=7)), 14)
        history.at(submitted, application_submit, application=application, user=coordinator, now=submitted)
        history.at(_at(_workday(date(2026, 1, 12) + timedelta(days=index)), 9), application_start_review,
                   application=application, user=clerk)
        history.at(_at(_workday(date(2026, 2, 16) + timedelta(days=index)), 11), application_recommend,
                   application=application, user=clerk, amounts=grants, justification="")
        decided = _at(_workday(date(2026, 3, 2) + timedelta(days=index)), 14)
        award = history.at(decided, application_approve, application=application, user=approver, now=decided)
        issued_on = _workday(date(2026, 3, 10) + timedelta(days=index))
        history.at(_at(issued_on, 10), notice_issue, application=application, kind=Notice.Kind.AWARD,
                   user=approver, issued_on=issued_on)
        Application.objects.filter(pk=application.pk).update(updated_at=decided)

        # Paid: half by April, a further 40,000 € by October (callable as needed within two months).
        for day, amount, need in ((date(2026, 4, 1), Decimal("60000.00"), "Personal- und Sachausgaben Januar bis Juni"),
                                  (date(2026, 10, 1), Decimal("40000.00"), "Personal- und Sachausgaben Juli bis Oktober")):
            requested = _at(_workday(day + timedelta(days=index)), 10)
            disbursement = history.at(requested, disbursement_request, award=award, year=2026, amount=amount,
                                      user=coordinator, stated_need=f"{need} 2026.")
            prepared = _at(_workday(requested.date() + timedelta(days=3)), 9)
            history.at(prepared, disbursement_prepare, disbursement=disbursement, user=clerk, now=prepared)
            released = _at(_workday(prepared.date() + timedelta(days=2)), 11)
            history.at(released, disbursement_release, disbursement=disbursement, user=approver, now=released)
            paid_on = _workday(released.date() + timedelta(days=2))
            reference += 1
            history.at(_at(paid_on, 15), disbursement_book, disbursement=disbursement, user=clerk,
                       paid_on=paid_on, payment_reference=f"ZA-2026-{reference:04d}")
        # Still in progress: Bad Homburg's November call awaits preparation, Hanau's its release.
        requested = _at(_workday(date(2026, 11, 16) + timedelta(days=index)), 10)
        disbursement = history.at(requested, disbursement_request, award=award, year=2026,
                                  amount=Decimal("20000.00"), user=coordinator,
                                  stated_need="Personal- und Sachausgaben November und Dezember 2026.")
        if body == "Hanau":
            history.at(_at(date(2026, 11, 23), 9), disbursement_prepare, disbursement=disbursement, user=clerk,
                       now=_at(date(2026, 11, 23), 9))
        _amend_2026(history, award, coordinator, clerk, approver, hanau=body == "Hanau")


def _amend_2026(history: _History, award: Award, coordinator: User, clerk: User, approver: User, *,
                hanau: bool) -> None:
    """Bad Homburg shifted 5.000,00 € of its grant from 2028 to 2027 (approved, Änderungsbescheid
    of 22.09.2026); Hanau asks to move 8.000,00 € of 2027 from staff to micro-projects
    (submitted, waiting for the clerk)."""
    period_end, expenditures, financings = amendment_initial(award)
    if hanau:
        expenditures = [
            ExpenditureLine(e.year, e.category, e.amount + {"personal": -8000, "mikroprojekte": 8000}.get(
                e.category.code, 0), e.positions) if e.year == 2027 else e
            for e in expenditures
        ]
        reason = ("Eine der beiden Koordinationsstellen wird 2027 für vier Monate in Teilzeit besetzt. "
                  "Die frei werdenden 8.000,00 € sollen in Mikroprojekte der Sprachpatenschaften fließen.")
        saved = _at(date(2026, 11, 18), 10)
    else:
        shift = {2027: Decimal("5000.00"), 2028: Decimal("-5000.00")}
        financings = [
            FinancingLine(f.year, f.source, f.amount + shift.get(f.year, ZERO) * (1 if f.source == "zuwendung" else -1))
            if f.year in shift and f.source in ("zuwendung", "eigenmittel") else f
            for f in financings
        ]
        reason = ("Wegen der Haushaltssicherung kann die Stadt 2027 nur geringere Eigenmittel bereitstellen; "
                  "2028 setzt sie entsprechend mehr Eigenmittel ein. Die Zuwendung insgesamt bleibt gleich.")
        saved = _at(date(2026, 9, 1), 10)
    request = history.at(saved, amendment_save, award=award, user=coordinator, period_end=period_end,
                         expenditures=expenditures, financings=financings, reason=reason)
    submitted = _at(saved.date(), 11)
    request = history.at(submitted, amendment_submit, request=request, user=coordinator, now=submitted)
    if hanau:
        return
    recommended = _at(date(2026, 9, 8), 10)
    request = history.at(recommended, amendment_recommend, request=request, user=clerk, now=recommended,
                         note="Verschiebung zwischen den Jahren; Gesamtbetrag und Haushaltsansätze unverändert "
                              "ausreichend.")
    decided = _at(date(2026, 9, 22), 14)
    history.at(decided, amendment_approve, request=request, user=approver, issued_on=decided.date(), now=decided)


# ---------------------------------------------------------------------------------------


def seed(*, password: str | None = None) -> SeedResult:
    """Build whatever part of the demo is missing, in one transaction.

    `password` sets the password of every demo account, also existing ones; without it
    new accounts get DEFAULT_PASSWORD and existing ones keep theirs.
    """
    with transaction.atomic():
        result = SeedResult()
        result.accounts = _ensure_accounts(password)
        _ensure_addresses()
        accounts = {user.username: user for user, _ in result.accounts}
        history = _History()
        builders = {CODE_2021: _build_2021, CODE_2026: _build_2026}
        existing = set(FundingProgramme.objects.filter(code__in=builders).values_list("code", flat=True))
        for code, build in builders.items():
            if code not in existing:
                build(accounts, history)
                result.built.append(code)
    return result


def summary() -> dict:
    """Figures the command prints after seeding."""
    programmes = FundingProgramme.objects.filter(code__in=[CODE_2021, CODE_2026])
    wmk_award = Award.objects.filter(application__programme__code=CODE_2021,
                                     application__municipality__name=WMK).first()
    return {
        "programmes": list(programmes.order_by("period_start").values_list("code", flat=True)),
        "applications": Application.objects.filter(programme__in=programmes).count(),
        "awards": Award.objects.filter(application__programme__in=programmes).count(),
        "notices": Notice.objects.filter(application__programme__in=programmes).count(),
        "payments": Disbursement.objects.filter(award_year__award__application__programme__in=programmes,
                                                status=Disbursement.Status.PAID).count(),
        "wmk_award": wmk_award,
    }
