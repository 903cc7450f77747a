"""Reading the one-time form token (core/form_tokens.py) from a rendered page, as a browser sends it."""

import re

from django.http import HttpResponse

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)
_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(page: HttpResponse, action: str) -> str:
    """The token of the POST form on `page` that posts to `action` (or to the page itself)."""
    html = page.content.decode()
    for attributes, body in _FORM.findall(html):
        if 'method="post"' not in attributes:
            continue
        target = re.search(r'action="([^"]*)"', attributes)
        if target is None or target.group(1) in ("", action):
            found = _TOKEN.search(body)
            if found:
                return found.group(1)
    raise AssertionError(f"Kein Formular mit Formularkennung für {action} auf der Seite")
