"""What the demo's notices need to be complete (issue 10, item 5): the programme's legal
texts, the ANBest-GK in a fixed version attached as an Anlage, the ministry's dated names and
the consent to an early start of the 2021 and 2026 centres (their periods begin on 1 January,
the notices follow months later)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from grants.models import AuthorityName, FundingProgramme, GeneralConditionsVersion, IssuingAuthority

HMSI = "Hessisches Ministerium für Soziales und Integration"
HMAIJS = "Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"
RENAMED_ON = date(2024, 1, 18)  # the ministry's new remit after the 2023 state election
EARLY_START_BY = f"{HMSI}, Referat II 5 – Integration"

LEGAL_BASIS = ("§§ 23 und 44 der Hessischen Landeshaushaltsordnung (LHO) und den Verwaltungsvorschriften "
               "hierzu (VV zu §§ 23, 44 LHO)")
GUIDELINE_TITLE = "Richtlinie des Landes Hessen zur Förderung im Landesprogramm „WIR – Vielfalt und Teilhabe“"
GUIDELINE_DATE = date(2020, 12, 11)
GUIDELINE_PUBLICATION = "StAnz. 2021 S. 38 – Demodaten"

EXCLUSIONS = (
    "Sachausgaben des WIR-Vielfaltszentrums (Miete, Ausstattung, Bewirtung); sie trägt die Gebietskörperschaft.\n"
    "Ausgaben, die vor dem Beginn des Bewilligungszeitraums oder vor dem zugelassenen Maßnahmebeginn "
    "rechtsverbindlich veranlasst wurden.\n"
    "Personalausgaben über die je Stelle und Jahr festgelegte Obergrenze hinaus.\n"
    "Ausgaben, die bereits aus anderen Landes- oder Bundesprogrammen gefördert werden (Doppelförderung)."
)
THIRD_PARTY = (
    "Die für Mikroprojekte bewilligten Mittel dürfen nur an gemeinnützige Träger mit Sitz oder Tätigkeit im "
    "Gebiet der Gebietskörperschaft weitergeleitet werden, höchstens bis zur Obergrenze der Kostenart je Jahr.\n"
    "Die Weiterleitung erfolgt durch schriftlichen Vertrag oder Bescheid (VV Nr. 12 zu § 44 LHO), in dem der "
    "Zweck, die Höhe, der Zeitraum und die Nachweispflichten festgelegt und die ANBest-GK bzw. die ANBest-P "
    "dem Letztempfänger auferlegt werden.\n"
    "Dem Land und dem Hessischen Rechnungshof sind Prüfungsrechte auch gegenüber den Letztempfängern "
    "einzuräumen (§ 91 LHO).\n"
    "Ansprüche auf Erstattung gegenüber den Letztempfängern sind geltend zu machen; die Haftung gegenüber "
    "dem Land für die zweckentsprechende Verwendung bleibt bei der Gebietskörperschaft."
)

# A summary of the ANBest-GK Hessen along its headings – the programme's configured text in the
# demo, to be replaced by the published wording before real use.
ANBEST_GK_TEXT = (Path(__file__).parent / "anbest_gk_demo.txt").read_text(encoding="utf-8")


def general_conditions() -> GeneralConditionsVersion:
    version, _created = GeneralConditionsVersion.objects.get_or_create(
        short_name="ANBest-GK", version_date=date(2020, 12, 1),
        defaults={"title": "Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an Gemeinden "
                           "und Gemeindeverbände",
                  "source": "Anlage zu den VV zu § 44 LHO (Demodaten)", "text": ANBEST_GK_TEXT})
    return version


def configure(programme: FundingProgramme, *, first_year_budget: int) -> None:
    """The programme period's notice texts (legal basis, guideline, commitment appropriation,
    exclusions, passing on to third parties, the fixed ANBest-GK version, the budget line)."""
    programme.legal_basis = LEGAL_BASIS
    programme.guideline_title = GUIDELINE_TITLE
    programme.guideline_date = GUIDELINE_DATE
    programme.guideline_publication = GUIDELINE_PUBLICATION
    programme.commitment_note = (
        f"Die Bewilligung für die Haushaltsjahre {programme.period_start.year + 1} bis {programme.period_end.year} "
        f"erfolgt zulasten der im Haushaltsplan {first_year_budget} ausgebrachten Verpflichtungsermächtigung und "
        "steht unter dem Vorbehalt, dass der Landtag die Mittel in den jeweiligen Haushaltsjahren bereitstellt.")
    programme.plan_deviation_percent = Decimal("20.00")
    programme.exclusions = EXCLUSIONS
    programme.third_party_conditions = THIRD_PARTY
    programme.general_conditions_version = general_conditions()
    if not programme.budget_chapter:
        programme.budget_chapter, programme.budget_title = "08 02", "633 51"
    programme.save()


def name_history(authority: IssuingAuthority) -> None:
    """The ministry's names: "… für Soziales und Integration" until 17.01.2024, then "… für
    Arbeit, Integration, Jugend und Soziales" – a notice prints the name of its date."""
    for valid_from, name in ((date(2019, 1, 18), HMSI), (RENAMED_ON, HMAIJS)):
        AuthorityName.objects.get_or_create(authority=authority, valid_from=valid_from,
                                            defaults={"name": name, "unit": authority.unit})
