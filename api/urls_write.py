"""The writing endpoints of the REST API (included by api/urls.py)."""

urlpatterns: list = []
