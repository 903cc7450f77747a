"""Anhörung nach § 28 HVwVfG before a Rückforderungsbescheid, the one-year deadline of § 48
Abs. 4 HVwVfG, and what the Rückforderungsbescheid says about both.

Scenario (tests/grants/reclaim_fixtures.py): award 2021–2025 of 5 × 100.000,00 € = 500.000,00 €,
20.000,00 € of 2023 paid on 02.01.2023, the interim proof 2023 submitted; today is 01.03.2024.
The proposal: 10.000,00 € of 2023 with interest from 02.01.2023. A letter of 01.03.2024 gives
four weeks (28 days): the deadline is 29.03.2024. The base rate since 01.01.2024 is 3,62 %, so the
interest rate announced is 8,62 %.
"""

import hashlib
import io
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from django.core import mail
from django.urls import reverse

from audit.selectors import audit_entries_for
from core.errors import DomainError, FieldErrors, InvalidTransition, NotPermitted
from core.money import format_eur
from grants.models import HearingRecordError, Notice, Reclaim, ReclaimHearing
from grants.services.hearings import reclaim_hearing_answer, reclaim_hearing_send
from grants.services.reclaims import reclaim_issue

# Shared fixtures (autouse: the clock at TODAY) and helpers.
from tests.grants.reclaim_fixtures import (  # noqa: F401
    PDF,
    TODAY,
    WEIGHING,
    at,
    award,
    frozen_clock,
    hear,
    issued,
    pay,
    propose,
    proposed,
    report,
    submitted_interim,
)
from tests.grants.views import error_beside

pytestmark = pytest.mark.usefixtures("private_storage")

M = Decimal
RS = Reclaim.Status
REPLY_DUE = date(2024, 3, 29)


def text_of(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(bytes(pdf))) as document:
        return " ".join(" ".join((page.extract_text() or "").replace("\xa0", " ").split()) for page in document.pages)


def login(client, user):
    client.force_login(user)
    return client


def answer(reclaim, coordinator, text="Wir bestreiten den Betrag nicht.", **kwargs):
    return reclaim_hearing_answer(reclaim=reclaim, user=coordinator, text=text, **kwargs)


# -- issuing waits for the hearing ----------------------------------------------------------------


def test_issue_is_refused_without_a_hearing(proposed, approver2):
    with pytest.raises(DomainError) as refusal:
        reclaim_issue(reclaim=proposed, user=approver2, weighing=WEIGHING)
    assert refusal.value.message == ("Vor dem Rückforderungsbescheid ist die Zuwendungsempfängerin nach § 28 HVwVfG "
                                     "anzuhören: Bitte zuerst das Anhörungsschreiben versenden.")
    proposed.refresh_from_db()
    assert proposed.status == RS.PROPOSED and not Notice.objects.filter(kind=Notice.Kind.RECLAIM).exists()


def test_issue_is_refused_before_the_deadline_without_an_answer(proposed, clerk, approver2):
    hearing = hear(proposed, clerk, answer=False)
    assert (hearing.letter_date, hearing.reply_due) == (TODAY, REPLY_DUE)
    with at(date(2024, 3, 29)), pytest.raises(DomainError) as refusal:
        reclaim_issue(reclaim=proposed, user=approver2, weighing=WEIGHING)
    assert refusal.value.message == ("Die Frist zur Äußerung aus der Anhörung vom 01.03.2024 läuft bis 29.03.2024 "
                                     "und es liegt noch keine Stellungnahme vor; der Rückforderungsbescheid kann "
                                     "erst danach ergehen.")
    assert not Notice.objects.filter(kind=Notice.Kind.RECLAIM).exists()


def test_issue_is_allowed_after_the_answer(proposed, clerk, approver2, coordinator_a):
    hear(proposed, clerk, answer=False)
    answer(proposed, coordinator_a)
    reclaim = reclaim_issue(reclaim=proposed, user=approver2, weighing=WEIGHING)
    assert reclaim.status == RS.ISSUED and reclaim.weighing == WEIGHING
    text = text_of(reclaim.notice.pdf)
    assert ("Mit Schreiben vom 01.03.2024 habe ich Ihnen nach § 28 Abs. 1 HVwVfG Gelegenheit gegeben, sich bis zum "
            "29.03.2024 zu äußern. Ihre Stellungnahme ist am 01.03.2024 eingegangen") in text
    assert WEIGHING in text


def test_issue_is_allowed_after_the_deadline_without_an_answer(proposed, clerk, approver2):
    hear(proposed, clerk, answer=False)
    with at(date(2024, 3, 30)):
        reclaim = reclaim_issue(reclaim=proposed, user=approver2, weighing=WEIGHING)
    assert reclaim.status == RS.ISSUED
    assert reclaim.notice.snapshot["reclaim"]["hearing"] == {
        "letter_date": "2024-03-01", "reply_due": "2024-03-29", "answered_on": None, "late": False}
    assert "Eine Stellungnahme ist nicht eingegangen." in text_of(reclaim.notice.pdf)


def test_issue_button_is_not_offered_before_the_hearing(client, proposed, approver2):
    page = login(client, approver2).get(reverse("grants:reclaim_detail", args=[proposed.pk])).content.decode()
    assert "Bitte zuerst das Anhörungsschreiben versenden." in page
    assert "Festsetzen und Bescheid erlassen</button>" not in page
    assert "Anhörungsschreiben versenden</button>" in page


def test_weighing_is_required(client, proposed, clerk, approver2):
    hear(proposed, clerk)
    with pytest.raises(FieldErrors) as refusal:
        reclaim_issue(reclaim=proposed, user=approver2, weighing="  ")
    assert "Bitte die Abwägung festhalten" in refusal.value.errors["weighing"][0]
    response = login(client, approver2).post(reverse("grants:reclaim_issue", args=[proposed.pk]), {"weighing": ""})
    assert response.status_code == 200
    assert "Bitte die Abwägung festhalten" in error_beside(response, "id_weighing")
    proposed.refresh_from_db()
    assert proposed.status == RS.PROPOSED


def test_interest_waiver_is_decided_at_issue_with_its_reason(proposed, clerk, approver2):
    hear(proposed, clerk)
    with pytest.raises(FieldErrors) as refusal:
        reclaim_issue(reclaim=proposed, user=approver2, weighing=WEIGHING, interest_waived=True)
    assert refusal.value.errors["interest_waiver_reason"] == [
        "Bitte begründen Sie, warum nach § 49a Abs. 3 Satz 2 HVwVfG von Zinsen abgesehen wird."]
    reclaim = reclaim_issue(reclaim=proposed, user=approver2, weighing=WEIGHING, interest_waived=True,
                            interest_waiver_reason="Die Kündigung kam unvorhersehbar.")
    reclaim.refresh_from_db()
    assert reclaim.interest_waived and reclaim.interest_waiver_reason == "Die Kündigung kam unvorhersehbar."
    assert reclaim.notice.snapshot["reclaim"]["total_due"] == "10000.00"  # no interest
    entry = [e for e in audit_entries_for(reclaim) if e.action == "grants.reclaim.issued"][0]
    assert entry.changes["interest_waived"] == [False, True]
    assert "Die Kündigung kam unvorhersehbar." in text_of(reclaim.notice.pdf)


# -- the body's answer --------------------------------------------------------------------------------


def test_other_bodys_coordinator_cannot_answer(client, proposed, clerk, coordinator_b):
    hear(proposed, clerk, answer=False)
    with pytest.raises(NotPermitted):
        answer(proposed, coordinator_b)
    client = login(client, coordinator_b)
    for name in ("reclaim_detail", "reclaim_hearing_pdf"):
        assert client.get(reverse(f"grants:{name}", args=[proposed.pk])).status_code == 404
    response = client.post(reverse("grants:reclaim_hearing_answer", args=[proposed.pk]), {"text": "Hallo"})
    assert response.status_code == 404
    assert ReclaimHearing.objects.get(reclaim=proposed).answered_at is None


def test_own_coordinator_sees_the_proposal_only_once_heard_and_answers_on_the_page(client, proposed, clerk,
                                                                                   coordinator_a):
    client = login(client, coordinator_a)
    detail = reverse("grants:reclaim_detail", args=[proposed.pk])
    assert client.get(detail).status_code == 404  # the ministry's internal proposal
    hear(proposed, clerk, answer=False)
    page = client.get(detail).content.decode()
    assert "Stellungnahme absenden" in page and "29.03.2024" in page
    pdf = client.get(reverse("grants:reclaim_hearing_pdf", args=[proposed.pk]))
    assert pdf.status_code == 200 and bytes(pdf.content) == bytes(ReclaimHearing.objects.get(reclaim=proposed).pdf)
    upload = io.BytesIO(PDF)
    upload.name = "Stellungnahme.pdf"
    response = client.post(reverse("grants:reclaim_hearing_answer", args=[proposed.pk]),
                           {"text": "Die Stelle war unbesetzt.", "pdf": upload})
    assert response.status_code == 302
    hearing = ReclaimHearing.objects.get(reclaim=proposed)
    assert hearing.answer_text == "Die Stelle war unbesetzt." and hearing.answered_by == coordinator_a
    assert hearing.answer_pdf_name == "Stellungnahme.pdf" and not hearing.answer_late
    answer = client.get(reverse("grants:reclaim_hearing_answer_pdf", args=[proposed.pk]))
    assert b"".join(answer.streaming_content) == PDF


def test_answer_on_the_last_day_is_in_time(proposed, clerk, coordinator_a):
    hear(proposed, clerk, answer=False)
    with at(date(2024, 3, 29)):
        answer(proposed, coordinator_a)
    assert ReclaimHearing.objects.get(reclaim=proposed).answer_late is False


def test_answer_after_the_deadline_is_marked_late_and_printed_so(proposed, clerk, approver2, coordinator_a):
    hear(proposed, clerk, answer=False)
    with at(date(2024, 4, 2)):
        hearing = answer(proposed, coordinator_a)
        assert hearing.answer_late
        reclaim = reclaim_issue(reclaim=proposed, user=approver2, weighing=WEIGHING)
    assert "Ihre Stellungnahme ist am 02.04.2024 und damit nach Ablauf der Frist eingegangen" in text_of(
        reclaim.notice.pdf)


def test_answer_is_given_once(proposed, clerk, coordinator_a):
    hear(proposed, clerk, answer=False)
    answer(proposed, coordinator_a)
    with pytest.raises(InvalidTransition) as refusal:
        answer(proposed, coordinator_a, text="Nachtrag")
    assert refusal.value.message == ("Die Stellungnahme ist bereits am 01.03.2024 eingegangen; sie kann nicht "
                                     "geändert werden.")
    assert ReclaimHearing.objects.get(reclaim=proposed).answer_text == "Wir bestreiten den Betrag nicht."


def test_answer_needs_text_and_a_real_pdf(proposed, clerk, coordinator_a):
    hear(proposed, clerk, answer=False)
    with pytest.raises(FieldErrors) as refusal:
        answer(proposed, coordinator_a, text=" ")
    assert refusal.value.errors["text"] == ["Bitte geben Sie Ihre Stellungnahme ein."]
    with pytest.raises(FieldErrors) as refusal:
        answer(proposed, coordinator_a, pdf_name="x.pdf", pdf_content=b"GIF89a")
    assert refusal.value.errors["pdf"] == ["Die Datei ist kein gültiges PDF-Dokument. Bitte nur PDF-Dateien hochladen."]
    assert ReclaimHearing.objects.get(reclaim=proposed).answered_at is None


# -- the letter ---------------------------------------------------------------------------------------


def test_hearing_is_sent_once_and_the_coordinator_is_told(proposed, clerk, coordinator_a,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reclaim_hearing_send(reclaim=proposed, user=clerk)
    with pytest.raises(InvalidTransition):
        reclaim_hearing_send(reclaim=proposed, user=clerk)
    assert ReclaimHearing.objects.filter(reclaim=proposed).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert coordinator_a.email in message.to
    assert message.subject.startswith("Anhörung vor einer Rückforderung zu ")
    assert "bis zum 29.03.2024" in message.body
    assert reverse("grants:reclaim_detail", args=[proposed.pk]) in message.body


def test_coordinator_cannot_send_a_hearing(proposed, coordinator_a):
    with pytest.raises(NotPermitted):
        reclaim_hearing_send(reclaim=proposed, user=coordinator_a)


def test_hearing_letter_is_not_a_decision_and_names_the_intended_revocation(proposed, clerk):
    hearing = hear(proposed, clerk, answer=False)
    text = text_of(hearing.pdf)
    assert "Anhörung nach § 28 HVwVfG" in text
    assert "Dieses Schreiben ist kein Bescheid und kein Verwaltungsakt; es entscheidet noch nichts." in text
    assert "nach § 49 Abs. 3 Satz 1 Nr. 1 HVwVfG teilweise zu widerrufen" in text
    assert "in Höhe von 10.000,00 € (in Worten: zehntausend Euro)" in text
    assert "mit Wirkung für die Vergangenheit ab dem 02.01.2023" in text
    # 500.000,00 € awarded − 10.000,00 € = 490.000,00 €
    assert "bewilligt 500.000,00 €, abzüglich dieses Widerrufs 10.000,00 €: 490.000,00 €" in text
    assert "nach § 49a Abs. 1 HVwVfG zu erstatten, also 10.000,00 €" in text
    assert ("vom 02.01.2023 an mit fünf Prozentpunkten über dem jeweiligen Basiszinssatz (§ 247 BGB) jährlich zu "
            "verzinsen, derzeit mit 8,62 % (Basiszinssatz 3,62 % seit 01.01.2024") in text
    assert "§ 49a Abs. 3 Satz 2 HVwVfG" in text
    assert "bis zum 29.03.2024" in text
    assert "Rechtsbehelfsbelehrung" not in text and "Klage" not in text and "Bescheid-Nr." not in text


def test_hearing_letter_is_stored_immutably(proposed, clerk):
    hearing = hear(proposed, clerk, answer=False)
    assert hearing.sha256 == hashlib.sha256(bytes(hearing.pdf)).hexdigest()
    assert hearing.snapshot["hearing"]["principal"] == "10000.00"
    assert not Notice.objects.filter(kind=Notice.Kind.RECLAIM).exists()  # no notice, no notice number
    hearing.pdf = b"%PDF-1.4 forged %%EOF"
    with pytest.raises(HearingRecordError):
        hearing.save()
    with pytest.raises(HearingRecordError):
        ReclaimHearing.objects.get(pk=hearing.pk).delete()
    entry = [e for e in audit_entries_for(proposed) if e.action == "grants.reclaim.hearing_sent"][0]
    assert entry.data["reply_due"] == "2024-03-29"


# -- § 48 Abs. 4 HVwVfG: one year from knowing the facts ----------------------------------------------


def test_facts_known_on_defaults_to_the_proposal_day(proposed):
    assert proposed.facts_known_on == TODAY
    assert proposed.revocation_deadline == date(2025, 3, 1)


def test_proposal_is_refused_when_the_year_has_passed(report, clerk):
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, facts_known_on=date(2023, 2, 28))
    assert refusal.value.errors["facts_known_on"] == [
        "Seit der Kenntnis der Tatsachen am 28.02.2023 ist mehr als ein Jahr vergangen; nach § 48 Abs. 4 HVwVfG "
        "kann nicht mehr widerrufen werden."]
    with pytest.raises(FieldErrors) as refusal:
        propose(report, clerk, facts_known_on=date(2024, 3, 2))
    assert "nicht in der Zukunft" in refusal.value.errors["facts_known_on"][0]


def test_issue_is_refused_after_the_one_year_deadline(report, clerk, approver2, coordinator_a):
    reclaim = propose(report, clerk, facts_known_on=date(2023, 3, 15))
    assert reclaim.revocation_deadline == date(2024, 3, 15)
    hear(reclaim, clerk)
    with at(date(2024, 3, 16)), pytest.raises(DomainError) as refusal:
        reclaim_issue(reclaim=reclaim, user=approver2, weighing=WEIGHING)
    assert refusal.value.message == ("Die Jahresfrist nach § 48 Abs. 4 HVwVfG (Kenntnis der Tatsachen am "
                                     "15.03.2023) ist am 15.03.2024 abgelaufen; der Teilwiderruf kann nicht mehr "
                                     "ergehen.")
    with at(date(2024, 3, 15)):
        assert reclaim_issue(reclaim=reclaim, user=approver2, weighing=WEIGHING).status == RS.ISSUED


def test_one_year_deadline_is_shown_on_the_deadlines_page_and_warned(client, report, clerk):
    reclaim = propose(report, clerk, facts_known_on=date(2023, 3, 15))
    page = login(client, clerk).get(reverse("grants:deadline_list")).content.decode()
    row = page.split(f'id="jahresfrist-{reclaim.pk}"')[1].split("</tr>")[0]
    assert "15.03.2023" in row and "15.03.2024" in row and "noch nicht versandt" in row and "bald" in row
    assert f"{reclaim.award_year.budget.year}: {format_eur(reclaim.principal)}</a>" in row  # year and amount
    detail = client.get(reverse("grants:reclaim_detail", args=[reclaim.pk])).content.decode()
    assert ("Die Jahresfrist nach § 48 Abs. 4 HVwVfG endet am 15.03.2024 (in 14 Tagen); der Rückforderungsbescheid "
            "muss bis dahin erlassen sein.") in detail


def test_coordinator_does_not_see_the_one_year_deadlines(client, report, clerk, coordinator_a):
    propose(report, clerk)
    page = login(client, coordinator_a).get(reverse("grants:deadline_list")).content.decode()
    assert 'id="tabelle-jahresfristen"' not in page


# -- the Rückforderungsbescheid: effective date and reduced grant ---------------------------------------


def test_notice_prints_effective_date_and_reduced_grant_after_earlier_reclaims(award, report, clerk, approver,
                                                                             approver2, coordinator_a):
    # First a binding reclaim of 2022: 3.000,00 € of 20.000,00 € paid on 03.01.2022.
    pay(award, 2022, M("20000.00"), date(2022, 1, 3), coordinator=coordinator_a, clerk=clerk, approver=approver)
    report_2022 = submitted_interim(award, coordinator_a, year=2022)
    first = issued(propose(report_2022, clerk, award_year=award.years.get(budget__year=2022),
                           principal=M("3000.00"), interest_from=date(2022, 1, 3)), approver2)
    assert first.status == RS.ISSUED
    second = issued(propose(report, clerk), approver2)
    snapshot = second.notice.snapshot["reclaim"]
    # 500.000,00 € awarded − 3.000,00 € (2022, binding) − 10.000,00 € (this one) = 487.000,00 €
    assert (snapshot["award_total"], snapshot["earlier_reclaims"], snapshot["reduced_total"]) == (
        "500000.00", "3000.00", "487000.00")
    text = text_of(second.notice.pdf)
    assert "mit Wirkung für die Vergangenheit ab dem 02.01.2023 widerrufen" in text
    assert ("Die Zuwendung beträgt danach 487.000,00 € (in Worten: vierhundertsiebenundachtzigtausend Euro): "
            "bewilligt 500.000,00 €, abzüglich bereits widerrufen 3.000,00 €, abzüglich dieses Widerrufs "
            "10.000,00 €.") in text
    assert "Die Jahresfrist des § 48 Abs. 4 HVwVfG" in text
