"""Sachbearbeitung views: the work queue and the review actions on one application."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from grants.models import ApplicationComment, ApplicationStatus, ChangeRequest, RecommendationYear
from municipalities.models import Municipality
from tests import factories
from tests.grants.views import error_beside, page_elements

S = ApplicationStatus
LOGIN = "/konto/login/?next="


def queue_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("grants:review_queue") + (f"?{query}" if query else "")


def refs_on_page(response) -> list[str]:
    """File references in the queue table, in the order shown."""
    return [a.text.strip() for a in page_elements(response).elements
            if a.tag == "a" and re.fullmatch(r"WIR-\d\d-\d{4}", a.text.strip() or "")]


def status_of(application):
    application.refresh_from_db()
    return application.status


@pytest.fixture
def submitted(programme, coordinator_a):
    return factories.submitted_application(programme, coordinator_a)


@pytest.fixture
def in_review(programme, coordinator_a, clerk):
    return factories.in_review_application(programme, coordinator_a, clerk)


def coordinator_of(name: str):
    body = Municipality.objects.get(name=name)
    return factories.make_user(f"koordination-{body.ags}", Role.KOORDINATION, body)


# --- work queue: access --------------------------------------------------------------------

def test_anonymous_is_sent_to_login_from_the_queue(client, db):
    response = client.get(queue_url())

    assert response.status_code == 302
    assert response.url == LOGIN + "/pruefung/"


@pytest.mark.parametrize("user", ["coordinator_a", "programme_admin"])
def test_people_without_review_right_are_refused_the_queue(db, client, user, request):
    client.force_login(request.getfixturevalue(user))

    response = client.get(queue_url())

    assert response.status_code == 403
    assert "Nur die Sachbearbeitung oder Bewilligung im Ministerium kann Anträge prüfen." in response.content.decode()


@pytest.mark.parametrize("user", ["clerk", "approver"])
def test_reviewers_see_the_queue(client, user, request, submitted):
    client.force_login(request.getfixturevalue(user))

    response = client.get(queue_url())

    assert response.status_code == 200
    assert refs_on_page(response) == [submitted.file_reference]


# --- work queue: content, filters, search, sort, pagination -------------------------------

@pytest.fixture
def mixed(programme, coordinator_a, coordinator_b, clerk):
    """WMK (Regierungsbezirk Kassel) in review, HTK (Darmstadt) submitted, Gießen a draft,
    the city of Kassel submitted for 2021–2025."""
    old = factories.make_programme(code="wir-2021", start=2021, end=2025)
    wmk = factories.in_review_application(programme, coordinator_a, clerk)
    htk = factories.submitted_application(programme, coordinator_b, grant=Decimal("80000.00"))
    draft = factories.draft_application(programme, coordinator_of("Gießen"))
    kassel = factories.submitted_application(old, coordinator_of("Kassel"), grant=Decimal("90000.00"))
    return {"wmk": wmk, "htk": htk, "draft": draft, "kassel": kassel, "old": old}


def test_queue_shows_everything_but_drafts(client, clerk, mixed):
    client.force_login(clerk)

    response = client.get(queue_url())

    assert sorted(refs_on_page(response)) == sorted(
        [mixed["wmk"].file_reference, mixed["htk"].file_reference, mixed["kassel"].file_reference])
    assert mixed["draft"].title not in response.content.decode()
    assert "3 Anträge gefunden" in response.content.decode()


def test_queue_row_shows_body_district_period_status_date_and_requested_total(client, clerk, mixed):
    client.force_login(clerk)

    html = client.get(queue_url(q=mixed["htk"].file_reference)).content.decode()

    row = re.search(rf"<tr>\s*<td><a[^>]*>{mixed['htk'].file_reference}</a>.*?</tr>", html, re.S).group(0)
    submitted_on = mixed["htk"].submitted_at.astimezone().strftime("%d.%m.%Y")
    for text in ("Hochtaunuskreis", "Darmstadt", "2026–2030", "Eingereicht", submitted_on, "400.000,00 €"):
        assert text in row


def test_status_parameter_preselects_the_status(client, clerk, mixed):
    client.force_login(clerk)

    response = client.get(queue_url(status="eingereicht"))

    assert sorted(refs_on_page(response)) == sorted([mixed["htk"].file_reference, mixed["kassel"].file_reference])
    assert page_elements(response).by_id["id_status"].tag == "select"
    assert '<option value="eingereicht" selected>' in response.content.decode()


def test_asking_for_drafts_shows_none_and_says_so(client, clerk, mixed):
    client.force_login(clerk)

    response = client.get(queue_url(status="entwurf"))

    assert response.status_code == 200
    assert mixed["draft"].title not in response.content.decode()
    assert "Auswahl" in error_beside(response, "id_status")


@pytest.mark.parametrize("params, expected", [
    ({"programme": "wir-2021"}, ["kassel"]),
    ({"programme": "wir-2026"}, ["wmk", "htk"]),
    ({"regierungsbezirk": "Kassel"}, ["wmk", "kassel"]),
    ({"regierungsbezirk": "Darmstadt"}, ["htk"]),
    ({"year": "2021"}, ["kassel"]),
    ({"year": "2025"}, ["kassel"]),
    ({"year": "2027"}, ["wmk", "htk"]),
    ({"status": "in_pruefung"}, ["wmk"]),
    ({"q": "hochtaunus"}, ["htk"]),
    ({"q": "WIR-21"}, ["kassel"]),
])
def test_queue_filters(client, clerk, mixed, params, expected):
    client.force_login(clerk)

    response = client.get(queue_url(**params))

    assert sorted(refs_on_page(response)) == sorted(mixed[key].file_reference for key in expected)


def test_queue_filters_by_body(client, clerk, mixed, body_b):
    client.force_login(clerk)

    response = client.get(queue_url(municipality=body_b.pk))

    assert refs_on_page(response) == [mixed["htk"].file_reference]


def test_queue_search_by_exact_file_reference(client, clerk, mixed):
    client.force_login(clerk)

    response = client.get(queue_url(q=mixed["wmk"].file_reference))

    assert refs_on_page(response) == [mixed["wmk"].file_reference]


def test_year_filter_uses_the_applications_own_period(client, clerk, programme, coordinator_a, coordinator_b):
    short = factories.submitted_application(programme, coordinator_a, start=date(2026, 1, 1), end=date(2027, 12, 31))
    full = factories.submitted_application(programme, coordinator_b)
    client.force_login(clerk)

    assert refs_on_page(client.get(queue_url(year=2027))) == sorted([short.file_reference, full.file_reference])
    assert refs_on_page(client.get(queue_url(year=2028))) == [full.file_reference]


@pytest.mark.parametrize("sort, expected", [
    ("betrag", ["htk", "kassel", "wmk"]),       # 400.000 < 450.000 < 500.000
    ("-betrag", ["wmk", "kassel", "htk"]),
    ("koerperschaft", ["htk", "kassel", "wmk"]),
    ("-koerperschaft", ["wmk", "kassel", "htk"]),
    ("status", ["htk", "kassel", "wmk"]),       # eingereicht before in Prüfung (workflow order)
    ("-status", ["wmk", "htk", "kassel"]),
    ("aktenzeichen", ["kassel", "wmk", "htk"]),  # WIR-21-… before WIR-26-0001, WIR-26-0002
    ("eingang", ["wmk", "htk", "kassel"]),
    ("-eingang", ["kassel", "htk", "wmk"]),
])
def test_queue_sorts(client, clerk, mixed, sort, expected):
    client.force_login(clerk)

    response = client.get(queue_url(sort=sort))

    assert refs_on_page(response) == [mixed[key].file_reference for key in expected]


def test_sorted_column_header_says_so_and_links_the_other_direction(client, clerk, mixed):
    client.force_login(clerk)

    html = client.get(queue_url(sort="betrag", status="eingereicht")).content.decode()

    header = re.search(r'<th scope="col" class="money[^"]*"[^>]* aria-sort="ascending"><a href="([^"]+)"', html)
    assert header, "Die sortierte Spalte trägt aria-sort"
    assert "sort=-betrag" in header.group(1) and "status=eingereicht" in header.group(1)


def _many_submitted(count: int, programmes, start: int = 0) -> list:
    """Submitted applications number `start` to `count - 1`; one live application per body and
    programme allows 33 per programme, so the rows spread over the given programmes."""
    bodies = list(Municipality.objects.order_by("name"))
    created = []
    for index in range(start, count):
        programme = programmes[index // len(bodies)]
        body = bodies[index % len(bodies)]
        coordinator = (body.users.first()
                       or factories.make_user(f"koordination-{body.ags}", Role.KOORDINATION, body))
        created.append(factories.submitted_application(programme, coordinator))
    return created


def test_queue_pages_by_25_and_keeps_the_filters_in_page_links(client, clerk, programme):
    old = factories.make_programme(code="wir-2021", start=2021, end=2025)
    applications = _many_submitted(40, [programme, old])
    client.force_login(clerk)

    first = client.get(queue_url(status="eingereicht", sort="aktenzeichen"))
    second = client.get(queue_url(status="eingereicht", sort="aktenzeichen", page=2))

    ordered = sorted(a.file_reference for a in applications)
    assert refs_on_page(first) == ordered[:25]
    assert refs_on_page(second) == ordered[25:]
    nav = re.search(r'<nav aria-label="Seiten des Arbeitsvorrats">.*?</nav>', first.content.decode(), re.S).group(0)
    assert "?status=eingereicht&amp;sort=aktenzeichen&amp;page=2" in nav
    assert "40 Anträge gefunden · Seite 1 von 2" in first.content.decode()


def test_queue_queries_do_not_grow_with_rows(client, clerk, programme):
    old = factories.make_programme(code="wir-2021", start=2021, end=2025)
    client.force_login(clerk)
    _many_submitted(5, [programme])
    client.get(queue_url())  # warm the session

    with CaptureQueriesContext(connection) as few:
        assert len(refs_on_page(client.get(queue_url()))) == 5
    _many_submitted(50, [programme, old], start=5)
    with CaptureQueriesContext(connection) as many:
        assert len(refs_on_page(client.get(queue_url()))) == 25

    assert len(many.captured_queries) == len(few.captured_queries)


# --- detail page panel -----------------------------------------------------------------------

def test_clerk_sees_start_review_on_a_submitted_application(client, clerk, submitted):
    client.force_login(clerk)

    html = client.get(reverse("grants:application_detail", args=[submitted.pk])).content.decode()

    assert reverse("grants:review_start", args=[submitted.pk]) in html
    assert "Prüfung beginnen" in html
    assert 'name="comment-text"' in html


def test_clerk_sees_request_changes_and_recommend_during_review(client, clerk, in_review):
    client.force_login(clerk)

    html = client.get(reverse("grants:application_detail", args=[in_review.pk])).content.decode()

    assert reverse("grants:review_request_changes", args=[in_review.pk]) in html
    assert reverse("grants:review_recommend", args=[in_review.pk]) in html


def test_review_panel_is_absent_for_a_draft(client, clerk, programme, coordinator_a):
    draft = factories.draft_application(programme, coordinator_a)
    client.force_login(clerk)

    response = client.get(reverse("grants:application_detail", args=[draft.pk]))

    assert 'id="h-pruefung"' not in response.content.decode()


def test_coordinator_sees_no_review_panel(client, coordinator_a, submitted):
    client.force_login(coordinator_a)

    html = client.get(reverse("grants:application_detail", args=[submitted.pk])).content.decode()

    assert 'id="h-pruefung"' not in html
    assert reverse("grants:review_start", args=[submitted.pk]) not in html


# --- start review -------------------------------------------------------------------------

def test_clerk_starts_the_review(client, clerk, submitted):
    client.force_login(clerk)

    response = client.post(reverse("grants:review_start", args=[submitted.pk]), follow=True)

    assert status_of(submitted) == S.IN_REVIEW
    assert response.redirect_chain[-1][0] == reverse("grants:application_detail", args=[submitted.pk])
    assert "Die Prüfung ist begonnen" in response.content.decode()


def test_start_review_only_accepts_post(client, clerk, submitted):
    client.force_login(clerk)

    assert client.get(reverse("grants:review_start", args=[submitted.pk])).status_code == 405
    assert status_of(submitted) == S.SUBMITTED


def test_start_review_twice_is_a_message_not_an_error(client, clerk, in_review):
    client.force_login(clerk)

    response = client.post(reverse("grants:review_start", args=[in_review.pk]), follow=True)

    assert response.status_code == 200
    assert "ist im Status „In Prüfung“ nicht möglich" in response.content.decode()


@pytest.mark.parametrize("name", ["review_start", "review_request_changes", "review_recommend", "review_comment"])
def test_own_bodys_coordinator_is_refused_review_actions(client, coordinator_a, in_review, name):
    client.force_login(coordinator_a)

    response = client.post(reverse(f"grants:{name}", args=[in_review.pk]))

    assert response.status_code == 403
    assert "Nur die Sachbearbeitung oder Bewilligung im Ministerium" in response.content.decode()
    assert status_of(in_review) == S.IN_REVIEW


@pytest.mark.parametrize("name", ["review_start", "review_request_changes", "review_recommend", "review_comment"])
def test_other_bodys_coordinator_gets_404_on_review_actions(client, coordinator_b, in_review, name):
    client.force_login(coordinator_b)

    assert client.post(reverse(f"grants:{name}", args=[in_review.pk])).status_code == 404


@pytest.mark.parametrize("name", ["review_start", "review_request_changes", "review_recommend", "review_comment"])
def test_anonymous_is_sent_to_login_from_review_actions(client, in_review, name):
    url = reverse(f"grants:{name}", args=[in_review.pk])

    response = client.post(url)

    assert response.status_code == 302 and response.url == LOGIN + url


@pytest.mark.parametrize("name", ["review_start", "review_request_changes", "review_recommend", "review_comment"])
def test_programme_admin_is_refused_review_actions(client, programme_admin, in_review, name):
    client.force_login(programme_admin)

    assert client.post(reverse(f"grants:{name}", args=[in_review.pk])).status_code == 403


@pytest.mark.parametrize("name", ["review_start", "review_request_changes", "review_recommend", "review_comment"])
def test_review_actions_do_not_reach_drafts(client, clerk, programme, coordinator_a, name):
    draft = factories.draft_application(programme, coordinator_a)
    client.force_login(clerk)

    assert client.post(reverse(f"grants:{name}", args=[draft.pk])).status_code == 404


# --- request changes ------------------------------------------------------------------------

def test_request_changes_page_has_a_labelled_message_field(client, clerk, in_review):
    client.force_login(clerk)

    response = client.get(reverse("grants:review_request_changes", args=[in_review.pk]))

    assert response.status_code == 200
    labels = [e for e in page_elements(response).elements if e.tag == "label" and e.attrs.get("for") == "id_message"]
    assert "Nachricht an die Koordination" in labels[0].text


def test_request_changes_needs_a_message(client, clerk, in_review):
    client.force_login(clerk)

    response = client.post(reverse("grants:review_request_changes", args=[in_review.pk]), {"message": "  "})

    assert response.status_code == 200
    assert "Bitte schreiben Sie, was nachgereicht" in error_beside(response, "id_message")
    assert status_of(in_review) == S.IN_REVIEW


def test_request_changes_reaches_the_coordinator(client, clerk, coordinator_a, in_review):
    client.force_login(clerk)
    message = "Bitte den Stellenplan für 2027 nachreichen."

    response = client.post(reverse("grants:review_request_changes", args=[in_review.pk]), {"message": message})

    assert response.status_code == 302
    assert status_of(in_review) == S.CHANGES_REQUESTED
    assert ChangeRequest.objects.get(application=in_review).message == message
    client.force_login(coordinator_a)
    assert message in client.get(reverse("grants:application_detail", args=[in_review.pk])).content.decode()


def test_request_changes_page_sends_back_when_not_in_review(client, clerk, submitted):
    client.force_login(clerk)

    response = client.get(reverse("grants:review_request_changes", args=[submitted.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("grants:application_detail", args=[submitted.pk])
    assert "Eine Nachforderung ist im Status „Eingereicht“ nicht möglich." in response.content.decode()


def test_request_changes_post_in_wrong_status_shows_the_refusal(client, clerk, submitted):
    client.force_login(clerk)

    response = client.post(reverse("grants:review_request_changes", args=[submitted.pk]), {"message": "Bitte …"})

    assert response.status_code == 200
    assert "nicht möglich" in response.content.decode()
    assert status_of(submitted) == S.SUBMITTED


# --- recommend -------------------------------------------------------------------------------

def test_recommend_page_presets_the_requested_amounts(client, clerk, in_review):
    client.force_login(clerk)

    response = client.get(reverse("grants:review_recommend", args=[in_review.pk]))

    page = page_elements(response)
    assert page.by_id["id_amount-2026"].attrs["value"] == "100.000,00"
    assert "Empfohlene Zuwendung 2026" in page.by_id["div_id_amount-2026"].text
    assert page.by_id["id_amount-2030_helptext"].text.strip() == "Beantragt: 100.000,00 €"
    assert "500.000,00 €" in page.by_id["empfohlen-summe"].text


def test_recommending_a_cut_without_justification_keeps_the_input(client, clerk, in_review):
    client.force_login(clerk)
    data = {f"amount-{year}": "100.000,00" for year in in_review.years}
    data["amount-2027"] = "90.000,00"

    response = client.post(reverse("grants:review_recommend", args=[in_review.pk]), data)

    assert response.status_code == 200
    assert error_beside(response, "id_justification") == "Bitte begründen Sie die Kürzung gegenüber dem Antrag."
    assert page_elements(response).by_id["id_amount-2027"].attrs["value"] == "90.000,00"
    assert "490.000,00 €" in page_elements(response).by_id["empfohlen-summe"].text
    assert status_of(in_review) == S.IN_REVIEW


def test_recommending_more_than_requested_is_shown_beside_the_year(client, clerk, in_review):
    client.force_login(clerk)
    data = {f"amount-{year}": "100.000,00" for year in in_review.years}
    data["amount-2028"] = "100.000,01"

    response = client.post(reverse("grants:review_recommend", args=[in_review.pk]), data)

    assert "Höchstens der beantragte Betrag von 100.000,00 €" in error_beside(response, "id_amount-2028")
    assert status_of(in_review) == S.IN_REVIEW


def test_recommend_amount_in_wrong_format_is_shown_beside_the_field(client, clerk, in_review):
    client.force_login(clerk)
    data = {f"amount-{year}": "100.000,00" for year in in_review.years}
    data["amount-2029"] = "zehn Euro"

    response = client.post(reverse("grants:review_recommend", args=[in_review.pk]), data)

    assert "kein gültiger Betrag" in error_beside(response, "id_amount-2029")
    assert page_elements(response).by_id["id_amount-2029"].attrs["value"] == "zehn Euro"


def test_clerk_recommends_a_cut_with_justification_in_german_amounts(client, clerk, in_review):
    client.force_login(clerk)
    data = {f"amount-{year}": "100.000,00" for year in in_review.years}
    data.update({"amount-2027": "90.000,00", "justification": "Mikroprojekte 2027 nur teilweise förderfähig."})

    response = client.post(reverse("grants:review_recommend", args=[in_review.pk]), data)

    assert response.status_code == 302
    assert status_of(in_review) == S.RECOMMENDED
    amounts = dict(RecommendationYear.objects.filter(recommendation__application=in_review)
                   .values_list("year", "amount"))
    assert amounts[2027] == Decimal("90000.00") and amounts[2026] == Decimal("100000.00")


def test_recommend_in_full_needs_no_justification(client, clerk, in_review):
    client.force_login(clerk)

    response = client.post(reverse("grants:review_recommend", args=[in_review.pk]),
                           {f"amount-{year}": "100000" for year in in_review.years}, follow=True)

    assert status_of(in_review) == S.RECOMMENDED
    assert "zur Bewilligung empfohlen" in response.content.decode()


# --- comments --------------------------------------------------------------------------------

def test_clerk_adds_a_comment_for_the_applicant(client, clerk, coordinator_a, in_review):
    client.force_login(clerk)

    response = client.post(reverse("grants:review_comment", args=[in_review.pk]),
                           {"comment-text": "Bitte Kontaktdaten ergänzen.", "comment-visibility": "antragsteller"})

    assert response.status_code == 302
    comment = ApplicationComment.objects.get(application=in_review)
    assert (comment.author, comment.visibility) == (clerk, ApplicationComment.Visibility.APPLICANT)
    client.force_login(coordinator_a)
    assert "Bitte Kontaktdaten ergänzen." in client.get(
        reverse("grants:application_detail", args=[in_review.pk])).content.decode()


def test_internal_comment_stays_internal(client, clerk, coordinator_a, in_review):
    client.force_login(clerk)
    client.post(reverse("grants:review_comment", args=[in_review.pk]),
                {"comment-text": "Interne Notiz", "comment-visibility": "intern"})

    client.force_login(coordinator_a)
    assert "Interne Notiz" not in client.get(
        reverse("grants:application_detail", args=[in_review.pk])).content.decode()


def test_empty_comment_shows_the_error_beside_the_field(client, clerk, in_review):
    client.force_login(clerk)

    response = client.post(reverse("grants:review_comment", args=[in_review.pk]),
                           {"comment-text": "", "comment-visibility": "intern"})

    assert response.status_code == 200
    assert error_beside(response, "id_comment-text") == "Der Kommentar ist leer."
    assert not ApplicationComment.objects.exists()
