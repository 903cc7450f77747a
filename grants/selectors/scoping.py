"""Objects as a person may see them – the one place that scopes data to a user.

A coordinator sees the own body's objects; ministry staff see every body's once they have
left the body's hands (a draft is the body's own work until it is submitted; a reclaim is
the ministry's internal work until its notice is issued); everyone else sees nothing. Every
`get_*_for_user` answers 404 both for an object that does not exist and for one the person
may not see, so a changed id in a URL reveals nothing.
"""

from datetime import date
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from grants.models import (
    AmendmentRequest,
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    Award,
    AwardYear,
    Disbursement,
    FundingProgramme,
    HandoverCeremony,
    Notice,
    PaymentOrderExport,
    Reclaim,
    UsageReport,
)

M = TypeVar("M", bound=Model)


def _scoped(queryset: QuerySet, user, *, body: str, ministry: Q | None = None,
            coordinator: Q | None = None) -> QuerySet:
    """`queryset` as `user` may see it: the ministry what `ministry` admits, a coordinator the
    objects whose `body` path is the own body and that `coordinator` admits, others nothing."""
    if user.can(Capability.VIEW_ALL):
        return queryset.filter(ministry or Q())
    if user.can(Capability.APPLY) and user.municipality_id:
        return queryset.filter(coordinator or Q(), **{body: user.municipality_id})
    return queryset.none()


def _get(queryset: QuerySet[M], pk, message: str) -> M:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):  # base of the model's DoesNotExist (untyped on type[M])
        raise Http404(message) from None


# -- applications ---------------------------------------------------------------------------------


def applications_visible_to(user) -> QuerySet[Application]:
    """Coordinators see their own body's applications; ministry staff every application once it
    has been submitted; others none."""
    return _scoped(Application.objects.select_related("programme", "municipality"), user,
                   body="municipality_id", ministry=Q(submitted_at__isnull=False))


def get_application_for_user(user, pk) -> Application:
    """The application, or 404 when it does not exist *or* the user may not see it."""
    return _get(applications_visible_to(user), pk, _("Antrag nicht gefunden."))


def get_attachment_for_user(user, application_pk, pk) -> ApplicationAttachment:
    application = get_application_for_user(user, application_pk)
    return _get(application.attachments.select_related("application"), pk, _("Anlage nicht gefunden."))


def open_programmes(today: date | None = None) -> QuerySet[FundingProgramme]:
    """Programme periods that take applications now (open, deadline not passed)."""
    today = today or clock.today()
    return FundingProgramme.objects.filter(accepts_applications=True).filter(
        Q(application_deadline__isnull=True) | Q(application_deadline__gte=today)).order_by("period_start")


def get_open_programme(code: str) -> FundingProgramme:
    """An open programme period by its code, or 404."""
    programme = open_programmes().filter(code=code).first()
    if programme is None:
        raise Http404(_("Diese Förderperiode nimmt keine Anträge an."))
    return programme


# -- awards and notices ----------------------------------------------------------------------------


def award_of(application: Application) -> Award | None:
    """The award of an approved application, with what its pages show, loaded once."""
    if application.status != ApplicationStatus.APPROVED:
        return None
    award = (Award.objects.filter(application=application)
             .select_related("application__programme__issuing_authority", "application__municipality", "closed_by",
                             "decision")
             .first())
    if award is not None:
        award.application = application
    return award


def awards_visible_to(user) -> QuerySet[Award]:
    """Every body's awards for the ministry, the own body's for a coordinator, none for others."""
    return _scoped(Award.objects.all(), user, body="application__municipality_id")


def get_notice_for_user(user, pk) -> Notice:
    """The notice, or 404 when it does not exist or its application is hidden from the user."""
    return _get(Notice.objects.select_related("application").filter(application__in=applications_visible_to(user)),
                pk, _("Bescheid nicht gefunden."))


def get_ceremony_for_user(user, pk) -> HandoverCeremony:
    """Handover ceremonies are the ministry's."""
    queryset = HandoverCeremony.objects.all() if user.can(Capability.VIEW_ALL) else HandoverCeremony.objects.none()
    return _get(queryset, pk, _("Bescheidübergabe nicht gefunden."))


def get_ceremony_notice(ceremony: HandoverCeremony, pk) -> Notice:
    return _get(ceremony.notices.defer("pdf", "snapshot"), pk, _("Bescheid nicht gefunden."))


# -- payments --------------------------------------------------------------------------------------

DISBURSEMENT_RELATED = ("award_year__budget", "award_year__award__application__municipality",
                        "award_year__award__application__programme", "requested_by", "prepared_by", "released_by",
                        "booked_by")


def disbursements_visible_to(user) -> QuerySet[Disbursement]:
    return _scoped(Disbursement.objects.all(), user, body="award_year__award__application__municipality_id")


def get_disbursement_for_user(user, pk) -> Disbursement:
    """The payment request, or 404 when it does not exist or its award is hidden from the user."""
    return _get(disbursements_visible_to(user).select_related(*DISBURSEMENT_RELATED), pk,
                _("Mittelabruf nicht gefunden."))


def get_payment_order_export_for_user(user, pk) -> PaymentOrderExport:
    """Exports of payment orders are the ministry's payment staff's."""
    queryset = PaymentOrderExport.objects.select_related("created_by")
    if not user.can(Capability.PREPARE_PAYMENT):
        queryset = queryset.none()
    return _get(queryset, pk, _("Export nicht gefunden."))


def award_years_of(award: Award) -> QuerySet[AwardYear]:
    return award.years.select_related("budget").order_by("budget__year")


# -- proofs of use, reclaims, amendments -------------------------------------------------------------

USAGE_REPORT_RELATED = ("award__application__municipality", "award__application__programme", "submitted_by",
                        "checked_by")


def usage_reports_visible_to(user) -> QuerySet[UsageReport]:
    """Coordinators see their own body's reports; ministry staff every report once it has been
    submitted; others none."""
    return _scoped(UsageReport.objects.select_related(*USAGE_REPORT_RELATED), user,
                   body="award__application__municipality_id", ministry=Q(submitted_at__isnull=False))


def get_usage_report_for_user(user, pk) -> UsageReport:
    return _get(usage_reports_visible_to(user), pk, _("Nachweis nicht gefunden."))


RECLAIM_RELATED = ("award__application__municipality", "award__application__programme", "award_year__budget",
                   "usage_report", "proposed_by", "decided_by")


def reclaims_visible_to(user) -> QuerySet[Reclaim]:
    """The ministry sees every reclaim; a coordinator the own body's fixed ones and the proposals
    the body has been heard on (a proposal is the ministry's internal work until the
    Anhörungsschreiben is sent); others none."""
    return _scoped(Reclaim.objects.select_related(*RECLAIM_RELATED).defer("notice__pdf", "notice__snapshot"), user,
                   body="award__application__municipality_id",
                   coordinator=Q(status__in=(Reclaim.Status.ISSUED, Reclaim.Status.SETTLED))
                   | Q(status=Reclaim.Status.PROPOSED, hearing__isnull=False))


def get_reclaim_for_user(user, pk) -> Reclaim:
    return _get(reclaims_visible_to(user), pk, _("Rückforderung nicht gefunden."))


AMENDMENT_RELATED = ("award__application__municipality", "award__application__programme", "created_by",
                     "recommended_by", "decided_by", "notice", "revision")


def amendments_visible_to(user) -> QuerySet[AmendmentRequest]:
    """Coordinators see their own body's requests; ministry staff every request once it has been
    submitted; others none."""
    return _scoped(AmendmentRequest.objects.select_related(*AMENDMENT_RELATED).defer("notice__pdf", "notice__snapshot"),
                   user, body="award__application__municipality_id", ministry=Q(submitted_at__isnull=False))


def get_amendment_for_user(user, pk) -> AmendmentRequest:
    return _get(amendments_visible_to(user), pk, _("Änderungsantrag nicht gefunden."))
