"""The outbox and the jobs in the administration: read-only lists (pending, failed with the
error, sent), and "erneut senden" for mails that were given up – through the service."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from background.models import Job, OutboxMail
from background.outbox import outbox_requeue
from grants.admin.base import ReadOnlyModelAdmin, date_column


@admin.register(OutboxMail)
class OutboxMailAdmin(ReadOnlyModelAdmin):
    list_display = ("subject", "recipients", "event", "status", "attempts", date_column("created_at", _("erstellt")),
                    date_column("sent_at", _("versandt am")), "last_error_short")
    list_filter = ("status", "event")
    search_fields = ("subject", "key", "to")
    ordering = ("-created_at", "-pk")
    actions = ["requeue"]

    @admin.display(description=_("Empfänger"))
    def recipients(self, mail: OutboxMail) -> str:
        return ", ".join(mail.to)

    @admin.display(description=_("letzter Fehler"))
    def last_error_short(self, mail: OutboxMail) -> str:
        return mail.last_error[:120]

    @admin.action(description=_("Fehlgeschlagene E-Mails erneut senden"))
    def requeue(self, request, queryset):
        count = sum(outbox_requeue(mail=mail, user=request.user) for mail in queryset)
        messages.success(request, ngettext("%(n)s E-Mail wird erneut gesendet.",
                                           "%(n)s E-Mails werden erneut gesendet.", count) % {"n": count})


@admin.register(Job)
class JobAdmin(ReadOnlyModelAdmin):
    list_display = ("kind", "object_label", "user", "status", "progress", date_column("created_at", _("gestartet")),
                    date_column("finished_at", _("beendet")), "result_size")
    list_filter = ("status", "kind")
    search_fields = ("object_label", "user__username")
    list_select_related = ("user",)
    ordering = ("-created_at", "-pk")
