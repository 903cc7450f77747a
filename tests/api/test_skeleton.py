"""The frame of the API: schema, docs, problem details for addresses and methods."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_answers_as_openapi_yaml_and_json(anonymous_api):
    response = anonymous_api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3")
    response = anonymous_api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "WIR-Förderverwaltung API"


def test_docs_page_answers_without_sign_in(anonymous_api):
    response = anonymous_api.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"<style" not in response.content


def test_unknown_address_is_a_404_problem(api_client, clerk):
    response = api_client(clerk).get("/api/v1/gibt-es-nicht/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Nicht gefunden"
