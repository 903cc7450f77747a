"""Responsibility for a case: who may take it and hand it on, and that every change is recorded."""

import pytest

from audit.selectors import audit_entries_for
from audit.services import audit_log
from core.errors import FieldErrors, InvalidTransition, NotPermitted
from grants.selectors.timeline import case_entries, timeline_rows
from grants.services.assignments import application_assign
from tests import factories
from tests.concurrency import run_together, slowed


@pytest.fixture
def case(programme, coordinator_a):
    return factories.submitted_application(programme, coordinator_a)


def assignee_of(application):
    application.refresh_from_db()
    return application.assignee


def test_clerk_takes_an_unassigned_case_and_it_is_audited(case, clerk):
    application_assign(application=case, assignee=clerk, by=clerk)

    assert assignee_of(case) == clerk
    assert case.assigned_at is not None
    entry = audit_entries_for(case).filter(action__startswith="grants.application.assignment_").get()
    assert (entry.actor, entry.action, entry.changes["assignee"]) == (
        clerk, "grants.application.assignment_taken", [None, str(clerk)])


def test_approver_may_also_take_a_case(case, approver):
    application_assign(application=case, assignee=approver, by=approver)

    assert assignee_of(case) == approver


def test_holder_hands_on_with_a_note_shown_in_the_case_history(case, clerk, clerk2):
    application_assign(application=case, assignee=clerk, by=clerk)
    application_assign(application=case, assignee=clerk2, by=clerk, note="Urlaubsvertretung bis 15.12.")

    assert assignee_of(case) == clerk2
    rows = timeline_rows(case_entries(case, clerk))
    handed = next(row for row in rows if row["label"] == "Fall weitergegeben")
    assert handed["actor"] == clerk
    assert handed["text"] == f"{clerk} → {clerk2} · Urlaubsvertretung bis 15.12."


def test_coordinator_does_not_see_the_internal_hand_on_in_the_history(case, clerk, clerk2, coordinator_a):
    application_assign(application=case, assignee=clerk, by=clerk)
    application_assign(application=case, assignee=clerk2, by=clerk, note="intern: schwieriger Fall")

    entries = case_entries(case, coordinator_a)
    assert not entries.filter(action__startswith="grants.application.assignment_").exists()


def test_coordinator_cannot_take_or_assign(case, coordinator_a, clerk):
    with pytest.raises(NotPermitted):
        application_assign(application=case, assignee=coordinator_a, by=coordinator_a)
    with pytest.raises(NotPermitted):
        application_assign(application=case, assignee=clerk, by=coordinator_a)
    assert assignee_of(case) is None


def test_a_coordinator_cannot_be_made_responsible(case, clerk, coordinator_a):
    with pytest.raises(NotPermitted, match="Sachbearbeitung oder Bewilligung"):
        application_assign(application=case, assignee=coordinator_a, by=clerk)


def test_programme_administration_cannot_hold_a_case(case, clerk, programme_admin):
    with pytest.raises(NotPermitted):
        application_assign(application=case, assignee=programme_admin, by=clerk)


def test_clerk_cannot_take_a_colleagues_case(case, clerk, clerk2):
    application_assign(application=case, assignee=clerk, by=clerk)

    with pytest.raises(NotPermitted, match="Referatsleitung"):
        application_assign(application=case, assignee=clerk2, by=clerk2)
    with pytest.raises(NotPermitted):
        application_assign(application=case, assignee=None, by=clerk2)
    assert assignee_of(case) == clerk


def test_referatsleitung_takes_over_a_colleagues_case(case, clerk, approver):
    application_assign(application=case, assignee=clerk, by=clerk)

    application_assign(application=case, assignee=approver, by=approver)

    assert assignee_of(case) == approver


def test_anyone_may_distribute_an_unassigned_case(case, clerk, clerk2):
    application_assign(application=case, assignee=clerk2, by=clerk)

    assert assignee_of(case) == clerk2
    assert audit_entries_for(case).filter(action="grants.application.assignment_handed_on").exists()


def test_holder_gives_the_case_back_to_nobody(case, clerk):
    application_assign(application=case, assignee=clerk, by=clerk)
    application_assign(application=case, assignee=None, by=clerk)

    assert assignee_of(case) is None
    assert audit_entries_for(case).filter(action="grants.application.assignment_released").exists()


def test_taking_twice_is_refused_and_recorded_once(case, clerk):
    application_assign(application=case, assignee=clerk, by=clerk)

    with pytest.raises(InvalidTransition, match="bereits zuständig"):
        application_assign(application=case, assignee=clerk, by=clerk)
    assert audit_entries_for(case).filter(action__startswith="grants.application.assignment_").count() == 1


def test_handing_on_to_the_holder_is_refused(case, clerk, clerk2, approver):
    application_assign(application=case, assignee=clerk2, by=clerk)

    with pytest.raises(FieldErrors, match="bereits zuständig"):
        application_assign(application=case, assignee=clerk2, by=approver)


def test_a_draft_has_no_responsibility(programme, coordinator_a, clerk):
    draft = factories.draft_application(programme, coordinator_a)

    with pytest.raises(InvalidTransition, match="Entwurf"):
        application_assign(application=draft, assignee=clerk, by=clerk)


def test_the_case_stays_assigned_after_the_award(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    application_assign(application=award.application, assignee=clerk, by=clerk)

    assert assignee_of(award.application) == clerk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_taking_the_same_case_at_once_one_wins(monkeypatch, programme, coordinator_a, clerk, clerk2):
    monkeypatch.setattr("grants.services.assignments.audit_log", slowed(audit_log, 0.2))
    case = factories.submitted_application(programme, coordinator_a)

    results = run_together(lambda: application_assign(application=case, assignee=clerk, by=clerk),
                           lambda: application_assign(application=case, assignee=clerk2, by=clerk2))

    assert sorted(kind for kind, _result in results) == ["error", "ok"]
    winner = clerk if results[0][0] == "ok" else clerk2
    assert assignee_of(case) == winner
    assert audit_entries_for(case).filter(action="grants.application.assignment_taken").count() == 1
