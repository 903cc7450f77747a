"""Configuration: issuing authorities, programme periods with cost categories, budgets."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability
from audit.admin_writes import AuditedAdminMixin
from core.errors import NotPermitted
from core.money import ZERO, format_eur
from grants.admin.base import (
    AuditTrailMixin,
    ReadOnlyTabularInline,
    ServiceForm,
    ServiceModelAdmin,
    date_column,
    money_column,
)
from grants.models import (
    AuthorityName,
    AwardYear,
    Budget,
    CaseFileTransfer,
    CostCategory,
    FundingProgramme,
    GeneralConditionsVersion,
    IssuingAuthority,
)
from grants.policies import check, refuse_capability
from grants.services.budgets import budget_set

MONEY_OUTPUT: DecimalField = DecimalField(max_digits=14, decimal_places=2)


class AuthorityNameInline(admin.TabularInline):
    """The authority's names by date: a notice prints the one valid on its date."""

    model = AuthorityName
    extra = 0
    fields = ("valid_from", "name", "unit")


@admin.register(GeneralConditionsVersion)
class GeneralConditionsVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Fixed versions of the general conditions (ANBest-GK). A new wording is a new version;
    issued notices keep the text they printed."""

    list_display = ("short_name", date_column("version_date", _("Fassung vom")), "title", "source")
    search_fields = ("short_name", "title")
    fields = ("short_name", "title", "version_date", "source", "text")


@admin.register(IssuingAuthority)
class IssuingAuthorityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    inlines = [AuthorityNameInline]
    list_display = ("name", "unit", "acting_for", "city", "contact_name", "contact_email")
    search_fields = ("name", "unit", "acting_for", "contact_name")
    fieldsets = (
        (None, {"fields": ("name", "unit", "acting_for")}),
        (_("Anschrift"), {"fields": ("street", "postal_code", "city", "website")}),
        (_("Ansprechperson"), {"fields": ("contact_name", "contact_phone", "contact_email")}),
        (_("Konto für Rückzahlungen"), {"fields": ("payee", "iban", "bic", "bank_name")}),
    )


class CostCategoryInline(admin.TabularInline):
    model = CostCategory
    extra = 0
    fields = ("position", "code", "name", "is_fundable", "counts_positions", "max_positions",
              "cap_per_position", "cap_per_year", "first_year")


def _budgets_with_figures(queryset):
    """Budgets annotated with what awards commit and what is left."""
    return queryset.annotate(
        committed=Coalesce(Sum("award_years__amount"), Value(ZERO), output_field=MONEY_OUTPUT),
    ).annotate(remaining=F("amount") - F("committed"))


budget_amount = money_column("amount", _("Haushaltsansatz"))
budget_committed = money_column("committed", _("durch Bewilligungen gebunden"))
budget_remaining = money_column("remaining", _("frei"))


class BudgetInline(admin.TabularInline):
    """The programme's budgets at a glance; they are changed on the budget's own page,
    where the rule "not below what awards commit" is checked."""

    model = Budget
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("year", budget_amount, budget_committed, budget_remaining, "note")
    readonly_fields = fields
    verbose_name_plural = _("Haushaltsansätze (Änderung über „Ändern“ je Jahr)")

    def get_queryset(self, request):
        return _budgets_with_figures(super().get_queryset(request))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseFileTransferInline(ReadOnlyTabularInline):
    """The period's xdomea hand-overs (written only by grants/services/xdomea.py): what went to
    the e-file system and the archive, when, by whom, with the package's SHA-256."""

    model = CaseFileTransfer
    fields = ("created_at", "created_by", "message_type", "process_id", "file_references", "recipient", "again",
              "package_name", "package_size", "package_sha256")
    related = ("created_by",)
    verbose_name_plural = _("Übergaben von Akten (xdomea)")


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", date_column("period_start", _("Beginn")), date_column("period_end", _("Ende")),
                    date_column("application_deadline", _("Antragsfrist")), "accepts_applications",
                    "financing_type", "issuing_authority")
    list_filter = ("accepts_applications", "financing_type", "issuing_authority")
    search_fields = ("code", "name", "file_reference_prefix")
    fieldsets = (
        (None, {"fields": ("name", "code", "file_reference_prefix", "issuing_authority")}),
        (_("Förderperiode und Antragsfrist"), {"fields": ("period_start", "period_end", "application_deadline",
                                                          "accepts_applications")}),
        (_("Förderbedingungen"), {"fields": ("financing_type", "financing_share", "max_grant_per_applicant",
                                               "legal_basis",
                                               "budget_chapter", "budget_title")}),
        (_("Rechtsgrundlage, Haushalt und Anlagen im Bescheid"), {
            "fields": ("guideline_title", "guideline_date", "guideline_publication", "no_legal_claim",
                       "commitment_note", "unspent_funds_note", "plan_deviation_percent", "exclusions",
                       "third_party_conditions", "general_conditions_version"),
            "description": _("Gilt für künftig erlassene Bescheide; die Obergrenzen der Kostenarten (unten) werden "
                             "im Bescheid aus denselben Angaben gedruckt, nach denen der Finanzierungsplan geprüft "
                             "wird."),
        }),
        (_("Texte und Fristen im Bescheid"), {
            "fields": ("grant_type", "grant_form", "general_conditions", "special_conditions", "funds_use_months",
                       "first_payment_awaits_finality",
                       ("interim_report_day", "interim_report_month"), "final_report_months", "reclaim_payment_days",
                       "hearing_reply_days"),
            "description": _("Gilt für künftig erlassene Bescheide; erlassene Bescheide bleiben, wie sie sind."),
        }),
    )
    inlines = [CostCategoryInline, BudgetInline, CaseFileTransferInline]

    def get_readonly_fields(self, request, obj=None):
        # Budgets, applications and awards are tied to the years of the period: once
        # anyone has applied, moving the period would strand them.
        if obj is not None and obj.applications.exists():
            return ("period_start", "period_end")
        return ()


class BudgetForm(ServiceForm):
    """Checks what `budget_set` will check, beside the field, so the input stays in the form."""

    class Meta:
        model = Budget
        fields = ("programme", "year", "amount", "note")

    def clean(self):
        cleaned = super().clean()
        try:
            check(refuse_capability(self.request_user, Capability.MANAGE_PROGRAMME))
        except NotPermitted as refusal:
            raise ValidationError(refusal.message) from None
        amount = cleaned.get("amount")
        if amount is not None and self.instance.pk is not None:
            committed = _committed_locked(self.instance)
            if amount < committed:
                self.add_error("amount", gettext(
                    "Haushaltsjahr %(year)s: Bewilligungen binden bereits %(committed)s; "
                    "der Ansatz kann nicht auf %(amount)s sinken."
                ) % {"year": self.instance.year, "committed": format_eur(committed), "amount": format_eur(amount)})
        return cleaned


def _committed_locked(budget: Budget):
    """What awards commit of the budget. Inside the admin's transaction the budget row is
    locked first (approvals lock it too), so the figure holds until the save."""
    if transaction.get_connection().in_atomic_block:
        list(Budget.objects.select_for_update().filter(pk=budget.pk).values_list("pk", flat=True))
    return AwardYear.objects.filter(budget=budget).aggregate(total=Sum("amount"))["total"] or ZERO


@admin.register(Budget)
class BudgetAdmin(AuditTrailMixin, ServiceModelAdmin):
    """Budgets are saved through `budget_set`: only the Programmverwaltung, never below
    what awards commit, always with an audit entry. Not deleted here: set them to 0,00 €."""

    form = BudgetForm
    list_display = ("programme", "year", budget_amount, budget_committed, budget_remaining, "note")
    list_display_links = ("programme", "year")
    list_filter = ("programme",)
    search_fields = ("programme__code", "programme__name", "year")
    list_select_related = ("programme",)
    ordering = ("programme", "year")

    def get_queryset(self, request):
        return _budgets_with_figures(super().get_queryset(request))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("programme", "year", "amount", "note")
        return ("programme", "year", "amount", "note", budget_committed, "audit_trail")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("programme", "year", budget_committed, "audit_trail")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        budget = budget_set(programme=obj.programme, year=obj.year, amount=obj.amount, note=obj.note,
                            user=request.user)
        obj.pk = budget.pk
        obj._state.adding = False
