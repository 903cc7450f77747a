from django.urls import path

from legal import views

app_name = "legal"

urlpatterns = [
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.datenschutz, name="datenschutz"),
    path("barrierefreiheit/", views.barrierefreiheit, name="barrierefreiheit"),
    path("barrierefreiheit/rueckmeldung/", views.feedback, name="feedback"),
    path("rechtstexte/", views.admin_overview, name="admin_overview"),
    path("rechtstexte/<slug:kind>/", views.legal_edit, name="edit"),
]
