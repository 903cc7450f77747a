"""The notification list, following and marking entries, the e-mail choice on "Mein Konto",
and the unread count in the navigation – each person sees only their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from grants.services.applications import application_submit
from inbox.models import Delivery, Event, Notification, NotificationSetting
from tests import factories


@pytest.fixture
def submitted(programme, coordinator_a, clerk, clerk2):
    """One submission: clerk and clerk2 are told."""
    return application_submit(application=factories.draft_application(programme, coordinator_a), user=coordinator_a)


def entry_of(user) -> Notification:
    return Notification.objects.get(recipient=user, event=Event.SUBMITTED)


def test_the_navigation_shows_the_unread_count_and_the_list_the_entry(client, submitted, clerk):
    client.force_login(clerk)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'href="/benachrichtigungen/?ungelesen=1"' in html
    assert '1<span class="visually-hidden"> ungelesen</span>' in html
    html = client.get(reverse("inbox:list")).content.decode()
    assert f"Neuer Antrag zur Prüfung: {submitted.file_reference}, Werra-Meißner-Kreis" in html
    assert reverse("inbox:open", args=[entry_of(clerk).pk]) in html


def test_the_unread_count_costs_one_query(client, submitted, clerk):
    client.force_login(clerk)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"))
    assert sum('"inbox_notification"' in query["sql"] for query in queries.captured_queries) == 1


def test_following_an_entry_marks_it_read_and_opens_the_case(client, submitted, clerk):
    client.force_login(clerk)
    entry = entry_of(clerk)
    response = client.get(reverse("inbox:open", args=[entry.pk]))
    assert response.status_code == 302 and response.url == f"/antraege/{submitted.pk}/"
    entry.refresh_from_db()
    assert entry.read_at is not None
    assert "ungelesen</span>" not in client.get(reverse("dashboard")).content.decode()


def test_nobody_opens_or_marks_another_persons_entry(client, submitted, clerk, clerk2, coordinator_b):
    entry = entry_of(clerk)
    for person in (clerk2, coordinator_b):
        client.force_login(person)
        assert client.get(reverse("inbox:open", args=[entry.pk])).status_code == 404
        assert client.post(reverse("inbox:read", args=[entry.pk])).status_code == 404
        assert reverse("inbox:open", args=[entry.pk]) not in client.get(reverse("inbox:list")).content.decode()
    entry.refresh_from_db()
    assert entry.read_at is None


def test_marking_one_and_all_read(client, programme, submitted, coordinator_b, clerk):
    application_submit(application=factories.draft_application(programme, coordinator_b), user=coordinator_b)
    client.force_login(clerk)
    first = Notification.objects.filter(recipient=clerk).first()
    response = client.post(reverse("inbox:read", args=[first.pk]), {"zurueck": "?ungelesen=1"})
    assert response.url == "/benachrichtigungen/?ungelesen=1"
    assert Notification.objects.filter(recipient=clerk, read_at__isnull=True).count() == 1
    response = client.post(reverse("inbox:read", args=[first.pk]), {"zurueck": "//evil.example/"})
    assert response.url == "/benachrichtigungen/"  # only a query string is taken
    client.post(reverse("inbox:read_all"))
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True, recipient__username="sachbearbeitung2").count() == 2
    html = client.get(reverse("inbox:list") + "?ungelesen=1").content.decode()
    assert "Keine ungelesenen Benachrichtigungen" in html


def test_an_entry_pointing_off_site_is_not_followed(client, submitted, clerk):
    entry = entry_of(clerk)
    Notification.objects.filter(pk=entry.pk).update(path="//evil.example/")
    client.force_login(clerk)
    assert client.get(reverse("inbox:open", args=[entry.pk])).url == "/benachrichtigungen/"


def test_the_choice_is_offered_on_my_account_and_saved(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("accounts:account")).content.decode()
    assert 'action="/benachrichtigungen/einstellungen/"' in html
    assert 'value="sofort"' in html and "checked" in html
    response = client.post(reverse("inbox:settings"), {"delivery": Delivery.DIGEST})
    assert response.status_code == 302 and response.url == reverse("accounts:account")
    assert NotificationSetting.objects.get(user=clerk).delivery == Delivery.DIGEST
    assert AuditEntry.objects.filter(action="inbox.setting.changed").count() == 1


@pytest.mark.parametrize("data", [{}, {"delivery": "stündlich"}, {"delivery": ""}, {"delivery": "x" * 5000}])
def test_a_bad_choice_is_refused_in_german_and_nothing_changes(client, clerk, data):
    NotificationSetting.objects.create(user=clerk, delivery=Delivery.IN_APP)
    client.force_login(clerk)
    response = client.post(reverse("inbox:settings"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte wählen Sie" in html
    assert NotificationSetting.objects.get(user=clerk).delivery == Delivery.IN_APP


def test_signed_out_visitors_are_sent_to_sign_in(client, submitted, clerk):
    entry = entry_of(clerk)
    for url in (reverse("inbox:list"), reverse("inbox:open", args=[entry.pk]), reverse("inbox:settings")):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/login/" in response.url
