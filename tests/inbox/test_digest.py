"""The daily digest: those who chose it get one mail a day with the day's unread entries,
however often the digest runs; its links (like every notification mail's) use SITE_URL."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from background.models import OutboxMail
from grants.services.applications import application_submit
from inbox.models import Delivery, Event, Notification
from inbox.services import digests_send, notification_setting_set
from municipalities.models import Municipality
from tests import factories

DAY = date(2026, 3, 10)


@pytest.fixture
def clerk_on_digest(clerk):
    notification_setting_set(user=clerk, delivery=Delivery.DIGEST)
    return clerk


def submit(programme, coordinator, day: date):
    with factories.at(day, 14):
        return application_submit(application=factories.draft_application(programme, coordinator), user=coordinator)


def digests() -> list[OutboxMail]:
    return list(OutboxMail.objects.filter(event="notification:digest").order_by("pk"))


def test_a_digest_reader_gets_no_mail_at_once(programme, coordinator_a, clerk_on_digest, clerk2):
    submit(programme, coordinator_a, DAY)
    immediate = OutboxMail.objects.filter(event=f"notification:{Event.SUBMITTED}")
    assert [mail.to for mail in immediate] == [["sachbearbeitung2@example.org"]]
    assert Notification.objects.get(recipient=clerk_on_digest).mailed_at is None


def test_the_digest_holds_the_days_entries_and_goes_out_once(programme, coordinator_a, coordinator_b,
                                                             clerk_on_digest, settings):
    settings.SITE_URL = "https://foerderung.example.de:8443/"
    first = submit(programme, coordinator_a, DAY)
    second = submit(programme, coordinator_b, DAY)
    third_body = Municipality.objects.exclude(pk__in=[coordinator_a.municipality_id,
                                                      coordinator_b.municipality_id]).first()
    coordinator_c = factories.make_user("koordination-c", Role.KOORDINATION, third_body)
    later = submit(programme, coordinator_c, DAY + timedelta(days=1))  # belongs to the next day's digest

    with factories.at(DAY + timedelta(days=1), 6):
        summary = digests_send()  # the morning run: yesterday's digest
        assert summary.day == DAY and summary.sent == {clerk_on_digest.pk: 2}
        assert digests_send(day=DAY).sent == {}  # a second run, e.g. a retried task: nothing more
    [mail] = digests()
    assert mail.to == ["sachbearbeitung@example.org"]
    assert mail.subject == "Ihre Benachrichtigungen vom 10.03.2026: 2 neue Vorgänge"
    assert first.file_reference in mail.body_text and second.file_reference in mail.body_text
    assert later.file_reference not in mail.body_text
    entry = Notification.objects.get(recipient=clerk_on_digest, key=f"application:{first.pk}:submitted")
    assert f"https://foerderung.example.de:8443/benachrichtigungen/{entry.pk}/" in mail.body_text
    assert f'href="https://foerderung.example.de:8443/benachrichtigungen/{entry.pk}/"' in mail.body_html
    assert "https://foerderung.example.de:8443/konto/" in mail.body_text  # where to change the choice

    with factories.at(DAY + timedelta(days=2), 6):
        digests_send()
    assert len(digests()) == 2
    assert later.file_reference in digests()[1].body_text and first.file_reference not in digests()[1].body_text


def test_read_entries_stay_out_of_the_digest(programme, coordinator_a, clerk_on_digest):
    submit(programme, coordinator_a, DAY)
    Notification.objects.filter(recipient=clerk_on_digest).update(read_at=factories.clock.now())
    with factories.at(DAY + timedelta(days=1), 6):
        assert digests_send().sent == {}
    assert digests() == []


def test_the_command_sends_the_digest_once(programme, coordinator_a, clerk_on_digest):
    submit(programme, coordinator_a, DAY)
    out = StringIO()
    call_command("send_digests", "--day", DAY.isoformat(), stdout=out)
    call_command("send_digests", "--day", DAY.isoformat(), stdout=out)
    assert len(digests()) == 1
    assert "Zusammenfassung für den 10.03.2026: 1 E-Mail mit 1 Benachrichtigungen" in out.getvalue()
    with pytest.raises(CommandError, match="kein gültiges Datum"):
        call_command("send_digests", "--day", "10.03.2026")


def test_an_immediate_mail_links_to_the_configured_site(programme, coordinator_a, clerk, settings):
    settings.SITE_URL = "http://127.0.0.1:8201"
    submit(programme, coordinator_a, DAY)
    entry = Notification.objects.get(recipient=clerk)
    mail = OutboxMail.objects.get(key=f"notification:{entry.pk}")
    assert mail.subject == entry.title
    assert f"http://127.0.0.1:8201/benachrichtigungen/{entry.pk}/" in mail.body_text
    assert "127.0.0.1:8000" not in mail.body_text + mail.body_html
