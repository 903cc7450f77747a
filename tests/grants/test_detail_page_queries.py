"""The application page at most 15 queries for every role (issue 11, item 6), however long the
history and however many payments, Änderungsanträge and comments: an award 2026–2028 with its
Zuwendungsbescheid, booked payments, an interim proof of use, an issued reclaim with a repayment,
withdrawn and open Änderungsanträge, an attachment, an answered request for changes, comments
and a long history – everything reached through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from grants.services.amendments import amendment_withdraw
from grants.services.applications import application_submit, attachment_add
from grants.services.awards import application_approve
from grants.services.reclaims import reclaim_book_repayment, reclaim_propose
from grants.services.reviews import (
    application_recommend,
    application_request_changes,
    application_start_review,
    comment_add,
)
from tests import factories
from tests.grants import amendment_helpers
from tests.grants.reclaim_fixtures import at, ensure_base_rates, issued, pay, submitted_interim
from tests.grants.test_scale_queries import queries_of

# 15 for the page (issue 11) and one for the unread notifications in the navigation (issue 12).
MAX_QUERIES = 15


def build(programme, coordinator, clerk, approver, approver2, *, size: int, extras: bool = True):
    """The award and everything around it; `size` payments, withdrawn Änderungsanträge and
    comments, and `size` × 40 more entries in the history. Without `extras` no attachment, no
    request for changes and no comments."""
    ensure_base_rates()
    with at(date(2026, 1, 20), 9):
        application = factories.draft_application(programme, coordinator, start=date(2026, 1, 1),
                                                  end=date(2028, 12, 31))
        if extras:
            attachment_add(application=application, user=coordinator, name="Stellenbeschreibung.pdf",
                           content=factories.PDF)
        application = application_submit(application=application, user=coordinator)
        application = application_start_review(application=application, user=clerk)
        if extras:
            application_request_changes(application=application, user=clerk, message="Bitte Kostenplan erläutern.")
            application = application_submit(application=application, user=coordinator, answer="Erläutert.")
            application = application_start_review(application=application, user=clerk)
        application_recommend(application=application, user=clerk,
                              amounts={year: Decimal("100000.00") for year in application.years}, justification="")
        factories.record_early_start(application, approver)
        award = application_approve(application=application, user=approver)
    factories.issue_notice(application, approver, date(2026, 2, 1))
    for month in range(size):
        pay(award, 2026, Decimal("1000.00"), date(2026, 3 + month, 2), coordinator=coordinator, clerk=clerk,
            approver=approver)
    with amendment_helpers.frozen():
        report = submitted_interim(award, coordinator, year=2026)
        reclaim = reclaim_propose(report=report, user=clerk, award_year=award.years.get(budget__year=2026),
                                  ground="nicht_verwendet", principal=Decimal("500.00"), interest_from=date(2026, 3, 2),
                                  reason="Die Stelle war im März 2026 nicht besetzt.")
        reclaim = issued(reclaim, approver2)
        reclaim_book_repayment(reclaim=reclaim, user=clerk, received_on=date(2027, 3, 1), amount=Decimal("100.00"))
        for _ in range(size):
            amendment_withdraw(request=amendment_helpers.submitted(award, coordinator), user=coordinator)
        amendment_helpers.submitted(award, coordinator)
        for n in range(size if extras else 0):
            comment_add(application=application, user=clerk, text=f"Vermerk {n}",
                        visibility="intern" if n % 2 else "antragsteller")
    first = AuditEntry.objects.filter(object_id=application.pk).earliest("created_at")
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=coordinator, action="grants.application.changed", content_type=first.content_type,
                   object_id=application.pk, case_id=application.pk, object_repr=first.object_repr,
                   created_at=first.created_at + timedelta(minutes=n + 1),
                   changes={"contact_phone": [f"0561 {n}", f"0561 {n + 1}"]})
        for n in range(size * 40))
    return application


@pytest.fixture
def cast(coordinator_a, coordinator_b, clerk, approver, approver2):
    return {"coordinator_a": coordinator_a, "coordinator_b": coordinator_b, "clerk": clerk, "approver": approver,
            "approver2": approver2}


# The approver's page offers the Änderungsbescheid form too (its ceremony is chosen on the confirmation page).
LIMIT = {"coordinator": MAX_QUERIES, "clerk": MAX_QUERIES, "approver": MAX_QUERIES}


def page_queries(client, cast, who, short, long):
    with amendment_helpers.frozen():
        client.force_login(cast["coordinator_a" if who == "coordinator" else who])
        few = queries_of(client, reverse("grants:application_detail", args=[short.pk]))
        client.force_login(cast["coordinator_b" if who == "coordinator" else who])
        many = queries_of(client, reverse("grants:application_detail", args=[long.pk]))
        page = client.get(reverse("grants:application_detail", args=[long.pk])).content.decode()
    return few, many, page


@pytest.mark.parametrize("who", ["coordinator", "clerk", "approver"])
def test_application_page_queries_do_not_grow_with_payments_amendments_and_history(client, programme, cast, who):
    short = build(programme, cast["coordinator_a"], cast["clerk"], cast["approver"], cast["approver2"], size=1,
                  extras=False)
    long = build(programme, cast["coordinator_b"], cast["clerk"], cast["approver"], cast["approver2"], size=8,
                 extras=False)
    assert long.award.years.get(budget__year=2026).disbursements.count() == 8
    assert long.award.amendment_requests.count() == 9 and AuditEntry.objects.filter(object_id=long.pk).count() > 320

    few, many, page = page_queries(client, cast, who, short, long)

    assert many == few <= LIMIT[who]
    # What the queries saved still shows: the paged history, the payments, the reclaim, the requests.
    assert "Einträge, neueste zuerst" in page and 'href="?verlauf=2"' in page
    assert page.count("1.000,00") >= 8 and "h-verlauf" in page
    table = page[page.index('id="aenderungsantraege"'):]
    table = table[:table.index("</table>")]
    assert all(f">Änderungsantrag {n}</a>" in table for n in range(1, 10))


@pytest.mark.parametrize("who", ["coordinator", "clerk", "approver"])
def test_attachments_requests_for_changes_and_comments_cost_a_query_each_whatever_their_number(
        client, programme, cast, who):
    short = build(programme, cast["coordinator_a"], cast["clerk"], cast["approver"], cast["approver2"], size=1)
    long = build(programme, cast["coordinator_b"], cast["clerk"], cast["approver"], cast["approver2"], size=8)
    assert long.comments.count() == 8

    few, many, page = page_queries(client, cast, who, short, long)

    assert many == few <= LIMIT[who] + 3
    assert "Vermerk 6" in page and "Stellenbeschreibung.pdf" in page and "Bitte Kostenplan erläutern." in page
