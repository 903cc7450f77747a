"""Template tags of the grants app:

- `{% status_badge obj %}` renders the status of an application, award, payment request, proof
  of use, reclaim, Änderungsantrag or deadline as a badge – the one place that maps a status to
  its colour, so no template compares status strings;
- `{% may "disbursement_release" obj as refusal %}` asks the policy `may_disbursement_release`
  (grants/policies) for the signed-in person: `None` means the action is allowed now, otherwise
  the refusal carries the reason (`refusal.shown`: show the button disabled with the reason).
"""

from django import template
from django.template import TemplateSyntaxError
from django.utils.html import format_html
from django.utils.translation import gettext as _

from grants import policies
from grants.models import AmendmentRequest, Application, ApplicationStatus, Award, Disbursement, Reclaim, UsageReport
from grants.policies.base import status_label
from grants.selectors.deadlines import DeadlineRow, DeadlineState

register = template.Library()

LIGHT = "text-bg-light border"

# (model, status) → badge class; a status missing here gets the model's default (last entry).
_STYLES: dict[type, tuple[dict[str, str], str]] = {
    Application: ({ApplicationStatus.APPROVED: "text-bg-success", ApplicationStatus.REJECTED: "text-bg-secondary",
                   ApplicationStatus.WITHDRAWN: "text-bg-secondary",
                   ApplicationStatus.CHANGES_REQUESTED: "text-bg-warning",
                   ApplicationStatus.RECOMMENDED: "text-bg-info", ApplicationStatus.DRAFT: LIGHT}, "text-bg-primary"),
    Award: ({Award.Status.CLOSED: "text-bg-secondary"}, "text-bg-success"),
    Disbursement: ({Disbursement.Status.PAID: "text-bg-success", Disbursement.Status.RELEASED: "text-bg-info",
                    Disbursement.Status.PREPARED: "text-bg-primary", Disbursement.Status.REQUESTED: "text-bg-warning"},
                   "text-bg-secondary"),
    UsageReport: ({UsageReport.Status.ACCEPTED: "text-bg-success", UsageReport.Status.SUBMITTED: "text-bg-primary",
                   UsageReport.Status.QUESTIONS: "text-bg-warning"}, LIGHT),
    Reclaim: ({Reclaim.Status.ISSUED: "text-bg-danger", Reclaim.Status.PROPOSED: "text-bg-primary",
               Reclaim.Status.SETTLED: "text-bg-success"}, LIGHT),
    AmendmentRequest: ({AmendmentRequest.Status.APPROVED: "text-bg-success",
                        AmendmentRequest.Status.SUBMITTED: "text-bg-primary",
                        AmendmentRequest.Status.RECOMMENDED: "text-bg-info", AmendmentRequest.Status.DRAFT: LIGHT},
                       "text-bg-secondary"),
}
_DEADLINE_STYLES: dict[str, str] = {DeadlineState.OVERDUE: "text-bg-danger", DeadlineState.DUE_SOON: "text-bg-warning",
                                    DeadlineState.DONE: "text-bg-success"}


def _badge(css: str, label) -> str:
    return format_html('<span class="badge rounded-pill {}">{}</span>', css, label)


@register.simple_tag
def status_badge(obj, empty: str = "", label: str = "") -> str:
    """The status of `obj` as a badge, in its words or `label`; for no object (a proof not yet
    begun) the `empty` label."""
    if obj is None:
        return _badge(LIGHT, empty or _("nicht begonnen")) if empty is not None else ""
    if isinstance(obj, DeadlineRow):
        css = _DEADLINE_STYLES.get(obj.state, LIGHT)
        if obj.state == DeadlineState.DONE and obj.in_review:
            css = "text-bg-info"
        badge = _badge(css, obj.state_label)
        if obj.note:
            badge += format_html('<span class="d-block small">{}</span>', obj.note)
        return badge
    styles, default = _STYLES[type(obj)]
    return _badge(styles.get(obj.status, default), label or status_label(obj))


@register.simple_tag(takes_context=True)
def may(context, action: str, *args, **kwargs):
    """`{% may "reclaim_issue" reclaim as refusal %}`: the policy's answer for the signed-in person."""
    policy = getattr(policies, f"may_{action}", None)
    if policy is None:
        raise TemplateSyntaxError(f"Keine Regel „may_{action}“ in grants.policies.")
    return policy(context["request"].user, *args, **kwargs)
