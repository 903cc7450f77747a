"""Notices in the browser: the "Bescheide" panel, issuing with preview, the download of the
stored PDF, handover ceremonies, and the Notice admin page."""

import hashlib
import io
from datetime import date

import pytest
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from grants.models import HandoverCeremony, Notice
from grants.services.awards import application_approve, application_reject
from grants.services.notices import notice_attach_ceremony
from tests import factories
from tests.grants.views import error_beside, page_elements

K = Notice.Kind
LOGIN = "/konto/login/?next="
ISSUE_REFUSAL = "Nur Personen mit Bewilligungsbefugnis können Bescheide erlassen."
FOUR_EYES = ("Vier-Augen-Prinzip: Sie haben diesen Antrag zur Bewilligung empfohlen und dürfen den Bescheid "
             "deshalb nicht selbst erlassen.")
EMPTY_CEREMONY = "Dieser Übergabe sind noch keine Bescheide zugeordnet."


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 10, 29), notice=False)


@pytest.fixture
def award_b(programme, coordinator_b, clerk, approver):
    return factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2026, 10, 29), notice=False)


@pytest.fixture
def notice(award, approver):
    return factories.issue_notice(award.application, approver, date(2026, 10, 29), kind=K.AWARD)


@pytest.fixture
def notice_b(award_b, approver):
    return factories.issue_notice(award_b.application, approver, date(2026, 10, 30), kind=K.AWARD)


@pytest.fixture
def rejected(programme, coordinator_a, clerk, approver):
    with factories.at(date(2026, 10, 29), 9):
        application = factories.in_review_application(programme, coordinator_a, clerk)
        application_reject(application=application, user=approver, reason="Nicht förderfähig.")
    application.refresh_from_db()
    return application


@pytest.fixture
def approved_after_own_recommendation(programme, coordinator_a, approver, approver2):
    """The approver recommended it, a second approver approved it: the recommender may not issue."""
    application = factories.recommended_application(programme, coordinator_a, approver)
    award = application_approve(application=application, user=approver2)
    return award.application


@pytest.fixture
def ceremony(db):
    return HandoverCeremony.objects.create(date=date(2026, 10, 29), place="Eschwege",
                                           official_title="Staatssekretärin", official_name="Anne Janz")


def issue_url(application, kind):
    return reverse("grants:notice_issue", args=[application.pk]) + f"?art={kind}"


def preview_url(application, kind, **extra):
    query = "&".join(f"{key}={value}" for key, value in {"art": kind, **extra}.items())
    return reverse("grants:notice_preview", args=[application.pk]) + f"?{query}"


def detail_url(application):
    return reverse("grants:application_detail", args=[application.pk])


def download_url(notice):
    return reverse("grants:notice_download", args=[notice.pk])


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


# --- the panel on the application page ---------------------------------------------------------

def test_approver_is_offered_the_award_notice_with_preview(client, approver, award):
    client.force_login(approver)

    response = client.get(detail_url(award.application))

    page = page_elements(response)
    assert "Zuwendungsbescheid erlassen" in page.by_id["h-bescheid-erlassen"].text
    links = {element.attrs.get("href") for element in page.elements if element.tag == "a"}
    assert preview_url(award.application, K.AWARD) in links
    assert page.by_id["bescheid_issued_on"].attrs["value"]  # today, preset
    assert "Noch kein Bescheid erlassen." in text_of(response)


def test_approver_is_offered_the_rejection_notice_for_a_rejected_application(client, approver, rejected):
    client.force_login(approver)

    response = client.get(detail_url(rejected))

    assert "Ablehnungsbescheid erlassen" in page_elements(response).by_id["h-bescheid-erlassen"].text


def test_after_the_award_notice_the_approver_is_offered_an_amendment(client, approver, notice):
    client.force_login(approver)

    response = client.get(detail_url(notice.application))

    page = page_elements(response)
    assert "Änderungsbescheid erlassen" in page.by_id["h-bescheid-erlassen"].text
    assert page.by_id["bescheid_refers_to"].tag == "select"
    assert "bescheid_changes" in page.by_id
    assert "Zuwendungsbescheid erlassen" not in response.content.decode()


def test_panel_lists_the_issued_notice_with_download_and_checksum_for_ministry_staff(client, clerk, notice):
    client.force_login(clerk)

    response = client.get(detail_url(notice.application))

    content = response.content.decode()
    assert notice.number in content and "29.10.2026" in content
    assert f'href="{download_url(notice)}"' in content
    assert notice.sha256 in content
    assert "bescheid_issued_on" not in page_elements(response).by_id  # no signing authority, no form


def test_coordinator_sees_own_notice_without_checksum_or_issue_form(client, coordinator_a, notice):
    client.force_login(coordinator_a)

    response = client.get(detail_url(notice.application))

    content = response.content.decode()
    assert notice.number in content and "PDF herunterladen" in content
    assert f'href="{download_url(notice)}"' in content
    assert notice.sha256 not in content
    assert "h-bescheid-erlassen" not in page_elements(response).by_id


def test_panel_shows_the_four_eyes_reason_and_disables_issuing(client, approver, approved_after_own_recommendation):
    client.force_login(approver)

    response = client.get(detail_url(approved_after_own_recommendation))

    page = page_elements(response)
    assert FOUR_EYES in " ".join(page.by_id["bescheid-vier-augen"].text.split())
    buttons = [e for e in page.elements if e.tag == "button" and "Zuwendungsbescheid erlassen" in e.text]
    assert len(buttons) == 1
    assert "disabled" in buttons[0].attrs and buttons[0].attrs["aria-describedby"] == "bescheid-vier-augen"


# --- issuing -----------------------------------------------------------------------------------

def test_approver_issues_the_award_notice(client, approver, award):
    client.force_login(approver)

    response = client.post(issue_url(award.application, K.AWARD), {"issued_on": "29.10.2026"}, follow=True)

    notice = Notice.objects.get(application=award.application)
    assert (notice.kind, notice.issued_on, notice.issued_by, notice.number) == (
        K.AWARD, date(2026, 10, 29), approver, "WIR-26-B2026-001")
    assert response.redirect_chain == [(detail_url(award.application), 302)]
    assert "Der Bescheid WIR-26-B2026-001 (Zuwendungsbescheid) ist erlassen." in text_of(response)
    assert notice.sha256 == hashlib.sha256(bytes(notice.pdf)).hexdigest()


def test_award_notice_is_issued_with_a_ceremony(client, approver, award, ceremony):
    client.force_login(approver)

    client.post(issue_url(award.application, K.AWARD), {"issued_on": "29.10.2026", "ceremony": ceremony.pk})

    assert Notice.objects.get(application=award.application).ceremony == ceremony


def test_approver_issues_the_rejection_notice(client, approver, rejected):
    client.force_login(approver)

    response = client.post(issue_url(rejected, K.REJECTION), {"issued_on": "30.10.2026"})

    assert response.status_code == 302
    assert Notice.objects.get(application=rejected).kind == K.REJECTION


def test_amendment_needs_the_changes_beside_the_field(client, approver, notice):
    client.force_login(approver)

    response = client.post(issue_url(notice.application, K.AMENDMENT),
                           {"issued_on": "02.11.2026", "refers_to": notice.pk, "changes": " "})

    assert response.status_code == 200
    assert error_beside(response, "bescheid_changes") == "Bitte angeben, was der Änderungsbescheid ändert."
    assert Notice.objects.count() == 1


def test_approver_issues_an_amendment_referring_to_the_award_notice(client, approver, notice):
    client.force_login(approver)

    client.post(issue_url(notice.application, K.AMENDMENT),
                {"issued_on": "02.11.2026", "refers_to": notice.pk, "changes": "Bewilligungszeitraum verlängert."})

    amendment = Notice.objects.get(kind=K.AMENDMENT)
    assert (amendment.refers_to, amendment.number) == (notice, "WIR-26-B2026-002")


def test_second_award_notice_is_refused_with_the_services_message(client, approver, notice):
    client.force_login(approver)

    response = client.post(issue_url(notice.application, K.AWARD), {"issued_on": "02.11.2026"})

    assert response.status_code == 200
    assert "Für diese Zuwendung ist bereits ein Zuwendungsbescheid erlassen" in text_of(response)
    assert Notice.objects.count() == 1


def test_recommender_posting_the_issue_is_refused_and_nothing_is_stored(client, approver,
                                                                         approved_after_own_recommendation):
    client.force_login(approver)

    response = client.post(issue_url(approved_after_own_recommendation, K.AWARD), {"issued_on": "29.10.2026"})

    assert response.status_code == 200
    assert FOUR_EYES in text_of(response)
    assert not Notice.objects.exists()


def test_issue_page_shows_the_form_on_its_own(client, approver, award):
    client.force_login(approver)

    response = client.get(issue_url(award.application, K.AWARD))

    assert response.status_code == 200
    assert "bescheid_issued_on" in page_elements(response).by_id


def test_unknown_kind_is_404_with_german_text(client, approver, award):
    client.force_login(approver)

    for url in (issue_url(award.application, "bescheid"), preview_url(award.application, "bescheid")):
        response = client.get(url)
        assert response.status_code == 404
        assert "Unbekannte Bescheidart" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_clerk_is_refused_issuing(client, clerk, award, method):
    client.force_login(clerk)

    response = getattr(client, method)(issue_url(award.application, K.AWARD), {"issued_on": "29.10.2026"})

    assert response.status_code == 403
    assert ISSUE_REFUSAL in response.content.decode()
    assert not Notice.objects.exists()


def test_clerk_is_refused_the_preview(client, clerk, award):
    client.force_login(clerk)

    response = client.get(preview_url(award.application, K.AWARD))

    assert response.status_code == 403


def test_coordinator_is_refused_issuing_for_own_body(client, coordinator_a, award):
    client.force_login(coordinator_a)

    assert client.post(issue_url(award.application, K.AWARD), {"issued_on": "29.10.2026"}).status_code == 403
    assert client.get(preview_url(award.application, K.AWARD)).status_code == 403
    assert not Notice.objects.exists()


def test_coordinator_of_another_body_gets_404_on_issue_and_preview(client, coordinator_b, award):
    client.force_login(coordinator_b)

    assert client.post(issue_url(award.application, K.AWARD), {"issued_on": "29.10.2026"}).status_code == 404
    assert client.get(preview_url(award.application, K.AWARD)).status_code == 404


# --- preview -----------------------------------------------------------------------------------

def test_preview_is_an_inline_pdf_and_stores_nothing(client, approver, award):
    client.force_login(approver)
    audit_before = AuditEntry.objects.count()

    response = client.get(preview_url(award.application, K.AWARD))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert Notice.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_amendment_preview_refers_to_the_chosen_notice(client, approver, notice):
    client.force_login(approver)

    response = client.get(preview_url(notice.application, K.AMENDMENT, bezug=notice.pk))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert Notice.objects.count() == 1


def test_preview_refused_by_the_service_is_a_message_not_an_error(client, approver, award):
    client.force_login(approver)

    response = client.get(preview_url(award.application, K.REJECTION), follow=True)

    assert response.redirect_chain == [(detail_url(award.application), 302)]
    assert "Ein Ablehnungsbescheid setzt eine Ablehnung voraus." in text_of(response)


def test_recommender_gets_no_preview(client, approver, approved_after_own_recommendation):
    client.force_login(approver)

    response = client.get(preview_url(approved_after_own_recommendation, K.AWARD), follow=True)

    assert FOUR_EYES in text_of(response)
    assert response["Content-Type"].startswith("text/html")


# --- download ----------------------------------------------------------------------------------

def test_coordinator_downloads_own_notice_exactly_as_stored(client, coordinator_a, notice):
    client.force_login(coordinator_a)

    response = client.get(download_url(notice))

    assert response.status_code == 200
    assert response.content == bytes(notice.pdf)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{notice.number}.pdf"'
    assert response["ETag"] == f'"{notice.sha256}"'
    assert "private" in response["Cache-Control"]


def test_downloading_twice_gives_the_same_checksum(client, approver, notice):
    client.force_login(approver)

    first = client.get(download_url(notice)).content
    second = client.get(download_url(notice)).content

    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest() == notice.sha256


def test_download_answers_304_when_the_etag_matches(client, approver, notice):
    client.force_login(approver)

    response = client.get(download_url(notice), headers={"If-None-Match": f'"{notice.sha256}"'})

    assert response.status_code == 304


def test_coordinator_of_another_body_gets_404_on_download(client, coordinator_b, notice):
    client.force_login(coordinator_b)

    assert client.get(download_url(notice)).status_code == 404


def test_download_of_a_missing_notice_is_404(client, approver, db):
    client.force_login(approver)

    assert client.get(reverse("grants:notice_download", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_login(client, notice, ceremony):
    urls = [download_url(notice), issue_url(notice.application, K.AMENDMENT),
            preview_url(notice.application, K.AMENDMENT), reverse("grants:ceremony_list"),
            reverse("grants:ceremony_detail", args=[ceremony.pk]),
            reverse("grants:ceremony_bundle", args=[ceremony.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), url
    assert Notice.objects.count() == 1


# --- handover ceremonies -----------------------------------------------------------------------

def test_ceremony_list_pages_by_25_newest_first(client, clerk):
    for day in range(1, 28):  # 27 ceremonies, 1.–27.10.2026
        HandoverCeremony.objects.create(date=date(2026, 10, day), place=f"Ort {day}",
                                        official_title="Staatssekretärin", official_name="Anne Janz")
    client.force_login(clerk)

    first = client.get(reverse("grants:ceremony_list")).content.decode()
    second = client.get(reverse("grants:ceremony_list") + "?page=2").content.decode()

    assert first.count("<th scope=\"row\">") == 25 and "27.10.2026" in first and "02.10.2026" not in first
    assert second.count("<th scope=\"row\">") == 2 and "02.10.2026" in second and "01.10.2026" in second
    assert "?page=2" in first  # the pager links the second page


def test_ministry_staff_see_the_ceremony_list_with_counts(client, clerk, notice, ceremony):
    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=notice.issued_by)
    client.force_login(clerk)

    response = client.get(reverse("grants:ceremony_list"))

    assert response.status_code == 200
    rows = [" ".join(e.text.split()) for e in page_elements(response).elements if e.tag == "tr"]
    assert "29.10.2026, Eschwege Eschwege Staatssekretärin Anne Janz 1" in rows


def test_navigation_has_ceremonies_for_ministry_staff_only(client, approver, coordinator_a):
    client.force_login(approver)
    assert reverse("grants:ceremony_list") in client.get(reverse("dashboard")).content.decode()

    client.force_login(coordinator_a)
    assert reverse("grants:ceremony_list") not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("name", ["ceremony_list", "ceremony_detail", "ceremony_presentation", "ceremony_bundle"])
def test_coordinator_is_refused_ceremony_pages(client, coordinator_a, ceremony, name):
    client.force_login(coordinator_a)

    url = reverse(f"grants:{name}") if name == "ceremony_list" else reverse(f"grants:{name}", args=[ceremony.pk])
    method = client.post if name in ("ceremony_presentation", "ceremony_bundle") else client.get

    assert method(url).status_code == 403


def test_coordinator_is_refused_attaching_and_detaching(client, coordinator_a, notice, ceremony):
    client.force_login(coordinator_a)

    assert client.post(reverse("grants:ceremony_attach", args=[ceremony.pk]),
                       {"notice": notice.pk}).status_code == 403
    notice.refresh_from_db()
    assert notice.ceremony is None


def test_ceremony_page_lists_notices_in_print_order_with_downloads(client, approver, notice, notice_b, ceremony):
    for item in (notice, notice_b):
        notice_attach_ceremony(notice=item, ceremony=ceremony, user=approver)
    client.force_login(approver)

    response = client.get(reverse("grants:ceremony_detail", args=[ceremony.pk]))

    content = response.content.decode()
    # Hochtaunuskreis before Werra-Meißner-Kreis
    assert content.index(notice_b.number) < content.index(notice.number)
    assert reverse("grants:ceremony_presentation", args=[ceremony.pk]) in content
    assert reverse("grants:ceremony_bundle", args=[ceremony.pk]) in content
    assert "Übergabemappe: Übergabeexemplare und Bescheide (PDF)" in content


def test_approver_attaches_and_detaches_a_notice(client, approver, notice, ceremony):
    client.force_login(approver)

    response = client.post(reverse("grants:ceremony_attach", args=[ceremony.pk]), {"notice": notice.pk}, follow=True)

    notice.refresh_from_db()
    assert notice.ceremony == ceremony
    assert f"Der Bescheid {notice.number} ist der Übergabe zugeordnet." in text_of(response)

    response = client.post(reverse("grants:ceremony_detach", args=[ceremony.pk, notice.pk]), follow=True)

    notice.refresh_from_db()
    assert notice.ceremony is None
    assert f"Der Bescheid {notice.number} ist von der Übergabe gelöst." in text_of(response)
    assert AuditEntry.objects.filter(action="grants.notice.ceremony_set", object_id=notice.pk).count() == 2


def test_clerk_sees_the_ceremony_but_may_not_attach(client, clerk, notice, ceremony):
    client.force_login(clerk)

    page = client.get(reverse("grants:ceremony_detail", args=[ceremony.pk]))
    response = client.post(reverse("grants:ceremony_attach", args=[ceremony.pk]), {"notice": notice.pk})

    assert page.status_code == 200 and "zuordnen_notice" not in page_elements(page).by_id
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.ceremony is None


def test_attach_offers_only_notices_of_the_ceremonys_programme(client, approver, clerk, coordinator_b, notice,
                                                                ceremony):
    later_programme = factories.make_programme(code="wir-2031", start=2031, end=2035)
    other = factories.approved_award(later_programme, coordinator_b, clerk, approver, on=date(2026, 10, 29),
                                     notice=False)
    other_notice = factories.issue_notice(other.application, approver, date(2026, 11, 2), kind=K.AWARD)
    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
    client.force_login(approver)

    response = client.post(reverse("grants:ceremony_attach", args=[ceremony.pk]), {"notice": other_notice.pk})

    assert response.status_code == 200
    assert error_beside(response, "zuordnen_notice") == \
        "Dieser Bescheid kann dieser Übergabe nicht zugeordnet werden."
    other_notice.refresh_from_db()
    assert other_notice.ceremony is None


def ceremony_document(client, name: str, ceremony):
    """Start the ceremony's document as a job (it runs after commit, eagerly in the tests) and
    download the result from the job's page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post(reverse(f"grants:{name}", args=[ceremony.pk]))
    assert started.status_code == 302 and "/auftraege/" in started.url
    page = client.get(started.url)
    assert "Der Auftrag ist fertig." in page.content.decode()
    return client.get(started.url + "ergebnis/")


def test_bundle_download_is_a_pdf_named_after_date_and_place(client, approver, notice, ceremony, private_storage):
    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
    client.force_login(approver)

    response = ceremony_document(client, "ceremony_bundle", ceremony)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Uebergabemappe_2026-10-29_Eschwege.pdf"'
    assert response.content.startswith(b"%PDF")


def test_presentation_download_is_a_pdf(client, approver, notice, ceremony, private_storage):
    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
    client.force_login(approver)

    response = ceremony_document(client, "ceremony_presentation", ceremony)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Uebergabe_2026-10-29_Eschwege.pdf"'
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["ceremony_presentation", "ceremony_bundle"])
def test_empty_ceremony_download_is_a_message_not_an_error(client, approver, ceremony, name):
    client.force_login(approver)

    response = client.post(reverse(f"grants:{name}", args=[ceremony.pk]), follow=True)

    assert response.redirect_chain == [(reverse("grants:ceremony_detail", args=[ceremony.pk]), 302)]
    assert EMPTY_CEREMONY in text_of(response)


def test_ceremony_filename_is_ascii(client, approver, notice, private_storage):
    ceremony = HandoverCeremony.objects.create(date=date(2026, 11, 3), place="Bad Homburg v. d. Höhe",
                                               official_title="Staatssekretär", official_name="Max Muster")
    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
    client.force_login(approver)

    response = ceremony_document(client, "ceremony_presentation", ceremony)

    assert response["Content-Disposition"] == \
        'attachment; filename="Uebergabe_2026-11-03_Bad-Homburg-v-d-Hoehe.pdf"'


# --- admin -------------------------------------------------------------------------------------

def test_notice_admin_shows_download_link_checksum_and_pages_but_no_bytes(client, notice):
    admin_user = User.objects.create_superuser(username="admin", password=factories.PASSWORD,
                                               email="admin@example.org", role=Role.PROGRAMMVERWALTUNG)
    client.force_login(admin_user)

    response = client.get(reverse("admin:grants_notice_change", args=[notice.pk]))

    content = response.content.decode()
    pages = len(PdfReader(io.BytesIO(bytes(notice.pdf))).pages)
    assert response.status_code == 200
    assert f'<a href="{download_url(notice)}">PDF herunterladen</a>' in content
    assert notice.sha256 in content
    assert [" ".join(e.text.split()) for e in page_elements(response).elements
            if "field-page_count" in e.attrs.get("class", "")] == [f"Seitenzahl: {pages}"]
    assert "%PDF" not in content and "b&#x27;%PDF" not in content
    assert client.get(download_url(notice)).content == bytes(notice.pdf)
