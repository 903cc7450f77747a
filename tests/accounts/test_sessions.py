"""Idle timeout: a session unused for SESSION_IDLE_TIMEOUT_MINUTES ends; the time of last use
is written back at most once a minute, so an ordinary request writes no session."""

import time

from django.urls import reverse

from accounts.sessions import LAST_SEEN
from audit.models import AuditEntry


def last_seen(client, seconds_ago: int):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds_ago
    session.save()


def test_an_idle_session_ends_with_a_german_message(client, settings, clerk):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(clerk)
    last_seen(client, 31 * 60)

    response = client.get(reverse("grants:review_queue"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "ohne Aktivität beendet" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action="accounts.sign_out", object_id=clerk.pk)
    assert entry.data == {"reason": "idle"}


def test_a_session_in_use_stays(client, settings, clerk):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(clerk)
    last_seen(client, 29 * 60)

    assert client.get(reverse("grants:review_queue")).status_code == 200
    assert int(time.time()) - client.session[LAST_SEEN] < 5  # used now: the clock starts again


def test_the_idle_clock_is_not_written_on_every_request(client, clerk):
    client.force_login(clerk)
    last_seen(client, 10)
    stamp = client.session[LAST_SEEN]

    client.get(reverse("grants:review_queue"))

    assert client.session[LAST_SEEN] == stamp


def test_zero_switches_the_idle_timeout_off(client, settings, clerk):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 0
    client.force_login(clerk)
    last_seen(client, 24 * 3600)
    assert client.get(reverse("grants:review_queue")).status_code == 200
