"""The writing endpoints: a coordinator's token creates, changes, plans and submits an
application and calls funds – through the services of the UI, refused as the UI refuses, with the
UI form's German messages under the UI form's field keys."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core import clock
from grants.models import Application, ApplicationStatus, Disbursement, PlanExpenditure
from tests import factories
from tests.grants.views.test_application_views import plan_post

pytestmark = pytest.mark.django_db

CREATE = "/api/v1/applications/"
DETAILS = {
    "programme": "wir-2026", "title": "WIR-Vielfaltszentrum Werra-Meißner-Kreis",
    "purpose": "Betrieb des WIR-Vielfaltszentrums", "period_start": "2026-01-01", "period_end": "2030-12-31",
    "contact_name": "Jana Keller", "contact_phone": "05651 302-0", "contact_email": "jana.keller@example.org",
}


def plan_body(years=range(2026, 2031), grant="100000.00", own="30000.00") -> dict:
    """The plan of tests.grants.views.test_application_views.plan_post, as the API takes it."""
    expenditures, financings = [], []
    for year in years:
        expenditures += [
            {"year": year, "category": "personal", "amount": "118000.00", "positions": "2.00"},
            {"year": year, "category": "mikroprojekte", "amount": "5000.00"},
            {"year": year, "category": "sachausgaben", "amount": "7000.00"},
        ]
        financings += [{"year": year, "source": "zuwendung", "amount": grant},
                       {"year": year, "source": "eigenmittel", "amount": own}]
    return {"expenditures": expenditures, "financings": financings}


def url(application, suffix="") -> str:
    return f"/api/v1/applications/{application.pk}/{suffix}"


@pytest.fixture
def draft(programme, coordinator_a):
    return factories.draft_application(programme, coordinator_a)


# -- create ------------------------------------------------------------------------------------


def test_coordinator_creates_a_draft_with_its_plan(api_client, coordinator_a, programme):
    response = api_client(coordinator_a).post(CREATE, DETAILS | plan_body(), format="json")

    assert response.status_code == 201, response.json()
    application = Application.objects.get()
    assert response["Location"] == f"/api/v1/applications/{application.pk}/"
    body = response.json()
    assert body["status"] == "entwurf" and body["status_label"] == "Entwurf"
    assert body["file_reference"] is None and body["requested_grant"] == "500000.00"
    assert body["expenditures"][0] == {"year": 2026, "category": "personal",
                                                "category_name": "Personalausgaben WIR-Koordination",
                                                "amount": "118000.00", "positions": "2.00"}
    assert application.municipality == coordinator_a.municipality and application.created_by == coordinator_a
    line = PlanExpenditure.objects.get(application=application, year=2027, category__code="personal")
    assert (line.amount, line.positions) == (Decimal("118000.00"), Decimal("2.00"))
    assert list(AuditEntry.objects.filter(action__startswith="grants.").values_list("action", flat=True)) == [
        "grants.application.created"]


def test_amounts_as_json_numbers_are_read_exactly(api_client, coordinator_a, programme):
    body = plan_body(years=[2026])
    body["expenditures"][1]["amount"] = 4999.99  # a JSON number: read as Decimal, never as float
    response = api_client(coordinator_a).post(CREATE, DETAILS | body, format="json")
    assert response.status_code == 201, response.json()
    line = PlanExpenditure.objects.get(category__code="mikroprojekte")
    assert line.amount == Decimal("4999.99")


def test_missing_title_and_wrong_period_answer_the_forms_messages(api_client, coordinator_a, programme):
    response = api_client(coordinator_a).post(
        CREATE, DETAILS | {"title": "", "period_start": "31.12.2030", "period_end": "01.01.2026"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors == {"title": ["Dieses Feld ist zwingend erforderlich."],
                      "period_end": ["Das Ende muss nach dem Beginn liegen."]}
    assert not Application.objects.exists()


def test_unknown_or_closed_programme_is_refused_as_the_page_refuses_it(api_client, coordinator_a, programme):
    response = api_client(coordinator_a).post(CREATE, DETAILS | {"programme": "wir-1999"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"programme": ["Diese Förderperiode nimmt keine Anträge an."]}


def test_second_application_in_the_period_is_refused_with_the_policys_reason(api_client, coordinator_a, draft):
    response = api_client(coordinator_a).post(CREATE, DETAILS, format="json")
    assert response.status_code == 422
    assert response.json()["detail"] == ("Für Werra-Meißner-Kreis besteht in der Förderperiode 2026–2030 bereits ein "
                                         "Antragsentwurf (Status „Entwurf“).")
    assert Application.objects.count() == 1


def test_request_that_is_no_json_object_is_a_problem_not_a_server_error(api_client, coordinator_a, programme):
    client = api_client(coordinator_a)
    for payload in (["a"], "text", 5, {"expenditures": "x"}, {"title": ["a"]}):
        response = client.post(CREATE, payload, format="json")
        assert response.status_code == 400, payload
        assert response["Content-Type"] == "application/problem+json"
    response = client.post(CREATE, "{kein json", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"] == "Der Inhalt der Anfrage ist kein gültiges JSON."


# -- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "approver", "programme_admin"])
def test_ministry_tokens_may_not_write_and_are_told_why(api_client, cast, role, programme, coordinator_a):
    award = factories.approved_award(programme, coordinator_a, cast["clerk"], cast["approver"])
    client = api_client(cast[role])
    calls = [
        client.post(CREATE, DETAILS, format="json"),
        client.post(CREATE, DETAILS, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300),  # the role first
        client.patch(url(award.application), {"title": "Neu"}, format="json"),
        client.put(url(award.application, "plan/"), plan_body(), format="json"),
        client.post(url(award.application, "submit/"), {}, format="json"),
        client.post(f"/api/v1/awards/{award.pk}/payment-calls/", {"year": 2026, "amount": "1.00",
                                                                  "stated_need": "x"}, format="json"),
    ]
    for response in calls:
        assert response.status_code == 403
        assert response.json()["detail"] == ("Nur die Koordination einer Gebietskörperschaft kann Anträge stellen "
                                             "und Mittel abrufen.")
    assert not Disbursement.objects.exists()
    assert Application.objects.get().title != "Neu"


def test_other_bodys_coordinator_finds_nothing_to_change(api_client, coordinator_b, draft, programme,
                                                          coordinator_a, clerk, approver):
    client = api_client(coordinator_b)
    assert client.patch(url(draft), {"title": "Übernommen"}, format="json").status_code == 404
    assert client.put(url(draft, "plan/"), plan_body(), format="json").status_code == 404
    response = client.post(url(draft, "submit/"), {}, format="json")
    assert response.status_code == 404 and response.json()["detail"] == "Antrag nicht gefunden."
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.title != "Übernommen"


def test_anonymous_and_revoked_tokens_are_refused(anonymous_api, api_client, coordinator_a, programme):
    assert anonymous_api.post(CREATE, DETAILS, format="json").status_code == 401
    client = api_client(coordinator_a)
    coordinator_a.api_tokens.update(revoked_at=clock.now())
    response = client.post(CREATE, DETAILS, format="json")
    assert response.status_code == 401 and response.json()["detail"] == "Der API-Schlüssel wurde widerrufen."
    assert not Application.objects.exists()


# -- change and plan -----------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_keeps_the_plan(api_client, coordinator_a, draft):
    before = sorted(PlanExpenditure.objects.values_list("year", "category__code", "amount"))
    response = api_client(coordinator_a).patch(url(draft), {"title": "WIR-Zentrum Eschwege"}, format="json")
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.title == "WIR-Zentrum Eschwege" and draft.purpose == "Betrieb des WIR-Vielfaltszentrums"
    assert sorted(PlanExpenditure.objects.values_list("year", "category__code", "amount")) == before
    entry = AuditEntry.objects.filter(action="grants.application.changed").get()
    assert entry.changes == {"title": [f"WIR-Vielfaltszentrum {coordinator_a.municipality}", "WIR-Zentrum Eschwege"]}


def test_plan_is_replaced_as_a_whole(api_client, coordinator_a, draft):
    response = api_client(coordinator_a).put(url(draft, "plan/"), plan_body(years=[2026, 2027]), format="json")
    assert response.status_code == 200, response.json()
    assert sorted({line["year"] for line in response.json()["expenditures"]}) == [2026, 2027]
    assert set(PlanExpenditure.objects.filter(application=draft).values_list("year", flat=True)) == {2026, 2027}


def test_plan_lines_the_grid_has_no_cell_for_are_named_by_the_plan_rules(api_client, coordinator_a, draft):
    body = plan_body(years=[2026])
    body["expenditures"][2]["positions"] = "1.00"  # Sachausgaben count no positions
    body["expenditures"] += [{"year": 2026, "category": "reisen", "amount": "10.00"},
                             {"year": 2026, "category": "mikroprojekte", "amount": "1.00"}]
    body["financings"] += [{"year": 2026, "source": "lotto", "amount": "1.00"},
                          {"year": 2031, "source": "drittmittel", "amount": "1.00"}]
    response = api_client(coordinator_a).put(url(draft, "plan/"), body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["expenditure-2026-reisen"] == ["Die Kostenart „reisen“ gehört nicht zu diesem Förderprogramm."]
    assert errors["expenditure-2026-mikroprojekte"] == ["„Mikroprojekte“ 2026 ist doppelt angegeben."]
    assert errors["positions-2026-sachausgaben"] == ["Für „Sachausgaben“ werden keine Stellenanteile angegeben."]
    assert errors["financing-2026-lotto"] == ["Unbekannte Finanzierungsquelle „lotto“."]
    assert errors["financing-2031-drittmittel"] == ["2031 liegt außerhalb des Vorhabenzeitraums (2026–2030)."]
    assert PlanExpenditure.objects.filter(application=draft).count() == 15  # unchanged


@pytest.mark.parametrize(("api_value", "ui_value", "key"), [
    ("5.000,0,0", "5.000,0,0", "expenditure-2027-mikroprojekte"),
    ("-5.00", "-5,00", "expenditure-2027-mikroprojekte"),
    ("5.001", "5,001", "expenditure-2027-mikroprojekte"),
    ("abc", "abc", "positions-2027-personal"),
])
def test_api_refuses_a_bad_cell_with_the_ui_forms_message(client, api_client, coordinator_a, draft,
                                                         api_value, ui_value, key):
    """The same bad input through the page and through the API: the same message, the same key."""
    body = plan_body()
    field = "positions" if key.startswith("positions") else "amount"
    category = key.split("-", 2)[2]
    next(line for line in body["expenditures"] if line["year"] == 2027 and line["category"] == category)[field] = \
        api_value
    response = api_client(coordinator_a).put(url(draft, "plan/"), body, format="json")
    assert response.status_code == 400
    api_errors = response.json()["errors"]

    client.force_login(coordinator_a)
    page = client.post(reverse("grants:application_edit", args=[draft.pk]), plan_post() | {key: ui_value, "save": ""})
    ui_errors = page.context["grid"].errors
    assert page.status_code == 200 and ui_errors
    assert api_errors == {name: list(messages) for name, messages in ui_errors.items()}
    assert list(api_errors) == [key]


def test_unbalanced_plan_is_refused_on_submission_with_the_pages_message(client, api_client, coordinator_a, draft):
    body = plan_body()
    body["financings"][7]["amount"] = "25000.00"  # 2029 eigenmittel
    api = api_client(coordinator_a)
    assert api.put(url(draft, "plan/"), body, format="json").status_code == 200  # a draft may be unbalanced
    response = api.post(url(draft, "submit/"), {}, format="json")
    assert response.status_code == 400
    message = ("2029: Ausgaben (130.000,00 €) und Finanzierung (125.000,00 €) sind nicht ausgeglichen; es fehlen "
               "5.000,00 €.")
    assert response.json()["errors"] == {"year-2029": [message]}
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT

    client.force_login(coordinator_a)
    page = client.post(reverse("grants:application_edit", args=[draft.pk]),
                       plan_post(years=range(2026, 2031)) | {"financing-2029-eigenmittel": "25.000,00", "submit": ""})
    assert page.context["grid"].errors["year-2029"] == [message]


def test_submitted_application_can_no_longer_be_changed(api_client, coordinator_a, programme):
    submitted = factories.submitted_application(programme, coordinator_a)
    api = api_client(coordinator_a)
    response = api.patch(url(submitted), {"title": "Neu"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "Den Antrag zu ändern ist im Status „Eingereicht“ nicht möglich."
    assert api.put(url(submitted, "plan/"), plan_body(), format="json").status_code == 409


# -- submit ----------------------------------------------------------------------------------------


def test_coordinator_submits_and_the_application_gets_its_file_reference(api_client, coordinator_a, draft):
    response = api_client(coordinator_a).post(url(draft, "submit/"), {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "eingereicht" and response.json()["file_reference"] == "WIR-26-0001"
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED and draft.submitted_at is not None


def test_second_submission_is_refused_by_the_state_machine(api_client, coordinator_a, draft):
    api = api_client(coordinator_a)
    assert api.post(url(draft, "submit/"), {}, format="json").status_code == 200
    response = api.post(url(draft, "submit/"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "Das Einreichen ist im Status „Eingereicht“ nicht möglich."
    assert AuditEntry.objects.filter(action="grants.application.submitted").count() == 1


# -- payment calls ------------------------------------------------------------------------------


@pytest.fixture
def june_2026():
    with clock.frozen_at(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Europe/Berlin"))):
        yield


def calls_url(award) -> str:
    return f"/api/v1/awards/{award.pk}/payment-calls/"


def test_coordinator_calls_funds_of_the_award(june_2026, api_client, programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    response = api_client(coordinator_a).post(calls_url(award), {
        "year": 2026, "amount": "40000.00", "stated_need": "Personalkosten Januar bis Juli"}, format="json")
    assert response.status_code == 201, response.json()
    disbursement = Disbursement.objects.get()
    assert response["Location"] == f"/api/v1/payments/{disbursement.pk}/"
    body = response.json()
    assert (body["id"], body["award"], body["budget_year"], body["amount"], body["status"], body["stated_need"]) == (
        disbursement.pk, award.pk, 2026, "40000.00", "angefordert", "Personalkosten Januar bis Juli")
    assert disbursement.requested_by == coordinator_a and disbursement.amount == Decimal("40000.00")


def test_payment_call_refusals_are_the_pages(june_2026, client, api_client, programme, coordinator_a, clerk,
                                             approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    api = api_client(coordinator_a)
    client.force_login(coordinator_a)
    page_url = reverse("grants:payment_request", args=[award.application_id])
    for values in ({"year": 2026, "amount": "70000.00", "stated_need": "Personal"},
                   {"year": 2031, "amount": "1.00", "stated_need": "Personal"},
                   {"year": 2026, "amount": "0.00", "stated_need": ""}):
        response = api.post(calls_url(award), values, format="json")
        page = client.post(page_url, {key: str(value).replace(".", ",") for key, value in values.items()})
        ui_errors = {key: list(messages) for key, messages in page.context["form"].errors.items()}
        assert response.status_code in (400, 409) and ui_errors
        assert response.json()["errors"] == ui_errors, values
    assert not Disbursement.objects.exists()


def test_no_payment_call_before_the_notice(june_2026, api_client, programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, notice=False)
    response = api_client(coordinator_a).post(calls_url(award), {"year": 2026, "amount": "100.00",
                                                                 "stated_need": "Personal"}, format="json")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Vor dem Zuwendungsbescheid wird nichts ausgezahlt")


def test_other_bodys_coordinator_cannot_call_funds(june_2026, api_client, programme, coordinator_a, coordinator_b,
                                                   clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    response = api_client(coordinator_b).post(calls_url(award), {"year": 2026, "amount": "100.00",
                                                                 "stated_need": "Personal"}, format="json")
    assert response.status_code == 404 and response.json()["detail"] == "Zuwendung nicht gefunden."
    assert not Disbursement.objects.exists()


def test_the_written_application_reads_as_it_was_answered(api_client, coordinator_a, programme):
    """One resource for reading and writing: GET shows what the POST answered."""
    api = api_client(coordinator_a)
    created = api.post(CREATE, DETAILS | plan_body(years=[2026]), format="json").json()
    assert api.get(f"/api/v1/applications/{created['id']}/").json() == created
    assert [row["id"] for row in api.get(CREATE).json()["results"]] == [created["id"]]


def test_writes_are_throttled_per_token_apart_from_reads(api_client, coordinator_a, draft, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api_read": "100/min", "api_write": "2/min"}}
    api = api_client(coordinator_a)
    for _ in range(2):
        assert api.patch(url(draft), {"title": "WIR-Zentrum"}, format="json").status_code == 200
    refused = api.put(url(draft, "plan/"), plan_body(), format="json")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["title"] == "Zu viele Anfragen"
    assert api.get(url(draft)).status_code == 200  # reading goes on
    assert PlanExpenditure.objects.filter(application=draft).count() == 15  # the refused write did nothing
