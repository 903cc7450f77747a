"""The writing endpoints of the REST API (included by api/urls.py before the read routes;
api/views/write.py). The applications resource is one viewset for reading and writing."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from api.views.write import ApplicationWriteViewSet, PaymentCallView

router = SimpleRouter()
router.register("applications", ApplicationWriteViewSet, basename="application")

urlpatterns = [
    *router.urls,
    path("awards/<int:pk>/payment-calls/", PaymentCallView.as_view(), name="payment_call_create"),
]
