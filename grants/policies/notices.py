"""Notices: who may issue which Bescheid for an application, and hand one over at a ceremony.

Every kind follows the four-eyes rule of the decision it carries: the Zuwendungs- and
Ablehnungsbescheid that of the application's recommendation, an Änderungsbescheid of an
Änderungsantrag that of the request's recommendation, a Rückforderungsbescheid that of the
reclaim's proposal. A free-text Änderungsbescheid (no request) carries the award decision, so
the application's recommender may not issue it; nor may it go round an Änderungsantrag: while
a request of the award is submitted or recommended it is decided with its own notice only, and
whoever recommended a request of the award that was not approved may not put its changes into
a free-text notice.

No notice of an award that is closed (`refuse_closed`); a rejection has no award.
"""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from core import clock
from core.errors import DomainError
from core.formats import format_date
from grants.models import AmendmentRequest, Application, ApplicationStatus, Notice
from grants.policies.base import Refusal, refuse_capability, refuse_closed, refuse_same_person
from grants.policies.early_start import refuse_early_start_missing

K = Notice.Kind

CEREMONY_REFUSAL = gettext_lazy("Ablehnungs- und Rückforderungsbescheide werden nicht bei einer Bescheidübergabe "
                                "überreicht.")


def _refuse_reclaim(application: Application, user, refers_to: Notice | None, reclaim) -> Refusal | None:
    """A Rückforderungsbescheid: for a proposed reclaim of this application's award, referring
    to its Zuwendungsbescheid, issued by someone other than the proposer."""
    if reclaim is None or reclaim.award.application_id != application.pk:
        return Refusal(_("Ein Rückforderungsbescheid setzt eine Rückforderung zu dieser Zuwendung voraus."),
                       DomainError)
    if reclaim.status != reclaim.Status.PROPOSED:
        return Refusal(_("Für diese Rückforderung ist bereits entschieden (Status „%(status)s“).")
                       % {"status": reclaim.get_status_display()}, DomainError)
    if refers_to is None or refers_to.kind != K.AWARD or refers_to.award_id != reclaim.award_id:
        return Refusal(_("Für diese Zuwendung ist noch kein Zuwendungsbescheid erlassen; ein "
                         "Rückforderungsbescheid kann erst danach ergehen."), DomainError, shown=True)
    return refuse_same_person(reclaim.proposed_by_id, user, _(
        "Vier-Augen-Prinzip: Sie haben diese Rückforderung vorgeschlagen und dürfen den Rückforderungsbescheid "
        "deshalb nicht selbst erlassen."))


def refuse_incomplete_address(application: Application) -> Refusal | None:
    """A notice is a written administrative act that must reach its addressee (§ 41 HVwVfG) and
    name the court with its address in the Rechtsbehelfsbelehrung (§ 58 Abs. 1 VwGO, § 37 Abs. 6
    HVwVfG): neither address may be incomplete (street, five-digit postal code, city)."""
    body = application.municipality
    if missing := body.address_missing:
        return Refusal(_("Die Anschrift des Bescheidempfängers (%(recipient)s) ist unvollständig – es fehlt: "
                         "%(missing)s. Ein Bescheid kann erst erlassen werden, wenn die Anschrift vollständig ist.")
                       % {"recipient": body.recipient_body, "missing": ", ".join(missing)}, DomainError, shown=True)
    court = body.administrative_court
    if missing := court.address_missing:
        return Refusal(_("Die Anschrift des %(court)s für die Rechtsbehelfsbelehrung ist unvollständig – es fehlt: "
                         "%(missing)s. Ein Bescheid kann erst erlassen werden, wenn die Anschrift vollständig ist.")
                       % {"court": court.name.replace("Verwaltungsgericht", "Verwaltungsgerichts", 1),
                          "missing": ", ".join(missing)}, DomainError, shown=True)
    return None


def _refuse_round_amendment(user, award, amendments: list[AmendmentRequest] | None) -> Refusal | None:
    """A free-text Änderungsbescheid must not decide what an Änderungsantrag asks for past the
    request's own four eyes. `amendments`: all the award's requests, where the caller has them."""
    if amendments is None:
        amendments = list(AmendmentRequest.objects.filter(award=award))
    pending = min((a for a in amendments
                   if a.status in (AmendmentRequest.Status.SUBMITTED, AmendmentRequest.Status.RECOMMENDED)),
                  key=lambda a: (a.created_at, a.pk), default=None)
    if pending is not None:
        return Refusal(_("Zu dieser Zuwendung liegt ein Änderungsantrag vom %(date)s vor (Stand: %(status)s). "
                         "Über ihn wird mit seinem eigenen Änderungsbescheid entschieden; ein freier "
                         "Änderungsbescheid ist erst nach dieser Entscheidung möglich.")
                       % {"date": format_date(pending.submitted_at or pending.created_at),
                          "status": pending.get_status_display()}, DomainError, shown=True)
    recommended = next((a.recommended_by_id for a in amendments
                        if a.recommended_by_id == user.pk and a.status != AmendmentRequest.Status.APPROVED), None)
    return refuse_same_person(recommended, user, _(
        "Vier-Augen-Prinzip: Sie haben einen Änderungsantrag dieser Zuwendung empfohlen, der nicht bewilligt "
        "wurde, und dürfen deshalb keinen freien Änderungsbescheid erlassen."))


def may_notice_issue(user, application: Application, kind: str, *, refers_to: Notice | None = None,
                     reclaim=None, amendment=None, issued_on: date | None = None,
                     amendments: list[AmendmentRequest] | None = None) -> Refusal | None:
    """Whether `user` may issue a notice of `kind` for the application now. An Änderungsbescheid
    refers to an earlier notice of the application (`refers_to`); the one of an approved
    Änderungsantrag passes the request as `amendment`; a Rückforderungsbescheid needs the
    proposed `reclaim` and refers to the award's Zuwendungsbescheid. A Zuwendungsbescheid dated
    (`issued_on`, default today) after the start of its period needs the consent to an early
    start (grants/policies/early_start.py). `amendments`: the award's Änderungsanträge, where the
    caller has them already."""
    if refusal := refuse_capability(user, Capability.ISSUE_NOTICE):
        return refusal
    if kind not in K.values:
        return Refusal(_("Unbekannte Bescheidart „%(kind)s“.") % {"kind": kind}, DomainError)
    if refusal := refuse_incomplete_address(application):
        return refusal
    approved = application.status == ApplicationStatus.APPROVED
    award = getattr(application, "award", None) if approved else None
    if kind == K.RECLAIM:
        if award is None:
            return Refusal(_("Ein Rückforderungsbescheid setzt eine Bewilligung voraus."), DomainError)
        return refuse_closed(award) or _refuse_reclaim(application, user, refers_to, reclaim)
    if kind in (K.AWARD, K.AMENDMENT) and award is None:
        return Refusal(_("Zuwendungs- und Änderungsbescheide setzen eine Bewilligung voraus."), DomainError)
    if award is not None and (refusal := refuse_closed(award)):
        return refusal
    if kind == K.REJECTION and application.status != ApplicationStatus.REJECTED:
        return Refusal(_("Ein Ablehnungsbescheid setzt eine Ablehnung voraus."), DomainError)
    if kind == K.AMENDMENT and (refers_to is None or refers_to.application_id != application.pk):
        return Refusal(_("Ein Änderungsbescheid muss auf einen Bescheid desselben Antrags verweisen."), DomainError)
    if kind == K.REJECTION and application.notices.filter(kind=K.REJECTION).exists():
        return Refusal(_("Für diesen Antrag ist bereits ein Ablehnungsbescheid erlassen."), DomainError)
    if kind == K.AWARD and application.notices.filter(kind=K.AWARD).exists():
        return Refusal(_("Für diese Zuwendung ist bereits ein Zuwendungsbescheid erlassen; "
                         "Korrekturen ergehen als Änderungsbescheid."), DomainError)
    if kind == K.AMENDMENT and amendment is not None:
        return refuse_same_person(amendment.recommended_by_id, user, _(
            "Vier-Augen-Prinzip: Sie haben diesen Änderungsantrag empfohlen und dürfen den Änderungsbescheid "
            "deshalb nicht selbst erlassen."))
    if kind == K.AMENDMENT and (refusal := _refuse_round_amendment(user, award, amendments)):
        return refusal
    decision = getattr(application, "decision", None)
    if refusal := refuse_same_person(decision.recommended_by_id if decision else None, user, _(
            "Vier-Augen-Prinzip: Sie haben diesen Antrag zur Bewilligung empfohlen und dürfen den Bescheid deshalb "
            "nicht selbst erlassen.")):
        return refusal
    if kind == K.AWARD and award is not None:
        return refuse_early_start_missing(application, award.period_start, issued_on or clock.today())
    return None


def may_notice_hand_over(user, notice: Notice, ceremony=None) -> Refusal | None:
    """Attach an issued notice to a handover ceremony (or, with `ceremony` None, detach it)."""
    if refusal := refuse_capability(user, Capability.ISSUE_NOTICE):
        return refusal
    if ceremony is not None and notice.kind in (K.REJECTION, K.RECLAIM):
        return Refusal(str(CEREMONY_REFUSAL), DomainError)
    return None

