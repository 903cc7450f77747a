"""The 33 eligible bodies and the administrative courts, as loaded from the official list.

What the list (hessen-gebietskoerperschaften.csv) defines is read-only here, since
`load_bodies` would overwrite it on the next load; the postal address is kept by the loader
and maintained here. Bodies and courts are neither added nor deleted by hand.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from core.banking import TEST_BANK_CODE
from municipalities.models import AdministrativeCourt, Municipality
from municipalities.services import maintained_data_save

TEST_IBAN_WARNING = _(
    "Achtung: Für %(name)s ist eine TEST-IBAN hinterlegt (Bankleitzahl %(code)s, keine echte Bankverbindung). "
    "Vor der ersten echten Zahlung die Bankverbindung der Kasse eintragen.")


class AuditedAdminMixin:
    """Changes go through `maintained_data_save`, which writes them to the audit trail."""

    def save_model(self, request, obj, form, change):
        maintained_data_save(obj=obj, fields=list(form.changed_data), user=request.user)


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "regierungsbezirk", "ags", "recipient_body", "administrative_court", "city",
                    "test_iban")
    list_filter = ("kind", "regierungsbezirk", "administrative_court")
    search_fields = ("name", "ags", "seat", "recipient_body")
    list_select_related = ("administrative_court",)
    fieldsets = (
        (_("Aus der amtlichen Liste"), {"fields": ("name", "kind", "ags", "regierungsbezirk", "seat",
                                                   "recipient_body", "administrative_court")}),
        (_("Anschrift für Bescheide"), {"fields": ("street", "postal_code", "city")}),
        (_("Bankverbindung der Kasse (Zahlungsempfänger in Zahlungsanordnungen)"), {
            "fields": ("payee", "treasury_account_holder", "iban", "bic", "bank_name"),
            "description": _("Zahlungsempfänger ist die Gebietskörperschaft, vertreten durch den Bescheidempfänger; "
                             "die Zahlung geht auf das Konto ihrer Kasse. Test-IBANs (Bankleitzahl 12345678) sind "
                             "keine echten Bankverbindungen.")}),
        (None, {"fields": ("note",)}),
    )
    readonly_fields = ("name", "kind", "ags", "regierungsbezirk", "seat", "recipient_body", "administrative_court",
                       "payee")

    @admin.display(description=_("Zahlungsempfänger"))
    def payee(self, body):
        return body.payee

    @admin.display(description=_("Test-IBAN"), boolean=True)
    def test_iban(self, body):
        return body.has_test_iban

    def change_view(self, request, object_id, form_url="", extra_context=None):
        body = self.get_object(request, object_id)
        if request.method == "GET" and body is not None and body.has_test_iban:
            messages.warning(request, str(TEST_IBAN_WARNING) % {"name": body.name, "code": TEST_BANK_CODE})
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        count = Municipality.objects.filter(iban__regex=rf"^DE\d{{2}}{TEST_BANK_CODE}").count()
        if request.method == "GET" and count:
            messages.warning(request, gettext_now(
                "%(count)s Gebietskörperschaften haben eine TEST-IBAN (keine echte Bankverbindung).")
                % {"count": count})
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdministrativeCourt)
class AdministrativeCourtAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "street", "postal_code", "city", "body_count")
    search_fields = ("seat", "city")
    fields = ("seat", "street", "postal_code", "city")
    readonly_fields = ("seat",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(body_count=Count("municipalities"))

    @admin.display(description=_("Bezeichnung"), ordering="seat")
    def name(self, court):
        return court.name

    @admin.display(description=_("zuständig für Gebietskörperschaften"), ordering="body_count")
    def body_count(self, court):
        return court.body_count

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
