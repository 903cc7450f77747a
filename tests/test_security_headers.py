"""The security headers on every answer, the production defaults behind them, `check --deploy`
clean with the documented production settings, and no page with inline script or style (the
Content-Security-Policy would block it)."""

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.test_url_sweep import (  # noqa: F401 (world is a module-scoped fixture used below)
    ANONYMOUS,
    CONTROL_ORDER,
    PUBLIC,
    Sweep,
    _request,
    allowed,
    url_patterns,
    variants,
    world,
)

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "foerderung.example.de"}
POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self'",
    "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
}


def parse_policy(header: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


def assert_policy(response) -> None:
    assert "Content-Security-Policy" in response, "keine Content-Security-Policy"
    assert "Content-Security-Policy-Report-Only" not in response  # enforced, not only reported
    policy = parse_policy(response["Content-Security-Policy"])
    assert {name: policy.get(name) for name in POLICY} == POLICY
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "data:" not in response["Content-Security-Policy"]


# -- the headers -------------------------------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(client, db):
    response = client.get(reverse("login"))
    assert_policy(response)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = {part.strip().split("=")[0]: part.strip().split("=")[1]
                for part in response["Permissions-Policy"].split(",")}
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
        assert features[feature] == "()", feature


def test_hsts_for_a_year_with_subdomains_over_https(client, db):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_redirects_and_refusals_carry_the_policy_too(client, coordinator_a):
    assert_policy(client.get(reverse("dashboard")))  # anonymous: redirect to the login
    client.force_login(coordinator_a)
    assert_policy(client.get("/gibt-es-nicht/"))  # 404 page


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_except_the_health_answers(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response["Location"] == "https://testserver/konto/login/"
    assert client.get(reverse("healthz")).status_code == 200  # a load balancer probes over http
    assert client.get(reverse("readyz")).status_code == 200


# -- the production defaults -------------------------------------------------------------------------------


def _fresh(expression: str, **env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items()
             if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT",
                            "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "TRUST_X_FORWARDED_PROTO"}}
    return subprocess.run([sys.executable, "-c", f"import wirfunding.settings as s; print(repr({expression}))"],
                          cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


SECURITY = ("(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
            " getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)")


def test_production_defaults_are_https_only():
    result = _fresh(SECURITY, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr((True, 31536000, True, False, None, True, True))


def test_behind_a_tls_proxy_its_forwarded_protocol_is_trusted_only_when_configured():
    result = _fresh(SECURITY, **PRODUCTION, TRUST_X_FORWARDED_PROTO="true", SECURE_HSTS_SECONDS="600",
                    SECURE_HSTS_PRELOAD="true")
    assert result.stdout.strip() == repr((True, 600, True, True, ("HTTP_X_FORWARDED_PROTO", "https"), True, True))


def test_development_sends_no_hsts_and_does_not_redirect():
    result = _fresh("(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)", DEBUG="true")
    assert result.stdout.strip() == repr((False, 0))


def test_a_negative_hsts_duration_refuses_to_start():
    result = _fresh("1", **PRODUCTION, SECURE_HSTS_SECONDS="-1")
    assert result.returncode != 0 and "SECURE_HSTS_SECONDS=-1 darf nicht negativ sein" in result.stderr


@pytest.mark.parametrize("preload", ["false", "true"])
def test_check_deploy_is_clean_with_the_documented_production_settings(preload):
    """`manage.py check --deploy` as the README's production set-up runs it (make check too)."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_", "DEBUG"))}
    env = {**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "wirfunding.settings", "SECURE_HSTS_PRELOAD": preload}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_warns_when_production_turns_https_off():
    """The check is not silenced wholesale: switching the redirect off is reported."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_", "DEBUG"))}
    env = {**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "wirfunding.settings", "SECURE_SSL_REDIRECT": "false"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "security.W008" in result.stdout + result.stderr


# -- no inline script or style on any page ---------------------------------------------------------------


class InlineFinder(HTMLParser):
    """Collects everything a strict policy (no 'unsafe-inline') would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> ohne src")
        if tag == "style":
            self.found.append("<style>-Element")
        if "style" in names:
            self.found.append(f"style-Attribut an <{tag}>")
        self.found += [f"{name}-Attribut an <{tag}>" for name in names if name.startswith("on")]
        self.found += [f"javascript:-Adresse an <{tag}>" for name, value in attrs
                       if name in ("href", "src", "action", "formaction") and (value or "").strip().lower()
                       .startswith("javascript:")]
        self.found += [f"data:-Bild an <{tag}>" for name, value in attrs
                       if tag == "img" and name == "src" and (value or "").startswith("data:")]

    handle_startendtag = handle_starttag


def inline_content(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_sees_what_the_policy_would_block():
    assert inline_content('<p style="color:red" onclick="x()"><script>alert(1)</script><style>p{}</style>'
                          '<a href="javascript:x()">x</a><img src="data:image/png;base64,AA" alt="">') == [
        "style-Attribut an <p>", "onclick-Attribut an <p>", "<script> ohne src", "<style>-Element",
        "javascript:-Adresse an <a>", "data:-Bild an <img>"]
    assert inline_content('<script src="/static/js/plan-grid.js"></script><svg><text font-style="italic"/></svg>'
                          '<p class="text-pre-line" data-style="x">') == []


def pages() -> list[Sweep]:
    """Every GET page of the URL sweep, requested by the first person who may open it."""
    found = []
    for pattern in url_patterns():
        assert pattern.name is not None  # every pattern is named (test_url_sweep checks it)
        for case in variants(pattern.name):
            if "GET" not in case.methods:
                continue
            if case.needs == PUBLIC:
                found.append(Sweep(pattern, case, "GET", ANONYMOUS, "public"))
                continue
            actor = next(actor for actor in CONTROL_ORDER if allowed(case, actor))
            found.append(Sweep(pattern, case, "GET", actor, "control"))
    return found


PAGES = pages()


@pytest.mark.parametrize("sweep", PAGES, ids=[s.id for s in PAGES])
def test_every_page_has_the_policy_and_no_inline_script_or_style(sweep, world, db, client):  # noqa: F811
    if sweep.actor != ANONYMOUS:
        client.force_login(world.users[sweep.actor])
    path, response = _request(client, sweep, world)
    assert response.status_code in (200, 302, 404), f"{path}: {response.status_code}"
    assert_policy(response)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        found = inline_content(response.content.decode())
        assert not found, f"{path}: {found}"


@pytest.mark.parametrize("path", ["/konto/login/", "/konto/password_reset/", "/konto/password_reset/done/",
                                  "/konto/reset/Mg/falsch-1234/"])
def test_sign_in_pages_have_no_inline_script_or_style(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_policy(response)
    assert inline_content(response.content.decode()) == []


@pytest.mark.parametrize("path", [reverse("password_change"), "/gibt-es-nicht/", reverse("grants:review_queue")])
def test_account_and_error_pages_have_no_inline_script_or_style(client, coordinator_a, path):
    """The password change, a 404 and a 403 (a coordinator at the clerks' queue)."""
    client.force_login(coordinator_a)
    response = client.get(path)
    assert_policy(response)
    assert inline_content(response.content.decode()) == []


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/",
                                  "/admin/grants/baserate/"])
def test_admin_pages_have_the_policy_and_no_inline_script_or_style(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert_policy(response)
    assert inline_content(response.content.decode()) == []


def test_the_server_error_page_has_no_inline_script_or_style(db):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert inline_content(response.content.decode()) == []


def test_csrf_failure_page_has_no_inline_script_or_style(db):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_policy(response)
    assert inline_content(response.content.decode()) == []
