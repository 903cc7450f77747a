"""A confirmation step in a real browser: the approver fills the notice form on the application
page, sees the confirmation with the summary, confirms – and while the PDF is rendered the button
is disabled and "Bescheid wird erzeugt …" is announced (static/js/busy.js). axe-core checks every
page, the busy state included; the strict Content-Security-Policy holds throughout."""

import pytest
from playwright.sync_api import expect

from grants.models import Notice
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_notice_confirmation_with_summary_and_busy_state(page, axe, shot, programme, coordinator_a, clerk, approver,
                                                          approver2):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, notice=False)
    application = award.application
    sign_in(page, "bewilligung2", axe)
    axe(page, "Übersicht")
    page.goto(f"/antraege/{application.pk}/")
    axe(page, "Antrag vor dem Bescheid")

    page.get_by_role("button", name="Zuwendungsbescheid erlassen …").click()
    page.get_by_role("heading", name="Bescheid erlassen", level=1).wait_for()
    axe(page, "Bescheid bestätigen")
    summary = page.locator("#bestaetigung")
    expect(summary).to_contain_text(application.file_reference)
    expect(summary).to_contain_text(application.municipality.display_name)
    expect(page.locator("#bestaetigung-summe")).to_have_text("500.000,00 €")
    expect(summary).to_contain_text("unveränderlich gespeichert")
    assert not Notice.objects.exists()  # the application page's form only led here
    shot(page, "bescheid-bestaetigen")

    # Hold the submission (a listener after busy.js's, test only) so that the busy state can be
    # seen and checked by axe; then send the form as the browser would have.
    page.evaluate("""() => window.addEventListener("submit", (event) => {
        window.__heldSubmissions = (window.__heldSubmissions || 0) + 1; event.preventDefault(); })""")
    button = page.get_by_role("button", name="Zuwendungsbescheid verbindlich erlassen")
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(button.locator(".spinner-border")).to_have_count(1)
    status = page.get_by_role("status").filter(has_text="Bescheid wird erzeugt …")
    expect(status).to_be_visible()
    expect(status).to_have_attribute("aria-live", "polite")
    button.click(force=True)  # a second click on the disabled button sends nothing more
    assert page.evaluate("window.__heldSubmissions") == 1
    axe(page, "Bescheid wird erzeugt")
    shot(page, "bescheid-wird-erzeugt")
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[data-busy]').submit()")

    expect(page.locator(".alert-success")).to_contain_text("(Zuwendungsbescheid) ist erlassen")
    axe(page, "Bescheid erlassen")
    assert Notice.objects.filter(application=application, kind=Notice.Kind.AWARD).count() == 1
