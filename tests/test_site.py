"""Sign-in, password handling and the error pages: German, in the site layout."""

from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests import factories


def test_logout_is_a_post_and_ends_the_session(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change_needs_the_old_password(client, coordinator_a):
    client.force_login(coordinator_a)
    url = reverse("password_change")
    wrong = client.post(url, {"old_password": "falsch", "new_password1": "Neu-Passwort-2026!",
                              "new_password2": "Neu-Passwort-2026!"})
    assert "Das alte Passwort war falsch." in wrong.content.decode()
    client.post(url, {"old_password": factories.PASSWORD, "new_password1": "Neu-Passwort-2026!",
                      "new_password2": "Neu-Passwort-2026!"})
    coordinator_a.refresh_from_db()
    assert coordinator_a.check_password("Neu-Passwort-2026!")


def test_password_reset_mails_a_german_link_that_sets_a_new_password(client, coordinator_a):
    response = client.post(reverse("password_reset"), {"email": coordinator_a.email})
    assert response.status_code == 302
    message = mail.outbox[0]
    assert "Passwort zurücksetzen" in message.subject
    link = next(line for line in message.body.splitlines() if "/konto/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Neues Passwort setzen" in form_page.content.decode()
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Frisch-Gesetzt-2026!",
                                                  "new_password2": "Frisch-Gesetzt-2026!"})
    coordinator_a.refresh_from_db()
    assert coordinator_a.check_password("Frisch-Gesetzt-2026!")


def test_password_reset_does_not_reveal_unknown_addresses(client, db):
    response = client.post(reverse("password_reset"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_unknown_page_is_a_german_404_in_the_layout(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get("/gibt-es-nicht/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html and "Hauptnavigation" in html


def test_forbidden_action_says_why(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(reverse("grants:review_queue"))
    assert response.status_code == 403
    assert "Nur die Sachbearbeitung oder Bewilligung im Ministerium kann Anträge prüfen." in response.content.decode()


def test_server_error_page_is_german_and_needs_no_context(db):
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in html and 'lang="de"' in html


def test_form_without_csrf_token_is_refused_with_a_german_page(coordinator_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "koordination-a", "password": factories.PASSWORD})
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.content.decode()


def test_every_role_has_a_start_page(client, coordinator_a, clerk, approver, programme_admin, programme):
    for user, expected in [(coordinator_a, "Anträge und Zuwendungen – Werra-Meißner-Kreis"),
                           (clerk, "Zurzeit wartet nichts auf Sie"), (approver, "Zurzeit wartet nichts auf Sie"),
                           (programme_admin, "Anträge nach Status")]:
        client.force_login(user)
        html = client.get(reverse("dashboard")).content.decode()
        assert expected in html, user
        assert user.get_full_name() in html
