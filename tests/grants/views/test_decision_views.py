"""Bewilligung views: the list of recommended applications, approval with its budget panel,
rejection, and the four-eyes rule as the approver sees it."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from grants.models import ApplicationStatus, Award, Decision
from grants.policies.applications import FOUR_EYES_DECISION
from grants.services.budgets import budget_set
from municipalities.models import Municipality
from tests import factories
from tests.grants.views import error_beside, page_elements

S = ApplicationStatus
LOGIN = "/konto/login/?next="
DECIDE_REFUSAL = "Nur Personen mit Bewilligungsbefugnis können Anträge bewilligen oder ablehnen."
FOUR_EYES_START = "Vier-Augen-Prinzip: Sie haben diesen Antrag zur Bewilligung empfohlen"


def status_of(application):
    application.refresh_from_db()
    return application.status


@pytest.fixture
def recommended(programme, coordinator_a, clerk):
    """Recommended by the clerk with 2027 cut to 90.000,00 €."""
    amounts = {year: Decimal("100000.00") for year in range(2026, 2031)}
    amounts[2027] = Decimal("90000.00")
    return factories.recommended_application(programme, coordinator_a, clerk, amounts=amounts,
                                             justification="Mikroprojekte 2027 nur teilweise förderfähig.")


@pytest.fixture
def recommended_by_approver(programme, coordinator_a, approver):
    """Bewilligung staff may also review; this one recommended the application themselves."""
    return factories.recommended_application(programme, coordinator_a, approver)


def approve_url(application):
    return reverse("grants:decision_approve", args=[application.pk])


def reject_url(application):
    return reverse("grants:decision_reject", args=[application.pk])


# --- decision queue --------------------------------------------------------------------------

def test_anonymous_is_sent_to_login_from_the_decision_queue(client, db):
    response = client.get(reverse("grants:decision_queue"))

    assert response.status_code == 302 and response.url == LOGIN + "/bewilligung/"


@pytest.mark.parametrize("user", ["coordinator_a", "clerk", "programme_admin"])
def test_people_without_decision_right_are_refused_the_decision_queue(db, client, user, request):
    client.force_login(request.getfixturevalue(user))

    response = client.get(reverse("grants:decision_queue"))

    assert response.status_code == 403
    assert DECIDE_REFUSAL in response.content.decode()


def test_decision_queue_lists_only_recommended_applications(client, approver, recommended, programme,
                                                            coordinator_b, clerk):
    other = factories.in_review_application(programme, coordinator_b, clerk)
    client.force_login(approver)

    html = client.get(reverse("grants:decision_queue")).content.decode()

    assert recommended.file_reference in html
    assert other.file_reference not in html
    row = re.search(rf"<tr>\s*<td><a[^>]*>{recommended.file_reference}</a>.*?</tr>", html, re.S).group(0)
    recommended_on = recommended.recommendations.get().created_at.astimezone().strftime("%d.%m.%Y")
    for text in ("Werra-Meißner-Kreis", "490.000,00 €", "Sachbearbeitung Test", recommended_on):
        assert text in row
    assert approve_url(recommended) in row


def test_decision_queue_marks_own_recommendations(client, approver, recommended_by_approver):
    client.force_login(approver)

    html = client.get(reverse("grants:decision_queue")).content.decode()

    assert "Ihre Empfehlung" in html
    assert approve_url(recommended_by_approver) not in html


def _many_recommended(count, programmes, clerk, start=0):
    bodies = list(Municipality.objects.order_by("name"))
    for index in range(start, count):
        body = bodies[index % len(bodies)]
        coordinator = (body.users.first()
                       or factories.make_user(f"koordination-{body.ags}", Role.KOORDINATION, body))
        factories.recommended_application(programmes[index // len(bodies)], coordinator, clerk)


def test_decision_queue_queries_do_not_grow_with_rows(client, approver, clerk, programme):
    old = factories.make_programme(code="wir-2021", start=2021, end=2025)
    client.force_login(approver)
    _many_recommended(5, [programme], clerk)
    client.get(reverse("grants:decision_queue"))

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("grants:decision_queue")).content.decode().count(">WIR-") == 5
    few_count = len(few.captured_queries)  # read now: the next request clears the query log
    _many_recommended(50, [programme, old], clerk, start=5)
    with CaptureQueriesContext(connection) as many:
        first = client.get(reverse("grants:decision_queue")).content.decode()
    many_count = len(many.captured_queries)

    # 25 a page, the total above the table: the other 25 are on page 2
    assert first.count(">WIR-") == 25 and "50 Anträge warten" in " ".join(first.split())
    assert client.get(reverse("grants:decision_queue") + "?page=2").content.decode().count(">WIR-") == 25
    assert few_count > 0 and many_count == few_count


# --- detail page panel -----------------------------------------------------------------------

def test_approver_sees_approve_and_reject_on_the_detail_page(client, approver, recommended):
    client.force_login(approver)

    html = client.get(reverse("grants:application_detail", args=[recommended.pk])).content.decode()

    assert approve_url(recommended) in html and reject_url(recommended) in html


def test_recommender_sees_the_four_eyes_reason_instead_of_links(client, approver, recommended_by_approver):
    client.force_login(approver)

    response = client.get(reverse("grants:application_detail", args=[recommended_by_approver.pk]))

    html = response.content.decode()
    assert approve_url(recommended_by_approver) not in html
    assert FOUR_EYES_START in page_elements(response).by_id["vier-augen-hinweis"].text
    buttons = [e for e in page_elements(response).elements if e.tag == "button" and "disabled" in e.attrs]
    assert {b.text.strip() for b in buttons} == {"Bewilligen", "Ablehnen"}
    assert all(b.attrs["aria-describedby"] == "vier-augen-hinweis" for b in buttons)


def test_clerk_sees_no_decision_panel(client, clerk2, recommended):
    client.force_login(clerk2)

    html = client.get(reverse("grants:application_detail", args=[recommended.pk])).content.decode()

    assert 'id="h-entscheidung"' not in html
    assert approve_url(recommended) not in html


def test_no_decision_panel_after_the_decision(client, approver, approver2, recommended):
    client.force_login(approver)
    client.post(approve_url(recommended))

    client.force_login(approver2)
    html = client.get(reverse("grants:application_detail", args=[recommended.pk])).content.decode()

    assert 'id="h-entscheidung"' not in html


# --- approve: access ---------------------------------------------------------------------------

@pytest.mark.parametrize("url", [approve_url, reject_url])
def test_anonymous_is_sent_to_login_from_decisions(client, recommended, url):
    response = client.get(url(recommended))

    assert response.status_code == 302 and response.url == LOGIN + url(recommended)


@pytest.mark.parametrize("url", [approve_url, reject_url])
@pytest.mark.parametrize("method", ["get", "post"])
def test_clerk_is_refused_decisions(client, clerk2, recommended, url, method):
    client.force_login(clerk2)

    response = getattr(client, method)(url(recommended), {"reason": "Nein"})

    assert response.status_code == 403
    assert DECIDE_REFUSAL in response.content.decode()
    assert status_of(recommended) == S.RECOMMENDED


@pytest.mark.parametrize("url", [approve_url, reject_url])
def test_own_bodys_coordinator_is_refused_decisions(client, coordinator_a, recommended, url):
    client.force_login(coordinator_a)

    assert client.post(url(recommended), {"reason": "Nein"}).status_code == 403
    assert status_of(recommended) == S.RECOMMENDED


@pytest.mark.parametrize("url", [approve_url, reject_url])
def test_other_bodys_coordinator_gets_404_on_decisions(client, coordinator_b, recommended, url):
    client.force_login(coordinator_b)

    assert client.post(url(recommended), {"reason": "Nein"}).status_code == 404


# --- approve -------------------------------------------------------------------------------------

def test_approve_page_shows_recommendation_and_budget_panel(client, approver, recommended, programme,
                                                           coordinator_b, clerk, approver2):
    factories.approved_award(programme, coordinator_b, clerk, approver2)  # commits 100.000,00 € a year
    client.force_login(approver)

    response = client.get(approve_url(recommended))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Mikroprojekte 2027 nur teilweise förderfähig." in html
    assert "Empfohlen von Sachbearbeitung Test" in html
    budget = re.search(r'aria-labelledby="h-haushalt">.*?</section>', html, re.S).group(0)
    row_2027 = re.search(r"<th scope=\"row\">2027</th>(.*?)</tr>", budget, re.S).group(1)
    cells = re.findall(r'<td class="money[^"]*">([^<]*)', row_2027)
    # Haushaltsansatz, bereits gebunden, diese Bewilligung, verbleibend danach
    assert cells == ["1.000.000,00 €", "100.000,00 €", "90.000,00 €", "810.000,00 €"]
    submit = next(e for e in page_elements(response).elements if e.tag == "button" and e.text.strip() == "Bewilligen")
    assert "disabled" not in submit.attrs


def test_approver_approves(client, approver, recommended):
    client.force_login(approver)

    response = client.post(approve_url(recommended), follow=True)

    assert status_of(recommended) == S.APPROVED
    award = Award.objects.get(application=recommended)
    assert {y.year: y.amount for y in award.years.select_related("budget")}[2027] == Decimal("90000.00")
    assert response.redirect_chain[-1][0] == reverse("grants:application_detail", args=[recommended.pk])
    assert "Der Antrag ist bewilligt." in response.content.decode()


def test_recommender_sees_disabled_buttons_with_the_reason(client, approver, recommended_by_approver):
    client.force_login(approver)

    response = client.get(approve_url(recommended_by_approver))

    page = page_elements(response)
    assert FOUR_EYES_START in page.by_id["vier-augen-hinweis"].text
    submit = next(e for e in page.elements if e.tag == "button" and e.text.strip() == "Bewilligen")
    assert "disabled" in submit.attrs and submit.attrs["aria-describedby"] == "vier-augen-hinweis"


def test_recommender_cannot_approve_by_posting_anyway(client, approver, recommended_by_approver):
    client.force_login(approver)

    response = client.post(approve_url(recommended_by_approver))

    assert response.status_code == 200
    assert str(FOUR_EYES_DECISION) in response.content.decode()
    assert status_of(recommended_by_approver) == S.RECOMMENDED
    assert not Award.objects.exists() and not Decision.objects.exists()


@pytest.fixture
def tight_2028(programme, recommended, coordinator_b, clerk, approver2, programme_admin):
    """2028's budget is cut to 150.000,00 € after HTK's award committed 100.000,00 € of it:
    the recommended 100.000,00 € for WMK no longer fit in 2028."""
    factories.approved_award(programme, coordinator_b, clerk, approver2)
    budget_set(programme=programme, year=2028, amount=Decimal("150000.00"), user=programme_admin)
    return recommended


def test_approve_page_highlights_a_year_that_would_go_negative(client, approver, tight_2028):
    client.force_login(approver)

    response = client.get(approve_url(tight_2028))

    html = response.content.decode()
    highlighted = re.findall(r'<tr class="table-danger">\s*<th scope="row">(\d{4})</th>', html)
    assert highlighted == ["2028"]
    assert "-50.000,00 €" in re.search(r'<tr class="table-danger">.*?</tr>', html, re.S).group(0)
    warning = page_elements(response).by_id["haushalt-hinweis"].text
    assert "Der Haushaltsansatz reicht für 2028 nicht aus" in warning and "abgelehnt" in warning
    submit = next(e for e in page_elements(response).elements if e.tag == "button" and e.text.strip() == "Bewilligen")
    assert "disabled" in submit.attrs and submit.attrs["aria-describedby"] == "haushalt-hinweis"


def test_approval_beyond_the_budget_is_refused_and_writes_nothing(client, approver, tight_2028):
    client.force_login(approver)

    response = client.post(approve_url(tight_2028))

    assert response.status_code == 200
    assert ("Haushaltsjahr 2028: Die Bewilligung von 100.000,00 € übersteigt den verfügbaren Haushaltsansatz "
            "(noch 50.000,00 € von 150.000,00 € frei).") in response.content.decode()
    assert status_of(tight_2028) == S.RECOMMENDED
    assert not Award.objects.filter(application=tight_2028).exists()
    assert not Decision.objects.filter(application=tight_2028).exists()


def test_approve_page_of_an_application_not_recommended_sends_back(client, approver, programme, coordinator_a, clerk):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    client.force_login(approver)

    response = client.get(approve_url(application), follow=True)

    assert response.redirect_chain[-1][0] == reverse("grants:application_detail", args=[application.pk])
    assert "bewilligt werden kann nur ein zur Bewilligung empfohlener Antrag" in response.content.decode()


def test_second_approval_is_a_message_not_an_error(client, approver, approver2, recommended):
    client.force_login(approver)
    client.post(approve_url(recommended))
    client.force_login(approver2)

    response = client.post(approve_url(recommended), follow=True)

    assert response.status_code == 200
    assert "Die Bewilligung ist im Status „Bewilligt“ nicht möglich." in response.content.decode()
    assert Award.objects.filter(application=recommended).count() == 1


# --- reject ------------------------------------------------------------------------------------

def test_reject_page_has_a_reason_field(client, approver, recommended):
    client.force_login(approver)

    response = client.get(reject_url(recommended))

    assert response.status_code == 200
    assert page_elements(response).by_id["id_reason"].tag == "textarea"


def test_reject_needs_a_reason(client, approver, recommended):
    client.force_login(approver)

    response = client.post(reject_url(recommended), {"reason": "   "})

    assert response.status_code == 200
    assert error_beside(response, "id_reason") == "Eine Ablehnung braucht eine Begründung."
    assert status_of(recommended) == S.RECOMMENDED


def test_approver_rejects_with_a_reason(client, approver, recommended):
    client.force_login(approver)
    reason = "Die Gesamtfinanzierung ist nicht gesichert."

    response = client.post(reject_url(recommended), {"reason": reason, "discretion": "Keine Ausnahme ersichtlich."},
                           follow=True)

    assert status_of(recommended) == S.REJECTED
    assert Decision.objects.get(application=recommended).reason == reason
    assert reason in response.content.decode()


def test_recommender_cannot_reject(client, approver, recommended_by_approver):
    client.force_login(approver)

    shown = client.get(reject_url(recommended_by_approver))
    submit = next(e for e in page_elements(shown).elements if e.tag == "button" and e.text.strip() == "Ablehnen")
    assert "disabled" in submit.attrs and submit.attrs["aria-describedby"] == "vier-augen-hinweis"

    response = client.post(reject_url(recommended_by_approver), {"reason": "Nicht förderfähig."})

    assert response.status_code == 200
    assert str(FOUR_EYES_DECISION) in response.content.decode()
    assert page_elements(response).by_id["id_reason"].text.strip() == "Nicht förderfähig."
    assert status_of(recommended_by_approver) == S.RECOMMENDED


def test_reject_page_of_an_approved_application_sends_back(client, approver, approver2, recommended):
    client.force_login(approver2)
    client.post(approve_url(recommended))
    client.force_login(approver)

    response = client.post(reject_url(recommended), {"reason": "Doch nicht."}, follow=True)

    assert "kann nicht abgelehnt werden" in response.content.decode()
    assert status_of(recommended) == S.APPROVED
