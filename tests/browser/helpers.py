from tests import factories


def sign_in(page, username: str, axe=None):
    page.goto("/konto/login/")
    if axe:
        axe(page, "Anmeldung")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(factories.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def sign_out(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/konto/login/")


def nav(page, label):
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name=label, exact=True).click()


def follow(page, target):
    """Click `target` (a link, or a button that submits a form) and return once the page it opens
    has loaded: `click()` returns when the navigation has begun, and reading the page then gives
    the page being left or an empty document."""
    with page.expect_navigation():
        target.click()
