"""Notices as records (number, date, ceremony); rendering the PDF is a later step."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from grants.errors import DomainError
from grants.models import Application, ApplicationStatus, HandoverCeremony, Notice
from grants.services.guards import require_capability
from grants.services.numbering import number_next


def notice_record(*, application: Application, kind: str, user, issued_on: date,
                  refers_to: Notice | None = None, ceremony: HandoverCeremony | None = None) -> Notice:
    """Record an issued notice with the next number of its programme and year."""
    require_capability(user, Capability.ISSUE_NOTICE)
    K = Notice.Kind
    if kind not in K.values:
        raise DomainError(_("Unbekannte Bescheidart „%(kind)s“.") % {"kind": kind})
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
        award = getattr(application, "award", None) if application.status == ApplicationStatus.APPROVED else None
        if kind in (K.AWARD, K.AMENDMENT) and award is None:
            raise DomainError(_("Zuwendungs- und Änderungsbescheide setzen eine Bewilligung voraus."))
        if kind == K.REJECTION and application.status != ApplicationStatus.REJECTED:
            raise DomainError(_("Ein Ablehnungsbescheid setzt eine Ablehnung voraus."))
        if kind == K.AMENDMENT and (refers_to is None or refers_to.application_id != application.pk):
            raise DomainError(_("Ein Änderungsbescheid muss auf einen Bescheid desselben Antrags verweisen."))
        if kind == K.REJECTION and application.notices.filter(kind=K.REJECTION).exists():
            raise DomainError(_("Für diesen Antrag ist bereits ein Ablehnungsbescheid erlassen."))
        if kind == K.AWARD and application.notices.filter(kind=K.AWARD).exists():
            raise DomainError(_("Für diese Zuwendung ist bereits ein Zuwendungsbescheid erlassen; "
                                "Korrekturen ergehen als Änderungsbescheid."))
        programme = application.programme
        number = number_next(key=f"notice:{programme.pk}:{issued_on.year}")
        notice = Notice.objects.create(
            kind=kind, number=f"{programme.file_reference_prefix}-B{issued_on.year}-{number:03d}",
            application=application, award=award, refers_to=refers_to, issued_on=issued_on, issued_by=user,
            ceremony=ceremony)
        audit_log(actor=user, action="grants.notice.issued", target=notice,
                  data={"kind": kind, "number": notice.number, "application": application.file_reference})
    return notice


def notice_attach_ceremony(*, notice: Notice, ceremony: HandoverCeremony | None, user) -> Notice:
    require_capability(user, Capability.ISSUE_NOTICE)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        before = notice.ceremony_id
        notice.ceremony = ceremony
        notice.save(update_fields=["ceremony"])
        audit_log(actor=user, action="grants.notice.ceremony_set", target=notice,
                  changes={"ceremony": [before, ceremony.pk if ceremony else None]})
    return notice
