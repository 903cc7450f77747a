"""Abschluss on the application's detail page (grants/views/closing.py): the ministry sees what
keeps the award open or a button to close it; a closed award shows when and by whom, and the
coordinator's proof and payment actions refuse it with a German message, never a 500."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEntry
from core import clock
from grants.models import Award, Disbursement, UsageReport
from grants.services.closing import award_close
from grants.services.usage_reports import usage_report_attach_narrative, usage_report_save, usage_report_submit
from tests import factories

# Every test here may write files: into a temporary directory (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("private_storage")

M = Decimal
R = UsageReport.Status
K = UsageReport.Kind
PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)
SPENT = {"personal": M("117500.00")}


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(datetime(2026, 9, 1, 10, tzinfo=ZoneInfo("Europe/Berlin"))):
        yield


@pytest.fixture
def award(db, coordinator_a, clerk, approver):
    programme = factories.make_programme(code="wir-2021", start=2021, end=2025)
    return factories.approved_award(programme, coordinator_a, clerk, approver)


@pytest.fixture
def closable(award):
    for year in (2021, 2022, 2023, 2024):
        UsageReport.objects.create(award=award, kind=K.INTERIM, year=year, status=R.ACCEPTED)
    UsageReport.objects.create(award=award, kind=K.FINAL, status=R.ACCEPTED)
    return award


def detail(client, user, award):
    client.force_login(user)
    return client.get(reverse("grants:application_detail", args=[award.application_id]))


def close_url(award):
    return reverse("grants:award_close", args=[award.application_id])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- the panel ---------------------------------------------------------------------------------


def test_clerk_sees_what_keeps_the_award_open_and_no_button(client, award, clerk):
    UsageReport.objects.create(award=award, kind=K.FINAL, status=R.SUBMITTED)

    page = detail(client, clerk, award).content.decode()

    assert "Zuwendung abschließen" in page
    assert "Der Verwendungsnachweis ist noch nicht angenommen (Stand: Eingereicht)." in page
    assert "Der Zwischennachweis 2021 liegt noch nicht vor (fällig am 31.03.2022)." in page
    assert close_url(award) not in page


def test_clerk_sees_the_close_button_when_nothing_is_open(client, closable, clerk):
    page = detail(client, clerk, closable).content.decode()

    assert f'href="{close_url(closable)}"' in page  # to the confirmation, not a one-click form
    assert f'action="{close_url(closable)}"' not in page
    assert "Alle Nachweise sind angenommen" in page


def test_coordinator_sees_no_closing_section_while_the_award_runs(client, closable, coordinator_a):
    page = detail(client, coordinator_a, closable).content.decode()

    assert "Zuwendung abschließen" not in page
    assert close_url(closable) not in page


def test_clerk_closes_from_the_page(client, closable, clerk):
    client.force_login(clerk)

    response = client.post(close_url(closable), follow=True)

    closable.refresh_from_db()
    assert closable.status == Award.Status.CLOSED and closable.closed_by == clerk
    page = response.content.decode()
    assert "Die Zuwendung ist abgeschlossen. Die Koordination wird benachrichtigt." in page
    assert "Abgeschlossen am 01.09.2026 von Sachbearbeitung Test." in page
    assert 'text-bg-secondary">abgeschlossen</span>' in page  # beside the status at the top
    history = page[page.index('id="h-verlauf"'):]
    assert "Zuwendung abgeschlossen" in history


def test_refusal_is_a_message_naming_every_reason(client, award, clerk):
    client.force_login(clerk)

    response = client.post(close_url(award))

    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith("Die Zuwendung kann noch nicht abgeschlossen werden: Der Verwendungsnachweis liegt")
    assert "Der Zwischennachweis 2024 liegt noch nicht vor" in message
    award.refresh_from_db()
    assert award.status == Award.Status.RUNNING


def test_coordinator_cannot_close_403(client, closable, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(close_url(closable))

    assert response.status_code == 403
    assert "Nur die Sachbearbeitung oder Bewilligung" in response.content.decode()
    closable.refresh_from_db()
    assert closable.status == Award.Status.RUNNING


def test_confirmation_shows_the_award_and_closes_nothing(client, closable, clerk):
    client.force_login(clerk)

    page = client.get(close_url(closable)).content.decode()

    summary = page[page.index('id="bestaetigung"'):]
    application = closable.application
    assert application.file_reference in summary and application.municipality.display_name in summary
    assert "2021" in summary and "Summe" in summary
    assert "Danach sind keine Mittelabrufe, Nachweise, Rückforderungen" in summary
    assert f'action="{close_url(closable)}"' in page and "Zuwendung verbindlich abschließen" in page
    closable.refresh_from_db()
    assert closable.status == Award.Status.RUNNING


def test_confirmation_of_an_award_that_cannot_close_shows_why_and_no_form(client, award, clerk):
    client.force_login(clerk)

    page = client.get(close_url(award)).content.decode()

    assert "Der Zwischennachweis 2024 liegt noch nicht vor" in page
    assert f'action="{close_url(award)}"' not in page


def test_sending_the_confirmation_twice_closes_once(client, closable, clerk):
    client.force_login(clerk)
    token = {"form_token": "schliessen-einmal-0123456789"}

    first = client.post(close_url(closable), token)
    second = client.post(close_url(closable), token)

    assert first.status_code == second.status_code == 302
    assert "bereits abgesendet" in [str(m) for m in get_messages(second.wsgi_request)][-1]
    assert AuditEntry.objects.filter(action="grants.award.closed").count() == 1
    closable.refresh_from_db()
    assert closable.status == Award.Status.CLOSED


def test_other_body_cannot_open_the_confirmation(client, closable, coordinator_b):
    client.force_login(coordinator_b)
    assert client.get(close_url(closable)).status_code in (403, 404)


def test_closing_an_application_without_award_is_a_message(client, coordinator_a, clerk, programme):
    application = factories.submitted_application(programme, coordinator_a)
    client.force_login(clerk)

    response = client.post(reverse("grants:award_close", args=[application.pk]))

    assert response.status_code == 302
    assert messages_of(response) == ["Für diesen Antrag gibt es keine Zuwendung, die abgeschlossen werden könnte."]


# -- a closed award --------------------------------------------------------------------------------


@pytest.fixture
def closed(closable, clerk):
    award_close(award=closable, user=clerk)
    closable.refresh_from_db()
    return closable


def test_coordinator_sees_closed_on_and_by_and_no_actions(client, closed, coordinator_a):
    page = detail(client, coordinator_a, closed).content.decode()

    assert "Abgeschlossen am 01.09.2026 von Sachbearbeitung Test." in page
    assert reverse("grants:payment_request", args=[closed.application_id]) not in page
    assert "Nachweis erstellen" not in page and "Nachweis bearbeiten" not in page
    assert "Nachweis ansehen" in page  # the accepted proofs stay readable


def test_closed_award_hides_create_links_even_for_missing_reports(client, award, coordinator_a):
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=clock.now())

    page = detail(client, coordinator_a, award).content.decode()

    assert "Nachweis erstellen" not in page
    assert "Zuwendung abgeschlossen" in page


def test_payment_request_on_a_closed_award_redirects_with_a_message(client, closed, coordinator_a):
    client.force_login(coordinator_a)
    url = reverse("grants:payment_request", args=[closed.application_id])

    response = client.post(url, {"year": "2025", "amount": "1.000,00", "stated_need": "Bedarf"})

    assert response.status_code == 302
    assert messages_of(response) == ["Für diesen Antrag gibt es keine laufende Zuwendung; Mittel können nicht "
                                     "abgerufen werden."]
    assert not Disbursement.objects.exists()


def test_saving_a_proof_of_a_closed_award_shows_the_refusal(client, award, coordinator_a):
    usage_report_save(award=award, kind=K.INTERIM, year=2021, user=coordinator_a, expenditures=SPENT, financings={})
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=clock.now())
    client.force_login(coordinator_a)

    response = client.post(reverse("grants:usage_report_interim", args=[award.application_id, 2021]),
                           {"expenditure-personal": "1,00"})

    assert response.status_code == 200
    assert "Die Zuwendung ist abgeschlossen und kann nicht mehr geändert werden." in response.content.decode()
    assert UsageReport.objects.get().expenditures.get().amount == M("117500.00")


def test_uploading_the_narrative_of_a_closed_award_is_a_message(client, award, coordinator_a):
    report = usage_report_save(award=award, kind=K.INTERIM, year=2021, user=coordinator_a, expenditures=SPENT,
                               financings={})
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=clock.now())
    client.force_login(coordinator_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("grants:usage_report_narrative", args=[report.pk]),
                           {"narrative": SimpleUploadedFile("bericht.pdf", PDF, content_type="application/pdf")})

    assert response.status_code == 302
    assert messages_of(response) == ["Die Zuwendung ist abgeschlossen und kann nicht mehr geändert werden."]


def test_accepting_a_proof_of_a_closed_award_is_a_message(client, award, coordinator_a, clerk):
    report = usage_report_save(award=award, kind=K.INTERIM, year=2021, user=coordinator_a, expenditures=SPENT,
                               financings={})
    usage_report_attach_narrative(report=report, user=coordinator_a, name="bericht.pdf", content=PDF)
    usage_report_submit(report=report, user=coordinator_a, declaration=True)
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=clock.now())
    client.force_login(clerk)

    response = client.post(reverse("grants:usage_report_accept", args=[report.pk]), {"note": ""})

    assert response.status_code == 302
    assert messages_of(response) == ["Die Zuwendung ist abgeschlossen und kann nicht mehr geändert werden."]
    report.refresh_from_db()
    assert report.status == R.SUBMITTED
