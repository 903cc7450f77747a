"""No late refusals, no lost work: "Neuer Antrag" only where the body may start an application
(the reason where not, before anything is typed), copying last period's application as a draft,
and uploads and removals on the application form that save what was typed first."""

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Application, ApplicationStatus
from grants.services.applications import application_submit, attachment_add
from grants.services.plans import plan_lines
from tests import factories
from tests.form_tokens import form_token
from tests.grants.views.test_application_views import plan_post

PDF = factories.PDF
LIST = reverse("grants:application_list")
NEW = reverse("grants:application_new")


def create_url(programme):
    return reverse("grants:application_create", args=[programme.code])


def copy_url(programme):
    return reverse("grants:application_copy", args=[programme.code])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def old_period_application(coordinator):
    """The body's submitted application 2021–2025; that period takes no applications any more."""
    old = factories.make_programme(code="wir-2021", start=2021, end=2025)
    application = factories.submitted_application(old, coordinator)
    old.accepts_applications = False
    old.save(update_fields=["accepts_applications"])
    return application


def pdf(name="Stellenbeschreibung.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- "Neuer Antrag" only where the body may start one ---------------------------------------------


def test_list_offers_no_new_application_and_says_why_when_the_body_has_one_in_the_period(
        client, coordinator_a, programme):
    application = factories.submitted_application(programme, coordinator_a)
    client.force_login(coordinator_a)

    html = client.get(LIST).content.decode()

    assert f'href="{NEW}"' not in html
    assert ("Für Werra-Meißner-Kreis besteht in der Förderperiode 2026–2030 bereits der Antrag WIR-26-0001 "
            "(Status „Eingereicht“).") in html
    assert reverse("grants:application_detail", args=[application.pk]) in html


def test_list_offers_a_new_application_where_the_body_has_none(client, coordinator_a, coordinator_b, programme):
    factories.submitted_application(programme, coordinator_b)  # another body's application does not count
    client.force_login(coordinator_a)

    html = client.get(LIST).content.decode()

    assert f'href="{NEW}"' in html and "bereits" not in html


def test_new_application_form_refuses_with_the_reason_before_anything_is_typed(client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)

    response = client.get(create_url(programme))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="application-form"' not in html and "Finanzierungsplan" not in html
    assert "Für Werra-Meißner-Kreis besteht in der Förderperiode 2026–2030 bereits ein Antragsentwurf" in html
    assert reverse("grants:application_edit", args=[draft.pk]) in html  # on to the draft instead


def test_new_application_page_gives_the_reason_and_no_start_link(client, coordinator_a, programme):
    factories.submitted_application(programme, coordinator_a)
    client.force_login(coordinator_a)

    response = client.get(NEW)

    html = response.content.decode()
    assert response.status_code == 200
    assert create_url(programme) not in html and copy_url(programme) not in html
    assert "bereits der Antrag WIR-26-0001 (Status „Eingereicht“)" in html


def test_new_application_goes_straight_to_the_form_when_there_is_nothing_to_choose(client, coordinator_a,
                                                                                   programme):
    client.force_login(coordinator_a)
    response = client.get(NEW)
    assert response.status_code == 302 and response.url == create_url(programme)


# --- copying last period's application ------------------------------------------------------------


def test_new_application_page_offers_to_copy_last_periods_application(client, coordinator_a, programme):
    old_period_application(coordinator_a)
    client.force_login(coordinator_a)

    html = client.get(NEW).content.decode()

    assert f'action="{copy_url(programme)}"' in html
    assert "Antrag aus 2021–2025 als Entwurf übernehmen" in html
    assert "Nicht übernommen werden die Anlagen" in html
    assert f'href="{create_url(programme)}"' in html  # a blank one stays possible
    # The blank form offers the copy as well (the start page links there directly).
    assert f'action="{copy_url(programme)}"' in client.get(create_url(programme)).content.decode()


def test_copy_makes_one_draft_with_the_plan_on_the_new_years_even_when_sent_twice(client, coordinator_a,
                                                                                  programme):
    source = old_period_application(coordinator_a)
    client.force_login(coordinator_a)

    first = client.post(copy_url(programme), {"source": source.pk})
    second = client.post(copy_url(programme), {"source": source.pk})

    draft = Application.objects.get(programme=programme)
    assert first.status_code == 302 and first.url == reverse("grants:application_edit", args=[draft.pk])
    assert draft.status == ApplicationStatus.DRAFT and draft.title == source.title
    assert sorted({line.year for line in plan_lines(draft)[0]}) == [2026, 2027, 2028, 2029, 2030]
    assert second.status_code == 302 and second.url == NEW
    assert messages_of(second)[-1:] == ["Für Werra-Meißner-Kreis besteht in der Förderperiode 2026–2030 bereits ein "
                                   "Antragsentwurf (Status „Entwurf“)."]
    form = client.get(first.url).content.decode()
    assert "Der Antrag WIR-21-0001 aus der Förderperiode 2021–2025 ist als Entwurf für 2026–2030 übernommen" in form
    assert 'value="118.000,00"' in form


def test_copy_form_sent_twice_by_a_double_click_is_processed_once(client, coordinator_a, programme):
    source = old_period_application(coordinator_a)
    client.force_login(coordinator_a)
    token = form_token(client.get(NEW), copy_url(programme))

    client.post(copy_url(programme), {"source": source.pk, "form_token": token})
    repeat = client.post(copy_url(programme), {"source": source.pk, "form_token": token})

    assert Application.objects.filter(programme=programme).count() == 1
    assert "Dieses Formular wurde bereits abgesendet" in " ".join(messages_of(repeat))


def test_other_body_cannot_copy_an_application(client, coordinator_a, coordinator_b, programme):
    source = old_period_application(coordinator_a)
    client.force_login(coordinator_b)

    response = client.post(copy_url(programme), {"source": source.pk})

    assert response.status_code == 404
    assert not Application.objects.filter(programme=programme).exists()


def test_copy_with_a_bad_source_is_a_404_not_a_500(client, coordinator_a, programme):
    client.force_login(coordinator_a)
    for value in ["", "abc", "999999"]:
        assert client.post(copy_url(programme), {"source": value}).status_code == 404


def test_ministry_staff_cannot_copy(client, clerk, coordinator_a, programme):
    source = old_period_application(coordinator_a)
    client.force_login(clerk)
    assert client.post(copy_url(programme), {"source": source.pk}).status_code == 403


# --- an upload never discards what was typed ------------------------------------------------------


def test_upload_saves_the_typed_form_first(client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    url = reverse("grants:application_edit", args=[draft.pk])

    response = client.post(url, plan_post(title="Neuer Titel, noch nicht gespeichert",
                                          **{"expenditure-2027-sachausgaben": "9.000,00"})
                           | {"upload": "", "file": pdf(), "description": "Stellenbeschreibung"})

    assert response.status_code == 302 and response.url == url
    draft.refresh_from_db()
    assert draft.title == "Neuer Titel, noch nicht gespeichert"
    assert next(line.amount for line in plan_lines(draft)[0]
                if line.year == 2027 and line.category.code == "sachausgaben") == 9000
    [attachment] = draft.attachments.all()
    assert (attachment.original_name, attachment.description) == ("Stellenbeschreibung.pdf", "Stellenbeschreibung")
    assert messages_of(response) == ["Der Entwurf ist gespeichert.",
                                     "Die Anlage „Stellenbeschreibung.pdf“ ist hochgeladen."]


def test_upload_with_a_form_that_cannot_be_saved_keeps_every_typed_value(client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    url = reverse("grants:application_edit", args=[draft.pk])

    response = client.post(url, plan_post(purpose="Geänderter Zweck", **{"expenditure-2028-sachausgaben": "abc"})
                           | {"upload": "", "file": pdf()})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Geänderter Zweck" in html and 'value="abc"' in html  # what was typed is shown again
    assert 'data-unsaved-warning="unsaved"' in html  # and leaving the page warns: it is not stored
    assert "„abc“ ist kein gültiger Betrag" in html
    assert "Die Anlage „Stellenbeschreibung.pdf“ ist hochgeladen." in html
    draft.refresh_from_db()
    assert draft.purpose == "Betrieb des WIR-Vielfaltszentrums" and draft.attachments.count() == 1


def test_a_file_chosen_and_saved_with_the_draft_button_is_uploaded_too(client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)

    client.post(reverse("grants:application_edit", args=[draft.pk]), plan_post() | {"save": "", "file": pdf()})

    assert draft.attachments.count() == 1


def test_upload_on_the_new_application_form_saves_the_draft_and_attaches(client, coordinator_a, programme):
    client.force_login(coordinator_a)

    response = client.post(create_url(programme), plan_post() | {"upload": "", "file": pdf()})

    draft = Application.objects.get()
    assert response.url == reverse("grants:application_edit", args=[draft.pk])
    assert draft.title == "WIR-Vielfaltszentrum Werra-Meißner-Kreis" and draft.attachments.count() == 1


def test_upload_on_a_new_form_that_cannot_be_saved_keeps_the_values_and_says_why(client, coordinator_a,
                                                                                 programme):
    client.force_login(coordinator_a)

    response = client.post(create_url(programme), plan_post(title="") | {"upload": "", "file": pdf()})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Die Anlage ist nicht hochgeladen: Dafür muss der Entwurf gespeichert werden können." in html
    assert "Betrieb des WIR-Vielfaltszentrums" in html and 'value="118.000,00"' in html
    assert not Application.objects.exists()


def test_a_non_pdf_upload_is_refused_and_the_typed_form_is_saved(client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    url = reverse("grants:application_edit", args=[draft.pk])
    text = SimpleUploadedFile("Notiz.pdf", b"kein PDF", content_type="application/pdf")

    response = client.post(url, plan_post(title="Gespeichert trotz falscher Datei") | {"upload": "", "file": text})

    draft.refresh_from_db()
    assert draft.title == "Gespeichert trotz falscher Datei" and not draft.attachments.exists()
    assert messages_of(response)[0] == "Der Entwurf ist gespeichert."
    assert len(messages_of(response)) == 2


def test_removing_an_attachment_saves_the_typed_form_first(client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    attachment = attachment_add(application=draft, user=coordinator_a, name="alt.pdf", content=PDF)
    client.force_login(coordinator_a)

    client.post(reverse("grants:application_edit", args=[draft.pk]),
                plan_post(title="Titel vor dem Entfernen") | {"remove_attachment": str(attachment.pk)})

    draft.refresh_from_db()
    assert draft.title == "Titel vor dem Entfernen" and not draft.attachments.exists()


def test_removing_another_applications_attachment_through_the_form_does_nothing(client, coordinator_a,
                                                                                  coordinator_b, programme):
    other = factories.draft_application(programme, coordinator_b)
    foreign = attachment_add(application=other, user=coordinator_b, name="fremd.pdf", content=PDF)
    draft = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)

    response = client.post(reverse("grants:application_edit", args=[draft.pk]),
                           plan_post() | {"remove_attachment": str(foreign.pk)})

    assert other.attachments.count() == 1
    assert "Die Anlage gibt es nicht mehr." in messages_of(response)


def test_submitted_application_takes_no_upload_through_the_form(client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    application_submit(application=draft, user=coordinator_a)
    client.force_login(coordinator_a)

    response = client.post(reverse("grants:application_edit", args=[draft.pk]),
                           plan_post() | {"upload": "", "file": pdf()})

    assert response.status_code == 302 and not draft.attachments.exists()
