"""The writing endpoints of the REST API (included by api/urls.py; api/views/write.py)."""

from django.urls import path

from api.views.write import (
    ApplicationChangeView,
    ApplicationCreateView,
    ApplicationPlanView,
    ApplicationSubmitView,
    PaymentCallView,
)

urlpatterns = [
    path("applications/", ApplicationCreateView.as_view(), name="application_create"),
    path("applications/<int:pk>/", ApplicationChangeView.as_view(), name="application_change"),
    path("applications/<int:pk>/plan/", ApplicationPlanView.as_view(), name="application_plan"),
    path("applications/<int:pk>/submit/", ApplicationSubmitView.as_view(), name="application_submit"),
    path("awards/<int:pk>/payment-calls/", PaymentCallView.as_view(), name="payment_call_create"),
]
