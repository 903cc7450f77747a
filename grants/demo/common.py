"""What both demo periods build on: the moment of each step and the programme they run in.

`at` and `workday` give the historic moments, `History` runs a service at such a moment;
`issuing_authority` and `create_programme` set up a funding period with its authority and
cost categories, `balanced_plan` and `centre_purpose` fill in an application of a
WIR-Vielfaltszentrum. Also the names, codes and postal addresses the demo relies on.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core import clock
from core.money import ZERO, to_money
from grants.models import (
    CostCategory,
    FundingProgramme,
    IssuingAuthority,
)
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from inbox.services import in_app_only, muted

BERLIN = ZoneInfo("Europe/Berlin")

WMK = "Werra-Meißner-Kreis"
HTK = "Hochtaunuskreis"
BAD_HOMBURG = "Bad Homburg v. d. Höhe"
CODE_2021 = "wir-2021"
CODE_2026 = "wir-2026"
PROGRAMME_NAME = "WIR – Vielfalt und Teilhabe"
LEGAL_BASIS = "Förderrichtlinie des Landesprogramms WIR vom 11. Dezember 2020"
# Both demo periods fund the centres as Fehlbedarfsfinanzierung: the bodies bear every cost above
# the caps and the material costs from own funds, and the grant covers what remains; a saving or an
# unplanned income therefore reduces the grant in full (Nr. 2.1 ANBest-GK) – which is what the
# demo's reclaims of 2021–2025 recover.
FINANCING_TYPE = FundingProgramme.FinancingType.FEHLBEDARF

# Postal addresses for a database whose bodies still lack them; the body list
# (municipalities/data) carries every address since issue 10, so these only fill blanks.
ADDRESSES = {
    WMK: ("Schlossplatz 1", "37269", "Eschwege"),
    HTK: ("Ludwig-Erhard-Anlage 1-5", "61352", "Bad Homburg v. d. Höhe"),
    "Bad Homburg v. d. Höhe": ("Rathausplatz 1", "61348", "Bad Homburg v. d. Höhe"),
    "Hanau": ("Am Markt 14-18", "63450", "Hanau"),
}

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


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# Hand-overs from this moment on leave notifications in the lists of the people told (no
# e-mail: they are history); older ones tell nobody.
NOTIFIED_FROM = datetime(2026, 10, 1, tzinfo=BERLIN)


class History:
    """Runs each service at the moment it stands for: everything it writes (creation times,
    audit entries) carries that moment from the start (see core.clock). No mail goes out;
    the hand-overs of the last weeks (NOTIFIED_FROM) leave their notifications."""

    def at(self, when: datetime, service, **kwargs):
        with clock.frozen_at(when), (in_app_only() if when >= NOTIFIED_FROM else muted()):
            return service(**kwargs)


# ---------------------------------------------------------------------------------------
# Programmes


def issuing_authority(name: str) -> IssuingAuthority:
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


# DEMO DATA: a plausible Haushaltsstelle (Kapitel of the ministry, Titel group 633 = allocations
# to municipalities and associations of municipalities), not taken from a real budget plan.
DEMO_BUDGET_CHAPTER = "08 02"
DEMO_BUDGET_TITLE = "633 51"


def create_programme(*, code: str, start: int, authority: IssuingAuthority, further_from: int | None, **fields):
    fields.setdefault("budget_chapter", DEMO_BUDGET_CHAPTER)
    fields.setdefault("budget_title", DEMO_BUDGET_TITLE)
    programme = FundingProgramme.objects.create(
        code=code, name=PROGRAMME_NAME, file_reference_prefix=f"WIR-{start % 100:02d}",
        period_start=date(start, 1, 1), period_end=date(start + 4, 12, 31), legal_basis=LEGAL_BASIS,
        issuing_authority=authority, financing_type=FINANCING_TYPE, **fields)
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


def balanced_plan(programme, years, grants: dict[int, Decimal], *, positions: Decimal, further: bool,
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


def centre_purpose(body: str) -> str:
    return (f"Betrieb des WIR-Vielfaltszentrums {body} nach Nr. 2.1 der Förderrichtlinie: Koordination der "
            "kommunalen Integrationsarbeit, Fallmanagement für Zugewanderte, interkulturelle Öffnung der "
            "Verwaltung und Förderung von Mikroprojekten gemeinnütziger Träger vor Ort.")
