"""Anhörung nach § 28 HVwVfG before a Rückforderungsbescheid.

- Ministry staff send the Anhörungsschreiben for a proposed reclaim (`reclaim_hearing_send`):
  rendered once (grants/notices/hearing.py), stored with its bytes, SHA-256 and snapshot, the
  reply deadline `hearing_reply_days` of the programme period after the letter date; the
  coordinators of the body are told by e-mail.
- The body's coordinator answers once (`reclaim_hearing_answer`): text and optionally a PDF;
  an answer after the deadline is accepted while the reclaim is undecided and marked late.
  The answer is not corrected afterwards: the decision weighs what was received (a second
  submission would have to be a new letter outside the portal).

Issuing the Rückforderungsbescheid waits for the answer or the end of the deadline
(grants/policies/reclaims.py, `refuse_unheard`).
"""

import hashlib
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core import clock
from core.errors import FieldErrors
from core.formats import format_date
from core.money import format_eur
from core.uploads import check_pdf_upload, display_filename
from grants.handovers import handover
from grants.models import Reclaim, ReclaimHearing
from grants.notices.hearing import hearing_snapshot, render_hearing_pdf
from grants.notifications import notify_applicant
from grants.policies import check, may_reclaim_hearing_answer, may_reclaim_hearing_send, refuse_capability
from grants.policies.base import refuse_other_body
from grants.selectors.awards import award_notice_of
from inbox.models import Event

ANSWER_MAX_CHARS = 20000


def reclaim_hearing_send(*, reclaim: Reclaim, user, letter_date: date | None = None,
                         now: datetime | None = None) -> ReclaimHearing:
    """Send the Anhörungsschreiben: one per reclaim; a repeated or concurrent send fails on the
    locked reclaim row."""
    check(refuse_capability(user, Capability.REVIEW))
    letter_date = letter_date or clock.today()
    if letter_date > clock.today():
        raise FieldErrors({"letter_date": [_("Das Datum des Anhörungsschreibens darf nicht in der Zukunft liegen.")]})
    with transaction.atomic():
        reclaim = (Reclaim.objects.select_for_update(of=("self",))
                   .select_related("award__application__programme__issuing_authority",
                                   "award__application__municipality__administrative_court", "award_year__budget")
                   .get(pk=reclaim.pk))
        check(may_reclaim_hearing_send(user, reclaim))
        if letter_date < timezone.localdate(reclaim.proposed_at):
            raise FieldErrors({"letter_date": [_("Das Anhörungsschreiben kann nicht vor dem Vorschlag der "
                                                 "Rückforderung datieren.")]})
        programme = reclaim.award.application.programme
        reply_due = letter_date + timedelta(days=programme.hearing_reply_days)
        snapshot = hearing_snapshot(reclaim=reclaim, letter_date=letter_date, reply_due=reply_due, signatory=user,
                                    refers_to=award_notice_of(reclaim.award))
        pdf = render_hearing_pdf(snapshot)
        hearing = ReclaimHearing.objects.create(
            reclaim=reclaim, letter_date=letter_date, reply_due=reply_due, sent_by=user, sent_at=now or clock.now(),
            pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), snapshot=snapshot)
        audit_log(actor=user, action="grants.reclaim.hearing_sent", target=reclaim,
                  data={"letter_date": letter_date.isoformat(), "reply_due": reply_due.isoformat(),
                        "sha256": hearing.sha256})
        mailed = notify_applicant(reclaim.award.application, "reclaim_hearing", letter_date=format_date(letter_date),
                                  reply_due=format_date(reply_due), year=reclaim.award_year.budget.year,
                                  principal=format_eur(reclaim.principal),
                                  reclaim_path=reverse("grants:reclaim_detail", args=[reclaim.pk]))
        handover(Event.RECLAIM_HEARING, application=reclaim.award.application, actor=user, mailed=mailed,
                 key=f"reclaim:{reclaim.pk}:hearing", page_pk=reclaim.pk,
                 detail=_("Bitte nehmen Sie bis zum %(due)s Stellung.") % {"due": format_date(reply_due)})
    return hearing


def reclaim_hearing_answer(*, reclaim: Reclaim, user, text: str, pdf_name: str = "", pdf_content: bytes = b"",
                           now: datetime | None = None) -> ReclaimHearing:
    """The body's Stellungnahme: text (required), optionally a PDF checked like every upload;
    once. Late (after the reply deadline) is recorded, not refused."""
    check(refuse_other_body(user, reclaim.award.application.municipality_id))
    text = (text or "").strip()
    if not text:
        raise FieldErrors({"text": [_("Bitte geben Sie Ihre Stellungnahme ein.")]})
    if len(text) > ANSWER_MAX_CHARS:
        raise FieldErrors({"text": [_("Die Stellungnahme darf höchstens %(max)s Zeichen lang sein; längere "
                                      "Ausführungen bitte als PDF beifügen.") % {"max": ANSWER_MAX_CHARS}]})
    if pdf_content:
        check_pdf_upload(pdf_content, field="pdf")
    now = now or clock.now()
    with transaction.atomic():
        reclaim = (Reclaim.objects.select_for_update(of=("self",))
                   .select_related("award__application__municipality").get(pk=reclaim.pk))
        check(may_reclaim_hearing_answer(user, reclaim))
        hearing = ReclaimHearing.objects.select_for_update().get(reclaim=reclaim)
        hearing.answer_text = text
        if pdf_content:
            hearing.answer_pdf.save("stellungnahme.pdf", ContentFile(pdf_content), save=False)
            hearing.answer_pdf_name = display_filename(pdf_name, "stellungnahme.pdf")
            hearing.answer_pdf_sha256 = hashlib.sha256(pdf_content).hexdigest()
        hearing.answered_at, hearing.answered_by = now, user
        hearing.answer_late = timezone.localdate(now) > hearing.reply_due
        hearing.save(update_fields=["answer_text", "answer_pdf", "answer_pdf_name", "answer_pdf_sha256",
                                    "answered_at", "answered_by", "answer_late"])
        audit_log(actor=user, action="grants.reclaim.hearing_answered", target=reclaim,
                  data={"late": hearing.answer_late, "reply_due": hearing.reply_due.isoformat(),
                        "chars": len(text), "file": hearing.answer_pdf_name,
                        "sha256": hearing.answer_pdf_sha256})
        handover(Event.HEARING_ANSWERED, application=reclaim.award.application, actor=user,
                 key=f"reclaim:{reclaim.pk}:hearing_answered", page_pk=reclaim.pk, detail=text)
    return hearing
