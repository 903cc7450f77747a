from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("benachrichtigungen/", views.notification_list, name="list"),
    path("benachrichtigungen/<int:pk>/", views.notification_open, name="open"),
    path("benachrichtigungen/<int:pk>/gelesen/", views.notification_mark_read, name="read"),
    path("benachrichtigungen/alle-gelesen/", views.notification_mark_all_read, name="read_all"),
    path("benachrichtigungen/einstellungen/", views.notification_settings, name="settings"),
]
