"""Input no field may hold, refused before any view sees it.

A NUL character (U+0000) cannot be stored in a PostgreSQL text column: a query with one in a
parameter fails inside the database driver. Django's form fields refuse it, but a query
parameter, a URL part or a hand-made request reaches views and lookups that no form guards. So a
request with NUL in its path, a query parameter, a form field or a field name is answered with
400 and a German sentence, whatever view it is addressed to."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST":
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("Die Eingabe enthält ein unzulässiges Steuerzeichen (NUL). Bitte die Angaben ohne dieses "
                        "Zeichen erneut eingeben.")
            if request.path.startswith("/api/"):  # the REST API answers every error as problem details
                from api.problems import problem_response

                return problem_response(request, status=400, slug="ungueltige-anfrage",
                                        title=_("Ungültige Anfrage"), detail=message)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
