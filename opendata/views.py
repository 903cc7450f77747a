"""The public list of awards (issue 13, item 5): no sign-in, GET only, rate-limited per
address. HTML for people, CSV and JSON for machines, all under stable German addresses:

- /offene-daten/                                           the programmes and years, with every format
- /offene-daten/zuwendungen/?programm=…&jahr=…&koerperschaft=…  the filter form's target (redirects)
- /offene-daten/zuwendungen/<programm>/<jahr>/              the list as a page (?koerperschaft=<AGS>)
- /offene-daten/zuwendungen/<programm>/<jahr>.csv|.json     the list as a file

The files carry a weak ETag over their data and Last-Modified (the data's date), so a harvester
polling with If-None-Match / If-Modified-Since gets 304 without the body.
"""

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import clock
from core.rate_limits import over_limit
from grants.models import FundingProgramme
from municipalities.models import Municipality
from opendata.formats import (
    FIELDS,
    FORMAT_VERSION,
    LICENCE_ID,
    LICENCE_NAME,
    LICENCE_URL,
    Metadata,
    awards_csv,
    awards_json,
    dataset_title,
    record_row,
)
from opendata.forms import AwardFilterForm
from opendata.selectors import AwardList, award_list, published_overview, publisher_name
from ops.client_address import client_address

RATE_WINDOW_SECONDS = 3600
# Shared caches and harvesters may keep a file this long before asking again (cheaply, see above).
FILE_MAX_AGE_SECONDS = 900


def _licence() -> dict[str, str]:
    return {"id": LICENCE_ID, "name": LICENCE_NAME, "url": LICENCE_URL}


def _over_limit(request: HttpRequest) -> bool:
    # The address only as a hash, and only in the cache for the hour the count runs.
    address = hashlib.sha256(client_address(request).encode()).hexdigest()
    return over_limit(f"wf:opendata:{address}", settings.OPEN_DATA_LIMIT_PER_ADDRESS, RATE_WINDOW_SECONDS)


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No sign-in, GET and HEAD only, at most OPEN_DATA_LIMIT_PER_ADDRESS requests an hour
    from one address (429 with a German page after that)."""
    @login_not_required
    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _over_limit(request):
            response = render(request, "opendata/rate_limited.html", status=429)
            response["Retry-After"] = str(RATE_WINDOW_SECONDS)
            return response
        return view(request, *args, **kwargs)
    return wrapped


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "opendata/not_found.html", {"message": message}, status=404)


def _programmes() -> list[FundingProgramme]:
    return list(FundingProgramme.objects.select_related("issuing_authority").order_by("-period_start", "code"))


def _bodies() -> list[Municipality]:
    return list(Municipality.objects.only("name", "kind", "ags"))


def _absolute(path: str) -> str:
    """The canonical address (SITE_URL), whichever host name the request used."""
    return settings.SITE_URL.rstrip("/") + path


def _urls(programme: FundingProgramme, year: int) -> dict[str, str]:
    kwargs = {"programme": programme.code, "year": year}
    return {"html": reverse("opendata:awards", kwargs=kwargs), "csv": reverse("opendata:awards_csv", kwargs=kwargs),
            "json": reverse("opendata:awards_json", kwargs=kwargs)}


@public
def index(request: HttpRequest) -> HttpResponse:
    overview = published_overview()
    rows = [{"programme": figures.programme,
             "years": [{"figures": year, "urls": _urls(figures.programme, year.year)} for year in figures.years]}
            for figures in overview]
    return render(request, "opendata/index.html", {
        "overview": rows, "licence": _licence(), "fields": FIELDS, "search_url": reverse("opendata:search"),
    })


def _default_choice(programmes: list[FundingProgramme]) -> tuple[FundingProgramme, int] | None:
    """Without a choice: the newest period with published awards (else the newest period), this
    year if it belongs to it, else its nearest year."""
    overview = published_overview()
    programme = overview[0].programme if overview else (programmes[0] if programmes else None)
    if programme is None:
        return None
    this_year = clock.today().year
    year = min(max(this_year, programme.period_start.year), programme.period_end.year)
    return programme, year


def _page_response(request: HttpRequest, form: AwardFilterForm, *, awards: AwardList | None = None,
                   status: int = 200) -> HttpResponse:
    context = {"form": form, "awards": awards, "licence": _licence(), "search_url": reverse("opendata:search")}
    if awards is not None:
        context["urls"] = _urls(awards.programme, awards.year)
        context["title"] = dataset_title(awards)
        context["publisher"] = publisher_name(awards.programme)
    return render(request, "opendata/awards.html", context, status=status)


@public
def search(request: HttpRequest) -> HttpResponse:
    """The filter form's target: sends a valid choice to the list's stable address."""
    programmes = _programmes()
    data = request.GET.copy()
    if not data.get("programm") and not data.get("jahr"):
        default = _default_choice(programmes)
        if default is None:
            return redirect("opendata:index")
        data["programm"], data["jahr"] = default[0].code, str(default[1])
    form = AwardFilterForm(data, programmes=programmes, bodies=_bodies())
    if not form.is_valid():
        return _page_response(request, form, status=400)
    target = reverse("opendata:awards", kwargs={"programme": form.cleaned_data["programme"].code,
                                                "year": form.cleaned_data["jahr"]})
    body = form.cleaned_data["body"]
    if body is not None:
        target += "?" + urlencode({"koerperschaft": body.ags})
    return redirect(target)


def _period_refusal(request: HttpRequest, code: str, year: int,
                    programme: FundingProgramme | None) -> HttpResponse | None:
    """The German 404 for an unknown period or a year outside it; None when both are right."""
    if programme is None:
        return _not_found(request, _("Eine Förderperiode „%(code)s“ gibt es nicht.") % {"code": code})
    if year not in programme.years:
        return _not_found(request, _("Das Haushaltsjahr %(year)s gehört nicht zur Förderperiode %(period)s.")
                          % {"year": year, "period": programme.period_label})
    return None


@public
def awards(request: HttpRequest, programme: str, year: int) -> HttpResponse:
    programmes = _programmes()
    form = AwardFilterForm({"programm": programme, "jahr": str(year),
                            "koerperschaft": request.GET.get("koerperschaft", "")},
                           programmes=programmes, bodies=_bodies())
    selected = next((p for p in programmes if p.code == programme), None)
    if refusal := _period_refusal(request, programme, year, selected):
        return refusal
    assert selected is not None  # refused above otherwise
    if not form.is_valid():
        return _page_response(request, form, status=400)
    return _page_response(request, form, awards=award_list(programme=selected, year=year,
                                                           body=form.cleaned_data["body"]))


def _disposition(as_attachment: bool, filename: str) -> str:
    header = content_disposition_header(as_attachment, filename)
    assert header is not None  # None only without a file name
    return header


def _fingerprint(awards: AwardList, publisher: str) -> str:
    """A weak ETag over what the files say (not over the moment they were written)."""
    state = json.dumps([FORMAT_VERSION, awards.programme.code, awards.programme.name, awards.year, publisher,
                        [record_row(record) for record in awards.records]], ensure_ascii=False, sort_keys=True)
    return f'W/"{hashlib.sha256(state.encode()).hexdigest()[:32]}"'


def _file(request: HttpRequest, code: str, year: int, kind: str) -> HttpResponse:
    programme = FundingProgramme.objects.select_related("issuing_authority").filter(code=code).first()
    if refusal := _period_refusal(request, code, year, programme):
        return refusal
    assert programme is not None  # refused above otherwise
    awards = award_list(programme=programme, year=year)
    publisher = publisher_name(awards.programme)
    etag = _fingerprint(awards, publisher)
    last_modified = int(awards.data_as_of.timestamp()) if awards.data_as_of is not None else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        urls = _urls(awards.programme, awards.year)
        filename = f"zuwendungen-{awards.programme.code}-{awards.year}.{kind}"
        if kind == "csv":
            response = HttpResponse(awards_csv(awards), content_type="text/csv; charset=utf-8; header=present")
            response["Content-Disposition"] = _disposition(True, filename)
        else:
            meta = Metadata(title=dataset_title(awards), publisher=publisher,
                            source_url=_absolute(urls["json"]), html_url=_absolute(urls["html"]),
                            csv_url=_absolute(urls["csv"]), generated_at=clock.now())
            response = HttpResponse(awards_json(awards, meta), content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = _disposition(False, filename)
        response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    patch_cache_control(response, public=True, max_age=FILE_MAX_AGE_SECONDS)
    return response


@public
def awards_csv_file(request: HttpRequest, programme: str, year: int) -> HttpResponse:
    return _file(request, programme, year, "csv")


@public
def awards_json_file(request: HttpRequest, programme: str, year: int) -> HttpResponse:
    return _file(request, programme, year, "json")
