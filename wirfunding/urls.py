from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("WIR – Vielfalt und Teilhabe · Förderverwaltung")
admin.site.site_title = _("WIR-Förderverwaltung")
admin.site.index_title = _("Verwaltung (Rückfallebene des Ministeriums)")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
