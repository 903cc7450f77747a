"""Pieces the list pages share, shaped so that the database does the work for one page only.

A sum per row as a correlated subquery, not as `annotate(Sum(...))` over a join: the join
groups every row of the list before the page is cut (10,000 applications × their plan lines
to show 25), the subquery runs for the rows of the page – unless the list is sorted by it.
"""

from collections.abc import Sequence

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core.money import ZERO
from grants.models import Application, ApplicationAttachment, FundingProgramme, PlanFinancing
from grants.models.applications import CLOSED_STATUSES, EDITABLE_STATUSES
from grants.plan.lines import FinancingSource
from grants.selectors.scoping import applications_visible_to, open_programmes

MONEY_FIELD: DecimalField = DecimalField(max_digits=14, decimal_places=2)

# The programme's legal texts: printed in notices, never in a list row (a few kB each, copied
# into every row that joins its programme).
PROGRAMME_TEXTS = ("legal_basis", "no_legal_claim", "commitment_note", "unspent_funds_note", "exclusions",
                   "third_party_conditions", "general_conditions", "special_conditions")


def application_long_texts(path: str = "") -> tuple[str, ...]:
    """The long texts of the application at `path` (e.g. "award__application__"; empty for an
    Application) that list rows never show – its purpose, its programme's legal texts – for
    `QuerySet.defer`."""
    return (f"{path}purpose", *(f"{path}programme__{name}" for name in PROGRAMME_TEXTS))


def award_long_texts(path: str = "") -> tuple[str, ...]:
    """The long texts of the award at `path` (e.g. "award__"; empty for an Award) that list rows
    never show: its binding plan and its application's (`application_long_texts`)."""
    return (f"{path}plan_snapshot", *application_long_texts(f"{path}application__"))


def without_long_texts(applications: QuerySet[Application], *, award: bool = False) -> QuerySet[Application]:
    """Applications (joined with their programme, and with `award` their award) for list rows:
    without the purpose, the programme's legal texts and the award's binding plan, which the
    rows never show."""
    return applications.defer(*application_long_texts(), *(("award__plan_snapshot",) if award else ()))


def requested_grant_total() -> Coalesce:
    """The grant an application asks for, over all its years (0,00 € without plan lines)."""
    lines = (PlanFinancing.objects.filter(application=OuterRef("pk"), source=FinancingSource.GRANT)
             .order_by().values("application").annotate(total=Sum("amount")).values("total"))
    return Coalesce(Subquery(lines, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def coordinator_applications(user) -> QuerySet[Application]:
    """The own body's applications, what the body has to act on first (drafts and requests for
    changes), then the newest periods; with the number of attachments counted for the rows shown."""
    attachments = (ApplicationAttachment.objects.filter(application=OuterRef("pk")).order_by()
                   .values("application").annotate(n=Count("pk")).values("n"))
    return (without_long_texts(applications_visible_to(user).select_related("award"), award=True)
            .annotate(attachment_count=Coalesce(Subquery(attachments, output_field=IntegerField()), Value(0)),
                      needs_body=Case(When(status__in=EDITABLE_STATUSES, then=Value(0)), default=Value(1),
                                      output_field=IntegerField()))
            .order_by("needs_body", "-programme__period_start", "-created_at", "-pk"))


def body_applications_with_programmes(user, programmes: Sequence[FundingProgramme] | None = None
                                      ) -> list[Application]:
    """The body's applications with their programme periods: what `application_start_options`
    needs to tell where the body may start or copy an application in `programmes` (default: in
    any period). For given periods only those a start option can name: the applications in
    these periods and in every period since the latest earlier one the body applied in (the
    copy's source) – not the body's whole history of periods."""
    applications = Application.objects.filter(municipality_id=user.municipality_id)
    if programmes is not None:
        if not programmes:
            return []
        earliest = min(programme.period_start for programme in programmes)
        latest_before = (applications.filter(programme__period_start__lt=earliest)
                         .order_by("-programme__period_start").values("programme__period_start")[:1])
        applications = applications.filter(programme__period_start__gte=Coalesce(
            Subquery(latest_before), Value(earliest), output_field=DateField()))
    return list(applications.select_related("programme")
                .only("pk", "programme_id", "municipality_id", "status", "file_reference", "title", "created_at",
                      "programme__period_start", "programme__period_end", "programme__code", "programme__name"))


def live_applications_in_open_programmes(user) -> list[Application]:
    """The body's live applications in the periods open now: what `programmes_open_to` needs to
    tell where the body may still apply, without loading every application of the body."""
    return list(Application.objects.filter(municipality_id=user.municipality_id, programme__in=open_programmes())
                .exclude(status__in=CLOSED_STATUSES)
                .only("pk", "programme_id", "municipality_id", "status", "file_reference"))
