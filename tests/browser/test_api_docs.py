"""The API's documentation page (Swagger UI, served from this origin) renders under the strict
Content-Security-Policy: no inline script or style of its own, no violation reported (the page
alone allows Swagger UI's data: icons). axe checks it like every page, except for one rule that
Swagger UI's own markup breaks and no stylesheet can mend: its operation headers nest a button in
a button ("nested-interactive")."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import WCAG_TAGS

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_the_schema_under_the_policy(page, shot):
    page.goto("/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "WIR-Förderverwaltung API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-tag", has_text="applications").first.wait_for()
    page.wait_for_timeout(300)  # violation events arrive asynchronously
    shot(page, "api-docs")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": sorted(WCAG_TAGS)},
                                       "rules": {"nested-interactive": {"enabled": False}},
                                       "resultTypes": ["violations"]})
    page.checked_urls.append(page.url)
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in results.response["violations"]] == []
    assert page.csp_violations == []
