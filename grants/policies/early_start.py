"""The consent to an early project start (vorzeitiger Maßnahmebeginn): who may record it, and
the rule that a Zuwendungsbescheid whose Bewilligungszeitraum begins before the notice date
needs it (VV Nr. 1.3 zu § 44 LHO: grants only for projects not yet begun, unless the
authority consented to an early start)."""

from datetime import date

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import DomainError
from core.formats import format_date
from grants.models import Application, ApplicationStatus, EarlyStartConsent
from grants.policies.base import Refusal, refuse_capability

RECORDABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.CHANGES_REQUESTED,
              ApplicationStatus.RECOMMENDED, ApplicationStatus.APPROVED)


def may_early_start_record(user, application: Application) -> Refusal | None:
    """Ministry staff with signing authority record the consent, once, for a submitted application
    that is not rejected or withdrawn."""
    if refusal := refuse_capability(user, Capability.DECIDE):
        return refusal
    if application.status not in RECORDABLE:
        return Refusal(_("Eine Zustimmung zum vorzeitigen Maßnahmebeginn kann nur zu einem eingereichten, noch "
                         "nicht abgelehnten Antrag erfasst werden (Status „%(status)s“).")
                       % {"status": application.get_status_display()}, DomainError)
    if EarlyStartConsent.objects.filter(application=application).exists():
        return Refusal(_("Die Zustimmung zum vorzeitigen Maßnahmebeginn ist bereits erfasst."), DomainError)
    return None


def refuse_early_start_missing(application: Application, start: date, issued_on: date) -> Refusal | None:
    """A Zuwendungsbescheid dated after the start of its Bewilligungszeitraum needs a recorded
    consent to an early start that covers that start."""
    if start >= issued_on:
        return None
    consent = EarlyStartConsent.objects.filter(application=application).first()
    if consent is None:
        return Refusal(_(
            "Der Bewilligungszeitraum beginnt am %(start)s, vor dem Bescheiddatum %(issued)s. Der "
            "Zuwendungsbescheid kann erst erlassen werden, wenn die Zustimmung zum vorzeitigen Maßnahmebeginn "
            "(Datum und zustimmende Stelle) im Antrag erfasst ist.")
            % {"start": format_date(start), "issued": format_date(issued_on)}, DomainError, shown=True)
    if not consent.covers(start):
        return Refusal(_(
            "Die Zustimmung zum vorzeitigen Maßnahmebeginn lässt den Beginn erst ab %(allowed)s zu; der "
            "Bewilligungszeitraum beginnt aber am %(start)s.")
            % {"allowed": format_date(consent.allowed_from), "start": format_date(start)}, DomainError, shown=True)
    return None
