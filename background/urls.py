from django.urls import path

from background import views

app_name = "background"

urlpatterns = [
    path("auftraege/", views.job_list, name="job_list"),
    path("auftraege/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("auftraege/<uuid:pk>/ergebnis/", views.job_download, name="job_download"),
]
