"""The coordinator's pages: list, form with the financing plan grid, detail, submit,
withdraw, attachments. Every view refuses outsiders."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Application, ApplicationStatus, PlanExpenditure
from grants.services.applications import application_withdraw, attachment_add
from tests import factories

PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)


def plan_post(years=range(2026, 2031), grant="100.000,00", own="30.000,00", **extra):
    data = {
        "title": "WIR-Vielfaltszentrum Werra-Meißner-Kreis",
        "purpose": "Betrieb des WIR-Vielfaltszentrums",
        "period_start": "01.01.2026", "period_end": "31.12.2030",
        "contact_name": "Jana Keller", "contact_phone": "05651 302-0", "contact_email": "jana.keller@example.org",
    }
    for year in years:
        data |= {
            f"expenditure-{year}-personal": "118.000,00", f"positions-{year}-personal": "2,00",
            f"expenditure-{year}-mikroprojekte": "5.000,00", f"expenditure-{year}-sachausgaben": "7.000,00",
            f"financing-{year}-zuwendung": grant, f"financing-{year}-eigenmittel": own,
        }
    return data | extra


@pytest.fixture
def create_url(programme):
    return reverse("grants:application_create", args=[programme.code])


def test_anonymous_is_sent_to_login_from_every_coordinator_page(client, create_url):
    for url in [reverse("dashboard"), reverse("grants:application_list"), reverse("grants:application_new"),
                create_url, reverse("grants:application_detail", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


def test_login_page_is_german_and_signs_in(client, coordinator_a):
    page = client.get(reverse("login"))
    assert "Anmelden" in page.content.decode()
    response = client.post(reverse("login"), {"username": "koordination-a", "password": factories.PASSWORD})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Werra-Meißner-Kreis" in dashboard and "Koordination" in dashboard


def test_wrong_password_is_refused_in_german(client, coordinator_a):
    response = client.post(reverse("login"), {"username": "koordination-a", "password": "falsch"})
    assert response.status_code == 200
    assert "Beide Felder berücksichtigen die Groß-/Kleinschreibung" in response.content.decode()


def test_coordinator_saves_a_draft_with_german_amounts(client, coordinator_a, create_url):
    client.force_login(coordinator_a)
    response = client.post(create_url, plan_post() | {"save": ""})

    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("grants:application_edit", args=[application.pk])
    assert application.status == ApplicationStatus.DRAFT
    assert application.municipality == coordinator_a.municipality
    line = PlanExpenditure.objects.get(application=application, year=2027, category__code="personal")
    assert (line.amount, line.positions) == (Decimal("118000.00"), Decimal("2.00"))


def test_invalid_amount_keeps_everything_typed_and_saves_nothing(client, coordinator_a, create_url):
    client.force_login(coordinator_a)
    data = plan_post() | {"expenditure-2027-mikroprojekte": "5.000,0,0", "save": ""}
    response = client.post(create_url, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "„5.000,0,0“ ist kein gültiger Betrag" in html
    assert 'value="5.000,0,0"' in html and 'value="118.000,00"' in html
    assert "WIR-Vielfaltszentrum Werra-Meißner-Kreis" in html
    assert not Application.objects.exists()


def test_negative_amount_is_refused_beside_its_field(client, coordinator_a, create_url):
    client.force_login(coordinator_a)
    response = client.post(create_url, plan_post() | {"financing-2026-drittmittel": "-5,00", "save": ""})
    html = response.content.decode()
    assert 'id="id_financing-2026-drittmittel_error"' in html
    assert "Beträge dürfen nicht negativ sein." in html
    assert not Application.objects.exists()


def test_submitting_an_unbalanced_plan_saves_the_draft_and_shows_the_year(client, coordinator_a, create_url):
    client.force_login(coordinator_a)
    response = client.post(create_url, plan_post() | {"financing-2028-eigenmittel": "25.000,00", "submit": ""})

    html = response.content.decode()
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert application.file_reference is None
    assert "2028: Ausgaben (130.000,00 €) und Finanzierung (125.000,00 €) sind nicht ausgeglichen" in html
    assert f'action="{reverse("grants:application_edit", args=[application.pk])}"' in html


def test_grant_above_the_caps_is_shown_beside_the_grant_field(client, coordinator_a, create_url):
    client.force_login(coordinator_a)
    response = client.post(create_url, plan_post(grant="125.000,00", own="5.000,00") | {"submit": ""})
    html = response.content.decode()
    assert 'id="id_financing-2026-zuwendung_error"' in html
    assert "übersteigt die nach den Obergrenzen zuwendungsfähigen Ausgaben (123.000,00 €)" in html


def test_coordinator_submits_after_the_confirmation_and_gets_a_file_reference(client, coordinator_a, create_url):
    client.force_login(coordinator_a)
    response = client.post(create_url, plan_post() | {"submit": ""})

    application = Application.objects.get()
    confirm_url = reverse("grants:application_submit", args=[application.pk])
    assert application.status == ApplicationStatus.DRAFT  # saved; submitted only from the confirmation
    assert response.url == confirm_url
    confirmation = client.get(confirm_url).content.decode()
    assert "Antrag verbindlich einreichen" in confirmation and "500.000,00 €" in confirmation

    response = client.post(confirm_url)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.file_reference == "WIR-26-0001"
    assert response.url == reverse("grants:application_detail", args=[application.pk])
    detail = client.get(response.url).content.decode()
    assert "Der Antrag ist eingereicht. Aktenzeichen: WIR-26-0001" in detail
    assert "WIR-26-0001" in detail and "500.000,00 €" in detail and "Antrag eingereicht" in detail


def test_second_application_in_the_same_period_is_refused_with_a_message(client, coordinator_a, programme, create_url):
    factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    response = client.post(create_url, plan_post() | {"save": ""})
    html = response.content.decode()
    assert "besteht in der Förderperiode 2026–2030 bereits ein Antragsentwurf" in html
    assert 'value="WIR-Vielfaltszentrum Werra-Meißner-Kreis"' in html  # what was typed is still there
    assert Application.objects.count() == 1


def test_submitted_application_cannot_be_edited(client, coordinator_a, programme):
    application = factories.submitted_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    response = client.post(reverse("grants:application_edit", args=[application.pk]), plan_post() | {"save": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.title == "WIR-Vielfaltszentrum Werra-Meißner-Kreis"


def test_coordinator_answers_a_change_request_and_resubmits(client, coordinator_a, clerk, programme):
    from grants.services.reviews import application_request_changes
    application = factories.in_review_application(programme, coordinator_a, clerk)
    application_request_changes(application=application, user=clerk, message="Bitte Stellenbeschreibung ergänzen.")
    client.force_login(coordinator_a)
    url = reverse("grants:application_edit", args=[application.pk])
    assert "Bitte Stellenbeschreibung ergänzen." in client.get(url).content.decode()

    without_answer = client.post(url, plan_post() | {"submit": "", "answer": ""})
    assert "Bitte beantworten Sie die Nachforderung." in without_answer.content.decode()
    answer = "Stellenbeschreibung als Anlage beigefügt."
    to_confirmation = client.post(url, plan_post() | {"submit": "", "answer": answer})
    confirmation = client.get(to_confirmation.url).content.decode()
    assert "Stellenbeschreibung als Anlage beigefügt." in confirmation  # the typed answer is carried over
    client.post(to_confirmation.url, {"answer": "Stellenbeschreibung als Anlage beigefügt."})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.change_requests.get().answer == "Stellenbeschreibung als Anlage beigefügt."


def test_other_body_gets_404_for_every_application_url(client, coordinator_a, coordinator_b, programme):
    application = factories.draft_application(programme, coordinator_a)
    attachment = attachment_add(application=application, user=coordinator_a, name="a.pdf", content=PDF)
    client.force_login(coordinator_b)
    pk = application.pk
    for method, url in [
        ("get", reverse("grants:application_detail", args=[pk])),
        ("get", reverse("grants:application_edit", args=[pk])),
        ("post", reverse("grants:application_edit", args=[pk])),
        ("get", reverse("grants:application_withdraw", args=[pk])),
        ("post", reverse("grants:application_submit", args=[pk])),
        ("post", reverse("grants:attachment_upload", args=[pk])),
        ("get", reverse("grants:attachment_download", args=[pk, attachment.pk])),
        ("post", reverse("grants:attachment_delete", args=[pk, attachment.pk])),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.attachments.count() == 1


def test_ministry_staff_cannot_use_the_coordinator_form(client, clerk, programme, create_url):
    client.force_login(clerk)
    for url in [reverse("grants:application_list"), reverse("grants:application_new"), create_url]:
        response = client.get(url)
        assert response.status_code == 403
        assert "Nur die Koordination" in response.content.decode()


def test_closed_programme_cannot_be_applied_for(client, coordinator_a, programme, create_url):
    programme.accepts_applications = False
    programme.save()
    client.force_login(coordinator_a)
    assert client.get(create_url).status_code == 404


def test_coordinator_withdraws_an_application(client, coordinator_a, programme):
    application = factories.submitted_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    url = reverse("grants:application_withdraw", args=[application.pk])
    assert "zurückziehen" in client.get(url).content.decode()
    client.post(url, {"reason": "Neuer Antrag mit geändertem Plan folgt."})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_withdrawing_after_approval_is_refused_with_the_reason(client, coordinator_a, clerk, approver, programme):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    client.force_login(coordinator_a)
    response = client.post(reverse("grants:application_withdraw", args=[award.application.pk]), {"reason": ""})
    assert "Das Zurückziehen ist im Status „Bewilligt“ nicht möglich." in response.content.decode()


def test_coordinator_uploads_and_ministry_downloads_after_submission(client, coordinator_a, clerk, programme):
    from django.core.files.uploadedfile import SimpleUploadedFile
    application = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    client.post(reverse("grants:attachment_upload", args=[application.pk]),
                {"file": SimpleUploadedFile("Stellenplan.pdf", PDF, "application/pdf"), "description": "Stellenplan"})
    attachment = application.attachments.get()
    download = client.get(reverse("grants:attachment_download", args=[application.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="Stellenplan.pdf"' in download["Content-Disposition"]
    from grants.services.applications import application_submit
    application_submit(application=application, user=coordinator_a)
    client.force_login(clerk)
    staff_download = client.get(reverse("grants:attachment_download", args=[application.pk, attachment.pk]))
    assert staff_download.status_code == 200


def test_upload_of_a_non_pdf_is_refused_in_german(client, coordinator_a, programme):
    from django.core.files.uploadedfile import SimpleUploadedFile
    application = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    response = client.post(reverse("grants:attachment_upload", args=[application.pk]),
                           {"file": SimpleUploadedFile("rechnung.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
                           follow=True)
    assert "Die Datei ist kein gültiges PDF-Dokument." in response.content.decode()
    assert not application.attachments.exists()


def test_detail_hides_internal_comments_from_the_applicant(client, coordinator_a, clerk, programme):
    from grants.services.reviews import comment_add
    application = factories.submitted_application(programme, coordinator_a)
    comment_add(application=application, user=clerk, text="Intern: Haushaltslage prüfen")
    comment_add(application=application, user=clerk, text="Bitte Unterschrift nachreichen", visibility="antragsteller")
    client.force_login(coordinator_a)
    html = client.get(reverse("grants:application_detail", args=[application.pk])).content.decode()
    assert "Bitte Unterschrift nachreichen" in html
    assert "Haushaltslage" not in html


@pytest.mark.parametrize("rows", [5, 50])
def test_application_list_queries_do_not_grow_with_rows(client, coordinator_a, programme, rows,
                                                         django_assert_num_queries):
    for _ in range(rows):
        application = factories.draft_application(programme, coordinator_a, with_plan=False)
        application_withdraw(application=application, user=coordinator_a)
    client.force_login(coordinator_a)
    client.get(reverse("grants:application_list"))  # warm up session and content types
    with django_assert_num_queries(QUERIES_FOR_LIST):
        response = client.get(reverse("grants:application_list"))
    table = response.content.decode().split("<tbody>")[1]
    assert table.count("Zurückgezogen") == min(rows, 25)  # the list pages by 25


# session, user, the page's rows, their number (pager), the body's live applications in open periods
# (may it apply?), the periods of the filter's select, two of the page frame and the unread notifications
# in the navigation
QUERIES_FOR_LIST = 8


def test_attachments_can_be_added_from_the_application_form(client, coordinator_a, programme):
    from django.core.files.uploadedfile import SimpleUploadedFile
    application = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    edit_url = reverse("grants:application_edit", args=[application.pk])
    assert "PDF-Datei" in client.get(edit_url).content.decode()
    response = client.post(reverse("grants:attachment_upload", args=[application.pk]),
                           {"file": SimpleUploadedFile("Konzept.pdf", PDF, "application/pdf"), "return_to": "edit"})
    assert response.status_code == 302 and response.url == edit_url
    assert "Konzept.pdf" in client.get(edit_url).content.decode()
