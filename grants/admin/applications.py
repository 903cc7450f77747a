"""Applications with their plan, attachments, comments and change requests; recommendations
and decisions. All read-only: they change only through the services of the workflow."""

from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from core.money import ZERO, format_eur
from grants.admin.base import (
    AuditTrailMixin,
    ReadOnlyModelAdmin,
    ReadOnlyTabularInline,
    date_column,
    link_column,
    money_column,
)
from grants.models import (
    Application,
    ApplicationAttachment,
    ApplicationComment,
    ChangeRequest,
    Decision,
    EarlyStartConsent,
    PlanExpenditure,
    PlanFinancing,
    Recommendation,
    RecommendationYear,
)

amount_eur = money_column("amount", _("Betrag"))
application_link = link_column("application", _("Antrag"), ordering="application__file_reference")
municipality_column = link_column("application__municipality", _("Gebietskörperschaft"),
                                  ordering="application__municipality__name")


class PlanExpenditureInline(ReadOnlyTabularInline):
    model = PlanExpenditure
    related = ("category",)
    fields = ("year", "category", amount_eur, "positions")


class PlanFinancingInline(ReadOnlyTabularInline):
    model = PlanFinancing
    fields = ("year", "source", amount_eur)


class AttachmentInline(ReadOnlyTabularInline):
    # The file itself is private and served only by checked views; here only its data.
    model = ApplicationAttachment
    related = ("uploaded_by",)
    fields = ("original_name", "description", "size", "sha256",
              link_column("uploaded_by", _("hochgeladen von")), date_column("uploaded_at", _("hochgeladen am")))


class CommentInline(ReadOnlyTabularInline):
    model = ApplicationComment
    related = ("author",)
    fields = (date_column("created_at", _("erstellt am")), link_column("author", _("verfasst von")),
              "visibility", "text")


class ChangeRequestInline(ReadOnlyTabularInline):
    model = ChangeRequest
    related = ("requested_by", "answered_by")
    fields = (date_column("created_at", _("angefordert am")), "requested_by", "message", "answer",
              link_column("answered_by", _("beantwortet von")), date_column("answered_at", _("beantwortet am")))


@admin.display(description=_("empfohlene Zuwendung gesamt"))
def recommendation_total(recommendation):
    total = getattr(recommendation, "years_total", None)  # annotated by the inline
    if total is None:
        total = recommendation.years.aggregate(total=Sum("amount"))["total"]
    return format_eur(total or ZERO)


class RecommendationInline(ReadOnlyTabularInline):
    model = Recommendation
    related = ("recommended_by",)
    show_change_link = True
    # Read-only callables among the fields (Django allows them); the stubs allow only names.
    fields = (date_column("created_at", _("empfohlen am")), "recommended_by",  # type: ignore[assignment]
              recommendation_total, "justification")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(years_total=Sum("years__amount"))


class EarlyStartConsentInline(ReadOnlyTabularInline):
    """The consent to an early start; recorded on the application page (service with audit)."""

    model = EarlyStartConsent
    related = ("recorded_by",)
    fields = ("consented_on", "consented_by", "allowed_from", "recorded_by",
              date_column("recorded_at", _("erfasst am")))


@admin.display(description=_("Aktenzeichen"), ordering="file_reference")
def file_reference_column(application):
    return application.file_reference or _("Entwurf")


@admin.register(Application)
class ApplicationAdmin(AuditTrailMixin, ReadOnlyModelAdmin):
    list_display = (file_reference_column, "title", "municipality", "programme", "status",
                    date_column("submitted_at", _("Antrag vom")))
    list_filter = ("status", "programme", "municipality")
    search_fields = ("file_reference", "municipality__name", "title")
    list_select_related = ("programme", "municipality")
    fieldsets = (
        (None, {"fields": ("file_reference", "status", "programme", "municipality", "title", "purpose",
                           "period_start", "period_end")}),
        (_("Ansprechperson"), {"fields": ("contact_name", "contact_phone", "contact_email")}),
        (_("Verlauf"), {"fields": ("created_by", "created_at", "submitted_at", "updated_at", "audit_trail")}),
    )
    inlines = [PlanExpenditureInline, PlanFinancingInline, AttachmentInline, ChangeRequestInline, CommentInline,
               RecommendationInline, EarlyStartConsentInline]


class RecommendationYearInline(ReadOnlyTabularInline):
    model = RecommendationYear
    verbose_name = _("empfohlener Jahresbetrag")
    verbose_name_plural = _("empfohlene Jahresbeträge")
    fields = ("year", money_column("amount", _("empfohlene Zuwendung")))


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyModelAdmin):
    list_display = ("__str__", municipality_column, "recommended_by", recommendation_total,
                    date_column("created_at", _("empfohlen am")))
    list_filter = ("application__programme",)
    search_fields = ("application__file_reference", "application__municipality__name")
    list_select_related = ("application__municipality", "recommended_by")
    # Read-only callables among the fields (Django allows them); the stubs allow only names.
    fields = (application_link, "recommended_by",  # type: ignore[assignment]
              date_column("created_at", _("empfohlen am")), recommendation_total, "justification")
    inlines = [RecommendationYearInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(years_total=Sum("years__amount"))


@admin.register(Decision)
class DecisionAdmin(ReadOnlyModelAdmin):
    list_display = ("__str__", municipality_column, "outcome", "decided_by", "recommended_by",
                    date_column("decided_at", _("entschieden am")))
    list_filter = ("outcome", "application__programme")
    search_fields = ("application__file_reference", "application__municipality__name")
    list_select_related = ("application__municipality", "decided_by", "recommended_by")
    fields = (application_link, "outcome", link_column("recommendation", _("Empfehlung")), "recommended_by",
              "decided_by", date_column("decided_at", _("entschieden am")), "reason")
