"""Issuing notices: a one-way act. The notice is rendered once, its bytes, their SHA-256 and
a snapshot of every printed datum are stored, and nothing of it changes afterwards (model,
queryset, admin and – on PostgreSQL – database triggers refuse). A preview renders the
same notice marked ENTWURF without numbering or storing anything."""

import hashlib
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from audit.services import audit_log
from core.errors import DomainError, FieldErrors, NotPermitted
from grants.models import Application, ApplicationStatus, HandoverCeremony, Notice
from grants.notices.render import render_notice_pdf
from grants.notices.snapshot import notice_snapshot
from grants.services.guards import require_capability
from grants.services.numbering import number_next
from core import clock

K = Notice.Kind
DRAFT_NUMBER = "ENTWURF"


def _check_reclaim(application: Application, user, refers_to: Notice | None, reclaim) -> None:
    """A Rückforderungsbescheid: for a proposed reclaim of this application's award, referring
    to its Zuwendungsbescheid, issued by someone other than the proposer (four-eyes)."""
    if reclaim is None or reclaim.award.application_id != application.pk:
        raise DomainError(_("Ein Rückforderungsbescheid setzt eine Rückforderung zu dieser Zuwendung voraus."))
    if reclaim.status != reclaim.Status.PROPOSED:
        raise DomainError(_("Für diese Rückforderung ist bereits entschieden (Status „%(status)s“).")
                          % {"status": reclaim.get_status_display()})
    if refers_to is None or refers_to.kind != K.AWARD or refers_to.award_id != reclaim.award_id:
        raise DomainError(_("Für diese Zuwendung ist noch kein Zuwendungsbescheid erlassen; ein "
                            "Rückforderungsbescheid kann erst danach ergehen."))
    if reclaim.proposed_by_id == user.pk:
        raise NotPermitted(_("Vier-Augen-Prinzip: Sie haben diese Rückforderung vorgeschlagen und dürfen den "
                             "Rückforderungsbescheid deshalb nicht selbst erlassen."))


def _check_issuable(application: Application, kind: str, user, refers_to: Notice | None, changes: str,
                    reclaim=None, amendment=None) -> None:
    if kind not in K.values:
        raise DomainError(_("Unbekannte Bescheidart „%(kind)s“.") % {"kind": kind})
    award = getattr(application, "award", None) if application.status == ApplicationStatus.APPROVED else None
    if kind == K.RECLAIM:
        if award is None:
            raise DomainError(_("Ein Rückforderungsbescheid setzt eine Bewilligung voraus."))
        _check_reclaim(application, user, refers_to, reclaim)
        return
    if kind in (K.AWARD, K.AMENDMENT) and award is None:
        raise DomainError(_("Zuwendungs- und Änderungsbescheide setzen eine Bewilligung voraus."))
    if kind == K.REJECTION and application.status != ApplicationStatus.REJECTED:
        raise DomainError(_("Ein Ablehnungsbescheid setzt eine Ablehnung voraus."))
    if kind == K.AMENDMENT:
        if refers_to is None or refers_to.application_id != application.pk:
            raise DomainError(_("Ein Änderungsbescheid muss auf einen Bescheid desselben Antrags verweisen."))
        if not changes.strip():
            raise FieldErrors({"changes": [_("Bitte angeben, was der Änderungsbescheid ändert.")]})
    if kind == K.REJECTION and application.notices.filter(kind=K.REJECTION).exists():
        raise DomainError(_("Für diesen Antrag ist bereits ein Ablehnungsbescheid erlassen."))
    if kind == K.AWARD and application.notices.filter(kind=K.AWARD).exists():
        raise DomainError(_("Für diese Zuwendung ist bereits ein Zuwendungsbescheid erlassen; "
                            "Korrekturen ergehen als Änderungsbescheid."))
    if kind == K.AMENDMENT and amendment is not None:
        # The Änderungsbescheid of an Änderungsantrag: four eyes on that request's recommendation.
        if amendment.recommended_by_id == user.pk:
            raise NotPermitted(_("Vier-Augen-Prinzip: Sie haben diesen Änderungsantrag empfohlen und dürfen den "
                                 "Änderungsbescheid deshalb nicht selbst erlassen."))
        return
    decision = getattr(application, "decision", None)
    if decision is not None and decision.recommended_by_id == user.pk:
        raise NotPermitted(_("Vier-Augen-Prinzip: Sie haben diesen Antrag zur Bewilligung empfohlen und "
                             "dürfen den Bescheid deshalb nicht selbst erlassen."))


CEREMONY_REJECTION = gettext_lazy("Ablehnungs- und Rückforderungsbescheide werden nicht bei einer Bescheidübergabe "
                                  "überreicht.")


def notice_issue(*, application: Application, kind: str, user, issued_on: date | None = None,
                 refers_to: Notice | None = None, ceremony: HandoverCeremony | None = None,
                 changes: str = "", reclaim=None, amendment=None) -> Notice:
    """Issue a notice: next number of its programme and year, rendered once, stored for good.
    An Änderungsbescheid of an approved Änderungsantrag passes the request as `amendment`
    (four-eyes then applies to the request's recommendation, not to the original one).
    A Rückforderungsbescheid (kind RECLAIM) needs the proposed `reclaim` and refers to the
    award's Zuwendungsbescheid; grants.services.reclaims.reclaim_issue calls this inside its
    own transaction and links the notice to the reclaim."""
    require_capability(user, Capability.ISSUE_NOTICE)
    if ceremony is not None and kind in (K.REJECTION, K.RECLAIM):
        raise DomainError(str(CEREMONY_REJECTION))
    issued_on = issued_on or clock.today()
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",))
                       .select_related("programme__issuing_authority", "municipality__administrative_court")
                       .get(pk=application.pk))
        _check_issuable(application, kind, user, refers_to, changes, reclaim, amendment)
        programme = application.programme
        sequence = number_next(key=f"notice:{programme.pk}:{issued_on.year}")
        number = f"{programme.file_reference_prefix}-B{issued_on.year}-{sequence:03d}"
        snapshot = notice_snapshot(application=application, kind=kind, number=number, issued_on=issued_on,
                                   signatory=user, refers_to=refers_to, ceremony=ceremony, changes=changes.strip(),
                                   reclaim=reclaim)
        pdf = render_notice_pdf(snapshot)
        notice = Notice.objects.create(
            kind=kind, number=number, application=application,
            award=getattr(application, "award", None) if kind != K.REJECTION else None,
            refers_to=refers_to, issued_on=issued_on, issued_by=user, ceremony=ceremony,
            pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), snapshot=snapshot)
        audit_log(actor=user, action="grants.notice.issued", target=notice,
                  data={"kind": kind, "number": number, "application": application.file_reference,
                        "sha256": notice.sha256, **({"reclaim": reclaim.pk} if reclaim is not None else {})})
    return notice


def notice_preview(*, application: Application, kind: str, user, issued_on: date | None = None,
                   refers_to: Notice | None = None, ceremony: HandoverCeremony | None = None,
                   changes: str = "", reclaim=None) -> bytes:
    """The notice as it would be issued today, marked ENTWURF on every page; nothing is stored."""
    require_capability(user, Capability.ISSUE_NOTICE)
    application = (Application.objects
                   .select_related("programme__issuing_authority", "municipality__administrative_court")
                   .get(pk=application.pk))
    if kind == K.AMENDMENT and not changes.strip():
        changes = _("(Die Änderungen werden beim Erlass angegeben.)")
    _check_issuable(application, kind, user, refers_to, changes, reclaim)
    snapshot = notice_snapshot(application=application, kind=kind, number=DRAFT_NUMBER,
                               issued_on=issued_on or clock.today(), signatory=user, refers_to=refers_to,
                               ceremony=ceremony, changes=changes.strip(), reclaim=reclaim)
    return render_notice_pdf(snapshot, draft=True)


def notice_attach_ceremony(*, notice: Notice, ceremony: HandoverCeremony | None, user) -> Notice:
    """Attach an issued notice to a handover ceremony (the PDF itself stays as issued)."""
    require_capability(user, Capability.ISSUE_NOTICE)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if ceremony is not None and notice.kind in (K.REJECTION, K.RECLAIM):
            raise DomainError(str(CEREMONY_REJECTION))
        before = notice.ceremony_id
        notice.ceremony = ceremony
        notice.save(update_fields=["ceremony"])
        audit_log(actor=user, action="grants.notice.ceremony_set", target=notice,
                  changes={"ceremony": [before, ceremony.pk if ceremony else None]})
    return notice
