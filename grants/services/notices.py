"""Issuing notices: a one-way act. The notice is rendered once, sealed with the authority's
electronic seal where one is configured (grants/notices/seal.py), its bytes, their SHA-256 and
a snapshot of every printed datum are stored, and nothing of it changes afterwards (model,
queryset, admin and – on PostgreSQL – database triggers refuse). A preview renders the
same notice marked ENTWURF without numbering or storing anything. Who may issue which notice is
decided in grants/policies/notices.py."""

import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core import clock
from core.errors import DomainError, FieldErrors
from core.formats import format_date
from grants.handovers import handover
from grants.models import Application, HandoverCeremony, Notice
from grants.notices.render import render_notice_pdf
from grants.notices.seal import SealInfo, notice_sealer
from grants.notices.snapshot import notice_snapshot
from grants.policies import check, may_notice_hand_over, may_notice_issue, refuse_capability
from grants.policies.notices import CEREMONY_REFUSAL
from grants.services.notice_deliveries import notice_delivery_from_ceremony
from grants.services.numbering import number_next
from inbox.models import Event

K = Notice.Kind
DRAFT_NUMBER = "ENTWURF"


def _check_changes(kind: str, changes: str) -> None:
    if kind == K.AMENDMENT and not changes.strip():
        raise FieldErrors({"changes": [_("Bitte angeben, was der Änderungsbescheid ändert.")]})


def _decision_day(application: Application, kind: str, reclaim, amendment) -> tuple[date, str] | None:
    """The day of the decision the notice carries, with the sentence refusing an earlier date."""
    if kind == K.RECLAIM and reclaim is not None:
        return (timezone.localdate(reclaim.proposed_at),
                _("Das Bescheiddatum darf nicht vor dem Rückforderungsvorschlag vom %(date)s liegen."))
    if kind == K.AMENDMENT and amendment is not None:
        return (timezone.localdate(amendment.decided_at or clock.now()),
                _("Das Bescheiddatum darf nicht vor der Bewilligung des Änderungsantrags am %(date)s liegen."))
    decision = getattr(application, "decision", None)
    if decision is None:
        return None
    if kind == K.REJECTION:
        return timezone.localdate(decision.decided_at), _("Das Bescheiddatum darf nicht vor der Ablehnung vom "
                                                          "%(date)s liegen.")
    return timezone.localdate(decision.decided_at), _("Das Bescheiddatum darf nicht vor der Bewilligung vom "
                                                      "%(date)s liegen.")


def notice_date_errors(*, application: Application, kind: str, issued_on: date, refers_to: Notice | None = None,
                       reclaim=None, amendment=None, today: date | None = None) -> list[str]:
    """Why `issued_on` cannot be the notice's date, one German sentence per reason (empty: it can).

    Not before the decision the notice carries (the application's decision; for the
    Änderungsbescheid of an Änderungsantrag its approval; for a Rückforderungsbescheid the
    reclaim's proposal), not before the application was submitted, not before the notice it
    refers to, and not more than `NOTICE_MAX_DAYS_AHEAD` days after today."""
    errors = []
    decision = _decision_day(application, kind, reclaim, amendment)
    if decision is not None and issued_on < decision[0]:
        errors.append(decision[1] % {"date": format_date(decision[0])})
    if application.submitted_at is not None and issued_on < (submitted := timezone.localdate(application.submitted_at)):
        errors.append(_("Das Bescheiddatum darf nicht vor dem Antrag vom %(date)s liegen.")
                      % {"date": format_date(submitted)})
    if refers_to is not None and issued_on < refers_to.issued_on:
        errors.append(_("Das Bescheiddatum darf nicht vor dem Bescheid %(number)s vom %(date)s liegen, auf den "
                        "er sich bezieht.") % {"number": refers_to.number, "date": format_date(refers_to.issued_on)})
    today = today or clock.today()
    days = settings.NOTICE_MAX_DAYS_AHEAD
    if issued_on > today + timedelta(days=days):
        errors.append(_("Das Bescheiddatum darf höchstens %(days)s Tage nach dem heutigen Tag liegen, also "
                        "spätestens am %(latest)s.")
                      % {"days": days, "latest": format_date(today + timedelta(days=days))})
    return errors


def _seal_fields(seal: SealInfo | None) -> dict:
    if seal is None:
        return {}
    return {"sealed_at": seal.sealed_at, "seal_subject": seal.subject, "seal_serial": seal.serial,
            "seal_fingerprint": seal.fingerprint, "seal_test": seal.test}


def _check_date(**kwargs) -> None:
    if errors := notice_date_errors(**kwargs):
        raise FieldErrors({"issued_on": errors})


def notice_issue(*, application: Application, kind: str, user, issued_on: date | None = None,
                 refers_to: Notice | None = None, ceremony: HandoverCeremony | None = None,
                 changes: str = "", reclaim=None, amendment=None) -> Notice:
    """Issue a notice: next number of its programme and year, rendered once, stored for good.
    An Änderungsbescheid of an approved Änderungsantrag passes the request as `amendment`
    (four-eyes then applies to the request's recommendation, not to the original one).
    A Rückforderungsbescheid (kind RECLAIM) needs the proposed `reclaim` and refers to the
    award's Zuwendungsbescheid; grants.services.reclaims.reclaim_issue calls this inside its
    own transaction and links the notice to the reclaim."""
    check(refuse_capability(user, Capability.ISSUE_NOTICE))
    if ceremony is not None and kind in (K.REJECTION, K.RECLAIM):
        raise DomainError(str(CEREMONY_REFUSAL))
    issued_on = issued_on or clock.today()
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",))
                       .select_related("programme__issuing_authority", "municipality__administrative_court")
                       .get(pk=application.pk))
        check(may_notice_issue(user, application, kind, refers_to=refers_to, reclaim=reclaim, amendment=amendment,
                               issued_on=issued_on))
        _check_changes(kind, changes)
        # Before a number is drawn: a refused date consumes nothing of the sequence.
        _check_date(application=application, kind=kind, issued_on=issued_on, refers_to=refers_to,
                    reclaim=reclaim, amendment=amendment)
        # So does a seal that cannot be used: its key is loaded (the token opened) before the number.
        with notice_sealer() as sealer:
            programme = application.programme
            sequence = number_next(key=f"notice:{programme.pk}:{issued_on.year}")
            number = f"{programme.file_reference_prefix}-B{issued_on.year}-{sequence:03d}"
            snapshot = notice_snapshot(application=application, kind=kind, number=number, issued_on=issued_on,
                                       signatory=user, refers_to=refers_to, ceremony=ceremony,
                                       changes=changes.strip(), reclaim=reclaim)
            pdf = render_notice_pdf(snapshot)
            # The stored bytes are the sealed bytes: the rendering, then the seal as an incremental update.
            seal = None
            if sealer is not None:
                pdf, seal = sealer.seal(pdf, authority=snapshot["authority"]["name"],
                                        location=snapshot["authority"]["city"])
        notice = Notice.objects.create(
            kind=kind, number=number, application=application,
            award=getattr(application, "award", None) if kind != K.REJECTION else None,
            refers_to=refers_to, issued_on=issued_on, issued_by=user, ceremony=ceremony,
            pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), snapshot=snapshot, **_seal_fields(seal))
        audit_log(actor=user, action="grants.notice.issued", target=notice,
                  data={"kind": kind, "number": number, "application": application.file_reference,
                        "sha256": notice.sha256, **({"reclaim": reclaim.pk} if reclaim is not None else {}),
                        **({"seal": seal.fingerprint, "seal_test": seal.test} if seal is not None else {})})
        notice_delivery_from_ceremony(notice=notice, ceremony=ceremony, user=user)
        # A reclaim notice is told as the reclaim's hand-over (reclaims.py), an Änderungsbescheid
        # with the amendment's approval letter (amendments.py).
        if kind != K.RECLAIM and amendment is None:
            notice_handover(notice, user=user)
    return notice


def notice_handover(notice: Notice, *, user, mailed=()) -> None:
    """Tell the body that the notice is issued (grants/handovers.py)."""
    handover(Event.NOTICE_ISSUED, application=notice.application, actor=user, key=f"notice:{notice.pk}",
             kind=notice.get_kind_display(), number=notice.number, mailed=mailed,
             detail=_("Bescheid vom %(day)s; Sie finden ihn auf der Seite des Antrags.") % {
                 "day": format_date(notice.issued_on)})


def notice_preview(*, application: Application, kind: str, user, issued_on: date | None = None,
                   refers_to: Notice | None = None, ceremony: HandoverCeremony | None = None,
                   changes: str = "", reclaim=None) -> bytes:
    """The notice as it would be issued today, marked ENTWURF on every page; nothing is stored."""
    check(refuse_capability(user, Capability.ISSUE_NOTICE))
    application = (Application.objects
                   .select_related("programme__issuing_authority", "municipality__administrative_court")
                   .get(pk=application.pk))
    if kind == K.AMENDMENT and not changes.strip():
        changes = _("(Die Änderungen werden beim Erlass angegeben.)")
    issued_on = issued_on or clock.today()
    check(may_notice_issue(user, application, kind, refers_to=refers_to, reclaim=reclaim, issued_on=issued_on))
    _check_date(application=application, kind=kind, issued_on=issued_on, refers_to=refers_to, reclaim=reclaim)
    snapshot = notice_snapshot(application=application, kind=kind, number=DRAFT_NUMBER,
                               issued_on=issued_on, signatory=user, refers_to=refers_to,
                               ceremony=ceremony, changes=changes.strip(), reclaim=reclaim)
    return render_notice_pdf(snapshot, draft=True)


def notice_attach_ceremony(*, notice: Notice, ceremony: HandoverCeremony | None, user) -> Notice:
    """Attach an issued notice to a handover ceremony (the PDF itself stays as issued)."""
    check(refuse_capability(user, Capability.ISSUE_NOTICE))
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        check(may_notice_hand_over(user, notice, ceremony))
        before = notice.ceremony_id
        notice.ceremony = ceremony
        notice.save(update_fields=["ceremony"])
        audit_log(actor=user, action="grants.notice.ceremony_set", target=notice,
                  changes={"ceremony": [before, ceremony.pk if ceremony else None]})
        notice_delivery_from_ceremony(notice=notice, ceremony=ceremony, user=user)
    return notice
