"""The Content-Security-Policy in a real browser: enforced (an injected inline script does not run,
a data: image is not loaded, and both are reported to the test), while the application's own
styles, Bootstrap's icons, scripts and the server-drawn budget chart load under it. axe-core runs
on every page (Playwright's evaluate is not subject to the page's policy)."""

import pytest
from django.urls import reverse

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

APP_BLUE = "rgb(11, 79, 156)"


def test_the_policy_blocks_inline_script_and_data_images_and_the_test_sees_it(page, axe, db):
    page.goto(reverse("login"))
    axe(page, "Anmeldung")
    assert page.csp_violations == []
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.eingeschleust = true;";
        document.body.append(script);
        const image = document.createElement("img");
        image.alt = "";
        image.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
        document.body.append(image);
    }""")
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(300)  # the violation events are dispatched asynchronously
    assert page.evaluate("() => window.eingeschleust === undefined")  # the inline script did not run
    reported = " ".join(page.csp_violations)
    assert "script-src-elem blockiert inline" in reported
    assert "img-src blockiert data" in reported
    page.csp_violations.clear()  # seen and expected here; any other violation fails the test


def test_styles_icons_and_the_chart_load_under_the_policy(page, axe, shot, programme, programme_admin):
    sign_in(page, "programmverwaltung", axe)
    axe(page, "Übersicht")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == APP_BLUE
    page.goto(reverse("grants:programme_overview"))
    page.locator("svg.budget-chart").wait_for()
    axe(page, "Programmübersicht")
    # Bootstrap's select arrow is a file now, not a data: image.
    arrow = page.evaluate("getComputedStyle(document.querySelector('#id_programm')).backgroundImage")
    assert "/static/vendor/bootstrap/icons/" in arrow and "data:" not in arrow
    # The chart's styles come from programme.css, its colours from the presentation attributes.
    assert page.evaluate("getComputedStyle(document.querySelector('.budget-chart .grundlinie')).stroke") == \
        "rgb(52, 58, 64)"
    assert page.evaluate("getComputedStyle(document.querySelector('.budget-chart .serie-ausgezahlt')).fill") == \
        "rgb(23, 97, 58)"
    shot(page, "csp-programmuebersicht")
    assert page.csp_violations == []
