"""The write journey – create a draft, give it its plan, submit it – through the API ends in the
same state as the same journey through the coordinator's pages: the application's fields, its
plan lines, its status, the audit trail, the notifications and e-mails it caused. Two bodies walk
it side by side in the same period (coordinator A on the pages, coordinator B by token)."""

import pytest
from django.urls import reverse

from audit.selectors import audit_entries_for
from background.models import OutboxMail
from grants.models import Application, ApplicationStatus
from inbox.models import Notification
from tests.api.test_write import plan_body, url
from tests.grants.views.test_application_views import plan_post

pytestmark = pytest.mark.django_db

TITLE = "WIR-Vielfaltszentrum"
PAGE_DETAILS = {"title": TITLE, "purpose": "Betrieb des WIR-Vielfaltszentrums", "period_start": "01.01.2026",
                "period_end": "31.12.2030", "contact_name": "Jana Keller", "contact_phone": "05651 302-0",
                "contact_email": "jana.keller@example.org"}
API_DETAILS = PAGE_DETAILS | {"programme": "wir-2026", "period_start": "2026-01-01", "period_end": "2030-12-31"}


def through_the_pages(client, coordinator, programme) -> Application:
    client.force_login(coordinator)
    response = client.post(reverse("grants:application_create", args=[programme.code]), PAGE_DETAILS | {"save": ""})
    application = Application.objects.get(municipality=coordinator.municipality)
    assert response.url == reverse("grants:application_edit", args=[application.pk])
    edit = reverse("grants:application_edit", args=[application.pk])
    assert client.post(edit, plan_post() | PAGE_DETAILS | {"save": ""}).status_code == 302
    response = client.post(edit, plan_post() | PAGE_DETAILS | {"submit": ""})
    assert response.url == reverse("grants:application_submit", args=[application.pk])
    response = client.post(response.url)
    assert response.url == reverse("grants:application_detail", args=[application.pk])
    application.refresh_from_db()
    return application


def through_the_api(api, programme) -> Application:
    created = api.post("/api/v1/applications/", API_DETAILS, format="json")
    assert created.status_code == 201, created.json()
    application = Application.objects.get(pk=created.json()["id"])
    assert api.put(url(application, "plan/"), plan_body(), format="json").status_code == 200
    assert api.post(url(application, "submit/"), {}, format="json").status_code == 200
    application.refresh_from_db()
    return application


def state(application: Application) -> dict:
    """What the journey leaves behind, without what differs by body or by number."""
    fields = {name: getattr(application, name) for name in (
        "title", "purpose", "period_start", "period_end", "contact_name", "contact_phone", "contact_email",
        "status")}
    reference = application.file_reference or ""
    audit = [(entry.action, entry.changes, {k: v for k, v in entry.data.items() if k != "file_reference"},
              entry.actor and entry.actor.role)
             for entry in audit_entries_for(application).order_by("created_at", "pk")]
    notifications = sorted((n.event, n.recipient.username, n.title.replace(reference, "REF")
                            .replace(application.municipality.display_name, "BODY"))
                           for n in Notification.objects.filter(key__startswith=f"application:{application.pk}:"))
    mails = sorted((mail.event, len(mail.to)) for mail in OutboxMail.objects.filter(
        key__contains=f"application:{application.pk}:"))
    return {
        "fields": fields,
        "expenditures": sorted(application.expenditures.values_list("year", "category__code", "amount", "positions")),
        "financings": sorted(application.financings.values_list("year", "source", "amount")),
        "file_reference": bool(application.file_reference), "submitted": application.submitted_at is not None,
        "audit": audit, "notifications": notifications, "mails": mails,
    }


def test_the_api_journey_ends_where_the_pages_journey_ends(client, api_client, programme, coordinator_a,
                                                           coordinator_b, clerk, approver):
    by_pages = through_the_pages(client, coordinator_a, programme)
    by_api = through_the_api(api_client(coordinator_b), programme)

    assert by_api.status == by_pages.status == ApplicationStatus.SUBMITTED
    assert (by_pages.file_reference, by_api.file_reference) == ("WIR-26-0001", "WIR-26-0002")
    pages, api = state(by_pages), state(by_api)
    assert [entry[0] for entry in api["audit"]] == ["grants.application.created", "grants.application.changed",
                                                    "grants.application.submitted"]
    assert pages["notifications"] and pages["mails"]
    for part in pages:
        assert api[part] == pages[part], part
