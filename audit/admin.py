"""The audit trail in the admin: read, filtered, searched; never added, changed or deleted."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.formats import format_datetime


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("time", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("action", "object_repr", "actor__username", "actor__last_name")
    list_select_related = ("actor", "content_type")
    fields = ("time", "actor", "action", "object_type", "object_link", "changes", "data")
    readonly_fields = fields

    @admin.display(description=_("Zeitpunkt"), ordering="created_at")
    def time(self, entry):
        return format_datetime(entry.created_at, seconds=True)

    @admin.display(description=_("Objektart"), ordering="content_type")
    def object_type(self, entry):
        model = entry.content_type.model_class()
        return model._meta.verbose_name if model else entry.content_type.model

    @admin.display(description=_("Objekt"))
    def object_link(self, entry):
        """A link to the object's admin page, where it still exists and has one."""
        try:
            url = reverse(f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change",
                          args=[entry.object_id])
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
