"""What every view of the grants app shares: refusing a person (403 with the reason), showing a
service's refusal where it belongs, the one shape of an action form, safe return addresses,
and PDF responses. Not a view module: views import this, never each other."""

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme

from accounts.models import User
from core.errors import DomainError, FieldErrors
from grants.policies import Refusal, refuse_capability


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind sign-in (LoginRequiredMiddleware: every view but the few marked
    `login_not_required`): its user is a signed-in `accounts.User`, never anonymous. Only an
    annotation – Django still passes an HttpRequest."""

    user: User


def forbid(refusal: Refusal | None) -> None:
    """403 with the German reason when a policy refuses the person."""
    if refusal is not None:
        raise PermissionDenied(refusal.reason)


def require(user, capability: str) -> None:
    """403 with the German reason when the user lacks the capability."""
    forbid(refuse_capability(user, capability))


def apply_domain_error(error: DomainError, *forms, request=None) -> None:
    """Show a service's refusal where it belongs: field errors beside their fields (in the
    first form that has the field), everything else as a form-wide error or message."""
    if isinstance(error, FieldErrors):
        for key, field_messages in error.errors.items():
            target = next((form for form in forms if key in form.fields), None)
            for message in field_messages:
                if target is not None:
                    target.add_error(key, message)
                elif forms:
                    forms[0].add_error(None, message)
                elif request is not None:
                    messages.error(request, message)
        return
    if forms:
        forms[0].add_error(None, error.message)
    elif request is not None:
        messages.error(request, error.message)


def run_form_action(request: HttpRequest, form, action: Callable[[dict], object], *, success: str | Callable[[], str],
                    next_url: str, refused_url: str | None = None) -> HttpResponse | None:
    """The shape of every action form: on a valid POST run the service with the cleaned data;
    success is a message and a redirect to `next_url`. A refusal of the input lands beside its
    field and the form is shown again with everything typed (None is returned: the caller
    renders). Any other refusal too – unless `refused_url` is given: then the state has moved
    under the person's feet (already decided, four eyes) and it is a message and a redirect."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action(form.cleaned_data)
    except FieldErrors as error:
        apply_domain_error(error, form)
        return None
    except DomainError as error:
        if refused_url is None:
            apply_domain_error(error, form)
            return None
        messages.error(request, error.message)
        return redirect(refused_url)
    messages.success(request, success() if callable(success) else success)
    return redirect(next_url)


def post_action(request: HttpRequest, action: Callable[[], object], *, success: str | Callable[[], str],
                next_url: str) -> HttpResponse:
    """A button without a form (start the review, release a payment): run the service; a refusal
    or the success is a message; back to `next_url` either way."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success() if callable(success) else success)
    return redirect(next_url)


def confirm_page(request: HttpRequest, confirmation, *, confirm_label: str, back_url: str, back_label: str,
                 refusal: Refusal | dict | None = None, template: str = "grants/confirm_action.html",
                 status: int = 200, **extra) -> HttpResponse:
    """The confirmation step of an action that cannot be undone (GET): the summary of who, what,
    how much and what happens, and the one form that acts (it posts to this same address). A
    refusal the person may see (four eyes, wrong state) replaces the form by the reason."""
    return render(request, template, {
        "confirmation": confirmation, "confirm_label": confirm_label, "back_url": back_url,
        "back_label": back_label, "refusal": refusal, "action_url": request.path,
        "next": safe_next(request) or "", **extra}, status=status)


def safe_next(request: HttpRequest) -> str | None:
    """Where to return after an action (`next` in the form or the query), if it is this site."""
    target = request.POST.get("next") or request.GET.get("next")
    # A path on this site only: anything else (`9999-12-31`) redirect() would try as a view name.
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


def pdf_response(content: bytes, filename: str, *, as_attachment: bool) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type="application/pdf")
    disposition = content_disposition_header(as_attachment, filename)
    assert disposition is not None  # None only for no attachment and no filename; every PDF has a name
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download (export, payment orders): never cached by a shared cache."""
    response = HttpResponse(content, content_type=content_type)
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # never None for an attachment
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


class LinkedPage(Page):
    """A page of a list with the links of its pager: the first and last page, two on each side
    of this one, gaps as "…" – a handful of links whatever the number of pages. Each link keeps
    the address's other parameters (filters, sort) and sets only the page's own parameter."""

    query: QueryDict = QueryDict()
    param = "page"

    def url(self, number: int) -> str:
        query = self.query.copy()
        query[self.param] = str(number)
        return "?" + query.urlencode()

    @property
    def links(self) -> list[dict]:
        ellipsis = self.paginator.ELLIPSIS
        return [{"number": number, "url": None if number == ellipsis else self.url(int(number)),
                 "gap": number == ellipsis, "current": number == self.number}
                for number in self.paginator.get_elided_page_range(self.number, on_each_side=2, on_ends=1)]

    @property
    def previous_url(self) -> str | None:
        return self.url(self.previous_page_number()) if self.has_previous() else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.next_page_number()) if self.has_next() else None


class ListPaginator(Paginator):
    def _get_page(self, *args, **kwargs) -> LinkedPage:
        return LinkedPage(*args, **kwargs)


def paginate(request: HttpRequest, items, per_page: int, *, rows: QuerySet | None = None,
             param: str = "page") -> LinkedPage:
    """The page the parameter `param` asks for: the first for a missing or bad number, the last
    beyond the end. `items` is a queryset (only the page's rows are fetched, plus one count) or
    a list.

    With `rows`, `items` is a slim queryset of the list's primary keys in the list's order (one
    table, on an index) and the page's objects are read from `rows` – with their joins – for
    these keys only: the database joins the related tables for one page, not for the whole list
    before sorting it."""
    page = cast(LinkedPage, ListPaginator(items, per_page).get_page(request.GET.get(param)))
    return _linked(page, request, param, rows)


def paginate_counted(request: HttpRequest, items: QuerySet, per_page: int, *, count: int | None = None,
                     param: str = "page") -> LinkedPage:
    """`paginate` in one query where `paginate` needs two: with `count` (the number of items, known
    already, e.g. from an annotation of the parent row) no query at all for none and only the
    page's rows otherwise; without, the rows carry the total (a window count over all items, which
    the database computes before the LIMIT). Only a number beyond the end costs a second query."""
    paginator = ListPaginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not asked again
        return _linked(cast(LinkedPage, paginator.get_page(request.GET.get(param))), request, param, None)
    try:
        number = max(1, int(request.GET.get(param) or 1))
    except (TypeError, ValueError):
        number = 1
    bottom = (number - 1) * per_page
    found = list(items.annotate(page_total=Window(Count("pk")))[bottom:bottom + per_page])
    if not found and number > 1:  # beyond the end: the last page, as `paginate` answers
        return paginate(request, items, per_page, param=param)
    paginator.count = found[0].page_total if found else 0
    return _linked(paginator._get_page(found, number, paginator), request, param, None)


def _linked(page: LinkedPage, request: HttpRequest, param: str, rows: QuerySet | None) -> LinkedPage:
    page.query, page.param = request.GET, param
    if rows is not None:
        keys = list(page.object_list)
        found = rows.in_bulk(keys)
        page.object_list = [found[key] for key in keys if key in found]
    return page
