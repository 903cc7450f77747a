"""Verwendungsnachweis views: the coordinator's panel and form (plan beside actual, German
amounts, the Sachbericht upload, the declaration), the ministry's list and check page; the
permitted role succeeds, everyone else is refused (other body 404, wrong role 403,
anonymous → login).

The award runs 2021–2025, which is over: every report of it can be created. The clock stands
on 15.06.2026 so that "overdue" and "not yet" are fixed.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import clock
from grants.models import Disbursement, UsageReport
from grants.services.usage_reports import (
    usage_report_attach_narrative,
    usage_report_save,
    usage_report_send_back,
    usage_report_submit,
)
from tests import factories
from tests.grants.views import error_beside, page_elements

# Every test here may write files: into a temporary directory (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("private_storage")

M = Decimal
R = UsageReport.Status
LOGIN = "/konto/login/?next="
PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)
SPENT = {"personal": M("117500.00"), "mikroprojekte": M("4800.00"), "sachausgaben": M("6900.00")}


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Europe/Berlin"))):
        yield


@pytest.fixture
def past_programme(db):
    return factories.make_programme(code="wir-2021", start=2021, end=2025)


@pytest.fixture
def award(past_programme, coordinator_a, clerk, approver):
    return factories.approved_award(past_programme, coordinator_a, clerk, approver)


def draft_report(award, coordinator, year=2021, kind=UsageReport.Kind.INTERIM):
    return usage_report_save(award=award, kind=kind, year=year if kind == UsageReport.Kind.INTERIM else None,
                             user=coordinator, expenditures=SPENT, financings={"zuwendung": M("100000.00")})


@pytest.fixture
def draft(award, coordinator_a):
    return draft_report(award, coordinator_a)


@pytest.fixture
def submitted(draft, coordinator_a):
    usage_report_attach_narrative(report=draft, user=coordinator_a, name="Sachbericht 2021.pdf", content=PDF)
    return usage_report_submit(report=draft, user=coordinator_a, declaration=True)


def form_url(award, year=2021):
    if year is None:
        return reverse("grants:usage_report_final", args=[award.application_id])
    return reverse("grants:usage_report_interim", args=[award.application_id, year])


def detail_url(award):
    return reverse("grants:application_detail", args=[award.application_id])


def check_url(report):
    return reverse("grants:usage_report_check", args=[report.pk])


def text(element) -> str:
    return " ".join(element.text.split())


def row_figures(response, kind, index=0) -> dict:
    """The planned / actual / difference cells of the n-th row of a kind in the comparison table."""
    page = page_elements(response)
    rows = [e for e in page.elements if e.tag == "tr" and e.attrs.get("data-kind") == kind]
    row = rows[index]
    start = page.elements.index(row)
    cells = {}
    for element in page.elements[start + 1:]:
        if element.tag == "tr":
            break
        if "data-figure" in element.attrs:
            cells[element.attrs["data-figure"]] = text(element)
    return {"label": text(row), **cells}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def post_amounts(**overrides) -> dict:
    return {"expenditure-personal": "117.500,00", "expenditure-weitere-stelle": "",
            "expenditure-mikroprojekte": "4.800,00", "expenditure-sachausgaben": "6.900,00",
            "financing-eigenmittel": "29.200,00", "financing-drittmittel": "",
            "financing-zuwendung": "100.000,00"} | overrides


# -- the panel on the application page -------------------------------------------------------------


def test_panel_lists_deadlines_with_status_and_overdue_in_words(client, award, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(detail_url(award))
    panel = page_elements(response).by_id["nachweis-fristen"]
    content = " ".join(panel.text.split())
    assert "Zwischennachweis 2021" in content and "31.03.2022" in content
    assert "Verwendungsnachweis" in content and "30.06.2026" in content
    assert "nicht begonnen" in content
    assert content.count("überfällig") == 4  # 2021–2024 are past due; the final one is due on 30.06.2026
    assert form_url(award, 2021) in response.content.decode()
    assert "Nachweis erstellen" in content


def test_panel_shows_the_status_of_a_started_report_and_the_edit_link(client, draft, award, coordinator_a):
    client.force_login(coordinator_a)
    content = " ".join(page_elements(client.get(detail_url(award))).by_id["nachweis-fristen"].text.split())
    assert "Entwurf" in content and "Nachweis bearbeiten" in content


def test_panel_offers_no_link_before_the_period_has_ended(client, programme, coordinator_a, clerk, approver):
    current = factories.approved_award(programme, coordinator_a, clerk, approver)
    client.force_login(coordinator_a)
    response = client.get(detail_url(current))
    content = " ".join(page_elements(response).by_id["nachweis-fristen"].text.split())
    assert "Erstellen möglich ab 01.01.2027" in content
    assert form_url(current, 2026) not in response.content.decode()
    assert "überfällig" not in content


def test_panel_links_the_clerk_to_the_check_page_of_a_submitted_report(client, submitted, award, clerk):
    client.force_login(clerk)
    response = client.get(detail_url(award))
    assert check_url(submitted) in response.content.decode()
    assert form_url(award) not in response.content.decode()


# -- the coordinator's form -------------------------------------------------------------------------


def test_form_shows_the_plan_of_the_year_beside_empty_inputs(client, award, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(form_url(award))
    assert response.status_code == 200
    personal = row_figures(response, "expenditure")
    assert "Personalausgaben WIR-Koordination" in personal["label"]
    assert personal["planned"] == "118.000,00 €"
    assert personal["difference"] == "–"
    page = page_elements(response)
    assert page.by_id["id_expenditure-personal"].attrs["value"] == ""
    label = next(e for e in page.elements if e.tag == "label" and e.attrs.get("for") == "id_declaration")
    assert "die Ausgaben notwendig waren, wirtschaftlich und sparsam verfahren worden ist" in text(label)
    assert page.by_id["id_declaration"].attrs["form"] == "usage-report-form"


def test_final_form_shows_the_plan_summed_over_all_years(client, award, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(form_url(award, None))
    assert row_figures(response, "expenditure")["planned"] == "590.000,00 €"
    assert "01.01.2021 – 31.12.2025" in response.content.decode()


def test_grant_received_is_prefilled_with_what_was_paid_out_for_the_year(client, award, coordinator_a, clerk,
                                                                         approver):
    award_year = award.years.get(budget__year=2021)
    Disbursement.objects.create(award_year=award_year, amount=M("60000.00"), status=Disbursement.Status.PAID,
                                requested_by=coordinator_a, prepared_by=clerk, released_by=approver,
                                paid_on=date(2021, 3, 1), payment_reference="K-1")
    client.force_login(coordinator_a)
    response = client.get(form_url(award))
    assert page_elements(response).by_id["id_financing-zuwendung"].attrs["value"] == "60.000,00"
    assert "ausgezahlt laut Auszahlungen: 60.000,00 €" in response.content.decode()


def test_german_amount_is_saved_exactly_and_difference_shown(client, award, coordinator_a):
    client.force_login(coordinator_a)
    response = client.post(form_url(award), post_amounts(**{"expenditure-personal": "98.765,43"}) | {"save": ""})
    assert response.status_code == 302 and response.url == form_url(award)
    report = UsageReport.objects.get()
    assert report.status == R.DRAFT
    assert report.expenditures.get(category__code="personal").amount == M("98765.43")
    response = client.get(form_url(award))
    personal = row_figures(response, "expenditure")
    assert personal["planned"] == "118.000,00 €"
    assert personal["difference"] == "-19.234,57 €"
    assert page_elements(response).by_id["id_expenditure-personal"].attrs["value"] == "98.765,43"


def test_invalid_amount_is_shown_beside_its_field_and_nothing_typed_is_lost(client, award, coordinator_a):
    client.force_login(coordinator_a)
    response = client.post(form_url(award), post_amounts(**{"expenditure-personal": "zwölf",
                                                            "expenditure-sachausgaben": "-5,00"}) | {"save": ""})
    assert response.status_code == 200
    assert "kein gültiger Betrag" in error_beside(response, "id_expenditure-personal")
    assert error_beside(response, "id_expenditure-sachausgaben") == "Beträge dürfen nicht negativ sein."
    page = page_elements(response)
    assert page.by_id["id_expenditure-personal"].attrs["value"] == "zwölf"
    assert page.by_id["id_expenditure-mikroprojekte"].attrs["value"] == "4.800,00"
    assert not UsageReport.objects.exists()


def test_submit_without_narrative_and_declaration_saves_and_marks_both(client, award, coordinator_a):
    client.force_login(coordinator_a)
    response = client.post(form_url(award), post_amounts() | {"submit": ""})
    assert response.status_code == 200
    report = UsageReport.objects.get()
    assert report.status == R.DRAFT and report.expenditures.count() == 3
    assert error_beside(response, "id_narrative") == "Bitte den Sachbericht als PDF hochladen."
    assert error_beside(response, "id_declaration") == "Bitte bestätigen Sie die Erklärung."
    assert any("noch nicht eingereicht" in m for m in messages_of(response))


def test_upload_then_submit_with_declaration(client, draft, award, coordinator_a):
    client.force_login(coordinator_a)
    upload = SimpleUploadedFile("Sachbericht 2021.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("grants:usage_report_narrative", args=[draft.pk]), {"narrative": upload})
    assert response.status_code == 302 and response.url == form_url(award)
    page = client.get(form_url(award)).content.decode()
    assert "Sachbericht 2021.pdf" in page
    assert reverse("grants:usage_report_narrative_download", args=[draft.pk]) in page
    response = client.post(form_url(award), post_amounts() | {"declaration": "on", "submit": ""})
    assert response.status_code == 302 and response.url == detail_url(award)
    draft.refresh_from_db()
    assert draft.status == R.SUBMITTED and draft.declaration and draft.submitted_by == coordinator_a


def test_narrative_that_is_not_a_pdf_is_refused_beside_the_upload(client, draft, award, coordinator_a):
    client.force_login(coordinator_a)
    upload = SimpleUploadedFile("bericht.pdf", b"GIF89a kein PDF", content_type="application/pdf")
    response = client.post(reverse("grants:usage_report_narrative", args=[draft.pk]), {"narrative": upload})
    assert response.status_code == 200
    assert "kein gültiges PDF-Dokument" in error_beside(response, "id_narrative")
    draft.refresh_from_db()
    assert not draft.narrative


def test_upload_after_submission_is_refused_with_a_message(client, submitted, award, coordinator_a):
    client.force_login(coordinator_a)
    upload = SimpleUploadedFile("neu.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("grants:usage_report_narrative", args=[submitted.pk]), {"narrative": upload},
                           follow=True)
    assert response.redirect_chain[-1][0] == form_url(award)
    assert "Den Sachbericht hochzuladen ist im Status „Eingereicht“ nicht möglich." in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.narrative_name == "Sachbericht 2021.pdf"


def test_questions_are_shown_prominently_and_the_form_is_open_again(client, submitted, award, clerk,
                                                                   coordinator_a):
    usage_report_send_back(report=submitted, user=clerk, questions="Bitte die Mikroprojekte einzeln aufführen.")
    client.force_login(coordinator_a)
    response = client.get(form_url(award))
    box = page_elements(response).by_id["rueckfragen"]
    assert "Bitte die Mikroprojekte einzeln aufführen." in text(box)
    assert "id_expenditure-personal" in page_elements(response).by_id


def test_submitted_report_is_shown_read_only(client, submitted, award, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(form_url(award))
    page = page_elements(response)
    assert "id_expenditure-personal" not in page.by_id
    assert row_figures(response, "expenditure")["actual"] == "117.500,00 €"
    response = client.post(form_url(award), post_amounts(**{"expenditure-personal": "1,00"}) | {"save": ""})
    assert submitted.expenditures.get(category__code="personal").amount == M("117500.00")


def test_form_before_the_period_has_ended_redirects_with_the_reason(client, programme, coordinator_a, clerk,
                                                                    approver):
    current = factories.approved_award(programme, coordinator_a, clerk, approver)
    client.force_login(coordinator_a)
    response = client.get(form_url(current, 2026), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(current)
    assert any("erst nach dem Ende des Haushaltsjahres (31.12.2026)" in m for m in messages_of(response))


def test_year_without_interim_report_is_404(client, award, coordinator_a):
    client.force_login(coordinator_a)
    assert client.get(form_url(award, 2025)).status_code == 404


def test_coordinator_of_another_body_gets_404_everywhere(client, submitted, award, coordinator_b):
    client.force_login(coordinator_b)
    assert client.get(form_url(award)).status_code == 404
    assert client.post(form_url(award), post_amounts() | {"save": ""}).status_code == 404
    upload = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
    assert client.post(reverse("grants:usage_report_narrative", args=[submitted.pk]),
                       {"narrative": upload}).status_code == 404
    assert client.get(reverse("grants:usage_report_narrative_download", args=[submitted.pk])).status_code == 404


def test_clerk_cannot_open_the_coordinators_form(client, award, clerk):
    client.force_login(clerk)
    assert client.get(form_url(award)).status_code == 403


def test_anonymous_is_sent_to_login(client, submitted, award):
    for url in (form_url(award), reverse("grants:usage_report_list"), check_url(submitted),
                reverse("grants:usage_report_narrative_download", args=[submitted.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), url


def test_narrative_download_for_own_coordinator_and_ministry(client, submitted, coordinator_a, clerk):
    url = reverse("grants:usage_report_narrative_download", args=[submitted.pk])
    for user in (coordinator_a, clerk):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "Sachbericht 2021.pdf" in response["Content-Disposition"]


# -- the ministry's list and check ----------------------------------------------------------------------


def test_list_shows_submitted_reports_first_and_hides_drafts(client, award, coordinator_a, clerk):
    reports = []
    for year in (2021, 2022, 2023):
        report = draft_report(award, coordinator_a, year)
        usage_report_attach_narrative(report=report, user=coordinator_a, name="s.pdf", content=PDF)
        reports.append(usage_report_submit(report=report, user=coordinator_a, declaration=True))
    usage_report_send_back(report=reports[0], user=clerk, questions="?")
    hidden = draft_report(award, coordinator_a, 2024)
    client.force_login(clerk)
    response = client.get(reverse("grants:usage_report_list"))
    assert response.status_code == 200
    ids = [e.attrs["id"] for e in page_elements(response).elements
           if e.tag == "tr" and e.attrs.get("id", "").startswith("nachweis-")]
    assert ids == [f"nachweis-{reports[1].pk}", f"nachweis-{reports[2].pk}", f"nachweis-{reports[0].pk}"]
    assert f"nachweis-{hidden.pk}" not in ids


def test_list_filters_by_status_programme_and_body(client, submitted, past_programme, programme, body_a, body_b,
                                                   clerk):
    client.force_login(clerk)
    url = reverse("grants:usage_report_list")
    assert f"nachweis-{submitted.pk}" in page_elements(client.get(url, {"status": "eingereicht"})).by_id
    assert f"nachweis-{submitted.pk}" not in page_elements(client.get(url, {"status": "angenommen"})).by_id
    assert f"nachweis-{submitted.pk}" in page_elements(client.get(url, {"programme": "wir-2021"})).by_id
    assert f"nachweis-{submitted.pk}" not in page_elements(client.get(url, {"programme": "wir-2026"})).by_id
    assert f"nachweis-{submitted.pk}" in page_elements(client.get(url, {"municipality": body_a.pk})).by_id
    assert f"nachweis-{submitted.pk}" not in page_elements(client.get(url, {"municipality": body_b.pk})).by_id


def _reports_across_programmes(count, coordinator, clerk, approver, start_index=0):
    """`count` submitted reports, five per award (four interim, one final), one award per programme."""
    made = 0
    index = start_index
    while made < count:
        start = 1990 + index
        programme = factories.make_programme(code=f"wir-{start}", start=start, end=start + 4)
        award = factories.approved_award(programme, coordinator, clerk, approver)
        for year in [*range(start, start + 4), None][: count - made]:
            UsageReport.objects.create(
                award=award, kind=UsageReport.Kind.INTERIM if year else UsageReport.Kind.FINAL, year=year,
                status=R.SUBMITTED, declaration=True, submitted_at=timezone.now(), submitted_by=coordinator)
            made += 1
        index += 1
    return index


def test_list_query_count_does_not_grow_with_the_number_of_reports(client, coordinator_a, clerk, approver):
    client.force_login(clerk)
    url = reverse("grants:usage_report_list")
    next_index = _reports_across_programmes(5, coordinator_a, clerk, approver)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _reports_across_programmes(45, coordinator_a, clerk, approver, start_index=next_index)
    assert UsageReport.objects.count() == 50
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(page_elements(response).elements) > 0
    assert sum(1 for e in page_elements(response).elements if e.attrs.get("id", "").startswith("nachweis-")) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_check_page_shows_plan_beside_actual_declaration_and_narrative(client, submitted, clerk):
    client.force_login(clerk)
    response = client.get(check_url(submitted))
    assert response.status_code == 200
    personal = row_figures(response, "expenditure")
    assert (personal["planned"], personal["actual"], personal["difference"]) == (
        "118.000,00 €", "117.500,00 €", "-500,00 €")
    grant = row_figures(response, "financing", 2)
    assert (grant["planned"], grant["actual"]) == ("100.000,00 €", "100.000,00 €")
    content = response.content.decode()
    assert "Erklärung abgegeben:" in content and "wirtschaftlich und sparsam" in content
    assert reverse("grants:usage_report_narrative_download", args=[submitted.pk]) in content
    assert "Nachweis eingereicht" in content  # history
    assert "Annehmen" in content and "Rückfragen senden" in content


def test_clerk_accepts_with_a_note(client, submitted, clerk):
    client.force_login(clerk)
    response = client.post(reverse("grants:usage_report_accept", args=[submitted.pk]), {"note": "In Ordnung."})
    assert response.status_code == 302 and response.url == check_url(submitted)
    submitted.refresh_from_db()
    assert submitted.status == R.ACCEPTED and submitted.checked_by == clerk and submitted.check_note == "In Ordnung."


def test_send_back_needs_questions_shown_beside_the_field(client, submitted, clerk):
    client.force_login(clerk)
    response = client.post(reverse("grants:usage_report_send_back", args=[submitted.pk]), {"questions": ""})
    assert response.status_code == 200
    assert error_beside(response, "id_questions") == "Bitte formulieren Sie Ihre Rückfragen."
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED


def test_clerk_sends_questions_back(client, submitted, clerk):
    client.force_login(clerk)
    response = client.post(reverse("grants:usage_report_send_back", args=[submitted.pk]),
                           {"questions": "Bitte Belege zu den Sachausgaben."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == R.QUESTIONS and submitted.check_note == "Bitte Belege zu den Sachausgaben."


def test_accepting_twice_shows_the_refusal_not_an_error(client, submitted, clerk):
    client.force_login(clerk)
    url = reverse("grants:usage_report_accept", args=[submitted.pk])
    client.post(url, {"note": ""})
    response = client.post(url, {"note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == check_url(submitted)
    assert "Die Annahme ist im Status „Angenommen“ nicht möglich." in messages_of(response)


def test_coordinator_gets_403_on_ministry_pages(client, submitted, coordinator_a):
    client.force_login(coordinator_a)
    assert client.get(reverse("grants:usage_report_list")).status_code == 403
    assert client.get(check_url(submitted)).status_code == 403
    assert client.post(reverse("grants:usage_report_accept", args=[submitted.pk])).status_code == 403
    assert client.post(reverse("grants:usage_report_send_back", args=[submitted.pk]),
                       {"questions": "?"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED


def test_programme_administrator_gets_403_on_ministry_pages(client, submitted, programme_admin):
    client.force_login(programme_admin)
    assert client.get(reverse("grants:usage_report_list")).status_code == 403
    assert client.get(check_url(submitted)).status_code == 403


def test_ministry_cannot_open_a_draft_never_submitted(client, draft, clerk):
    client.force_login(clerk)
    assert client.get(check_url(draft)).status_code == 404


def test_navigation_offers_the_list_to_review_users_only(client, clerk, coordinator_a):
    url = reverse("grants:usage_report_list")
    client.force_login(clerk)
    assert url in client.get(reverse("dashboard")).content.decode()
    client.force_login(coordinator_a)
    assert url not in client.get(reverse("dashboard")).content.decode()
