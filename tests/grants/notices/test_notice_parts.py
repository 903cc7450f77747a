"""Issue 10, item 5: the parts of a complete Zuwendungs- and Ablehnungsbescheid that come from
programme data, the recommendation, the decision and the early-start consent – issued for real
and read back from the PDF. (The demo's notices are read back in test_demo_notices.py.)"""

import io
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from django.urls import reverse

from audit.selectors import audit_entries_for
from core.errors import DomainError, NotPermitted
from grants.models import AuthorityName, CostCategory, EarlyStartConsent, GeneralConditionsVersion, Notice
from grants.notices.render import render_notice_pdf
from grants.services.awards import application_reject
from grants.services.early_start import early_start_consent_record
from tests import factories

K = Notice.Kind
ISSUED = date(2026, 10, 29)
APPROVED = date(2025, 12, 20)  # before the period starts: a notice may not predate its decision
REFUSAL = ("Der Bewilligungszeitraum beginnt am 01.01.2026, vor dem Bescheiddatum 29.10.2026. Der Zuwendungsbescheid "
           "kann erst erlassen werden, wenn die Zustimmung zum vorzeitigen Maßnahmebeginn (Datum und zustimmende "
           "Stelle) im Antrag erfasst ist.")


def text_of(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return " ".join(" ".join((page.extract_text() or "").replace("\xa0", " ").split()) for page in document.pages)


def issue(application, user, kind=K.AWARD, issued_on=ISSUED) -> Notice:
    return factories.issue_notice(application, user, issued_on, kind=kind)


@pytest.fixture
def award_without_consent(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, early_start=False, on=APPROVED,
                                    notice=False)


# --- early project start -----------------------------------------------------------------------

def test_award_notice_after_the_period_start_is_refused_without_early_start_consent(award_without_consent, approver):
    with pytest.raises(DomainError) as refused:
        issue(award_without_consent.application, approver)
    assert refused.value.message == REFUSAL
    assert not Notice.objects.exists()


def test_award_notice_dated_on_the_period_start_needs_no_consent(award_without_consent, approver):
    notice = issue(award_without_consent.application, approver, issued_on=date(2026, 1, 1))
    assert "Vorzeitiger Maßnahmebeginn" not in text_of(bytes(notice.pdf))


def test_consent_allowing_a_later_start_than_the_period_does_not_suffice(award_without_consent, approver):
    application = award_without_consent.application
    early_start_consent_record(application=application, user=approver, consented_on=date(2026, 2, 1),
                               consented_by="Ministerium", allowed_from=date(2026, 3, 1))
    with pytest.raises(DomainError, match="lässt den Beginn erst ab 01.03.2026 zu; der Bewilligungszeitraum beginnt "
                                          "aber am 01.01.2026"):
        issue(application, approver)


def test_recorded_consent_is_printed_with_date_and_consenting_authority(award_without_consent, approver):
    application = award_without_consent.application
    early_start_consent_record(application=application, user=approver, consented_on=date(2025, 12, 15),
                               consented_by="Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales, "
                                            "Referat II 5")
    text = text_of(bytes(issue(application, approver).pdf))
    assert ("Vorzeitiger Maßnahmebeginn Dem vorzeitigen Beginn der Maßnahme ab 01.01.2026 wurde am 15.12.2025 "
            "zugestimmt (zustimmende Stelle: Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales, "
            "Referat II 5).") in text


def test_consent_is_recorded_once_with_an_audit_entry(award_without_consent, approver):
    application = award_without_consent.application
    early_start_consent_record(application=application, user=approver, consented_on=date(2025, 12, 15),
                               consented_by="Ministerium")
    entry = audit_entries_for(application).get(action="grants.application.early_start_consented")
    assert entry.actor == approver
    assert entry.data == {"consented_on": "2025-12-15", "consented_by": "Ministerium", "allowed_from": "2026-01-01"}
    with pytest.raises(DomainError, match="bereits erfasst"):
        early_start_consent_record(application=application, user=approver, consented_on=date(2025, 12, 16),
                                   consented_by="Ministerium")
    assert EarlyStartConsent.objects.get().consented_on == date(2025, 12, 15)


def test_clerk_without_signing_authority_cannot_record_the_consent(award_without_consent, clerk):
    with pytest.raises(NotPermitted):
        early_start_consent_record(application=award_without_consent.application, user=clerk,
                                   consented_on=date(2025, 12, 15), consented_by="Ministerium")
    assert not EarlyStartConsent.objects.exists()


def test_consent_dated_in_the_future_is_refused_beside_its_field(award_without_consent, approver, client):
    client.force_login(approver)
    url = reverse("grants:early_start_record", args=[award_without_consent.application.pk])
    response = client.post(url, {"consented_on": "01.01.2099", "consented_by": "Ministerium",
                                 "allowed_from": "01.01.2026"})
    assert response.status_code == 200
    assert "Das Datum der Zustimmung darf nicht in der Zukunft liegen." in response.content.decode()
    assert not EarlyStartConsent.objects.exists()


def test_issue_page_says_why_and_links_to_the_consent_form_which_records_it(award_without_consent, approver,
                                                                            client):
    client.force_login(approver)
    application = award_without_consent.application
    page = client.get(reverse("grants:notice_issue", args=[application.pk]) + "?art=zuwendung").content.decode()
    consent_url = reverse("grants:early_start_record", args=[application.pk])
    assert "Zustimmung zum vorzeitigen Maßnahmebeginn (Datum und zustimmende Stelle)" in page
    assert consent_url in page
    response = client.post(consent_url, {"consented_on": "15.12.2025", "consented_by": "Ministerium, Referat II 5",
                                         "allowed_from": "01.01.2026"})
    assert response.status_code == 302
    consent = EarlyStartConsent.objects.get(application=application)
    assert (consent.consented_on, consent.consented_by, consent.recorded_by) == (
        date(2025, 12, 15), "Ministerium, Referat II 5", approver)


# --- programme data printed --------------------------------------------------------------------

@pytest.fixture
def complete_programme(programme):
    programme.legal_basis = "§§ 23 und 44 LHO und den VV hierzu"
    programme.guideline_title = "Richtlinie zur Förderung der Vielfalt"
    programme.guideline_date = date(2025, 11, 3)
    programme.guideline_publication = "StAnz. 2025 S. 1234"
    programme.budget_chapter, programme.budget_title = "08 02", "633 51"
    programme.commitment_note = "Die Jahre 2027 bis 2030 belasten die Verpflichtungsermächtigung 2026."
    programme.unspent_funds_note = "Nicht abgerufene Jahresbeträge verfallen."
    programme.plan_deviation_percent = Decimal("15.00")
    programme.exclusions = "Bewirtung\nReisekosten ins Ausland"
    programme.third_party_conditions = "Weiterleitung nur an gemeinnützige Träger."
    programme.general_conditions_version = GeneralConditionsVersion.objects.create(
        title="Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an Gemeinden und "
              "Gemeindeverbände", version_date=date(2024, 5, 2), text="1. Anforderung\n1.1 Fassung Mai 2024.")
    programme.save()
    return programme


def test_award_notice_prints_every_programme_part(complete_programme, coordinator_a, clerk, approver):
    award = factories.approved_award(complete_programme, coordinator_a, clerk, approver, on=APPROVED, notice=False)
    text = text_of(bytes(issue(award.application, approver).pdf))
    for part in (
        "Rechtsgrundlage §§ 23 und 44 LHO und den VV hierzu; Richtlinie zur Förderung der Vielfalt vom 03.11.2025 "
        "(StAnz. 2025 S. 1234)",
        "Ein Rechtsanspruch auf die Zuwendung besteht nicht; die Bewilligungsbehörde entscheidet nach "
        "pflichtgemäßem Ermessen im Rahmen der verfügbaren Haushaltsmittel.",
        "Die Zuwendung wird aus Kapitel 08 02, Titel 633 51 des Landeshaushalts geleistet. Die Jahre 2027 bis 2030 "
        "belasten die Verpflichtungsermächtigung 2026. Nicht abgerufene Jahresbeträge verfallen.",
        "Die Einzelansätze der Ausgaben dürfen um bis zu 15 % überschritten werden",
        "Die Zuwendung je Gebietskörperschaft beträgt für die Förderperiode höchstens 600.000,00 €.",
        "Bewirtung", "Reisekosten ins Ausland",
        "Weiterleitung an Dritte (Mikroprojekte, VV Nr. 12 zu § 44 LHO) 1. Weiterleitung nur an gemeinnützige Träger.",
        "Die ANBest-GK („Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an Gemeinden und "
        "Gemeindeverbände“) in der Fassung vom 02.05.2024 sind Bestandteil dieses Bescheids",
        "Anlage: 1. Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an Gemeinden und "
        "Gemeindeverbände (ANBest-GK), Fassung vom 02.05.2024",
        "Anlage zum Zuwendungsbescheid Nr. WIR-26-B2026-001 vom 29.10.2026",
        "1.1 Fassung Mai 2024.",
    ):
        assert part in text, part


def test_caps_are_printed_from_the_cost_categories_the_plan_rules_use(complete_programme, coordinator_a, clerk,
                                                                      approver):
    CostCategory.objects.filter(programme=complete_programme, code="personal").update(
        cap_per_position=Decimal("65000.00"), max_positions=Decimal("1.50"))
    award = factories.approved_award(complete_programme, coordinator_a, clerk, approver,
                                     grant=Decimal("90000.00"), on=APPROVED, notice=False)
    text = text_of(bytes(issue(award.application, approver).pdf))
    assert ("Personalausgaben WIR-Koordination bis zu 65.000,00 € je Vollzeitstelle und Jahr, höchstens 1,5 Stellen "
            "(VZÄ)") in text
    assert "Mikroprojekte höchstens 5.000,00 € je Jahr" in text
    assert "Personalausgaben weitere Stelle höchstens 1 Stelle (VZÄ), höchstens 20.000,00 € je Jahr, " \
           "zuwendungsfähig ab 2027" in text
    assert "Sachausgaben nicht zuwendungsfähig" in text


def test_issued_notice_keeps_the_conditions_version_it_printed(complete_programme, coordinator_a, clerk, approver):
    award = factories.approved_award(complete_programme, coordinator_a, clerk, approver, on=APPROVED, notice=False)
    notice = issue(award.application, approver)
    version = complete_programme.general_conditions_version
    version.text = "1. Anforderung\n1.1 Geänderte Fassung."
    version.save()
    notice.refresh_from_db()
    again = text_of(render_notice_pdf(notice.snapshot))
    assert "1.1 Fassung Mai 2024." in again and "Geänderte Fassung" not in again


def test_notice_prints_the_authority_name_valid_on_its_date(programme, coordinator_a, clerk, approver):
    authority = programme.issuing_authority
    AuthorityName.objects.create(authority=authority, valid_from=date(2019, 1, 18),
                                 name="Hessisches Ministerium für Soziales und Integration")
    AuthorityName.objects.create(authority=authority, valid_from=date(2026, 11, 1),
                                 name="Hessisches Ministerium für Zukunftsaufgaben")
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=APPROVED, notice=False)
    notice = issue(award.application, approver)  # 29.10.2026: before the renaming on 01.11.2026
    assert notice.snapshot["authority"]["name"] == "Hessisches Ministerium für Soziales und Integration"
    assert text_of(bytes(notice.pdf)).startswith("Hessisches Ministerium für Soziales und Integration")


def test_legal_remedy_names_the_courts_postal_address_and_the_duty_to_file_electronically(
        programme, coordinator_a, clerk, approver):
    court = coordinator_a.municipality.administrative_court
    court.street, court.postal_code, court.city = "Goethestraße 41 + 43", "34119", "Kassel"
    court.save()
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=APPROVED, notice=False)
    text = text_of(bytes(issue(award.application, approver).pdf))
    assert ("Klage beim Verwaltungsgericht Kassel, Goethestraße 41 + 43, 34119 Kassel, erhoben werden.") in text
    assert ("Als juristische Person des öffentlichen Rechts sind Sie nach § 55d der Verwaltungsgerichtsordnung "
            "(VwGO) verpflichtet, die Klage als elektronisches Dokument einzureichen.") in text


# --- cut award and rejection --------------------------------------------------------------------

def test_cut_award_gives_its_reasons_and_rejects_the_rest(programme, coordinator_a, clerk, approver):
    # Requested 100.000,00 € a year for 2026–2030 (500.000,00 €); 2026 cut to 80.000,00 € → 480.000,00 €.
    amounts = {year: Decimal("100000.00") for year in range(2026, 2031)}
    amounts[2026] = Decimal("80000.00")
    award = factories.approved_award(programme, coordinator_a, clerk, approver, amounts=amounts,
                                     justification="Die zweite Stelle wird erst zum 01.04.2026 besetzt.",
                                     on=APPROVED, notice=False)
    text = text_of(bytes(issue(award.application, approver).pdf))
    assert ("bis zu 480.000,00 € (in Worten: vierhundertachtzigtausend Euro). Beantragt waren 500.000,00 €. Im "
            "Übrigen lehne ich den Antrag ab") in text
    assert ("III. Begründung Sie haben eine Zuwendung von 500.000,00 € beantragt. Bewilligt werden 480.000,00 €; in "
            "Höhe von 20.000,00 € wird der Antrag abgelehnt. Die zweite Stelle wird erst zum 01.04.2026 "
            "besetzt.") in text
    assert "IV. Rechtsbehelfsbelehrung" in text


def test_full_award_has_no_partial_rejection(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=APPROVED, notice=False)
    text = text_of(bytes(issue(award.application, approver).pdf))
    assert "Im Übrigen lehne ich den Antrag ab" not in text and "III. Rechtsbehelfsbelehrung" in text


def test_rejection_notice_gives_reasons_and_the_discretion_exercised(programme, coordinator_a, clerk, approver):
    with factories.at(date(2026, 10, 20)):
        application = factories.in_review_application(programme, coordinator_a, clerk)
        application_reject(application=application, user=approver,
                           reason="Die Mittel 2026 sind vollständig gebunden.",
                           discretion="Andere Anträge mit früherem Eingang waren vorrangig zu berücksichtigen.")
    text = text_of(bytes(issue(application, approver, kind=K.REJECTION).pdf))
    assert ("Begründung Die Mittel 2026 sind vollständig gebunden. Ermessenserwägungen Ein Rechtsanspruch auf die "
            "Zuwendung besteht nicht; die Bewilligungsbehörde entscheidet nach pflichtgemäßem Ermessen im Rahmen der "
            "verfügbaren Haushaltsmittel. Andere Anträge mit früherem Eingang waren vorrangig zu "
            "berücksichtigen.") in text


def test_reject_form_requires_the_discretion(programme, coordinator_a, clerk, approver, client):
    application = factories.recommended_application(programme, coordinator_a, clerk)
    client.force_login(approver)
    response = client.post(reverse("grants:decision_reject", args=[application.pk]), {"reason": "Nicht förderfähig."})
    assert "Bitte die Ermessenserwägungen angeben." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "empfohlen"
