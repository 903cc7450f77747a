from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from grants.views.dashboard import dashboard

admin.site.site_header = _("WIR – Vielfalt und Teilhabe · Förderverwaltung")
admin.site.site_title = _("WIR-Förderverwaltung")
admin.site.index_title = _("Verwaltung (Rückfallebene des Ministeriums)")

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("konto/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("grants.urls")),
    path("", include("background.urls")),
]
