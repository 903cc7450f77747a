"""The start page's to-do (grants/selectors/todo.py): per role what waits, overdue and oldest
first, each item linked to its action page; nothing of another body; only what the policies allow;
a fixed number of queries whatever the number of rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from grants.models import Award, Budget, Disbursement
from grants.policies import not_closed, not_same_person
from grants.policies.base import refuse_closed, refuse_same_person
from grants.selectors.todo import TodoItem, todo_for
from grants.services.applications import application_submit
from grants.services.disbursements import disbursement_prepare, disbursement_request
from grants.services.hearings import reclaim_hearing_send
from grants.services.reviews import application_request_changes
from grants.services.usage_reports import (
    usage_report_attach_narrative,
    usage_report_save,
    usage_report_send_back,
    usage_report_submit,
)
from municipalities.models import Municipality
from tests import factories
from tests.grants import amendment_helpers
from tests.grants.reclaim_fixtures import (
    PDF,
    RECEIVED,
    SPENT,
    award_with_notice,
    hear,
    issued,
    pay,
    propose,
    submitted_interim,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def frozen_clock():
    with factories.at(TODAY):
        yield


def kinds(user, *, today: date = TODAY, **kwargs) -> dict[str, list[TodoItem]]:
    """The person's to-do on `today` (the policies read the clock too), by kind."""
    with factories.at(today):
        return {group.kind: group.items for group in todo_for(user, **kwargs)}


def coordinator_of(name: str, username: str):
    return factories.make_user(username, Role.KOORDINATION, Municipality.objects.get(name=name))


@pytest.fixture
def programme_2025(db):
    """A one-year period 2025: its final proof of use was due on 30.06.2026."""
    return factories.make_programme(code="wir-2025", start=2025, end=2025)


# -- coordinator -------------------------------------------------------------------------------------


def test_overdue_final_proof_is_the_coordinators_first_todo_with_days_and_link(programme_2025, coordinator_a,
                                                                             coordinator_b, clerk, approver):
    award = factories.approved_award(programme_2025, coordinator_a, clerk, approver, on=date(2025, 1, 20))

    groups = todo_for(coordinator_a, today=TODAY)

    assert groups[0].kind == "nachweis-faellig"
    item = groups[0].items[0]
    assert item.what == "Verwendungsnachweis erstellen und einreichen"
    assert (item.body, item.reference) == ("Werra-Meißner-Kreis", award.application.file_reference)
    assert item.due == date(2026, 6, 30) and item.days_overdue == 156
    assert item.when == "überfällig seit 156 Tagen (fällig am 30.06.2026)"
    assert item.url == reverse("grants:usage_report_final", args=[award.application_id])
    assert todo_for(coordinator_b, today=TODAY) == []  # another body sees nothing of it


def test_submitted_proof_leaves_the_coordinators_todo_and_reaches_the_clerks(programme_2025, coordinator_a, clerk,
                                                                           approver):
    award = factories.approved_award(programme_2025, coordinator_a, clerk, approver, on=date(2025, 1, 20))
    with factories.at(TODAY):
        report = usage_report_save(award=award, kind="verwendungsnachweis", year=None, user=coordinator_a,
                                   expenditures=SPENT, financings=RECEIVED)
        usage_report_attach_narrative(report=report, user=coordinator_a, name="Sachbericht.pdf", content=PDF)
        usage_report_submit(report=report, user=coordinator_a, declaration=True)

    assert "nachweis-faellig" not in kinds(coordinator_a)
    [item] = kinds(clerk)["nachweis-pruefen"]
    assert item.url == reverse("grants:usage_report_check", args=[report.pk])
    assert item.since == TODAY


def test_coordinator_answers_a_request_for_changes_from_the_todo(programme, coordinator_a, coordinator_b, clerk):
    with factories.at(date(2026, 11, 2)):
        application = factories.in_review_application(programme, coordinator_a, clerk)
        application_request_changes(application=application, user=clerk, message="Bitte Stellenplan erläutern.")

    [item] = kinds(coordinator_a)["nachforderung"]

    assert item.what == "Nachforderung beantworten"
    assert item.url == reverse("grants:application_edit", args=[application.pk])
    assert item.since == date(2026, 11, 2) and item.when == "wartet seit 31 Tagen (02.11.2026)"
    assert "nachforderung" not in kinds(coordinator_b)
    assert "in-pruefung" not in kinds(clerk)  # the ball is with the body


def test_clerk_sees_new_submissions_and_answers_apart(programme, coordinator_a, coordinator_b, clerk):
    with factories.at(date(2026, 11, 2)):
        answered = factories.in_review_application(programme, coordinator_a, clerk)
        application_request_changes(application=answered, user=clerk, message="Bitte Stellenplan erläutern.")
    with factories.at(date(2026, 11, 20)):
        application_submit(application=answered, user=coordinator_a, answer="Erläutert.")
    with factories.at(date(2026, 11, 10)):
        new = factories.submitted_application(programme, coordinator_b)

    todo = kinds(clerk)

    [answer] = todo["antwort"]
    assert answer.what == "Antwort auf die Nachforderung prüfen" and answer.since == date(2026, 11, 20)
    assert answer.url == reverse("grants:application_detail", args=[answered.pk]) + "#h-pruefung"
    [submission] = todo["eingereicht"]
    assert submission.reference == new.file_reference and submission.since == date(2026, 11, 10)


def test_clerk_prepares_calls_and_the_approver_releases_them_under_four_eyes(programme, coordinator_a, clerk,
                                                                             approver, approver2):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    with factories.at(date(2026, 11, 16)):
        waiting = disbursement_request(award=award, year=2026, amount=Decimal("10000.00"), user=coordinator_a)
        by_clerk = disbursement_request(award=award, year=2026, amount=Decimal("5000.00"), user=coordinator_a)
        by_approver = disbursement_request(award=award, year=2026, amount=Decimal("4000.00"), user=coordinator_a)
    with factories.at(date(2026, 11, 20)):
        disbursement_prepare(disbursement=by_clerk, user=clerk)
        disbursement_prepare(disbursement=by_approver, user=approver)

    [prepare] = kinds(clerk)["vorbereiten"]
    assert prepare.url == reverse("grants:payment_prepare", args=[waiting.pk])
    assert prepare.detail == "10.000,00 € für 2026"
    assert "freigeben" not in kinds(clerk)  # the clerk has no signing authority
    # Four eyes: who prepared a payment does not see it to release; the other approver does.
    release = lambda d: reverse("grants:payment_release", args=[d.pk])  # noqa: E731 – the confirmation page
    assert [item.url for item in kinds(approver)["freigeben"]] == [release(by_clerk)]
    assert sorted(item.url for item in kinds(approver2)["freigeben"]) == sorted(
        [release(by_clerk), release(by_approver)])


def test_approver_decides_recommendations_of_others_only(programme, coordinator_a, clerk, approver, approver2):
    with factories.at(date(2026, 11, 5)):
        by_clerk = factories.recommended_application(programme, coordinator_a, clerk)

    [item] = kinds(approver)["entscheiden"]
    assert item.url == reverse("grants:decision_approve", args=[by_clerk.pk]) and item.since == date(2026, 11, 5)
    assert "entscheiden" not in kinds(clerk)


def test_recommender_does_not_see_the_decision_as_a_todo(programme, coordinator_a, approver, approver2):
    with factories.at(date(2026, 11, 5)):
        factories.recommended_application(programme, coordinator_a, approver)
    assert "entscheiden" not in kinds(approver)
    assert "entscheiden" in kinds(approver2)


def test_award_notice_to_issue_is_the_approvers_todo(programme, coordinator_a, clerk, approver, approver2):
    award = factories.approved_award(programme, coordinator_a, clerk, approver2, notice=False)
    [item] = kinds(approver)["bescheid"]
    assert item.url == reverse("grants:application_detail", args=[award.application_id]) + "#bescheide"
    factories.issue_award_notice(award, approver)
    assert "bescheid" not in kinds(approver)


def test_coordinator_sees_money_callable_now_and_nothing_before_the_notice(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, notice=False)
    assert "mittelabruf" not in kinds(coordinator_a)  # no money before the Zuwendungsbescheid
    factories.issue_award_notice(award, approver)
    [item] = kinds(coordinator_a)["mittelabruf"]
    assert item.url == reverse("grants:payment_request", args=[award.application_id])
    assert "2026" in item.detail


def test_reclaim_walks_from_todo_to_todo(coordinator_a, coordinator_b, clerk, approver, approver2):
    """Proposed → the clerk sends the hearing → the body answers → the approver fixes → the body pays."""
    with factories.at(date(2024, 3, 1)):
        award, _notice = award_with_notice(coordinator_a, clerk, approver)
        pay(award, 2023, Decimal("20000.00"), date(2023, 1, 2), coordinator=coordinator_a, clerk=clerk,
            approver=approver)
        reclaim = propose(submitted_interim(award, coordinator_a), clerk)
    day = date(2024, 3, 1)
    assert [i.url for i in kinds(clerk, today=day)["anhoerung-senden"]] == [
        reverse("grants:reclaim_detail", args=[reclaim.pk]) + "#h-anhoerung"]
    assert "anhoerung" not in kinds(coordinator_a, today=day)  # internal until the letter is sent

    with factories.at(day):
        reclaim_hearing_send(reclaim=reclaim, user=clerk)
    [hearing] = kinds(coordinator_a, today=day)["anhoerung"]
    assert hearing.what == "Stellungnahme zur Anhörung abgeben" and hearing.due is not None
    assert "anhoerung" not in kinds(coordinator_b, today=day)
    assert "festsetzen" not in kinds(approver2, today=day)  # the reply period runs

    with factories.at(day):
        hear(reclaim, clerk)
    assert "anhoerung" not in kinds(coordinator_a, today=day)
    assert [i.url for i in kinds(approver2, today=day)["festsetzen"]] == [
        reverse("grants:reclaim_detail", args=[reclaim.pk]) + "#h-entscheidung"]

    with factories.at(day):
        fixed = issued(reclaim, approver2)
    [pay_item] = kinds(coordinator_a, today=day)["rueckforderung-zahlen"]
    assert pay_item.due == fixed.due_on and pay_item.url == reverse("grants:reclaim_detail", args=[reclaim.pk])
    assert "rueckforderung-zahlen" not in kinds(coordinator_b, today=day)
    assert "festsetzen" not in kinds(approver2, today=day)


def proof_with_questions(coordinator, clerk, approver):
    """An award 2021–2025 with 20.000,00 € of 2023 paid; its interim proof 2023 sent back with
    questions on 01.03.2024."""
    with factories.at(date(2024, 3, 1)):
        award, _notice = award_with_notice(coordinator, clerk, approver)
        pay(award, 2023, Decimal("20000.00"), date(2023, 1, 2), coordinator=coordinator, clerk=clerk,
            approver=approver)
        return usage_report_send_back(report=submitted_interim(award, coordinator), user=clerk,
                                      questions="Belege fehlen.")


def test_coordinator_answers_questions_on_a_proof(coordinator_a, clerk, approver):
    report = proof_with_questions(coordinator_a, clerk, approver)
    award = report.award
    todo = kinds(coordinator_a, today=date(2024, 3, 1))
    [item] = todo["nachweis-rueckfragen"]
    assert item.what == "Rückfragen zum Zwischennachweis 2023 beantworten"
    assert item.url == reverse("grants:usage_report_interim", args=[award.application_id, 2023])
    # the proof with questions is not listed a second time as due
    assert all("2023" not in i.what for i in todo.get("nachweis-faellig", []))


def test_programme_administration_is_asked_for_missing_budgets(programme, programme_admin, clerk):
    Budget.objects.filter(programme=programme, year=2028).delete()
    [item] = kinds(programme_admin)["haushalt"]
    assert item.what == "Haushaltsansatz 2028 erfassen"
    assert not kinds(clerk).get("haushalt")
    assert "nachweis-faellig" not in kinds(programme_admin)


# -- order, limits and queries -------------------------------------------------------------------


def test_overdue_first_then_oldest_first():
    item = lambda ref, **kw: TodoItem(what="x", body="b", reference=ref, url="/", today=TODAY, **kw)  # noqa: E731
    items = [item("soon", due=date(2026, 12, 20)), item("waiting", since=date(2026, 11, 1)),
             item("overdue-a-little", due=date(2026, 12, 1)), item("overdue-long", due=date(2026, 6, 30)),
             item("waiting-longer", since=date(2026, 10, 1))]
    assert [i.reference for i in sorted(items, key=lambda i: i.order)] == [
        "overdue-long", "overdue-a-little", "waiting-longer", "waiting", "soon"]


def test_groups_with_overdue_work_come_first_and_each_shows_the_oldest_few(programme, coordinator_a, clerk):
    bodies = ["Kassel", "Darmstadt", "Fulda", "Hanau", "Wetteraukreis", "Wiesbaden", "Hochtaunuskreis"]
    for day, name in enumerate(bodies, start=1):
        with factories.at(date(2026, 11, day)):
            factories.submitted_application(programme, coordinator_of(name, f"k-{day}"))
    [group] = todo_for(clerk, today=TODAY, limit=5)
    assert group.total == 7 and group.more == 2 and len(group.items) == 5
    # oldest first, each body by its unambiguous name ("Stadt Kassel")
    assert [i.body for i in group.items] == [Municipality.objects.get(name=name).display_name for name in bodies[:5]]
    assert group.list_url == reverse("grants:review_queue") + "?status=eingereicht"
    [everything] = todo_for(clerk, today=TODAY, limit=None, only="eingereicht")
    assert len(everything.items) == 7


def _ministry_world(programme, later, clerk, approver, names):
    for name in names:
        coordinator = coordinator_of(name, f"koord-{name}")
        award = factories.approved_award(programme, coordinator, clerk, approver)
        disbursement_request(award=award, year=2026, amount=Decimal("1000.00"), user=coordinator)
        prepared = disbursement_request(award=award, year=2026, amount=Decimal("2000.00"), user=coordinator)
        disbursement_prepare(disbursement=prepared, user=clerk)
        factories.submitted_application(later, coordinator)


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        todo_for(user, today=TODAY)
    return len(queries)


@pytest.mark.parametrize("role", ["clerk", "approver"])
def test_query_count_does_not_grow_with_the_rows(request, programme, clerk, approver, role):
    user = request.getfixturevalue(role)
    later = factories.make_programme(code="wir-2031", start=2031, end=2031)
    _ministry_world(programme, later, clerk, approver, ["Kassel"])
    few = _queries(user)
    _ministry_world(programme, later, clerk, approver, ["Darmstadt", "Fulda", "Hanau"])
    assert sum(group.total for group in todo_for(user, today=TODAY)) >= 3
    assert _queries(user) == few


def test_recommended_amendments_are_decided_from_the_todo_in_fixed_queries(programme, clerk, approver, approver2):
    def recommend_for(name):
        coordinator = coordinator_of(name, f"koord-{name}")
        award = amendment_helpers.issued_award(programme, coordinator, clerk, approver)
        return amendment_helpers.recommended(award, coordinator, clerk)

    with amendment_helpers.frozen():
        first = recommend_for("Kassel")
        few = _queries(approver2)
        for name in ("Darmstadt", "Fulda", "Hanau"):
            recommend_for(name)
        assert _queries(approver2) == few
        items = {group.kind: group.items for group in todo_for(approver2)}["aenderung-entscheiden"]
    assert len(items) == 4
    assert reverse("grants:amendment_detail", args=[first.pk]) in [item.url for item in items]


def test_answered_questions_on_a_proof_reach_the_clerk_as_an_answer(coordinator_a, clerk, approver):
    report = proof_with_questions(coordinator_a, clerk, approver)
    assert "nachweis-pruefen" not in kinds(clerk, today=date(2024, 3, 1))
    with factories.at(date(2024, 3, 1)):
        usage_report_submit(report=report, user=coordinator_a, declaration=True)
    [item] = kinds(clerk, today=date(2024, 3, 1))["nachweis-pruefen"]
    assert item.what == "Antwort auf die Rückfragen zum Zwischennachweis 2023 prüfen"


def test_coordinators_query_count_does_not_grow_with_her_awards(coordinator_a, clerk, approver):
    def award_in(year):
        programme = factories.make_programme(code=f"wir-{year}", start=year, end=year)
        return factories.approved_award(programme, coordinator_a, clerk, approver, on=date(year, 1, 20))

    award_in(2025)
    with CaptureQueriesContext(connection) as first:
        assert len(kinds(coordinator_a)["nachweis-faellig"]) == 1
    award_in(2024)
    award_in(2023)
    with CaptureQueriesContext(connection) as more:
        assert len(kinds(coordinator_a)["nachweis-faellig"]) == 3
    assert len(more) == len(first)


def test_many_calls_on_one_award_cost_no_query_each(programme, coordinator_a, clerk, approver):
    """Each call of the same award is its own row with its own award object: every one is
    marked with the award's notice, none asks the database again (the policy's notice check)."""
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    with factories.at(date(2026, 11, 16)):
        disbursement_request(award=award, year=2026, amount=Decimal("1000.00"), user=coordinator_a)
        few = _queries(clerk)
        for _ in range(5):
            disbursement_request(award=award, year=2026, amount=Decimal("1000.00"), user=coordinator_a)
        assert len(kinds(clerk)["vorbereiten"]) == 5 and _queries(clerk) == few


# -- work counted in the database, the policy asked for the rows shown (scale) -------------------------


def _calls(programme, clerk, approver, names, *, first_day: int = 1):
    """One payment call per body, on consecutive days of November 2026, oldest first."""
    calls = []
    for day, name in enumerate(names, start=first_day):
        coordinator = coordinator_of(name, f"abruf-{name}")
        award = factories.approved_award(programme, coordinator, clerk, approver)
        with factories.at(date(2026, 11, day)):
            calls.append(disbursement_request(award=award, year=2026, amount=Decimal("1000.00"), user=coordinator))
    return calls


def test_clerk_sees_the_oldest_calls_and_how_many_the_payment_list_holds(programme, clerk, approver):
    calls = _calls(programme, clerk, approver, ["Kassel", "Darmstadt", "Fulda", "Hanau", "Wiesbaden", "Gießen",
                                                 "Offenbach am Main"])

    [group] = [group for group in todo_for(clerk, today=TODAY) if group.kind == "vorbereiten"]

    assert group.total == 7 and group.more == 2
    assert [item.url for item in group.items] == [
        reverse("grants:payment_prepare", args=[call.pk]) for call in calls[:5]]
    assert [item.since for item in group.items] == [date(2026, 11, day) for day in range(1, 6)]
    # The group links to the payment list on the same status: it shows the same seven.
    assert group.list_url == reverse("grants:payment_queue") + "?status=angefordert"
    [everything] = todo_for(clerk, today=TODAY, limit=None, only="vorbereiten")
    assert [item.url for item in everything.items] == [
        reverse("grants:payment_prepare", args=[call.pk]) for call in calls]


def test_a_call_the_policy_refuses_is_passed_over_for_the_next(programme, clerk, approver):
    """The oldest three calls come from bodies whose treasury account is missing: the clerk could
    not prepare them, so the start page offers the next ones (read a few rows at a time)."""
    calls = _calls(programme, clerk, approver, ["Kassel", "Darmstadt", "Fulda", "Hanau", "Wiesbaden"])
    Municipality.objects.filter(name__in=["Kassel", "Darmstadt", "Fulda"]).update(iban="")

    [group] = [group for group in todo_for(clerk, today=TODAY, limit=1) if group.kind == "vorbereiten"]

    assert [item.url for item in group.items] == [reverse("grants:payment_prepare", args=[calls[3].pk])]
    assert group.total == 5  # as on the payment list, which shows them with the missing account


def test_work_on_a_closed_award_is_neither_shown_nor_counted(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    with factories.at(date(2026, 11, 16)):
        disbursement_request(award=award, year=2026, amount=Decimal("1000.00"), user=coordinator_a)
    assert kinds(clerk)["vorbereiten"]
    # legacy data: closed with a call still open
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=timezone.now())

    assert "vorbereiten" not in kinds(clerk)


def test_the_start_page_reads_the_same_queries_for_seven_calls_as_for_seventy(programme, clerk, approver):
    """However long the queue, the page counts it in the database and reads only the first rows."""
    _calls(programme, clerk, approver, ["Kassel", "Darmstadt"])
    few = _queries(clerk)
    award = Award.objects.order_by("pk").first()
    with factories.at(date(2026, 11, 20)):
        for _ in range(70):
            disbursement_request(award=award, year=2026, amount=Decimal("10.00"), user=award.application.created_by)
    with CaptureQueriesContext(connection) as queries:
        [group] = [group for group in todo_for(clerk, today=TODAY) if group.kind == "vorbereiten"]
    assert group.total == 72 and len(group.items) == 5
    assert len(queries) == few
    # the calls are read ten at a time, counted in the same query (no query reads all 72)
    fetched = [query["sql"] for query in queries if query["sql"].startswith('SELECT "grants_disbursement"."id"')]
    assert fetched and all(sql.endswith("LIMIT 10") and "COUNT(" in sql for sql in fetched)
    assert any("'angefordert'" in sql for sql in fetched)


@pytest.mark.parametrize("status", [choice for choice, _label in Award.Status.choices])
def test_the_closed_award_filter_is_the_policys_rule(programme, coordinator_a, clerk, approver, status):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    with factories.at(date(2026, 11, 16)):
        call = disbursement_request(award=award, year=2026, amount=Decimal("1000.00"), user=coordinator_a)
    Award.objects.filter(pk=award.pk).update(status=status, closed_at=timezone.now())
    call = Disbursement.objects.select_related("award_year__award").get(pk=call.pk)

    in_filter = Disbursement.objects.filter(not_closed("award_year__award"), pk=call.pk).exists()

    assert in_filter == (refuse_closed(call.award_year.award) is None)


@pytest.mark.parametrize("prepared_by", ["nobody", "the approver", "someone else"])
def test_the_four_eyes_filter_is_the_policys_rule(programme, coordinator_a, clerk, approver, prepared_by):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    with factories.at(date(2026, 11, 16)):
        call = disbursement_request(award=award, year=2026, amount=Decimal("1000.00"), user=coordinator_a)
    person = {"nobody": None, "the approver": approver, "someone else": clerk}[prepared_by]
    Disbursement.objects.filter(pk=call.pk).update(prepared_by=person)
    call.refresh_from_db()

    in_filter = Disbursement.objects.filter(not_same_person("prepared_by", approver), pk=call.pk).exists()

    assert in_filter == (refuse_same_person(call.prepared_by_id, approver, "vier Augen") is None)
