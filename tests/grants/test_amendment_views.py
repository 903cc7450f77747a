"""Änderungsantrag views: the coordinator's form (prefilled from the binding plan, German
amounts, errors beside the cell, input kept), the panel on the application page, the
ministry's queue, detail page and actions; every other body gets 404, the wrong role 403,
anonymous the login.

The award runs 2026–2028 with 100.000,00 € a year; the clock stands on 01.03.2027.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from core import clock
from grants.models import AmendmentRequest, AwardYear, Budget, Notice
from grants.services.amendments import amendment_approve, amendment_recommend
from tests.grants.amendment_helpers import BERLIN, SHIFTED, frozen, issued_award, recommended, save, submitted
from tests.grants.views import error_beside, page_elements

D = Decimal
S = AmendmentRequest.Status
LOGIN = "/konto/login/?next="


@pytest.fixture(autouse=True)
def frozen_clock():
    with frozen():
        yield


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return issued_award(programme, coordinator_a, clerk, approver)


def edit_url(award):
    return reverse("grants:amendment_edit", args=[award.application_id])


def detail_url(request):
    return reverse("grants:amendment_detail", args=[request.pk])


def form_data(rows=SHIFTED, period_end="30.06.2029", reason="Die Stelle war 2027 länger unbesetzt.", **extra):
    """The form as a browser posts it: German amounts, one field per grid cell."""
    data = {"period_end": period_end, "reason": reason}
    for year, row in rows.items():
        amount, positions = row["personal"]
        data[f"expenditure-{year}-personal"] = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        data[f"positions-{year}-personal"] = str(positions).replace(".", ",")
        data[f"expenditure-{year}-mikroprojekte"] = str(row["mikroprojekte"]).replace(".", ",")
        data[f"expenditure-{year}-sachausgaben"] = str(row["sachausgaben"]).replace(".", ",")
        data[f"financing-{year}-zuwendung"] = str(row["zuwendung"]).replace(".", ",")
        data[f"financing-{year}-eigenmittel"] = str(row["eigenmittel"]).replace(".", ",")
    return data | extra


def table_rows(response, table_id: str) -> list[str]:
    """The rows of a table as text, cells separated by " | "."""
    html = response.content.decode()
    table = html[html.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows.append(" | ".join(cells))
    return rows


# -- Koordination ----------------------------------------------------------------------------------


def test_application_page_offers_the_amendment_to_the_coordinator(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.get(reverse("grants:application_detail", args=[award.application_id]))

    assert response.status_code == 200
    assert "Änderung beantragen" in response.content.decode()
    assert "Fassungen der Zuwendung" in response.content.decode()


def test_form_is_prefilled_with_the_binding_plan(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.get(edit_url(award))

    assert response.status_code == 200
    page = page_elements(response)
    assert page.by_id["id_period_end"].attrs["value"] == "31.12.2028"
    assert page.by_id["id_financing-2027-zuwendung"].attrs["value"] == "100.000,00"
    assert page.by_id["id_expenditure-2028-personal"].attrs["value"] == "118.000,00"
    assert page.by_id["id_financing-2029-zuwendung"].attrs["value"] == ""


def test_coordinator_saves_a_draft(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(edit_url(award), form_data(save="1"))

    assert response.status_code == 302
    request = AmendmentRequest.objects.get()
    assert (request.status, request.period_end) == (S.DRAFT, date(2029, 6, 30))
    assert request.amounts["2027"] == "80000.00"


def test_coordinator_submits_and_sees_the_request(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(edit_url(award), form_data(submit="1"), follow=True)

    request = AmendmentRequest.objects.get()
    assert request.status == S.SUBMITTED
    assert response.redirect_chain[-1][0] == detail_url(request)
    assert "Der Änderungsantrag ist eingereicht" in response.content.decode()


def test_increase_of_the_total_is_refused_with_input_kept_and_nothing_saved(client, award, coordinator_a):
    client.force_login(coordinator_a)
    data = form_data(**{"financing-2029-zuwendung": "40.000,00", "financing-2029-eigenmittel": "25.000,00"})

    response = client.post(edit_url(award), data)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Eine Erhöhung der Zuwendung ist nur mit einem neuen Antrag möglich" in text
    assert page_elements(response).by_id["id_financing-2029-zuwendung"].attrs["value"] == "40.000,00"
    assert not AmendmentRequest.objects.exists()


def test_grant_below_called_is_shown_beside_the_cell(client, award, coordinator_a):
    from grants.models import Disbursement

    Disbursement.objects.create(award_year=AwardYear.objects.get(award=award, budget__year=2027),
                                amount=D("90000.00"), requested_by=coordinator_a)
    client.force_login(coordinator_a)

    response = client.post(edit_url(award), form_data(submit="1"))

    assert response.status_code == 200
    assert "bereits 90.000,00 € abgerufen" in error_beside(response, "id_financing-2027-zuwendung")
    assert not AmendmentRequest.objects.exists()


def test_invalid_amount_and_date_are_refused_in_german(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(edit_url(award), form_data(period_end="31.02.2029",
                                                      **{"expenditure-2027-personal": "viel"}))

    assert response.status_code == 200
    assert "kein gültiger Betrag" in error_beside(response, "id_expenditure-2027-personal")
    assert "TT.MM.JJJJ" in response.content.decode()
    assert not AmendmentRequest.objects.exists()


def test_unbalanced_plan_on_submit_is_shown_beside_the_year(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(edit_url(award), form_data(submit="1", **{"financing-2027-eigenmittel": "1.000,00"}))

    assert response.status_code == 200
    assert "nicht ausgeglichen" in response.content.decode()
    assert not AmendmentRequest.objects.exists()


def test_submit_without_reason_keeps_the_saved_draft_and_asks_for_it(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(edit_url(award), form_data(reason="", submit="1"))

    assert response.status_code == 200
    assert "Bitte begründen Sie" in error_beside(response, "id_reason")
    assert AmendmentRequest.objects.get().status == S.DRAFT


def test_coordinator_sees_the_clerks_questions_on_the_form(client, award, coordinator_a, clerk):
    from grants.services.amendments import amendment_send_back

    amendment_send_back(request=submitted(award, coordinator_a), user=clerk, questions="Warum 2029?")
    client.force_login(coordinator_a)

    response = client.get(edit_url(award))

    assert "Warum 2029?" in response.content.decode()


def test_coordinator_withdraws(client, award, coordinator_a):
    request = submitted(award, coordinator_a)
    client.force_login(coordinator_a)

    response = client.post(reverse("grants:amendment_withdraw", args=[request.pk]))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == S.WITHDRAWN


def test_submitted_request_redirects_the_form_to_the_detail_page(client, award, coordinator_a):
    request = submitted(award, coordinator_a)
    client.force_login(coordinator_a)

    response = client.get(edit_url(award))

    assert response.status_code == 302 and response.url == detail_url(request)


# -- access ----------------------------------------------------------------------------------------


def test_other_body_gets_404_everywhere(client, award, coordinator_a, coordinator_b):
    request = submitted(award, coordinator_a)
    client.force_login(coordinator_b)

    assert client.get(edit_url(award)).status_code == 404
    assert client.post(edit_url(award), form_data()).status_code == 404
    assert client.get(detail_url(request)).status_code == 404
    assert client.post(reverse("grants:amendment_withdraw", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.status == S.SUBMITTED


def test_ministry_does_not_see_drafts(client, award, coordinator_a, clerk):
    request = save(award, coordinator_a)
    client.force_login(clerk)

    assert client.get(detail_url(request)).status_code == 404


def test_coordinator_cannot_open_the_queue_or_act_for_the_ministry(client, award, coordinator_a):
    request = submitted(award, coordinator_a)
    client.force_login(coordinator_a)

    assert client.get(reverse("grants:amendment_list")).status_code == 403
    assert client.post(reverse("grants:amendment_recommend", args=[request.pk])).status_code == 403


def test_clerk_cannot_approve(client, award, coordinator_a, clerk, clerk2):
    request = amendment_recommend(request=submitted(award, coordinator_a), user=clerk2)
    client.force_login(clerk)

    assert client.post(reverse("grants:amendment_approve", args=[request.pk])).status_code == 403


def test_clerk_cannot_start_an_amendment(client, award, clerk):
    client.force_login(clerk)

    assert client.get(edit_url(award)).status_code == 403


def test_anonymous_is_sent_to_the_login(client, award, coordinator_a):
    request = submitted(award, coordinator_a)

    for url in (edit_url(award), reverse("grants:amendment_list"), detail_url(request)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN)


# -- Ministerium -------------------------------------------------------------------------------------


def test_queue_lists_open_requests_and_filters_by_status(client, award, coordinator_a, clerk):
    request = submitted(award, coordinator_a)
    client.force_login(clerk)

    response = client.get(reverse("grants:amendment_list"))
    assert f"aenderungsantrag-{request.pk}" in response.content.decode()
    response = client.get(reverse("grants:amendment_list"), {"status": "bewilligt"})
    assert f"aenderungsantrag-{request.pk}" not in response.content.decode()
    response = client.get(reverse("grants:amendment_list"), {"status": "unsinn"})
    assert response.status_code == 200


def test_navigation_names_the_queue_for_reviewers(client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("grants:amendment_list"))

    assert 'href="/aenderungsantraege/"' in response.content.decode()


def test_detail_compares_current_and_requested_with_differences_and_budget(client, award, coordinator_a, clerk):
    request = submitted(award, coordinator_a)
    client.force_login(clerk)

    response = client.get(detail_url(request))

    assert response.status_code == 200
    grants = table_rows(response, "vergleich-zuwendung")
    assert "2026 | 100.000,00 € | 100.000,00 € | – | 0,00 €" in grants
    assert "2027 | 100.000,00 € | 80.000,00 € | -20.000,00 € | 0,00 €" in grants
    assert "2029 | 0,00 € | 30.000,00 € | +30.000,00 € | 0,00 €" in grants
    assert "Summe | 300.000,00 € | 300.000,00 € | – | " in grants
    assert "Personalausgaben WIR-Koordination | 0,00 € | 59.000,00 € | +59.000,00 €" in table_rows(
        response, "vergleich-plan")
    assert "2029 | 1.000.000,00 € | 0,00 € | 1.000.000,00 € | 30.000,00 € | gedeckt" in table_rows(response, "haushalt")
    assert "Fassungen der Zuwendung" in response.content.decode()


def test_clerk_recommends_and_another_approver_approves_with_the_notice_linked(
    client, award, coordinator_a, clerk, approver2
):
    request = submitted(award, coordinator_a)
    client.force_login(clerk)
    response = client.post(reverse("grants:amendment_recommend", args=[request.pk]), {"note": "plausibel"})
    assert response.status_code == 302
    client.force_login(approver2)

    response = client.post(reverse("grants:amendment_approve", args=[request.pk]), {"note": "", "bestaetigt": "1"},
                           follow=True)

    request.refresh_from_db()
    assert request.status == S.APPROVED
    notice = Notice.objects.get(kind=Notice.Kind.AMENDMENT)
    assert reverse("grants:notice_download", args=[notice.pk]) in response.content.decode()
    pdf = client.get(reverse("grants:notice_download", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.force_login(coordinator_a)
    panel = client.get(reverse("grants:application_detail", args=[award.application_id])).content.decode()
    assert notice.number in panel


def test_approve_form_leads_to_the_confirmation_with_the_new_amounts_and_issues_nothing(
    client, award, coordinator_a, clerk, approver2
):
    request = recommended(award, coordinator_a, clerk)
    client.force_login(approver2)

    response = client.post(reverse("grants:amendment_approve", args=[request.pk]), {"note": "passt"})

    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    summary = page[page.index('id="bestaetigung"'):]
    assert award.application.file_reference in summary and "neue Zuwendung" in summary
    assert "Der Änderungsbescheid wird sofort als PDF erzeugt" in summary
    assert 'name="bestaetigt" value="1"' in page and 'data-busy="Änderungsbescheid wird erzeugt …"' in page
    request.refresh_from_db()
    assert request.status == S.RECOMMENDED
    assert not Notice.objects.filter(kind=Notice.Kind.AMENDMENT).exists()


def test_recommender_sees_no_decision_buttons_and_a_forced_post_is_refused(client, award, coordinator_a, approver):
    request = amendment_recommend(request=submitted(award, coordinator_a), user=approver)
    client.force_login(approver)

    page = client.get(detail_url(request)).content.decode()
    assert "Vier-Augen-Prinzip" in page
    assert reverse("grants:amendment_approve", args=[request.pk]) not in page
    response = client.post(reverse("grants:amendment_approve", args=[request.pk]), {}, follow=True)

    assert response.status_code == 200
    assert "Vier-Augen-Prinzip" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.RECOMMENDED


def test_budget_exceeded_on_approval_is_a_message_not_a_500(client, award, coordinator_a, clerk, approver2,
                                                             programme):
    Budget.objects.filter(programme=programme, year=2029).update(amount=D("10000.00"))
    request = recommended(award, coordinator_a, clerk)
    client.force_login(approver2)

    response = client.post(reverse("grants:amendment_approve", args=[request.pk]), {"bestaetigt": "1"}, follow=True)

    assert response.status_code == 200
    assert "Haushaltsjahr 2029" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.RECOMMENDED


def test_send_back_needs_questions_and_keeps_the_page(client, award, coordinator_a, clerk):
    request = submitted(award, coordinator_a)
    client.force_login(clerk)

    response = client.post(reverse("grants:amendment_send_back", args=[request.pk]), {"questions": " "})

    assert response.status_code == 200
    assert "Bitte schreiben Sie Ihre Rückfragen" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.SUBMITTED


def test_send_back_returns_the_request_to_the_coordinator(client, award, coordinator_a, clerk):
    request = submitted(award, coordinator_a)
    client.force_login(clerk)

    client.post(reverse("grants:amendment_send_back", args=[request.pk]), {"questions": "Warum 2029?"})

    request.refresh_from_db()
    assert (request.status, request.review_note) == (S.DRAFT, "Warum 2029?")


def test_reject_needs_a_reason_then_rejects(client, award, coordinator_a, clerk, approver2):
    request = recommended(award, coordinator_a, clerk)
    client.force_login(approver2)

    response = client.post(reverse("grants:amendment_reject", args=[request.pk]), {"reason": ""})
    assert response.status_code == 200 and "Eine Ablehnung braucht eine Begründung" in response.content.decode()

    client.post(reverse("grants:amendment_reject", args=[request.pk]), {"reason": "Nicht begründet."})
    request.refresh_from_db()
    assert request.status == S.REJECTED


def test_approved_request_compares_with_the_revision_before(client, award, coordinator_a, clerk, approver2):
    request = amendment_approve(request=recommended(award, coordinator_a, clerk), user=approver2)
    client.force_login(clerk)

    response = client.get(detail_url(request))

    assert "2027 | 100.000,00 € | 80.000,00 € | -20.000,00 € | 0,00 €" in table_rows(response, "vergleich-zuwendung")


def test_application_page_shows_the_binding_plan_of_the_latest_revision(client, award, coordinator_a, clerk,
                                                                          approver2):
    amendment_approve(request=recommended(award, coordinator_a, clerk), user=approver2)
    client.force_login(coordinator_a)
    html = unescape(client.get(reverse("grants:application_detail", args=[award.application.pk])).content.decode())

    section = html[html.index('id="h-plan"'):]
    binding, applied = section.split("Finanzierungsplan wie beantragt", 1)
    applied = applied[:applied.index("</details>")]
    assert "Verbindlicher Finanzierungsplan" in binding and "Fassung 2" in binding
    assert ">2029<" in binding and "30.000,00 €" in binding  # the year the amendment added
    assert ">2029<" not in applied  # the application covered 2026–2028
    history = html[html.index('id="h-verlauf"'):]
    assert "Änderungsantrag eingereicht" in history
    assert "Änderungsantrag bewilligt, Änderungsbescheid erlassen" in history


def test_after_the_period_the_page_says_why_no_change_can_be_requested(client, award, coordinator_a):
    client.force_login(coordinator_a)
    with clock.frozen_at(datetime(2029, 1, 2, 10, tzinfo=BERLIN)):
        page = unescape(client.get(reverse("grants:application_detail", args=[award.application_id])).content.decode())
        response = client.get(edit_url(award), follow=True)
    assert "Änderung beantragen" not in page
    assert "am 31.12.2028 abgelaufen" in page
    assert response.redirect_chain[-1][0] == reverse("grants:application_detail", args=[award.application_id])
    assert "am 31.12.2028 abgelaufen" in unescape(response.content.decode())
    assert not AmendmentRequest.objects.exists()
