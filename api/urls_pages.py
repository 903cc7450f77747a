"""The pages of "Mein Konto" for the API tokens (mounted at /konto/api-schluessel/)."""

from django.urls import path

from api.views import tokens

app_name = "api_tokens"

urlpatterns = [
    path("", tokens.token_list, name="list"),
    path("<int:pk>/widerrufen/", tokens.token_revoke, name="revoke"),
]
