from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("offene-daten/", views.index, name="index"),
    path("offene-daten/zuwendungen/", views.search, name="search"),
    path("offene-daten/zuwendungen/<slug:programme>/<int:year>/", views.awards, name="awards"),
    path("offene-daten/zuwendungen/<slug:programme>/<int:year>.csv", views.awards_csv_file, name="awards_csv"),
    path("offene-daten/zuwendungen/<slug:programme>/<int:year>.json", views.awards_json_file, name="awards_json"),
]
