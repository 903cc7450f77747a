"""Personal API keys: made on „Mein Konto“, shown once, stored only as their SHA-256, refused with a
German 401 once revoked or expired or when the person is deactivated; creating and revoking are
audited, and a form sent twice makes one key."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken, hash_secret
from api.services import api_token_create, api_token_revoke
from audit.models import AuditEntry
from core import clock
from tests.accounts.conftest import enrolled, signed_in_fully
from tests.form_tokens import form_token

pytestmark = pytest.mark.django_db

LIST = "/konto/api-schluessel/"


def _bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _secret_on(page) -> str:
    html = page.content.decode()
    start = html.index('data-testid="api-secret"')
    value = html.rindex('value="', 0, start) + len('value="')
    return html[value:html.index('"', value)]


def test_database_holds_only_the_hash_of_the_secret(coordinator_a):
    token, secret = api_token_create(user=coordinator_a, name="Haushaltssystem", expires_on=None)
    assert secret.startswith("wir_") and len(secret) > 40
    assert token.secret_hash == hash_secret(secret) and token.prefix == secret[:12]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
    assert all(secret not in str(value) for row in rows for value in row)
    assert all(secret not in str(entry.data) + str(entry.changes) for entry in AuditEntry.objects.all())


def test_a_valid_key_signs_in_and_records_its_use(coordinator_a, programme):
    token, secret = api_token_create(user=coordinator_a, name="Test", expires_on=None)
    assert _bearer(secret).get("/api/v1/programmes/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(("header", "detail"), [
    ("Bearer wir_gibt-es-nicht", "Der API-Schlüssel ist unbekannt."),
    ("Bearer", "Der Authorization-Kopf muss die Form „Bearer <Schlüssel>“ haben."),
    ("Bearer a b", "Der Authorization-Kopf muss die Form „Bearer <Schlüssel>“ haben."),
])
def test_unknown_or_malformed_keys_answer_401_in_german(db, header, detail):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/programmes/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == detail


def test_revoked_key_is_refused_at_once(coordinator_a, programme):
    token, secret = api_token_create(user=coordinator_a, name="Test", expires_on=None)
    api_token_revoke(token=token, user=coordinator_a)
    response = _bearer(secret).get("/api/v1/programmes/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Der API-Schlüssel wurde widerrufen."


def test_key_works_through_its_last_day_and_not_after(coordinator_a, programme):
    last_day = clock.today() + timedelta(days=3)
    _token, secret = api_token_create(user=coordinator_a, name="Test", expires_on=last_day)
    with clock.frozen_at(clock.now() + timedelta(days=3)):
        assert _bearer(secret).get("/api/v1/programmes/").status_code == 200
    with clock.frozen_at(clock.now() + timedelta(days=4)):
        response = _bearer(secret).get("/api/v1/programmes/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Der API-Schlüssel ist abgelaufen."


def test_key_of_a_deactivated_person_is_refused(coordinator_a, programme):
    _token, secret = api_token_create(user=coordinator_a, name="Test", expires_on=None)
    coordinator_a.is_active = False
    coordinator_a.save(update_fields=["is_active"])
    response = _bearer(secret).get("/api/v1/programmes/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Das Benutzerkonto zu diesem API-Schlüssel ist deaktiviert."


def test_a_session_opens_nothing_in_the_api(client, clerk, programme):
    client.force_login(clerk)
    assert client.get("/api/v1/programmes/").status_code == 401


def test_account_page_links_to_the_key_page(client, coordinator_a):
    client.force_login(coordinator_a)
    assert LIST in client.get(reverse("accounts:account")).content.decode()


def test_create_shows_the_secret_once_and_lists_only_its_prefix(client, coordinator_a, programme):
    client.force_login(coordinator_a)
    page = client.get(LIST)
    response = client.post(LIST, {"name": "Haushaltssystem", "expires_on": "31.12.2099",
                                  "form_token": form_token(page, "")})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = _secret_on(response)
    token = ApiToken.objects.get(user=coordinator_a)
    assert (token.name, token.expires_on, token.secret_hash) == ("Haushaltssystem", date(2099, 12, 31),
                                                                 hash_secret(secret))
    listing = client.get(LIST).content.decode()
    assert token.prefix in listing and secret not in listing and "31.12.2099" in listing
    assert _bearer(secret).get("/api/v1/programmes/").status_code == 200
    entry = AuditEntry.objects.get(action="api.token.created")
    assert entry.actor == coordinator_a and entry.data["prefix"] == token.prefix
    assert entry.content_type == ContentType.objects.get_for_model(ApiToken)


def test_the_same_form_sent_twice_makes_one_key(client, coordinator_a):
    client.force_login(coordinator_a)
    data = {"name": "Doppelt", "expires_on": "", "form_token": form_token(client.get(LIST), "")}
    first = client.post(LIST, data)
    second = client.post(LIST, data, HTTP_REFERER="http://testserver" + LIST)
    assert first.status_code == 200 and second.status_code == 302
    assert ApiToken.objects.filter(user=coordinator_a).count() == 1


def test_past_expiry_and_missing_name_are_refused_in_german(client, coordinator_a):
    client.force_login(coordinator_a)
    yesterday = (clock.today() - timedelta(days=1)).strftime("%d.%m.%Y")
    response = client.post(LIST, {"name": "Alt", "expires_on": yesterday})
    assert response.status_code == 400
    assert "Das Ablaufdatum darf nicht in der Vergangenheit liegen." in response.content.decode()
    response = client.post(LIST, {"name": "", "expires_on": ""})
    assert "Bitte eine Bezeichnung angeben" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_asks_first_then_revokes_and_audits(client, coordinator_a):
    token, secret = api_token_create(user=coordinator_a, name="Test", expires_on=None)
    client.force_login(coordinator_a)
    url = reverse("api_tokens:revoke", args=[token.pk])
    confirm = client.get(url)
    assert "Ja, widerrufen" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # looking at the question changes nothing
    response = client.post(url, {"form_token": form_token(confirm, "")})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api.token.revoked", object_id=token.pk, actor=coordinator_a).exists()
    assert "widerrufen" in client.get(LIST).content.decode()
    assert _bearer(secret).get("/api/v1/programmes/").status_code == 401


def test_nobody_revokes_another_persons_key(client, coordinator_a, coordinator_b):
    token, _secret = api_token_create(user=coordinator_a, name="Test", expires_on=None)
    client.force_login(coordinator_b)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_ministry_staff_need_their_second_factor_in_the_session(client, clerk, settings):
    settings.TWO_FACTOR_REQUIRED = True
    device = enrolled(clerk)
    client.force_login(clerk)  # password only: the second factor is still owed
    response = client.post(LIST, {"name": "Auswertung", "expires_on": ""})
    assert response.status_code == 302 and "zweiter-faktor" in response["Location"]
    assert not ApiToken.objects.exists()
    signed_in_fully(client, clerk, device)
    response = client.post(LIST, {"name": "Auswertung", "expires_on": ""})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=clerk).count() == 1
