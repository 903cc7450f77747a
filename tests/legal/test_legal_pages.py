"""Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit: public, linked from every
page, edited only by the programme administration (new version, audited), never raw HTML; the
feedback form reaches the programme administration, in German, with a brake and a honeypot."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from background.models import OutboxMail
from legal.models import AccessibilityFeedback, LegalPage, LegalPageVersion
from legal.services import legal_page_publish, legal_pages_ensure_defaults
from tests import factories

PAGES = ("legal:impressum", "legal:datenschutz", "legal:barrierefreiheit")
MINISTRY = "Ministerium für Arbeit, Integration, Jugend und Soziales"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("name", [*PAGES, "legal:feedback"])
def test_legal_pages_open_without_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    if name != "legal:feedback":
        assert MINISTRY in text(response)


def test_impressum_names_the_ministry_and_its_address(client, db):
    body = text(client.get(reverse("legal:impressum")))
    assert "Sonnenberger Straße 2/2a" in body and "65193 Wiesbaden" in body


def test_privacy_statement_says_what_is_kept_and_for_how_long(client, db):
    body = text(client.get(reverse("legal:datenschutz")))
    for fact in ("IP-Adresse", "Protokoll", "Anmeldeversuche", "Sitzungen enden nach 30 Minuten",
                 "Postausgang", "Speicherdauer", "Hessische Beauftragte für Datenschutz"):
        assert fact in body, fact


def test_accessibility_statement_has_status_feedback_and_enforcement(client, db):
    body = text(client.get(reverse("legal:barrierefreiheit")))
    for fact in ("teilweise vereinbar", "Nicht barrierefreie Inhalte", "Durchsetzungsverfahren",
                 "HVBIT", "Diese Erklärung wurde am"):
        assert fact in body, fact
    assert f'href="{reverse("legal:feedback")}"' in body


def _footer_links_present(body: str) -> bool:
    return all(f'href="{reverse(name)}"' in body for name in PAGES) and reverse("legal:feedback") in body


def test_footer_links_on_the_sign_in_page(client, db):
    assert _footer_links_present(text(client.get(reverse("login"))))


@pytest.mark.parametrize("role", [Role.KOORDINATION, Role.SACHBEARBEITUNG, Role.BEWILLIGUNG, Role.PROGRAMMVERWALTUNG])
def test_footer_links_on_the_start_page_of_every_role(client, body_a, role):
    user = factories.make_user(f"fuss-{role}", role, body_a if role == Role.KOORDINATION else None)
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert _footer_links_present(text(response))


def test_footer_links_on_an_error_page(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get("/antraege/999999/")
    assert response.status_code == 404
    assert _footer_links_present(text(response))


# -- editing ---------------------------------------------------------------------------------------


def test_programme_administration_publishes_a_new_version_that_is_audited(client, programme_admin):
    legal_pages_ensure_defaults()
    client.force_login(programme_admin)
    url = reverse("legal:edit", kwargs={"kind": "impressum"})
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Impressum", "body": "## Herausgeber\n\nNeue Anschrift 1\n65183 Wiesbaden",
                                 "note": "Umzug"})
    assert response.status_code == 302
    page = LegalPage.objects.get(kind="impressum")
    assert list(page.versions.values_list("number", flat=True)) == [2, 1]  # the first version stays
    public = text(client.get(reverse("legal:impressum")))
    assert "Neue Anschrift 1<br>65183 Wiesbaden" in public and "Sonnenberger" not in public
    entry = AuditEntry.objects.filter(action="legal.page.published", object_id=page.pk).latest("pk")
    assert entry.actor == programme_admin
    assert entry.data == {"version": 2, "note": "Umzug"}
    assert "Sonnenberger Straße 2/2a" in entry.changes["body"][0]


def test_published_text_cannot_inject_markup(client, programme_admin):
    legal_page_publish(kind="datenschutz", title="Daten<script>", body='<script>alert(1)</script>\n\n<a href="x">y</a>',
                       user=programme_admin)
    body = text(client.get(reverse("legal:datenschutz")))
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<a href="x">' not in body


def test_empty_text_is_refused_in_german_and_nothing_is_published(client, programme_admin):
    client.force_login(programme_admin)
    response = client.post(reverse("legal:edit", kwargs={"kind": "barrierefreiheit"}),
                           {"title": "Erklärung", "body": "   "})
    assert response.status_code == 200
    assert "Bitte geben Sie den Text der Seite ein." in text(response)
    assert not LegalPageVersion.objects.exists()


@pytest.mark.parametrize("role", [Role.KOORDINATION, Role.SACHBEARBEITUNG, Role.BEWILLIGUNG])
def test_only_the_programme_administration_may_edit(client, body_a, role):
    user = factories.make_user(f"edit-{role}", role, body_a if role == Role.KOORDINATION else None)
    client.force_login(user)
    edit = reverse("legal:edit", kwargs={"kind": "impressum"})
    for method in (client.get, client.post):
        assert method(edit, {"title": "X", "body": "Y"}).status_code == 403
        assert method(reverse("legal:admin_overview")).status_code in (403, 405)
    assert not LegalPageVersion.objects.exists()


def test_signed_out_visitor_is_sent_to_sign_in_for_editing(client, db):
    response = client.get(reverse("legal:edit", kwargs={"kind": "impressum"}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_unknown_page_is_404_for_the_programme_administration(client, programme_admin):
    client.force_login(programme_admin)
    assert client.get(reverse("legal:edit", kwargs={"kind": "agb"})).status_code == 404


def test_defaults_are_published_once(db):
    assert len(legal_pages_ensure_defaults()) == 3
    assert legal_pages_ensure_defaults() == []
    assert LegalPageVersion.objects.count() == 3


# -- feedback ---------------------------------------------------------------------------------------

FEEDBACK = {"message": "Der Finanzierungsplan lässt sich mit dem Screenreader nicht bedienen.",
            "page_address": "/antraege/neu/", "name": "Erika Muster", "email": "erika@example.org"}


def test_feedback_is_stored_and_mailed_to_the_programme_administration(client, programme_admin, clerk):
    inactive = factories.make_user("pv-alt", Role.PROGRAMMVERWALTUNG, is_active=False)
    response = client.post(reverse("legal:feedback"), FEEDBACK)
    assert response.status_code == 302 and response["Location"] == reverse("legal:barrierefreiheit")
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == FEEDBACK["message"] and feedback.email == "erika@example.org"
    assert feedback.user is None
    mail = OutboxMail.objects.get(event="accessibility_feedback")
    assert mail.to == [programme_admin.email]  # not the clerk, not a deactivated account
    assert inactive.email not in mail.to
    assert FEEDBACK["message"] in mail.body_text and "erika@example.org" in mail.body_text
    thanks = text(client.get(response["Location"]))
    assert "Ihre Rückmeldung ist bei der Programmverwaltung eingegangen" in thanks


def test_feedback_without_a_message_is_refused_in_german_keeping_what_was_typed(client, programme_admin):
    response = client.post(reverse("legal:feedback"), {**FEEDBACK, "message": " "})
    assert response.status_code == 200
    body = text(response)
    assert "Bitte beschreiben Sie die Barriere oder Ihr Anliegen." in body
    assert 'value="Erika Muster"' in body
    assert not AccessibilityFeedback.objects.exists() and not OutboxMail.objects.exists()


def test_feedback_with_a_bad_email_address_is_refused_in_german(client, programme_admin):
    response = client.post(reverse("legal:feedback"), {**FEEDBACK, "email": "erika@"})
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in text(response)
    assert not AccessibilityFeedback.objects.exists()


def test_feedback_filled_honeypot_stores_and_sends_nothing(client, programme_admin):
    response = client.post(reverse("legal:feedback"), {**FEEDBACK, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not AccessibilityFeedback.objects.exists() and not OutboxMail.objects.exists()


@override_settings(LEGAL_FEEDBACK_LIMIT_PER_ADDRESS=2)
def test_feedback_is_braked_per_address(client, programme_admin):
    for _ in range(2):
        assert client.post(reverse("legal:feedback"), FEEDBACK).status_code == 302
    response = client.post(reverse("legal:feedback"), FEEDBACK)
    assert response.status_code == 429
    assert "zu viele Rückmeldungen" in text(response)
    assert FEEDBACK["message"] in text(response)  # what was typed stays in the form
    assert AccessibilityFeedback.objects.count() == 2
    other = client.post(reverse("legal:feedback"), FEEDBACK, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_signed_in_feedback_records_the_person(client, coordinator_a, programme_admin):
    client.force_login(coordinator_a)
    client.post(reverse("legal:feedback"), FEEDBACK)
    assert AccessibilityFeedback.objects.get().user == coordinator_a


def test_programme_administration_sees_the_feedback(client, programme_admin):
    client.post(reverse("legal:feedback"), FEEDBACK)
    client.force_login(programme_admin)
    body = text(client.get(reverse("legal:admin_overview")))
    assert FEEDBACK["message"] in body and "erika@example.org" in body
