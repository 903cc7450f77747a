"""Errors of the API as RFC 9457 problem details (application/problem+json, German), throttling
per key with Retry-After, the notice PDF with its SHA-256 as ETag, and a constant number of
queries per page of the applications list."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from municipalities.models import Municipality
from tests import factories

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS and body["status"] == status
    assert body["type"].startswith("urn:wir-foerderung:problem:")
    return body


def test_400_names_each_wrong_parameter(api_client, clerk):
    body = _problem(api_client(clerk).get("/api/v1/payments/?budget_year=zwanzig&status=bezahlt"), 400)
    assert body["title"] == "Ungültige Angaben"
    assert set(body["errors"]) == {"budget_year", "status"}
    assert body["detail"].startswith("Die Angaben sind nicht zulässig:")


def test_401_without_a_key(anonymous_api):
    body = _problem(anonymous_api.get("/api/v1/applications/"), 401)
    assert body["title"] == "Nicht angemeldet"
    assert "Bearer" in body["detail"]


def test_404_for_an_unknown_object_and_an_unknown_address(api_client, clerk):
    client = api_client(clerk)
    assert _problem(client.get("/api/v1/applications/999999/"), 404)["title"] == "Nicht gefunden"
    assert _problem(client.get("/api/v1/applications/abc/"), 404)["instance"] == "/api/v1/applications/abc/"
    assert "/api/v1/docs/" in _problem(client.get("/api/v1/antraege"), 404)["detail"]


def test_405_for_a_method_the_resource_does_not_have(api_client, clerk):
    body = _problem(api_client(clerk).delete("/api/v1/programmes/1/"), 405)
    assert body["detail"] == "Die Methode DELETE ist für diese Adresse nicht erlaubt."


def test_406_for_a_format_the_api_does_not_deliver(api_client, clerk):
    body = _problem(api_client(clerk).get("/api/v1/programmes/", HTTP_ACCEPT="text/html"), 406)
    assert body["title"] == "Format nicht lieferbar"


def test_domain_refusals_map_to_status_and_field_errors():
    from rest_framework.test import APIRequestFactory

    from api.problems import exception_handler
    from core.errors import FieldErrors, InvalidTransition, NotPermitted

    request = APIRequestFactory().get("/api/v1/x/")
    refused = exception_handler(FieldErrors({"amount": ["Der Betrag darf nicht negativ sein."]}), {"request": request})
    assert refused is not None and refused.status_code == 400
    assert json.loads(refused.content)["errors"] == {"amount": ["Der Betrag darf nicht negativ sein."]}
    for error, status in ((NotPermitted("Nein."), 403), (InvalidTransition("Schon erledigt."), 409)):
        answer = exception_handler(error, {"request": request})
        assert answer is not None and answer.status_code == status
        assert json.loads(answer.content)["errors"] == {api_settings.NON_FIELD_ERRORS_KEY: [error.message]}


def test_429_after_the_rate_of_the_key_with_retry_after(api_client, api_token, clerk, programme, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api_read": "3/min", "api_write": "3/min"}}
    client = api_client(clerk)
    for _ in range(3):
        assert client.get("/api/v1/programmes/").status_code == 200
    body = _problem(client.get("/api/v1/programmes/"), 429)
    response = client.get("/api/v1/programmes/")
    assert 0 < int(response["Retry-After"]) <= 60
    assert body["title"] == "Zu viele Anfragen"
    assert "Bitte in" in body["detail"] and "Sekunden erneut versuchen" in body["detail"]
    # The count is per key: the same person's second key still gets answers.
    other_key = APIClient()
    other_key.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token(clerk, 'Zweiter')}")
    assert other_key.get("/api/v1/programmes/").status_code == 200


def test_notice_pdf_is_the_stored_bytes_with_its_sha256_as_etag(case, cast, api_client, frozen_today):
    notice = case["notice"]
    client = api_client(cast["coordinator_a"])
    response = client.get(f"/api/v1/notices/{notice.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(notice.pdf) and response.content.startswith(b"%PDF")
    assert response["ETag"] == f'"{notice.sha256}"'
    assert f'filename="{notice.number}.pdf"' in response["Content-Disposition"]
    unchanged = client.get(f"/api/v1/notices/{notice.pk}/pdf/", HTTP_IF_NONE_MATCH=f'"{notice.sha256}"')
    assert unchanged.status_code == 304 and unchanged.content == b""
    other = client.get(f"/api/v1/notices/{notice.pk}/pdf/", HTTP_IF_NONE_MATCH='"0000"')
    assert other.status_code == 200
    meta = client.get(f"/api/v1/notices/{notice.pk}/").json()
    assert meta["sha256"] == notice.sha256 and meta["pdf_url"].endswith(f"/api/v1/notices/{notice.pk}/pdf/")


def _submitted_in_bodies(programme, start: int, stop: int) -> None:
    for body in Municipality.objects.order_by("pk")[start:stop]:
        coordinator = User.objects.filter(municipality=body).first() or factories.make_user(
            f"koordination-{body.pk}", Role.KOORDINATION, body)
        factories.submitted_application(programme, coordinator, start=programme.period_start,
                                        end=programme.period_start.replace(year=programme.period_start.year + 1))


def test_applications_list_costs_the_same_queries_for_2_and_8_applications(programme, clerk, api_client):
    client = api_client(clerk)
    client.get("/api/v1/applications/")  # the key's last use is written at most once a minute
    _submitted_in_bodies(programme, 0, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/applications/").json()["count"] == 2
    _submitted_in_bodies(programme, 2, 8)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/applications/").json()["count"] == 8
    assert len(few) == len(many) <= 4


def test_nul_in_a_parameter_is_a_400_problem_not_a_database_error(api_client, clerk):
    body = _problem(api_client(clerk).get("/api/v1/applications/", {"programme": "wir\x00"}), 400)
    assert "NUL" in body["detail"]


def test_a_programming_error_is_logged_and_answered_as_a_500_problem(api_client, clerk, monkeypatch, caplog):
    def broken(user):
        raise RuntimeError("kaputt")

    monkeypatch.setattr("api.views.programmes.programmes_visible_to", broken)
    body = _problem(api_client(clerk).get("/api/v1/programmes/"), 500)
    assert body["title"] == "Interner Fehler" and "kaputt" not in body["detail"]
    assert any(record.exc_info and "kaputt" in str(record.exc_info[1]) for record in caplog.records)


@pytest.mark.parametrize("query", [
    "applications/?period_year=-5", "applications/?period_year=" + "9" * 30, "payments/?budget_year=1e400",
    "proofs/?year=20000", "deadlines/?due_after=2026-02-30", "applications/?submitted_after=99999-01-01",
    "applications/?status=" + "x" * 5000,
])
def test_out_of_range_parameters_are_a_400_problem_never_a_500(api_client, clerk, query):
    body = _problem(api_client(clerk).get(f"/api/v1/{query}"), 400)
    assert body["errors"]


@pytest.mark.parametrize("query", ["applications/?page=abc", "applications/?page=" + "9" * 30])
def test_a_page_that_does_not_exist_is_a_404_problem(api_client, clerk, query):
    assert _problem(api_client(clerk).get(f"/api/v1/{query}"), 404)["detail"] == "Ungültige Seite."
