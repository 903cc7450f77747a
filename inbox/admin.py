"""Notifications and the e-mail choices in the administration: read-only, for looking up who
was told what and when (the people themselves use their list and "Mein Konto")."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grants.admin.base import ReadOnlyModelAdmin, date_column
from inbox.models import Notification, NotificationSetting


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "recipient", "event", date_column("created_at", _("erstellt")),
                    date_column("read_at", _("gelesen")), date_column("mailed_at", _("gemailt")))
    list_filter = ("event",)
    search_fields = ("title", "key", "recipient__username")
    list_select_related = ("recipient",)
    ordering = ("-created_at", "-pk")


@admin.register(NotificationSetting)
class NotificationSettingAdmin(ReadOnlyModelAdmin):
    list_display = ("user", "delivery", date_column("changed_at", _("geändert")))
    list_filter = ("delivery",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
