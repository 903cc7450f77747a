"""The 33 eligible bodies and the administrative courts, as loaded from the official list.

What the list (hessen-gebietskoerperschaften.csv) defines is read-only here, since
`load_bodies` would overwrite it on the next load; the postal address is kept by the loader
and maintained here. Bodies and courts are neither added nor deleted by hand.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from municipalities.models import AdministrativeCourt, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "regierungsbezirk", "ags", "recipient_body", "administrative_court", "city")
    list_filter = ("kind", "regierungsbezirk", "administrative_court")
    search_fields = ("name", "ags", "seat", "recipient_body")
    list_select_related = ("administrative_court",)
    fieldsets = (
        (_("Aus der amtlichen Liste"), {"fields": ("name", "kind", "ags", "regierungsbezirk", "seat",
                                                   "recipient_body", "administrative_court")}),
        (_("Anschrift für Bescheide"), {"fields": ("street", "postal_code", "city")}),
        (None, {"fields": ("note",)}),
    )
    readonly_fields = ("name", "kind", "ags", "regierungsbezirk", "seat", "recipient_body", "administrative_court")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdministrativeCourt)
class AdministrativeCourtAdmin(admin.ModelAdmin):
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
