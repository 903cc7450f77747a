"""The case history of an application and its grant (grants/selectors/timeline.py, the page
/antraege/<pk>/verlauf/): a whole case walked through the services – submit, request for
changes, resubmission with a changed plan, approval, Zuwendungsbescheid, a payment called,
prepared, released and booked, an interim proof of use, a reclaim with hearing, notice and
repayment, an Änderungsantrag approved, the grant closed – shows every event once, with who
and when; the filters; the changes since the request for changes; the coordinator of another
body is refused; the page's queries do not grow with the history."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from grants.models import UsageReport
from grants.selectors.deadlines import report_deadlines
from grants.selectors.reclaims import reclaim_balance
from grants.selectors.timeline import case_entries, timeline_rows
from grants.services.amendments import amendment_approve
from grants.services.applications import application_save, application_submit, attachment_add
from grants.services.awards import application_approve
from grants.services.closing import award_close
from grants.services.reclaims import reclaim_book_repayment, reclaim_propose
from grants.services.reviews import application_recommend, application_request_changes, application_start_review
from tests import factories
from tests.grants import amendment_helpers
from tests.grants.reclaim_fixtures import at, ensure_base_rates, issued, pay, submitted_interim
from tests.grants.test_scale_queries import queries_of

M = Decimal


def changed_plan(programme, years):
    """The balanced plan with 2027's material costs lowered by 3.000 € and its own funds with them."""
    expenditures, financings = factories.balanced_plan(programme, years)
    expenditures = [replace(line, amount=M("4000.00")) if (line.year, line.category.code) == (2027, "sachausgaben")
                    else line for line in expenditures]
    financings = [replace(line, amount=M("27000.00")) if (line.year, line.source) == (2027, "eigenmittel")
                  else line for line in financings]
    return expenditures, financings


def journey(programme, coordinator, clerk, approver, approver2):
    """The whole case through the services; returns the application."""
    ensure_base_rates()
    with at(date(2026, 1, 12), 9):
        application = factories.draft_application(programme, coordinator, start=date(2026, 1, 1),
                                                  end=date(2028, 12, 31))
        attachment_add(application=application, user=coordinator, name="Stellenplan.pdf", content=factories.PDF)
        application = application_submit(application=application, user=coordinator)
    with at(date(2026, 1, 13), 9):
        application = application_start_review(application=application, user=clerk)
        application_request_changes(application=application, user=clerk,
                                    message="Bitte die Sachausgaben 2027 begründen oder senken.")
    with at(date(2026, 1, 14), 9):
        expenditures, financings = changed_plan(programme, application.years)
        application_save(user=coordinator, application=application, data={"title": "WIR-Zentrum Eschwege"},
                         expenditures=expenditures, financings=financings)
        application = application_submit(application=application, user=coordinator, answer="Gesenkt.")
    with at(date(2026, 1, 20), 9):
        application = application_start_review(application=application, user=clerk)
        application_recommend(application=application, user=clerk,
                              amounts={year: M("100000.00") for year in application.years})
        factories.record_early_start(application, approver)
        award = application_approve(application=application, user=approver)
    factories.issue_notice(application, approver, date(2026, 2, 1))
    pay(award, 2026, M("1000.00"), date(2026, 3, 2), coordinator=coordinator, clerk=clerk, approver=approver)
    with amendment_helpers.frozen():  # 01.03.2027
        report = submitted_interim(award, coordinator, year=2026)
        reclaim = reclaim_propose(report=report, user=clerk, award_year=award.years.get(budget__year=2026),
                                  ground="nicht_verwendet", principal=M("500.00"), interest_from=date(2026, 3, 2),
                                  reason="Die Stelle war im März 2026 nicht besetzt.")
        reclaim = issued(reclaim, approver2)  # hearing sent and answered, then the notice
        reclaim_book_repayment(reclaim=reclaim, user=clerk, received_on=date(2027, 3, 1),
                               amount=reclaim_balance(reclaim, date(2027, 3, 1)).total_outstanding)
        amendment_approve(request=amendment_helpers.recommended(award, coordinator, clerk), user=approver2)
        award.refresh_from_db()
        # The later proofs of use, accepted (their own history is told by the proof tests).
        done = {(report.kind, report.year) for report in award.usage_reports.all()}
        for deadline in report_deadlines(award):
            if (deadline.kind, deadline.year) not in done:
                UsageReport.objects.create(award=award, kind=deadline.kind, year=deadline.year,
                                           status=UsageReport.Status.ACCEPTED)
        award_close(award=award, user=clerk)
    return application


# (action, who) of every event of the journey, in order; the submission and the review twice.
EXPECTED = [
    ("grants.application.created", "coordinator"),
    ("grants.application.plan_changed", "coordinator"),
    ("grants.application.attachment_added", "coordinator"),
    ("grants.application.submitted", "coordinator"),
    ("grants.application.review_started", "clerk"),
    ("grants.application.changes_requested", "clerk"),
    ("grants.application.changed", "coordinator"),  # the title and the plan, saved together
    ("grants.application.submitted", "coordinator"),
    ("grants.application.review_started", "clerk"),
    ("grants.application.recommended", "clerk"),
    ("grants.application.early_start_consented", "approver"),
    ("grants.application.approved", "approver"),
    ("grants.award.created", "approver"),
    ("grants.notice.issued", "approver"),
    ("grants.disbursement.requested", "coordinator"),
    ("grants.disbursement.prepared", "clerk"),
    ("grants.disbursement.released", "approver"),
    ("grants.disbursement.paid", "clerk"),
    ("grants.usage_report.created", "coordinator"),
    ("grants.usage_report.saved", "coordinator"),
    ("grants.usage_report.narrative_attached", "coordinator"),
    ("grants.usage_report.submitted", "coordinator"),
    ("grants.usage_report.accepted", "clerk"),
    ("grants.reclaim.proposed", "clerk"),
    ("grants.reclaim.hearing_sent", "approver2"),
    ("grants.reclaim.hearing_answered", "coordinator"),
    ("grants.notice.issued", "approver2"),
    ("grants.reclaim.issued", "approver2"),
    ("grants.reclaim.repayment_booked", "clerk"),
    ("grants.reclaim.settled", "clerk"),
    ("grants.amendment.created", "coordinator"),
    ("grants.amendment.submitted", "coordinator"),
    ("grants.amendment.recommended", "clerk"),
    ("grants.notice.issued", "approver2"),
    ("grants.amendment.approved", "approver2"),
    ("grants.award.amended", "approver2"),
    ("grants.award.closed", "clerk"),
]


@pytest.fixture
def people(coordinator_a, coordinator_b, clerk, approver, approver2):
    return {"coordinator": coordinator_a, "coordinator_b": coordinator_b, "clerk": clerk, "approver": approver,
            "approver2": approver2}


@pytest.fixture
def case(programme, people):
    return journey(programme, people["coordinator"], people["clerk"], people["approver"], people["approver2"])


def test_the_timeline_shows_every_event_of_the_case_once_with_who_and_when(case, people):
    entries = list(case_entries(case, people["clerk"]))
    assert [(e.action, e.actor) for e in reversed(entries)] == [
        (action, people[who]) for action, who in EXPECTED]
    rows = timeline_rows(entries)
    assert all(row["created_at"] is not None and not str(row["label"]).startswith("grants.") for row in rows)
    labels = [row["label"] for row in rows]
    for label in ("Anlage hinzugefügt", "Nachforderung gesendet", "Bescheid erlassen", "Mittel abgerufen",
                  "Auszahlung freigegeben", "Auszahlung gebucht", "Nachweis eingereicht", "Anhörungsschreiben versandt",
                  "Rückforderungsbescheid erlassen", "Rückzahlung gebucht", "Änderungsantrag eingereicht",
                  "Zuwendung abgeschlossen"):
        assert label in labels, label
    closed = rows[0]
    assert closed["label"] == "Zuwendung abgeschlossen" and closed["actor"] == people["clerk"]


def test_the_history_page_shows_the_whole_case_with_names_and_links(client, case, people):
    client.force_login(people["clerk"])
    page = client.get(reverse("grants:application_history", args=[case.pk]) + "?art=aenderungen").content.decode()
    table = page[page.index("<tbody>"):page.index("</tbody>")]
    amendment_url = reverse("grants:amendment_detail", args=[case.award.amendment_requests.get().pk])
    assert f'<a href="{amendment_url}">Änderungsantrag 1</a>' in table and "Änderungsantrag bewilligt" in table
    assert "Mittel abgerufen" not in table
    expected = sum(1 for action, _who in EXPECTED
                   if action.startswith("grants.amendment.") or action == "grants.award.amended")
    assert f"{expected} Einträge" in page


def test_the_coordinator_does_not_see_the_ministrys_internal_reclaim_proposal(client, case, people):
    actions = [entry.action for entry in case_entries(case, people["coordinator"])]
    assert "grants.reclaim.proposed" not in actions
    assert "grants.reclaim.hearing_sent" in actions and "grants.award.closed" in actions


@pytest.mark.parametrize(("query", "expected"), [
    ("art=zahlungen", ["grants.disbursement.requested", "grants.disbursement.prepared",
                       "grants.disbursement.released", "grants.disbursement.paid"]),
    ("art=anlagen", ["grants.application.attachment_added"]),
    ("vorgang=grants.application.submitted", ["grants.application.submitted"] * 2),
    ("von=13.01.2026&bis=13.01.2026", ["grants.application.review_started", "grants.application.changes_requested"]),
])
def test_filters_narrow_the_timeline(client, case, people, query, expected, monkeypatch):
    seen = []
    import grants.views.history as view

    original = view.timeline_rows

    def spy(entries, **kwargs):
        seen.extend(entry.action for entry in entries)
        return original(entries, **kwargs)

    monkeypatch.setattr(view, "timeline_rows", spy)
    client.force_login(people["clerk"])
    response = client.get(reverse("grants:application_history", args=[case.pk]) + "?" + query)
    assert response.status_code == 200
    assert list(reversed(seen)) == expected


def test_filter_by_person(client, case, people):
    client.force_login(people["clerk"])
    url = reverse("grants:application_history", args=[case.pk])
    page = client.get(url, {"person": people["approver2"].pk}).content.decode()
    expected = sum(1 for _action, who in EXPECTED if who == "approver2")
    assert f"{expected} Einträge" in page


def test_a_bad_date_is_reported_and_the_unfiltered_timeline_stays(client, case, people):
    client.force_login(people["clerk"])
    response = client.get(reverse("grants:application_history", args=[case.pk]), {"von": "32.13.2026"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bitte ein Datum im Format TT.MM.JJJJ angeben." in page and f"{len(EXPECTED)} Einträge" in page


def test_the_resubmission_shows_exactly_the_changed_cells_and_texts(case, people):
    resubmission = [row for row in timeline_rows(case_entries(case, people["clerk"]))
                    if row["label"] == "Antrag eingereicht"][0]  # newest first: the resubmission
    changes = resubmission["since_request"]
    assert [(c["year"], c["line"], c["before"], c["after"]) for c in changes["cells"]] == [
        (2027, "Sachausgaben", "7.000,00 €", "4.000,00 €"),
        (2027, "Eigenmittel", "30.000,00 €", "27.000,00 €"),
    ]
    assert changes["texts"] == [{"label": "Vorhaben", "before": "WIR-Vielfaltszentrum Werra-Meißner-Kreis",
                                 "after": "WIR-Zentrum Eschwege"}]
    first = [row for row in timeline_rows(case_entries(case, people["clerk"]))
             if row["label"] == "Antrag eingereicht"][1]
    assert first["since_request"] is None


def test_the_resubmission_changes_show_on_the_application_page(client, case, people):
    client.force_login(people["coordinator"])
    page = client.get(reverse("grants:application_detail", args=[case.pk])).content.decode()
    assert "Änderungen seit der Nachforderung" in page
    table = page[page.index("Geänderte Zellen des Finanzierungsplans</caption>"):]
    table = table[:table.index("</table>")]
    assert "<del>7.000,00 €</del>" in table and "<ins>4.000,00 €</ins>" in table and table.count("<tr>") == 3


def test_another_bodys_coordinator_gets_404(client, case, people):
    client.force_login(people["coordinator_b"])
    assert client.get(reverse("grants:application_history", args=[case.pk])).status_code == 404


def test_the_timeline_page_queries_do_not_grow_with_the_history(client, case, people):
    client.force_login(people["clerk"])
    url = reverse("grants:application_history", args=[case.pk])
    before = queries_of(client, url)
    first = AuditEntry.objects.filter(case_id=case.pk).earliest("created_at")
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=people["coordinator"], action="grants.application.changed", content_type=first.content_type,
                   object_id=case.pk, case_id=case.pk, object_repr=first.object_repr, created_at=first.created_at,
                   changes={"contact_phone": ["1", "2"]})
        for _ in range(120))
    assert queries_of(client, url) == before
    assert queries_of(client, url + "?page=3") <= before
    assert queries_of(client, f"{url}?art=zahlungen&person={people['clerk'].pk}") <= before


def test_the_migration_links_earlier_entries_of_every_object_to_their_case(case, people):
    """Entries written before the case link existed (here: copies without it) get it from the
    data migration – the payment's, the proof's, the reclaim's, the amendment's and the
    notice's alike – and nothing else changes."""
    import importlib

    from django.apps import apps
    from django.db import connection

    originals = list(AuditEntry.objects.filter(case_id=case.pk).exclude(content_type__model="application"))
    kinds = {entry.content_type.model for entry in originals}
    assert kinds == {"award", "notice", "disbursement", "usagereport", "reclaim", "amendmentrequest"}
    copies = AuditEntry.objects.bulk_create(
        AuditEntry(actor=entry.actor, action=entry.action, content_type=entry.content_type,
                   object_id=entry.object_id, object_repr=entry.object_repr, created_at=entry.created_at,
                   changes=entry.changes, data=entry.data, case_id=None)
        for entry in originals)
    migration = importlib.import_module("grants.migrations.0016_h_audit_case_backfill")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the copies' checks, before the trigger is paused
    with connection.schema_editor() as editor:
        migration.forwards(apps, editor)
    assert set(AuditEntry.objects.filter(pk__in=[c.pk for c in copies]).values_list("case_id", flat=True)) == {case.pk}
    assert AuditEntry.objects.filter(case_id__isnull=True, content_type__app_label="grants").count() == 0
    if connection.vendor == "postgresql":  # the database refuses changes again
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry._base_manager.filter(pk=copies[0].pk).update(case_id=None)
