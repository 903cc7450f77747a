from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("zweiter-faktor/", views.second_factor, name="second_factor"),
    path("zweiter-faktor/einrichten/", views.enrol, name="enrol"),
    path("zweiter-faktor/einrichten/qr.svg", views.enrol_qr, name="enrol_qr"),
    path("zweiter-faktor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("zweiter-faktor/verwaltung/", views.second_factor_admin, name="second_factor_admin"),
    path("bestaetigen/", views.reauthenticate, name="reauthenticate"),
]
