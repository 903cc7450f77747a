"""Bad input anywhere answers with a German error, never a server error.

For every view of the URL sweep (tests/test_url_sweep.py, same world, same table) that takes a
form – the POST forms and the GET filters of the lists – each field the page renders (and each
field the sweep sends) is given, one at a time, a NUL character, dates far outside any sane range
(31.12.9999, 01.01.0001, both notations), a huge and a negative number, a very long text and
garbage, by the first person who may use the view; every other person who may use it sends all
fields bad at once. None of these requests may answer 5xx; a NUL is refused with 400 and a German
sentence before any view sees it (core/bad_input.py)."""

import re
from urllib.parse import parse_qsl

import pytest
from django.test import Client
from django.urls import reverse

from core.forms import GermanDateField
from tests.test_url_sweep import (  # noqa: F401 - world is the sweep's module fixture, built here again
    CONTROL_ORDER,
    GET,
    PUBLIC,
    SWEEP,
    Case,
    Ref,
    allowed,
    variants,
    world,
)

NUL = "Datei\x00name"
BAD_VALUES = {
    "nul": NUL,
    "far-future": "31.12.9999",
    "far-future-iso": "9999-12-31",
    "year-one": "01.01.0001",
    "year-one-iso": "0001-01-01",
    "huge": "9" * 40,
    "negative": "-1",
    "long": "Ü" * 5000,
    "garbage": "ä€<>'\"%;{{ x }}\\ 1e999 NaN",
}
NUL_REFUSED = "unzulässiges Steuerzeichen (NUL)"
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)
_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
_SKIP_FIELDS = {"csrfmiddlewaretoken", "form_token"}


def _cases():
    for name in SWEEP:
        for case in variants(name):
            if case.needs == PUBLIC:
                continue
            methods = [method for method in ("GET", "POST") if method in case.methods]
            for method in methods:
                if method == "GET" and case.methods == GET and not case.query:
                    continue  # a download or a page without input: nothing to send
                label = f"[{case.label}]" if case.label else ""
                yield pytest.param(name, case, method, id=f"{name}{label}-{method}")


def _path(name: str, case: Case, world) -> str:
    kwargs = {key: value.resolve(world) if isinstance(value, Ref) else value for key, value in case.kwargs.items()}
    return reverse(name, kwargs=kwargs)


def _base_data(case: Case, method: str, world) -> dict:
    if method == "GET":
        return dict(parse_qsl(case.query))
    data = case.data() if callable(case.data) else dict(case.data or {})
    return {key: value.resolve(world) if isinstance(value, Ref) else value for key, value in data.items()}


def _rendered_fields(html: str, method: str, path: str) -> set[str]:
    """The names of the fields of the page's forms that send `method` to `path` (or to the page)."""
    names: set[str] = set()
    for attributes, body in _FORM.findall(html):
        form_method = re.search(r'method="(\w+)"', attributes)
        if (form_method.group(1) if form_method else "get").upper() != method:
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        if action and action.group(1).split("?")[0] not in ("", path):
            continue
        names |= set(_FIELD.findall(body))
    return names - _SKIP_FIELDS


def _send(client: Client, method: str, path: str, data: dict):
    return client.get(path, data) if method == "GET" else client.post(path, data)


def _check(response, what: str, value: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if value == NUL:
        assert response.status_code == 400 and NUL_REFUSED in response.content.decode(), what


@pytest.mark.parametrize(("name", "case", "method"), list(_cases()))
def test_bad_input_never_causes_a_server_error(name, case, method, world, db):
    actors = [actor for actor in CONTROL_ORDER if allowed(case, actor)]
    if not actors:
        pytest.skip("nobody may use this view")
    path = _path(name, case, world)
    first = Client()
    first.force_login(world.users[actors[0]])
    page = first.get(path, dict(parse_qsl(case.query))) if "GET" in case.methods else None
    html = page.content.decode(errors="replace") if page is not None and not getattr(page, "streaming", False) \
        else ""
    fields = sorted(set(_base_data(case, method, world)) | _rendered_fields(html, method, path)
                    | ({"page"} if method == "GET" else set()))
    if not fields:
        # An action button or a 405: the view takes no field, so junk goes into one it ignores.
        fields = ["unbekanntes_feld"]

    for field_name in fields:
        for label, value in BAD_VALUES.items():
            data = {**_base_data(case, method, world), field_name: value}
            _check(_send(first, method, path, data), f"{actors[0]} {method} {path} {field_name}={label}", value)

    for actor in actors[1:]:
        client = Client()
        client.force_login(world.users[actor])
        for label, value in BAD_VALUES.items():
            data = {**_base_data(case, method, world), **dict.fromkeys(fields, value)}
            _check(_send(client, method, path, data), f"{actor} {method} {path} all={label}", value)


def test_nul_in_a_path_or_a_field_name_is_refused_in_german(world, db, client):
    client.force_login(world.users["clerk"])
    for response in (client.get("/fristen/kalender/a%00b.ics"), client.get(reverse("grants:review_queue"),
                                                                             {"q\x00": "x"})):
        assert response.status_code == 400 and NUL_REFUSED in response.content.decode()


@pytest.mark.parametrize(("text", "valid"), [
    ("01.01.1900", True), ("31.12.2199", True), ("31.12.1899", False), ("01.01.2200", False),
    ("31.12.9999", False), ("0001-01-01", False),
])
def test_dates_outside_1900_to_2199_are_refused_in_german(text, valid):
    field = GermanDateField()
    if valid:
        field.clean(text)
        return
    with pytest.raises(Exception, match="zwischen dem 01.01.1900 und dem 31.12.2199"):
        field.clean(text)
