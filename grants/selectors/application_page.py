"""What the application page reads, in as few queries as the panels allow: the application with
its programme, body, decision and award in one row (and how many comments, attachments and
requests for changes it has, so that an empty list costs no query), the award's Änderungsanträge
once for every panel that asks about them."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.roles import Capability
from grants.models import (
    AmendmentRequest,
    Application,
    ApplicationAttachment,
    ApplicationComment,
    ApplicationStatus,
    Award,
    ChangeRequest,
    Reclaim,
)
from grants.selectors.scoping import AMENDMENT_RELATED, _get, applications_visible_to


def application_page_for_user(user, pk) -> Application:
    """The application as `get_application_for_user` finds it (404 alike), with `comment_count`
    (the comments the person may read) and whether it has attachments, requests for changes, and
    its award Änderungsanträge and reclaims (`has_…`): a panel with nothing to show costs no
    query. Its award (if approved) carries the application back, so nothing reloads it."""
    comments = ApplicationComment.objects.filter(application=OuterRef("pk"))
    if user.can(Capability.APPLY):
        comments = comments.filter(visibility=ApplicationComment.Visibility.APPLICANT)
    counted = comments.order_by().values("application").annotate(n=Count("pk")).values("n")
    queryset = (applications_visible_to(user)
                .select_related("programme__issuing_authority", "municipality__administrative_court", "decision",
                                "award__closed_by", "award__decision", "assignee")
                .annotate(comment_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
                          has_attachments=Exists(ApplicationAttachment.objects.filter(application=OuterRef("pk"))),
                          has_change_requests=Exists(ChangeRequest.objects.filter(application=OuterRef("pk"))),
                          has_amendments=Exists(AmendmentRequest.objects.filter(award__application=OuterRef("pk"))),
                          has_reclaims=Exists(Reclaim.objects.filter(award__application=OuterRef("pk")))))
    application = _get(queryset, pk, _("Antrag nicht gefunden."))
    award = award_on_page(application)
    if award is not None:
        award.application = application
    return application


def award_on_page(application: Application) -> Award | None:
    """The award of an approved application as `application_page_for_user` loaded it."""
    if application.status != ApplicationStatus.APPROVED:
        return None
    return getattr(application, "award", None)


def amendments_of(award: Award) -> list[AmendmentRequest]:
    """Every Änderungsantrag of the award, newest first, with what its rows show (one query). The
    requests share the page's `award` (with its application, programme and body) instead of
    joining them again: a hundred columns fewer to compile and read, the legal texts among them."""
    requests = list(AmendmentRequest.objects.filter(award=award)
                    .select_related(*(path for path in AMENDMENT_RELATED if not path.startswith("award")))
                    .defer("notice__pdf", "notice__snapshot").order_by("-created_at", "-pk"))
    for request in requests:
        request.award = award
    return requests


def amendments_visible(user, amendments: list[AmendmentRequest]) -> list[AmendmentRequest]:
    """Of the award's requests, those `amendments_visible_to(user)` admits (the award is on a page
    the person may see, so the body matches for a coordinator)."""
    if user.can(Capability.VIEW_ALL):
        return [request for request in amendments if request.submitted_at is not None]
    if user.can(Capability.APPLY) and user.municipality_id:
        return [request for request in amendments
                if request.award.application.municipality_id == user.municipality_id]
    return []


def open_request_of(amendments: list[AmendmentRequest]) -> AmendmentRequest | None:
    """`open_request` from the loaded requests."""
    return next((request for request in amendments if request.status in AmendmentRequest.OPEN_STATUSES), None)
