"""Who is told of which hand-over between roles, and in which words (the in-app notifications
of inbox/, with their e-mails).

Each hand-over of a case goes either to the applying body – its active coordinators – or to
the ministry staff who do the next step: the role whose work the capability is (review →
Sachbearbeitung, decide and release → Bewilligung; inbox.services.roles_acting_on). The
services call `handover(...)` inside their transaction, after the audit entry; the key names
the hand-over (the request for changes, the recommendation, the payment request and its step),
so each person is told once. A formal letter to the body (grants/notifications.py) stands in
for the e-mail of its notification.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability
from inbox.models import Event
from inbox.services import coordinators_of, notify, staff_acting_on

BODY = "body"  # the applying body's coordinators


@dataclass(frozen=True)
class Handover:
    to: str  # BODY or a Capability
    title: Promise  # formatted with ref, body and the call's own values
    page: str = "application"  # the page the notification links to: "application", "payments", or a URL name


HANDOVERS: dict[str, Handover] = {
    Event.SUBMITTED: Handover(Capability.REVIEW, _("Neuer Antrag zur Prüfung: %(ref)s, %(body)s")),
    Event.CHANGES_REQUESTED: Handover(BODY, _("Nachforderung zu Ihrem Antrag %(ref)s")),
    Event.RESUBMITTED: Handover(Capability.REVIEW, _("Nachforderung beantwortet: %(ref)s, %(body)s")),
    Event.RECOMMENDED: Handover(Capability.DECIDE, _("Zur Bewilligung empfohlen: %(ref)s, %(body)s, %(total)s")),
    Event.APPROVED: Handover(BODY, _("Ihr Antrag %(ref)s ist bewilligt")),
    Event.REJECTED: Handover(BODY, _("Ihr Antrag %(ref)s ist abgelehnt")),
    Event.NOTICE_ISSUED: Handover(BODY, _("%(kind)s %(number)s zu %(ref)s erlassen")),
    Event.CALL_MADE: Handover(Capability.PREPARE_PAYMENT,
                              _("Mittelabruf zur Prüfung: %(amount)s für %(year)s, %(ref)s, %(body)s"), "payments"),
    Event.CALL_PREPARED: Handover(Capability.RELEASE_PAYMENT,
                                  _("Auszahlung zur Freigabe: %(amount)s für %(year)s, %(ref)s, %(body)s"), "payments"),
    Event.CALL_RELEASED: Handover(Capability.PREPARE_PAYMENT,
                                  _("Auszahlung freigegeben, bitte buchen: %(amount)s, %(ref)s, %(body)s"), "payments"),
    Event.CALL_PAID: Handover(BODY, _("Ausgezahlt: %(amount)s für %(year)s zu %(ref)s")),
    Event.CALL_REJECTED: Handover(BODY, _("Mittelabruf über %(amount)s zu %(ref)s abgelehnt")),
    Event.PROOF_SUBMITTED: Handover(Capability.REVIEW, _("%(proof)s eingereicht: %(ref)s, %(body)s"),
                                    "grants:usage_report_check"),
    Event.PROOF_QUESTIONS: Handover(BODY, _("Rückfragen zum %(proof)s zu %(ref)s")),
    Event.RECLAIM_HEARING: Handover(BODY, _("Anhörung vor einer Rückforderung zu %(ref)s"), "grants:reclaim_detail"),
    Event.HEARING_ANSWERED: Handover(Capability.ISSUE_NOTICE, _("Anhörung beantwortet: Rückforderung zu %(ref)s, "
                                                                "%(body)s"), "grants:reclaim_detail"),
    Event.RECLAIM_ISSUED: Handover(BODY, _("Rückforderung zu %(ref)s festgesetzt: %(total)s bis %(due)s"),
                                   "grants:reclaim_detail"),
    Event.AMENDMENT_SUBMITTED: Handover(Capability.REVIEW, _("Änderungsantrag %(number)s eingereicht: %(ref)s, "
                                                             "%(body)s"), "grants:amendment_detail"),
    Event.AMENDMENT_QUESTIONS: Handover(BODY, _("Rückfragen zum Änderungsantrag %(number)s zu %(ref)s"),
                                        "grants:amendment_detail"),
    Event.AMENDMENT_RECOMMENDED: Handover(Capability.DECIDE, _("Änderungsantrag %(number)s zur Bewilligung "
                                                               "empfohlen: %(ref)s, %(body)s"),
                                          "grants:amendment_detail"),
    Event.AMENDMENT_REJECTED: Handover(BODY, _("Änderungsantrag %(number)s zu %(ref)s abgelehnt"),
                                       "grants:amendment_detail"),
}


def recipients(application, event: str):
    handover = HANDOVERS[event]
    if handover.to == BODY:
        return coordinators_of(application.municipality_id)
    return staff_acting_on(handover.to)


def _path(application, handover: Handover, page_pk: int | None) -> str:
    if handover.page == "application":
        return reverse("grants:application_detail", args=[application.pk])
    if handover.page == "payments":
        return reverse("grants:payment_queue")
    return reverse(handover.page, args=[page_pk])


def handover(event: str, *, application, actor, key: str, detail: str = "", page_pk: int | None = None,
             mailed=(), users=None, **values: Any) -> None:
    """Tell the next role of the hand-over `event` of `application` (see the module).
    `values` fill the title; `page_pk` is the object of a page other than the application's;
    `users` the recipients when the caller has read them already."""
    spec = HANDOVERS[event]
    title = str(spec.title) % {"ref": application.file_reference, "body": application.municipality.display_name,
                               **values}
    notify(users=recipients(application, event) if users is None else users, event=event, key=key,
           title=title, detail=detail.strip(), path=_path(application, spec, page_pk), actor=actor, mailed=mailed)
