"""„Mein Konto“ → „API-Schlüssel“: the person's own tokens for the REST API – create (the secret
is shown once, on the answer to the form), list, revoke after a confirmation.

Ministry staff reach these pages only with their second factor shown in this session
(accounts.middleware.SecondFactorMiddleware sends them to the code step first)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from api.forms import ApiTokenForm
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from core.errors import DomainError
from core.form_tokens import mark_succeeded
from grants.views.common import AuthenticatedRequest, apply_domain_error


def _page(request: AuthenticatedRequest, form: ApiTokenForm, status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return render(request, "api/token_list.html", {
        "form": form, "tokens": tokens,
        "docs_url": reverse("api:docs"), "schema_url": reverse("api:schema"),
        "api_url": request.build_absolute_uri(reverse("api:application-list")),
    }, status=status)


@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"],
                                             expires_on=form.cleaned_data["expires_on"])
        except DomainError as error:
            apply_domain_error(error, form)
        else:
            # The secret exists only in this answer: not stored, not cached, not sent again.
            response = render(request, "api/token_created.html", {"token": token, "secret": secret})
            patch_cache_control(response, private=True, no_store=True)
            return mark_succeeded(response)
    return _page(request, form, status=400)


@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404(_("API-Schlüssel nicht gefunden."))
    if request.method == "POST":
        try:
            api_token_revoke(token=token, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Der API-Schlüssel „%(name)s“ ist widerrufen; Anfragen mit ihm werden "
                                        "ab sofort abgewiesen.") % {"name": token.name})
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.html", {"token": token})
