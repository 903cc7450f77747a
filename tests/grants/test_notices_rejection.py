"""A rejected application gets one rejection notice; a refused second one uses up no number."""

from datetime import date

import pytest

from core.errors import DomainError
from grants.models import Notice, NumberSequence
from grants.services.awards import application_reject
from grants.services.notices import notice_issue
from tests import factories

K = Notice.Kind
ISSUED = date(2026, 10, 29)


@pytest.fixture
def rejected(programme, coordinator_a, clerk, approver):
    with factories.at(ISSUED, 9):
        application = factories.in_review_application(programme, coordinator_a, clerk)
        application_reject(application=application, user=approver, reason="Nicht förderfähig.")
    application.refresh_from_db()
    return application


def test_second_rejection_notice_is_refused_without_using_up_a_number(
        rejected, programme, coordinator_b, clerk, approver, approver2):
    first = factories.issue_notice(rejected, approver, ISSUED, kind=K.REJECTION)
    award_b = factories.approved_award(programme, coordinator_b, clerk, approver, on=ISSUED, notice=False)

    with pytest.raises(DomainError, match="Für diesen Antrag ist bereits ein Ablehnungsbescheid erlassen."):
        factories.issue_notice(rejected, approver2, ISSUED, kind=K.REJECTION)

    assert list(rejected.notices.values_list("number", flat=True)) == [first.number] == ["WIR-26-B2026-001"]
    assert NumberSequence.objects.get(key=f"notice:{programme.pk}:2026").last_value == 1
    following = factories.issue_notice(award_b.application, approver, ISSUED, kind=K.AWARD)
    assert following.number == "WIR-26-B2026-002"



def test_a_rejection_notice_is_never_attached_to_a_handover_ceremony(programme, coordinator_a, clerk, approver):
    from grants.models import HandoverCeremony
    from grants.services.awards import application_reject
    from grants.services.notices import notice_attach_ceremony
    with factories.at(ISSUED, 9):
        application = factories.in_review_application(programme, coordinator_a, clerk)
        application_reject(application=application, user=approver, reason="Nicht förderfähig.")
    ceremony = HandoverCeremony.objects.create(date=date(2026, 5, 4), place="Wiesbaden",
                                               official_title="Staatssekretärin", official_name="Anne Janz")
    with pytest.raises(DomainError, match="nicht bei einer Bescheidübergabe"):
        notice_issue(application=application, kind="ablehnung", user=approver, ceremony=ceremony)
    notice = notice_issue(application=application, kind="ablehnung", user=approver)
    with pytest.raises(DomainError, match="nicht bei einer Bescheidübergabe"):
        notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
    notice.refresh_from_db()
    assert notice.ceremony is None
