"""A rejected application gets one rejection notice; a refused second one uses up no number."""

from datetime import date

import pytest

from grants.errors import DomainError
from grants.models import Notice, NumberSequence
from grants.services.awards import application_reject
from grants.services.notices import notice_record
from tests import factories

K = Notice.Kind
ISSUED = date(2026, 10, 29)


@pytest.fixture
def rejected(programme, coordinator_a, clerk, approver):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    application_reject(application=application, user=approver, reason="Nicht förderfähig.")
    application.refresh_from_db()
    return application


def test_second_rejection_notice_is_refused_without_using_up_a_number(
        rejected, programme, coordinator_b, clerk, approver, approver2):
    first = notice_record(application=rejected, kind=K.REJECTION, user=approver, issued_on=ISSUED)
    award_b = factories.approved_award(programme, coordinator_b, clerk, approver)

    with pytest.raises(DomainError, match="Für diesen Antrag ist bereits ein Ablehnungsbescheid erlassen."):
        notice_record(application=rejected, kind=K.REJECTION, user=approver2, issued_on=ISSUED)

    assert list(rejected.notices.values_list("number", flat=True)) == [first.number] == ["WIR-26-B2026-001"]
    assert NumberSequence.objects.get(key=f"notice:{programme.pk}:2026").last_value == 1
    following = notice_record(application=award_b.application, kind=K.AWARD, user=approver, issued_on=ISSUED)
    assert following.number == "WIR-26-B2026-002"
