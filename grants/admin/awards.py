"""Awards, their yearly amounts and the payments against them: issued records, read-only."""

from django.contrib import admin
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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
from grants.models import Award, AwardYear, Disbursement, Notice
from grants.plan import codec
from grants.plan.lines import FinancingSource


@admin.display(description=_("Aktenzeichen"), ordering="application__file_reference")
def file_reference_column(award):
    return award.application.file_reference


@admin.display(description=_("Nr."), ordering="pk")
def disbursement_number(disbursement):
    return disbursement.pk


@admin.display(description=_("Haushaltsjahr"), ordering="award_year__budget__year")
def disbursement_year(disbursement):
    return disbursement.award_year.budget.year


@admin.display(description=_("Zuwendung gesamt"), ordering="total")
def award_total(award):
    total = getattr(award, "total", None)
    if total is None:
        total = award.years.aggregate(total=Sum("amount"))["total"] or ZERO
    return format_eur(total)


@admin.display(description=_("verbindlicher Finanzierungsplan"))
def plan_table(award):
    """The binding plan of the award as a table: per year expenditure and financing."""
    try:
        rows = [
            (
                row.year,
                format_html_join(mark_safe("<br>"), "{}: {}", (
                    (line.category_name, format_eur(line.amount)) for line in row.expenditures)),
                format_html_join(mark_safe("<br>"), "{}: {}", (
                    (FinancingSource(source).label, format_eur(amount)) for source, amount in row.financing.items())),
            )
            for row in codec.decode(award.plan_snapshot).years
        ]
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return award.plan_snapshot  # shown as stored rather than hidden
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("Haushaltsjahr"), _("Ausgaben"), _("Finanzierung"),
        format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
    )


class AwardYearInline(ReadOnlyTabularInline):
    model = AwardYear
    related = ("budget__programme",)
    fields = (link_column("budget", _("Haushaltsansatz")), money_column("amount", _("bewilligter Betrag")))


class NoticeInline(ReadOnlyTabularInline):
    model = Notice
    related = ("issued_by", "ceremony")
    show_change_link = True
    fields = ("kind", "number", date_column("issued_on", _("Bescheiddatum")), "issued_by", "ceremony")


@admin.register(Award)
class AwardAdmin(AuditTrailMixin, ReadOnlyModelAdmin):
    list_display = (file_reference_column, link_column("application__municipality", _("Gebietskörperschaft"),
                                                       ordering="application__municipality__name"),
                    link_column("application__programme", _("Förderprogramm")), "status", award_total,
                    date_column("period_start", _("von")), date_column("period_end", _("bis")),
                    date_column("created_at", _("bewilligt am")))
    list_display_links = (file_reference_column,)
    list_filter = ("status", "application__programme")
    search_fields = ("application__file_reference", "application__municipality__name")
    list_select_related = ("application__municipality", "application__programme")
    # Read-only callables among the fields (Django allows them); the stubs allow only names.
    fields = (link_column("application", _("Antrag")),  # type: ignore[assignment]
              link_column("decision", _("Entscheidung")), "status", "financing_label",
              date_column("period_start", _("Bewilligungszeitraum von")),
              date_column("period_end", _("Bewilligungszeitraum bis")), award_total, plan_table,
              date_column("created_at", _("bewilligt am")), "audit_trail")
    inlines = [AwardYearInline, NoticeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            total=Coalesce(Sum("years__amount"), Value(ZERO),
                           output_field=DecimalField(max_digits=14, decimal_places=2)))


@admin.register(AwardYear)
class AwardYearAdmin(ReadOnlyModelAdmin):
    list_display = ("__str__", link_column("award", _("Zuwendung")), link_column("budget", _("Haushaltsansatz")),
                    money_column("amount", _("bewilligter Betrag")))
    list_filter = ("budget__programme", "budget__year")
    search_fields = ("award__application__file_reference", "award__application__municipality__name")
    list_select_related = ("award__application__municipality", "budget__programme")
    fields = (link_column("award", _("Zuwendung")), link_column("budget", _("Haushaltsansatz")),
              money_column("amount", _("bewilligter Betrag")))


@admin.register(Disbursement)
class DisbursementAdmin(AuditTrailMixin, ReadOnlyModelAdmin):
    """Payments move request → prepare → release → book only through the services
    (four-eyes, budget locks); here they are shown, never changed."""

    list_display = (disbursement_number, link_column("award_year__award__application", _("Antrag"),
                                      ordering="award_year__award__application__file_reference"),
                    link_column("award_year__award__application__municipality", _("Gebietskörperschaft"),
                                ordering="award_year__award__application__municipality__name"),
                    disbursement_year,
                    money_column("amount", _("Betrag")), "status", date_column("requested_at", _("abgerufen am")),
                    date_column("paid_on", _("ausgezahlt am")))
    list_filter = ("status", "award_year__budget__year", "award_year__budget__programme")
    search_fields = ("award_year__award__application__file_reference",
                     "award_year__award__application__municipality__name", "payment_reference")
    list_select_related = ("award_year__award__application__municipality", "award_year__budget")
    fieldsets = (
        (None, {"fields": (link_column("award_year", _("bewilligter Jahresbetrag")),
                           money_column("amount", _("Betrag")), "status", "stated_need")}),
        (_("Bearbeitung"), {"fields": (
            "requested_by", date_column("requested_at", _("abgerufen am")),
            "prepared_by", date_column("prepared_at", _("vorbereitet am")),
            "released_by", date_column("released_at", _("freigegeben am")),
            "booked_by", date_column("paid_on", _("ausgezahlt am")), "payment_reference", "rejection_reason",
        )}),
        (_("Verlauf"), {"fields": ("audit_trail",)}),
    )
