"""Who may do what, and when: one function per action a person can take on an object,

    may_<noun>_<verb>(user, obj, …) -> Refusal | None

None means "allowed now". A `Refusal` carries the German reason and the kind of domain error
a service raises for it. The services call these functions as their guard (on the rows they
have locked); views and templates ask the same functions to show, disable (with the reason)
or hide a button – so a page never offers what the service would refuse, nor the reverse.

Each area has its module (`applications`, `notices`, `payments`, `proofs`, `reclaims`,
`amendments`, `awards`, `programme`); this package exports every `may_*` function, and the
template tag `{% may "disbursement_release" disbursement as refusal %}` calls them by name.
"""

from grants.policies.amendments import (
    may_amendment_approve,
    may_amendment_edit,
    may_amendment_recommend,
    may_amendment_reject,
    may_amendment_send_back,
    may_amendment_submit,
    may_amendment_withdraw,
)
from grants.policies.applications import (
    may_application_approve,
    may_application_comment,
    may_application_copy,
    may_application_edit,
    may_application_plan_edit,
    may_application_recommend,
    may_application_reject,
    may_application_request_changes,
    may_application_start,
    may_application_start_review,
    may_application_submit,
    may_application_withdraw,
    may_attachment_add,
    may_attachment_remove,
)
from grants.policies.assignments import may_application_hand_on, may_application_take
from grants.policies.awards import AwardNotClosable, may_award_close, may_award_financing_change
from grants.policies.base import Refusal, check, not_closed, not_same_person, refuse_capability
from grants.policies.early_start import may_early_start_record
from grants.policies.notices import may_notice_hand_over, may_notice_issue
from grants.policies.payments import (
    may_disbursement_book,
    may_disbursement_cancel,
    may_disbursement_prepare,
    may_disbursement_reject,
    may_disbursement_release,
    may_disbursement_request,
    may_payment_orders_export,
    may_payments_view,
    refuse_missing_bank_details,
)
from grants.policies.programme import (
    may_base_rate_set,
    may_budget_set,
    may_calendar_subscribe,
    may_deadlines_view,
)
from grants.policies.proofs import (
    may_usage_report_accept,
    may_usage_report_attach_narrative,
    may_usage_report_edit,
    may_usage_report_send_back,
    may_usage_report_submit,
)
from grants.policies.reclaims import (
    may_reclaim_book_repayment,
    may_reclaim_discard,
    may_reclaim_hearing_answer,
    may_reclaim_hearing_send,
    may_reclaim_issue,
    may_reclaim_propose,
)
from grants.policies.xdomea import may_archive_transfer, may_casefile_export

__all__ = [
    "may_application_hand_on", "may_application_take",
    "AwardNotClosable", "Refusal", "check", "not_closed", "not_same_person", "refuse_capability",
    "may_award_financing_change",
    "may_early_start_record",
    "may_amendment_approve", "may_amendment_edit", "may_amendment_recommend", "may_amendment_reject",
    "may_amendment_send_back", "may_amendment_submit", "may_amendment_withdraw",
    "may_application_approve", "may_application_comment", "may_application_copy", "may_application_edit",
    "may_application_plan_edit",
    "may_application_recommend", "may_application_reject", "may_application_request_changes",
    "may_application_start", "may_application_start_review", "may_application_submit", "may_application_withdraw",
    "may_attachment_add", "may_attachment_remove",
    "may_award_close",
    "may_notice_hand_over", "may_notice_issue",
    "may_disbursement_book", "may_disbursement_cancel", "may_disbursement_prepare", "may_disbursement_reject",
    "may_disbursement_release", "may_disbursement_request", "may_payment_orders_export", "may_payments_view",
    "refuse_missing_bank_details",
    "may_base_rate_set", "may_budget_set", "may_calendar_subscribe", "may_deadlines_view",
    "may_usage_report_accept", "may_usage_report_attach_narrative", "may_usage_report_edit",
    "may_usage_report_send_back", "may_usage_report_submit",
    "may_reclaim_book_repayment", "may_reclaim_discard", "may_reclaim_hearing_answer",
    "may_reclaim_hearing_send", "may_reclaim_issue", "may_reclaim_propose",
    "may_archive_transfer", "may_casefile_export",
]
