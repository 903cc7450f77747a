"""The frame of the API: the OpenAPI schema (valid, precise, German), the documentation page, and
problem details for addresses that name no endpoint."""

import pytest
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_schema_answers_as_openapi_yaml_and_json(anonymous_api):
    response = anonymous_api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3")
    response = anonymous_api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["info"]["title"] == "WIR-Förderverwaltung API" and schema["info"]["version"] == "1"
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_schema_types_money_as_decimal_strings_and_names_every_problem(anonymous_api):
    schema = anonymous_api.get("/api/v1/schema/?format=json").json()
    amount = schema["components"]["schemas"]["Payment"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["format"] == "decimal"
    assert schema["components"]["schemas"]["ApplicationList"]["properties"]["requested_grant"]["format"] == "decimal"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "429"} <= set(operation["responses"]), (method, path)
            assert "application/problem+json" in operation["responses"]["401"]["content"]
            assert operation.get("summary"), (method, path)  # every operation says in German what it is
            if "{id}" in path:
                assert "404" in operation["responses"], (method, path)
    pdf = schema["paths"]["/api/v1/notices/{id}/pdf/"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"] and "304" in pdf


def test_docs_page_answers_without_sign_in_and_without_inline_style_or_script(anonymous_api):
    response = anonymous_api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="swagger-ui"' in html and '<html lang="de">' in html
    assert "<style" not in html and "<script>" not in html
    script = anonymous_api.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_unknown_address_is_a_404_problem(api_client, clerk):
    response = api_client(clerk).get("/api/v1/gibt-es-nicht/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Nicht gefunden"
