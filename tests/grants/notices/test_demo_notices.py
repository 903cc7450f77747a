"""Done-when of issue 10, item 5: the demo's notices, exported and read back (text and
positions), contain each mandatory part of a complete Zuwendungsbescheid – the Werra-Meißner
award of 29.10.2021 above all, the cut Vogelsberg award and the Rückforderungsbescheid of 2026."""

import io
from datetime import date

import pdfplumber
import pytest

from grants.models import Award, EarlyStartConsent, Notice
from tests.grants.test_seed_demo import seeded  # noqa: F401  (the shared seeded demo)

MM = 25.4 / 72
HMSI = "Hessisches Ministerium für Soziales und Integration"
HMAIJS = "Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"


def pages(notice: Notice) -> list[str]:
    with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as document:
        return [" ".join((page.extract_text() or "").replace("\xa0", " ").split()) for page in document.pages]


def where(notice: Notice, phrase: str) -> list[tuple[int, float]]:
    """(page number from 1, top in mm) of each occurrence of `phrase`."""
    with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as document:
        return [(number, match["top"] * MM) for number, page in enumerate(document.pages, start=1)
                for match in page.search(phrase, regex=False)]


def award_notice(body: str) -> Notice:
    return Notice.objects.get(kind=Notice.Kind.AWARD, application__programme__code="wir-2021",
                              application__municipality__name=body)


@pytest.mark.usefixtures("seeded", "db")
class TestDemoNotices:
    def test_wmk_award_notice_contains_every_mandatory_part(self):
        text = " ".join(pages(award_notice("Werra-Meißner-Kreis")))
        for part in (
            # Rechtsgrundlage: §§ 23, 44 LHO with the VV, the guideline with title, date, publication; no claim
            "§§ 23 und 44 der Hessischen Landeshaushaltsordnung (LHO) und den Verwaltungsvorschriften hierzu",
            "Richtlinie des Landes Hessen zur Förderung im Landesprogramm „WIR – Vielfalt und Teilhabe“ vom "
            "11.12.2020 (StAnz. 2021 S. 38",
            "Ein Rechtsanspruch auf die Zuwendung besteht nicht; die Bewilligungsbehörde entscheidet nach "
            "pflichtgemäßem Ermessen im Rahmen der verfügbaren Haushaltsmittel.",
            # budget line, commitment appropriation, annual amounts not called
            "Die Zuwendung wird aus Kapitel 08 02, Titel 633 51 des Landeshaushalts geleistet.",
            "Die Bewilligung für die Haushaltsjahre 2022 bis 2025 erfolgt zulasten der im Haushaltsplan 2021 "
            "ausgebrachten Verpflichtungsermächtigung",
            "Bis zum Ende eines Haushaltsjahres nicht abgerufene Beträge verfallen",
            # eligible expenditure with the caps and the exclusions
            "Personalausgaben WIR-Koordination bis zu 60.000,00 € je Vollzeitstelle und Jahr, höchstens 2 Stellen",
            "höchstens 5.000,00 € je Jahr",
            "Sachausgaben nicht zuwendungsfähig",
            "Nicht zuwendungsfähig sind insbesondere:",
            # early start
            "Dem vorzeitigen Beginn der Maßnahme ab 01.01.2021 wurde am 18.12.2020 zugestimmt (zustimmende Stelle: "
            f"{HMSI}, Referat II 5 – Integration)",
            # binding plan with the leeway
            "Der Finanzierungsplan ist hinsichtlich des Gesamtergebnisses verbindlich. Die Einzelansätze der "
            "Ausgaben dürfen um bis zu 20 % überschritten werden",
            # ANBest-GK in a fixed version, programme-specific and third-party conditions
            "in der Fassung vom 01.12.2020 sind Bestandteil dieses Bescheids; sie sind als Anlage beigefügt.",
            "Weiterleitung an Dritte (Mikroprojekte, VV Nr. 12 zu § 44 LHO)",
            # legal remedy with § 55d VwGO
            "Klage beim Verwaltungsgericht Kassel",
            "nach § 55d der Verwaltungsgerichtsordnung (VwGO) verpflichtet, die Klage als elektronisches Dokument "
            "einzureichen",
            # Anlagen line and the Anlage itself
            "Anlage: 1. Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an Gemeinden und "
            "Gemeindeverbände (ANBest-GK), Fassung vom 01.12.2020",
            "Anlage zum Zuwendungsbescheid Nr. WIR-21-B2021-021 vom 29.10.2021",
            "8. Erstattung der Zuwendung, Verzinsung",
        ):
            assert part in text, part

    def test_wmk_letterhead_carries_the_ministrys_name_of_2021(self):
        notice = award_notice("Werra-Meißner-Kreis")
        assert notice.snapshot["authority"]["name"] == HMSI
        assert [top for page, top in where(notice, HMSI) if page == 1][0] < 27  # letterhead, above Form B's 45 mm

    def test_rueckforderung_of_2026_carries_the_ministrys_later_name(self):
        notice = Notice.objects.get(kind=Notice.Kind.RECLAIM, application__municipality__name="Wiesbaden")
        assert notice.issued_on.year == 2026
        assert notice.snapshot["authority"]["name"] == HMAIJS
        assert pages(notice)[0].startswith(HMAIJS)

    def test_anbest_gk_follows_the_signature_on_pages_of_its_own(self):
        notice = award_notice("Werra-Meißner-Kreis")
        signature_page, signatory_top = where(notice, "Im Auftrag")[0]
        enclosures_page, enclosures_top = where(notice, "Anlage:")[0]
        annex_page, annex_top = where(notice, "Anlage zum Zuwendungsbescheid")[0]
        assert (enclosures_page, annex_page) == (signature_page, signature_page + 1)
        assert enclosures_top > signatory_top
        assert annex_top < 40  # at the top of a new page (below the running head)
        last = pages(notice)[-1]
        assert "Erstattung der Zuwendung, Verzinsung" in last and f"von {len(pages(notice))}" in last

    def test_cut_vogelsberg_award_gives_reasons_and_rejects_the_rest(self):
        text = " ".join(pages(award_notice("Vogelsbergkreis")))
        assert "bis zu 445.000,00 €" in text
        assert "Beantragt waren 450.000,00 €. Im Übrigen lehne ich den Antrag ab" in text
        assert ("III. Begründung Sie haben eine Zuwendung von 450.000,00 € beantragt. Bewilligt werden 445.000,00 €; "
                "in Höhe von 5.000,00 € wird der Antrag abgelehnt. Kürzung 2021: Die Koordinationsstelle wird laut "
                "Antrag erst zum 01.03.2021 vollständig besetzt") in text

    def test_every_award_of_a_period_begun_before_its_notice_has_a_recorded_consent(self):
        for award in Award.objects.select_related("application"):
            notice = Notice.objects.get(award=award, kind=Notice.Kind.AWARD)
            assert award.period_start < notice.issued_on
            consent = EarlyStartConsent.objects.get(application=award.application)
            assert consent.allowed_from <= award.period_start and consent.consented_on < notice.issued_on
        assert EarlyStartConsent.objects.get(application__municipality__name="Werra-Meißner-Kreis",
                                             application__programme__code="wir-2021").consented_on == date(2020, 12, 18)
