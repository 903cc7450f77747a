from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import PasswordResetView
from grants.views.dashboard import dashboard
from ops.views import healthz, readyz

admin.site.site_header = _("WIR – Vielfalt und Teilhabe · Förderverwaltung")
admin.site.site_title = _("WIR-Förderverwaltung")
admin.site.index_title = _("Verwaltung (Rückfallebene des Ministeriums)")

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),

    path("konto/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("konto/", include("django.contrib.auth.urls")),
    path("konto/", include("accounts.urls")),
    path("konto/api-schluessel/", include("api.urls_pages")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("grants.urls")),
    path("", include("background.urls")),
    path("", include("legal.urls")),
    path("", include("inbox.urls")),
]
