"""The password-reset form answers known and unknown addresses alike (no enumeration) and is
rate-limited per client address and per e-mail address – unknown addresses included."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

RESET = reverse("password_reset")
TOO_MANY = "Es wurden zu viele Anträge auf ein neues Passwort gestellt."


def ask(client, email):
    return client.post(RESET, {"email": email})


def test_known_and_unknown_addresses_get_the_same_answer(clerk):
    known = ask(Client(REMOTE_ADDR="10.0.0.1"), clerk.email)
    unknown = ask(Client(REMOTE_ADDR="10.0.0.2"), "niemand@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert set(known.headers) == set(unknown.headers)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [clerk.email]


def test_the_done_page_says_nothing_about_the_address(client, clerk):
    page = client.get(reverse("password_reset_done")).content.decode()
    assert clerk.email not in page


@pytest.mark.parametrize("known", [True, False])
def test_requests_for_one_address_are_limited(settings, clerk, known):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    email = clerk.email if known else "niemand@example.org"
    answers = [ask(Client(REMOTE_ADDR=f"10.0.1.{n}"), email) for n in range(4)]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert TOO_MANY in answers[-1].content.decode()
    assert len(mail.outbox) == (3 if known else 0)


def test_requests_from_one_client_address_are_limited(settings, db):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    client = Client(REMOTE_ADDR="10.0.2.1")
    answers = [ask(client, f"person{n}@example.org") for n in range(3)]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert ask(Client(REMOTE_ADDR="10.0.2.2"), "person9@example.org").status_code == 302
