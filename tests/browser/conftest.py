"""Browser tests: Playwright drives Chromium against the live test server; axe-core checks
every page a test visits for WCAG 2.1 A/AA violations, and every Content-Security-Policy
violation (the policy is enforced in the tests as in production) fails the test.

Chromium: Debian's /usr/bin/chromium when present (CI installs it), else Playwright's own
browser if one is installed. Without any, the tests are skipped saying so; with
REQUIRE_BROWSER=1 (CI) that is a failure instead, so the journey never silently drops out.
"""

import os
import shutil
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core import clock

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
WCAG_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results/screenshots"))


def _launch_options():
    if Path(SYSTEM_CHROMIUM).exists():
        return {"executable_path": SYSTEM_CHROMIUM, "args": CHROMIUM_ARGS}
    return {"args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    manager = sync_api.sync_playwright().start()
    try:
        try:
            instance = manager.chromium.launch(**_launch_options())
        except Exception as error:  # no browser on this machine
            if os.environ.get("REQUIRE_BROWSER") == "1":
                raise
            pytest.skip(f"kein Chromium verfügbar ({error.__class__.__name__}); "
                        f"Debian-Paket chromium installieren oder REQUIRE_BROWSER=1 setzen")
        yield instance
        instance.close()
    finally:
        manager.stop()


# Registered before any script of the page runs (Playwright's init scripts are not subject to the
# page's policy); reports each violation to the test through an exposed function.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({page: location.pathname, directive: event.effectiveDirective,
                         blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber,
                         sample: event.sample});
}, true);
"""


def _describe(violation: dict) -> str:
    where = f" ({violation['source']}:{violation['line']})" if violation["source"] else ""
    sample = f" – {violation['sample']}" if violation["sample"] else ""
    return f"{violation['page']}: {violation['directive']} blockiert {violation['blocked'] or 'inline'}{where}{sample}"


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab. Every page it navigates to must have been checked by axe before
    the test ends; a visited page that was never checked fails the test. So does any
    Content-Security-Policy violation on any page it shows (the browser's event and its console
    message, so neither a missed event nor a missed message hides one)."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    csp_violations: list[str] = []
    context.expose_function("__cspViolation", lambda violation: csp_violations.append(_describe(violation)))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.checked_urls = []
    page.visited_urls = []
    page.csp_violations = csp_violations
    page.navigations = 0
    page.navigation_pending = False

    def request_sent(request):
        if request.is_navigation_request() and request.frame == page.main_frame:
            page.navigations += 1
            page.navigation_pending = True

    def navigation_ended(*_):
        page.navigation_pending = False

    def request_ended(request):
        # A redirect is followed by the next request; any other answer is committed now (or,
        # as a 204 or a download, never: then nothing is left to wait for).
        final = request.redirected_to is None and request.is_navigation_request()
        if final and request.frame == page.main_frame:
            navigation_ended()

    def committed(frame):
        if frame == page.main_frame:
            page.navigations += 1
            navigation_ended()
            page.visited_urls.append(frame.url)

    page.on("request", request_sent)
    page.on("requestfinished", request_ended)
    page.on("requestfailed", request_ended)
    page.on("download", navigation_ended)
    page.on("framenavigated", committed)
    page.on("console", lambda message: csp_violations.append(f"{_path(page.url)}: Konsole: {message.text}")
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not csp_violations, "Content-Security-Policy verletzt:\n" + "\n".join(csp_violations)
    unchecked = {_path(url) for url in page.visited_urls} - {_path(url) for url in page.checked_urls}
    assert not unchecked, f"Seiten ohne axe-Prüfung besucht: {sorted(unchecked)}"


def _path(url: str) -> str:
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    return parts.path


class AccessibilityViolation(AssertionError):
    pass


NAVIGATION_RETRIES = 3


def _settle(page, timeout_ms: int = 10_000):
    """Wait until a navigation the page has begun has been committed, then until it has loaded."""
    waited = 0
    while page.navigation_pending and waited < timeout_ms:
        page.wait_for_timeout(25)
        waited += 25
    page.wait_for_load_state("load")


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    engine = Axe()

    def check(page, label: str | None = None):
        """Assert that the page as shown now has no WCAG 2.1 A/AA violation.

        A click on a link returns before the next page has loaded. The check first waits for
        a navigation the page has begun, and runs again when one began or ended while axe was
        reading the page (axe then fails, or read the page that was being left)."""
        from playwright.sync_api import Error as PlaywrightError

        for attempt in range(NAVIGATION_RETRIES + 1):
            _settle(page)
            navigations = page.navigations
            try:
                results = engine.run(page, options={"runOnly": {"type": "tag", "values": sorted(WCAG_TAGS)},
                                                    "resultTypes": ["violations"]})
            except PlaywrightError:
                if page.navigations == navigations and not page.navigation_pending or attempt == NAVIGATION_RETRIES:
                    raise
                continue
            if page.navigations == navigations and not page.navigation_pending:
                break
        else:
            raise AssertionError(f"{label or page.url}: die Seite kam beim Prüfen nicht zur Ruhe")
        violations = results.response["violations"]
        page.checked_urls.append(page.url)
        if violations:
            lines = [f"{v['id']} ({v['impact']}): {v['help']} – " +
                     "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                               for node in v["nodes"][:5])
                     for v in violations]
            raise AccessibilityViolation(f"axe meldet auf {label or page.url}:\n" + "\n".join(lines))

    return check


@pytest.fixture
def shot():
    def take(page, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return take


def chromium_available() -> bool:
    return Path(SYSTEM_CHROMIUM).exists() or shutil.which("chromium") is not None


@pytest.fixture
def on_day(monkeypatch):
    """Set the application's clock, for every thread (test and live server), to 10:00 Berlin
    time on the given day: `core.clock` reads the moment from its context variable, and
    this swaps in one whose default is that moment."""
    def set_day(year, month, day):
        moment = datetime(year, month, day, 10, tzinfo=ZoneInfo("Europe/Berlin"))
        monkeypatch.setattr(clock, "_frozen", ContextVar("wirfunding_frozen_now", default=moment))
    return set_day
