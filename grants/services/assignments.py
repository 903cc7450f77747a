"""Responsibility for a case: take it, hand it on (with a note), give it back to nobody. The
rules are in grants/policies/assignments.py; every change is an audit entry of the application,
so it shows in the case history."""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from core import clock
from core.errors import FieldErrors
from grants.models import Application
from grants.policies import check
from grants.policies.assignments import may_application_hand_on, may_application_take, refuse_assignee

NOTE_MAX_LENGTH = 500

TAKEN = "grants.application.assignment_taken"
HANDED_ON = "grants.application.assignment_handed_on"
RELEASED = "grants.application.assignment_released"


def application_assign(*, application: Application, assignee, by, note: str = "") -> Application:
    """Make `assignee` responsible for the case (None: nobody). `assignee == by` is taking it.

    The application row is locked while the current holder is checked, so two people taking the
    same case at once cannot both succeed: the second sees the first as the holder.
    """
    note = note.strip()[:NOTE_MAX_LENGTH]
    check(refuse_assignee(assignee))
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",))
                       .select_related("municipality", "assignee").get(pk=application.pk))
        taking = assignee is not None and assignee.pk == by.pk
        check(may_application_take(by, application) if taking else may_application_hand_on(by, application))
        before = application.assignee
        if before is None and assignee is None:
            raise FieldErrors({"assignee": [_("Für diesen Fall ist bereits niemand zuständig.")]})
        if before is not None and assignee is not None and before.pk == assignee.pk:
            raise FieldErrors({"assignee": [_("%(name)s ist für diesen Fall bereits zuständig.") % {"name": before}]})
        application.assignee = assignee
        application.assigned_at = clock.now() if assignee is not None else None
        # Not `updated_at`: who handles the case is no change of the application itself.
        application.save(update_fields=["assignee", "assigned_at"])
        action = TAKEN if taking else (RELEASED if assignee is None else HANDED_ON)
        audit_log(actor=by, action=action, target=application,
                  changes={"assignee": [str(before) if before else None, str(assignee) if assignee else None]},
                  data={"from": before.pk if before else None, "to": assignee.pk if assignee else None,
                        "note": note})
    return application
