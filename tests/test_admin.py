"""The Django admin as the ministry's fallback tool: every model reachable with German
labels, configuration editable, issued records read-only, budgets saved through the service."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from core.errors import BudgetExceeded
from grants.models import (
    Application,
    ApplicationStatus,
    Award,
    Budget,
    Disbursement,
    FundingProgramme,
    HandoverCeremony,
    IssuingAuthority,
    Notice,
)
from grants.services.applications import application_submit, attachment_add
from grants.services.disbursements import disbursement_request
from grants.services.reviews import application_request_changes, application_start_review, comment_add
from municipalities.models import Municipality
from tests import factories

PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)
NEW_PASSWORD = "Ein-sicheres-Passwort-2026"
COORDINATOR_NEEDS_ONE_BODY = (
    "Personen der Rolle Koordination gehören genau einer Gebietskörperschaft an; Ministeriumspersonal keiner."
)


def _url(obj_or_model, view: str, *args) -> str:
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _make_superuser(username="admin", role=Role.PROGRAMMVERWALTUNG) -> User:
    return User.objects.create_superuser(username=username, password=factories.PASSWORD,
                                         email=f"{username}@example.org", role=role)


@pytest.fixture
def superuser(db):
    return _make_superuser()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def ceremony(db):
    return HandoverCeremony.objects.create(date=date(2026, 3, 6), place="Eschwege",
                                           official_title="Staatssekretärin", official_name="Anne Janz")


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 1, 15), notice=False)


@pytest.fixture
def notice(award, approver):
    return factories.issue_notice(award.application, approver, date(2026, 1, 15), kind=Notice.Kind.AWARD)


@pytest.fixture
def disbursement(award, coordinator_a):
    return disbursement_request(award=award, year=2026, amount=Decimal("25000.00"), user=coordinator_a,
                                stated_need="Personalkosten Januar bis März")


@pytest.fixture
def demo_data(award, notice, disbursement, ceremony, programme, coordinator_a, coordinator_b, clerk, approver,
              private_storage, settings):
    """Something of every kind: an award with notice, payment request and an exported
    released payment, and a second application with attachment, change request and comment."""
    from core import clock
    from grants.services.disbursements import disbursement_prepare, disbursement_release
    from grants.services.payment_orders import payment_orders_export
    released = disbursement_request(award=award, year=2026, amount=Decimal("10000.00"), user=coordinator_a)
    disbursement_prepare(disbursement=released, user=clerk)
    disbursement_release(disbursement=released, user=approver)
    settings.SEPA_DEBTOR_NAME, settings.SEPA_DEBTOR_IBAN, settings.SEPA_DEBTOR_BIC = (  # with its SEPA file
        "Landeshauptkasse Hessen", "DE35123456789900000000", "TESTDEFFXXX")
    payment_orders_export(day=clock.today(), user=clerk)
    from grants.models import ReminderSent, UsageReport, UsageReportExpenditure, UsageReportFinancing
    report = UsageReport.objects.create(award=award, kind=UsageReport.Kind.INTERIM, year=2026)
    UsageReportExpenditure.objects.create(report=report, category=programme.cost_categories.first(),
                                          amount=Decimal("118000.00"))
    UsageReportFinancing.objects.create(report=report, source="zuwendung", amount=Decimal("100000.00"))
    ReminderSent.objects.create(key=f"{award.pk}:zwischennachweis:2026:faellig:{coordinator_a.pk}")
    from grants.models import AmendmentRequest, Reclaim, ReclaimRepayment
    reclaim = Reclaim.objects.create(award=award, award_year=award.years.first(), usage_report=report,
                                     ground=Reclaim.Ground.UNUSED, principal=Decimal("1000.00"),
                                     reason="Nicht verbrauchte Mittel.", interest_from=date(2026, 6, 1),
                                     proposed_by=clerk)
    ReclaimRepayment.objects.create(reclaim=reclaim, received_on=date(2026, 7, 1), amount=Decimal("100.00"),
                                    booked_by=clerk)
    AmendmentRequest.objects.create(award=award, number=1, period_end=award.period_end, plan=award.plan_snapshot,
                                    created_by=coordinator_a, reason="Verschiebung zwischen den Jahren.")
    application = factories.draft_application(programme, coordinator_b)
    attachment_add(application=application, user=coordinator_b, name="Stellenplan.pdf", content=PDF,
                   description="Stellenplan")
    application = application_submit(application=application, user=coordinator_b)
    application = application_start_review(application=application, user=clerk)
    application_request_changes(application=application, user=clerk, message="Bitte den Stellenplan erläutern.")
    comment_add(application=application, user=clerk, text="Rückfrage beim Kreis erfolgt.")
    Group.objects.create(name="Ministerium")
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    access = {"username": clerk.username, "ip_address": "127.0.0.1", "user_agent": "Test", "http_accept": "*/*",
              "path_info": "/konto/login/"}
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**access, locked_out=False)
    AccessLog.objects.create(**access)
    from grants.models import GeneralConditionsVersion
    GeneralConditionsVersion.objects.create(title="Allgemeine Nebenbestimmungen", version_date=date(2024, 5, 2),
                                            text="1. Anforderung\n1.1 Text.")
    from background.jobs import job_start
    from background.models import Job
    job_start(user=clerk, kind=Job.Kind.NOTICE_ARCHIVE, target=programme, label="Bescheide der Förderperiode 2026")
    from inbox.models import NotificationSetting
    NotificationSetting.objects.create(user=clerk, delivery="taeglich")
    return {"award": award, "notice": notice, "disbursement": disbursement, "application_b": application}


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_model_of_the_project_is_in_the_admin_or_shown_inline():
    shown = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        shown |= {inline.model for inline in model_admin.inlines}
    project_models = {
        model for label in ("accounts", "municipalities", "audit", "grants", "background", "inbox")
        for model in apps.get_app_config(label).get_models()
    }
    assert project_models - shown == set()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_superuser_opens_changelist_and_change_page_of_every_model(admin_client, demo_data, model):
    response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200

    obj = model._default_manager.order_by("pk").last()
    assert obj is not None, "the demo data should hold one of each kind"
    response = admin_client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [m for m in REGISTERED if admin.site._registry[m].search_fields],
                         ids=lambda model: model._meta.label)
def test_changelist_search_works(admin_client, demo_data, model):
    response = admin_client.get(_url(model, "changelist"), {"q": "2026"})

    assert response.status_code == 200


def test_search_finds_application_by_file_reference(admin_client, demo_data):
    reference = demo_data["award"].application.file_reference

    response = admin_client.get(_url(Application, "changelist"), {"q": reference})

    assert [application.file_reference for application in response.context["cl"].result_list] == [reference]


def test_admin_speaks_german(admin_client, demo_data):
    response = admin_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert "Bescheidübergaben" in content
    assert "Mittelabrufe / Auszahlungen" in content
    assert "Haushaltsansätze" in content


def test_money_and_dates_are_shown_in_german_format(admin_client, demo_data):
    content = admin_client.get(_url(Budget, "changelist")).content.decode()
    assert "1.000.000,00 €" in content  # Haushaltsansatz
    assert "100.000,00 €" in content  # committed by the award
    assert "900.000,00 €" in content  # remaining

    content = admin_client.get(_url(Notice, "changelist")).content.decode()
    assert "15.01.2026" in content

    content = admin_client.get(_url(demo_data["award"], "change", demo_data["award"].pk)).content.decode()
    assert "500.000,00 €" in content  # award total


@pytest.mark.parametrize("url_name", ["admin:index", "admin:grants_application_changelist",
                                      "admin:grants_budget_changelist"])
def test_coordinator_is_sent_to_the_admin_login(client, coordinator_a, url_name):
    client.force_login(coordinator_a)

    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_a_login(client, db):
    response = client.get(reverse("admin:grants_award_changelist"))

    # The admin's own login, or the site's if LoginRequiredMiddleware intercepts first.
    assert response.status_code == 302
    assert "login" in response.url
    assert "next=" in response.url


@pytest.mark.parametrize("kind", ["notice", "award", "audit_entry"])
def test_issued_records_cannot_be_deleted(admin_client, demo_data, kind):
    obj = {
        "notice": demo_data["notice"],
        "award": demo_data["award"],
        "audit_entry": AuditEntry.objects.order_by("pk").first(),
    }[kind]

    assert admin_client.get(_url(obj, "delete", obj.pk)).status_code == 403
    assert admin_client.post(_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 403
    changelist = admin_client.get(_url(obj, "changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", [User, IssuingAuthority, FundingProgramme, Budget, HandoverCeremony])
def test_configuration_add_pages_open(admin_client, programme, model):
    assert admin_client.get(_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", [Application, Award, Disbursement, AuditEntry, Notice])
def test_records_written_by_services_cannot_be_added(admin_client, db, model):
    assert admin_client.get(_url(model, "add")).status_code == 403


def test_application_page_shows_plan_and_attachment_data_but_not_the_private_file(admin_client, demo_data):
    application = demo_data["application_b"]
    attachment = application.attachments.get()

    response = admin_client.get(_url(application, "change", application.pk))

    content = response.content.decode()
    assert "118.000,00 €" in content  # a plan line
    assert "Stellenplan.pdf" in content
    assert "Bitte den Stellenplan erläutern." in content  # the change request
    assert attachment.file.name not in content


def test_application_status_cannot_be_set_in_the_admin(admin_client, demo_data):
    application = demo_data["award"].application

    response = admin_client.post(_url(application, "change", application.pk),
                                 {"status": ApplicationStatus.DRAFT, "file_reference": "X-1"})

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.file_reference != "X-1"


def test_disbursement_cannot_be_changed_in_the_admin(admin_client, demo_data):
    disbursement = demo_data["disbursement"]

    response = admin_client.post(_url(disbursement, "change", disbursement.pk),
                                 {"status": Disbursement.Status.PAID, "amount": "99999.00"})

    assert response.status_code == 403
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.REQUESTED
    assert disbursement.amount == Decimal("25000.00")


def _budget_2026(programme):
    return Budget.objects.get(programme=programme, year=2026)


def test_budget_below_committed_is_refused_with_german_error_and_input_kept(admin_client, demo_data, programme):
    budget = _budget_2026(programme)

    response = admin_client.post(_url(budget, "change", budget.pk), {"amount": "50000.00", "note": "gekürzt"})

    assert response.status_code == 200
    content = response.content.decode()
    assert ("Haushaltsjahr 2026: Bewilligungen binden bereits 100.000,00 €; "
            "der Ansatz kann nicht auf 50.000,00 € sinken.") in content
    assert 'value="50000.00"' in content
    budget.refresh_from_db()
    assert budget.amount == Decimal("1000000.00")
    assert not AuditEntry.objects.filter(action="grants.budget.set").exists()


def test_budget_change_goes_through_the_service_with_audit_entry(admin_client, superuser, demo_data, programme):
    budget = _budget_2026(programme)

    response = admin_client.post(_url(budget, "change", budget.pk), {"amount": "100000.00", "note": "Nachtrag"})

    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.amount == Decimal("100000.00")
    assert budget.note == "Nachtrag"
    entry = AuditEntry.objects.get(action="grants.budget.set")
    assert entry.actor == superuser
    assert entry.object_id == budget.pk


def test_budget_added_in_the_admin_is_created_through_the_service(admin_client, superuser, db):
    programme = factories.make_programme(code="wir-2031", start=2031, end=2035, budget=None)

    response = admin_client.post(_url(Budget, "add"),
                                 {"programme": programme.pk, "year": "2031", "amount": "750000.00", "note": ""})

    assert response.status_code == 302
    budget = Budget.objects.get(programme=programme, year=2031)
    assert budget.amount == Decimal("750000.00")
    assert AuditEntry.objects.filter(action="grants.budget.set", object_id=budget.pk, actor=superuser).exists()


def test_budget_outside_the_period_is_refused_in_german(admin_client, db):
    programme = factories.make_programme(code="wir-2031", start=2031, end=2035, budget=None)

    response = admin_client.post(_url(Budget, "add"),
                                 {"programme": programme.pk, "year": "2040", "amount": "1.00", "note": ""})

    assert response.status_code == 200
    assert "Das Haushaltsjahr liegt außerhalb der Förderperiode." in response.content.decode()
    assert not Budget.objects.filter(programme=programme).exists()


def test_superuser_without_programme_role_cannot_change_budget(client, demo_data, programme):
    client.force_login(_make_superuser("admin-sb", Role.SACHBEARBEITUNG))
    budget = _budget_2026(programme)

    response = client.post(_url(budget, "change", budget.pk), {"amount": "2000000.00", "note": ""})

    assert response.status_code == 200
    assert "Nur die Programmverwaltung kann Programme und Haushaltsansätze pflegen." in response.content.decode()
    budget.refresh_from_db()
    assert budget.amount == Decimal("1000000.00")


def test_refusal_the_form_did_not_foresee_is_a_message_not_a_500(admin_client, demo_data, programme, monkeypatch):
    def refuse(**kwargs):
        raise BudgetExceeded("Haushaltsjahr 2026: inzwischen anderweitig gebunden.")

    monkeypatch.setattr("grants.admin.programmes.budget_set", refuse)
    budget = _budget_2026(programme)

    response = admin_client.post(_url(budget, "change", budget.pk), {"amount": "900000.00", "note": ""}, follow=True)

    assert response.status_code == 200
    assert "Haushaltsjahr 2026: inzwischen anderweitig gebunden." in response.content.decode()
    budget.refresh_from_db()
    assert budget.amount == Decimal("1000000.00")


def test_budget_cannot_be_deleted(admin_client, programme):
    budget = _budget_2026(programme)

    assert admin_client.post(_url(budget, "delete", budget.pk), {"post": "yes"}).status_code == 403
    assert Budget.objects.filter(pk=budget.pk).exists()


def test_notice_ceremony_is_attached_through_the_service(client, demo_data, ceremony):
    signer = _make_superuser("admin-bw", Role.BEWILLIGUNG)
    client.force_login(signer)
    notice = demo_data["notice"]

    response = client.post(_url(notice, "change", notice.pk),
                           {"ceremony": ceremony.pk, "number": "GEFÄLSCHT-1", "kind": Notice.Kind.REJECTION,
                            # the read-only inlines of its Bekanntgabe entries and waiver (none yet)
                            "deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0",
                            "waiver-TOTAL_FORMS": "0", "waiver-INITIAL_FORMS": "0"})

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.ceremony == ceremony
    assert notice.number != "GEFÄLSCHT-1"
    assert notice.kind == Notice.Kind.AWARD
    assert AuditEntry.objects.filter(action="grants.notice.ceremony_set", object_id=notice.pk, actor=signer).exists()
    # The handover is the notice's Bekanntgabe, recorded with the ceremony's date.
    assert notice.deliveries.get().notified_on == ceremony.date


def test_notice_ceremony_needs_signing_authority(admin_client, demo_data, ceremony):
    notice = demo_data["notice"]

    response = admin_client.post(_url(notice, "change", notice.pk), {"ceremony": ceremony.pk})

    assert response.status_code == 200
    assert "Nur Personen mit Bewilligungsbefugnis können Bescheide erlassen." in response.content.decode()
    notice.refresh_from_db()
    assert notice.ceremony is None


def test_coordinator_without_body_is_refused_with_german_constraint_error(admin_client, db):
    response = admin_client.post(_url(User, "add"), {
        "username": "neue-koordination", "usable_password": "true", "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD, "role": Role.KOORDINATION, "municipality": "",
    })

    assert response.status_code == 200
    assert COORDINATOR_NEEDS_ONE_BODY in response.content.decode()
    assert not User.objects.filter(username="neue-koordination").exists()


def test_ministry_staff_with_a_body_is_refused(admin_client, body_a):
    response = admin_client.post(_url(User, "add"), {
        "username": "neue-sachbearbeitung", "usable_password": "true", "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD, "role": Role.SACHBEARBEITUNG, "municipality": body_a.pk,
    })

    assert response.status_code == 200
    assert COORDINATOR_NEEDS_ONE_BODY in response.content.decode()
    assert not User.objects.filter(username="neue-sachbearbeitung").exists()


def test_coordinator_with_body_is_created(admin_client, body_a):
    response = admin_client.post(_url(User, "add"), {
        "username": "neue-koordination", "usable_password": "true", "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD, "role": Role.KOORDINATION, "municipality": body_a.pk,
        "first_name": "Jana", "last_name": "Keller", "email": "jana.keller@example.org",
    })

    assert response.status_code == 302
    user = User.objects.get(username="neue-koordination")
    assert user.municipality == body_a
    assert user.role == Role.KOORDINATION
    assert user.check_password(NEW_PASSWORD)


def test_changing_a_coordinator_to_staff_while_keeping_the_body_is_refused(admin_client, coordinator_a):
    response = admin_client.post(_url(coordinator_a, "change", coordinator_a.pk), {
        "username": coordinator_a.username, "first_name": coordinator_a.first_name,
        "last_name": coordinator_a.last_name, "email": coordinator_a.email, "phone": "",
        "role": Role.SACHBEARBEITUNG, "municipality": coordinator_a.municipality_id, "is_active": "on",
    })

    assert response.status_code == 200
    assert COORDINATOR_NEEDS_ONE_BODY in response.content.decode()
    coordinator_a.refresh_from_db()
    assert coordinator_a.role == Role.KOORDINATION


def test_user_changelist_filters_by_role(admin_client, coordinator_a, clerk):
    response = admin_client.get(_url(User, "changelist"), {"role__exact": Role.KOORDINATION})

    usernames = {user.username for user in response.context["cl"].result_list}
    assert usernames == {coordinator_a.username}


def test_municipality_address_is_editable_but_official_data_is_not(admin_client, body_a):
    response = admin_client.post(_url(body_a, "change", body_a.pk), {
        "street": "Schlossplatz 1", "postal_code": "37269", "city": "Eschwege", "note": "",
        "name": "Umbenannt", "ags": "00000000",
    })

    assert response.status_code == 302
    body_a.refresh_from_db()
    assert (body_a.street, body_a.postal_code, body_a.city) == ("Schlossplatz 1", "37269", "Eschwege")
    assert body_a.name == "Werra-Meißner-Kreis"
    assert body_a.ags != "00000000"


def test_municipalities_are_not_added_or_deleted_in_the_admin(admin_client, body_a):
    assert admin_client.get(_url(Municipality, "add")).status_code == 403
    assert admin_client.post(_url(body_a, "delete", body_a.pk), {"post": "yes"}).status_code == 403
    assert Municipality.objects.filter(pk=body_a.pk).exists()


def test_programme_period_is_fixed_once_applications_exist(admin_client, demo_data, programme):
    response = admin_client.get(_url(programme, "change", programme.pk))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "period_start" not in form.fields
    assert "period_end" not in form.fields
    assert "application_deadline" in form.fields


def test_audit_changelist_filters_by_action(admin_client, demo_data):
    response = admin_client.get(_url(AuditEntry, "changelist"), {"action": "grants.notice.issued"})

    entries = list(response.context["cl"].result_list)
    assert [entry.action for entry in entries] == ["grants.notice.issued"]
    assert entries[0].object_id == demo_data["notice"].pk


def test_audit_entry_cannot_be_changed(admin_client, demo_data):
    entry = AuditEntry.objects.order_by("pk").first()

    response = admin_client.post(_url(entry, "change", entry.pk), {"action": "gefälscht"})

    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action != "gefälscht"


def test_programme_administration_edits_the_texts_printed_on_notices(admin_client, programme):
    url = reverse("admin:grants_fundingprogramme_change", args=[programme.pk])
    page = admin_client.get(url).content.decode()
    assert "Texte und Fristen im Bescheid" in page and 'name="special_conditions"' in page
    from django.forms.models import model_to_dict
    data = {key: value for key, value in model_to_dict(programme).items() if value is not None}
    data.update({
        "period_start": "01.01.2026", "period_end": "31.12.2030", "issuing_authority": programme.issuing_authority_id,
        "special_conditions": "Die Mikroprojekte sind öffentlich auszuschreiben.",
        "interim_report_day": "30", "interim_report_month": "4", "funds_use_months": "3",
        "cost_categories-TOTAL_FORMS": "0", "cost_categories-INITIAL_FORMS": "0",
        "budgets-TOTAL_FORMS": "0", "budgets-INITIAL_FORMS": "0",
        "casefile_transfers-TOTAL_FORMS": "0", "casefile_transfers-INITIAL_FORMS": "0",
    })
    data.pop("id", None)
    data["application_deadline"] = ""
    data["max_grant_per_applicant"] = "600000.00"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    programme.refresh_from_db()
    assert programme.special_conditions == "Die Mikroprojekte sind öffentlich auszuschreiben."
    assert (programme.interim_report_day, programme.interim_report_month, programme.funds_use_months) == (30, 4, 3)


def test_an_impossible_report_due_date_is_refused_in_german(admin_client, programme):
    from django.forms.models import model_to_dict
    url = reverse("admin:grants_fundingprogramme_change", args=[programme.pk])
    data = {key: value for key, value in model_to_dict(programme).items() if value is not None}
    data.update({"period_start": "01.01.2026", "period_end": "31.12.2030", "application_deadline": "",
                 "max_grant_per_applicant": "600000.00", "interim_report_day": "31", "interim_report_month": "2",
                 "cost_categories-TOTAL_FORMS": "0", "cost_categories-INITIAL_FORMS": "0",
                 "budgets-TOTAL_FORMS": "0", "budgets-INITIAL_FORMS": "0",
                 "casefile_transfers-TOTAL_FORMS": "0", "casefile_transfers-INITIAL_FORMS": "0"})
    data.pop("id", None)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Monat und Tag ergeben kein gültiges Datum." in response.content.decode()
    programme.refresh_from_db()
    assert programme.interim_report_month == 3
