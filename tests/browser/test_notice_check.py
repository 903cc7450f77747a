"""Bescheid prüfen in a real browser, signed out (a bank holding a forwarded notice): the sealed
notice is confirmed, the same file with one byte changed is not. axe-core checks every page."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from grants.models import Notice
from tests import factories
from tests.grants.notices.seal_pki import PASSPHRASE, build_test_pki

pytestmark = pytest.mark.django_db(transaction=True)


def upload(page, name: str, data: bytes) -> str:
    page.get_by_label("Bescheid als PDF-Datei").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data})
    page.get_by_role("button", name="Prüfen").click()
    return " ".join(page.locator("#urteil").inner_text().split())


def test_a_sealed_notice_is_confirmed_and_a_changed_byte_is_not(page, axe, shot, settings, tmp_path, programme,
                                                                coordinator_a, clerk, approver, live_server):
    pki = build_test_pki(tmp_path)
    settings.NOTICE_SEAL_PKCS12_FILE = str(pki.seal_p12)
    settings.NOTICE_SEAL_PKCS12_PASSPHRASE = PASSPHRASE
    settings.NOTICE_SEAL_TRUST_ROOTS = [str(pki.root_pem)]
    cache.clear()
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 10, 20), notice=False)
    notice = Notice.objects.get(pk=factories.issue_notice(award.application, approver, date(2026, 10, 29)).pk)
    pdf = bytes(notice.pdf)

    page.goto(reverse("grants:notice_check"))
    page.get_by_role("heading", name="Bescheid prüfen", level=1).wait_for()
    axe(page, "Bescheid prüfen")

    assert upload(page, f"{notice.number}.pdf", pdf) == ("Echt und unverändert: Dieser Bescheid ist hier erlassen "
                                                         "und elektronisch gesiegelt.")
    assert notice.number in page.locator("#ergebnis").inner_text()
    axe(page, "Bescheid prüfen – echt")
    shot(page, "bescheid-pruefen-echt")

    tampered = bytearray(pdf)
    tampered[len(pdf) // 2] ^= 0x01
    assert upload(page, "geaendert.pdf", bytes(tampered)).startswith("Nicht bestätigt")
    assert "Das Siegel ist gebrochen" in page.locator("#ergebnis").inner_text()
    axe(page, "Bescheid prüfen – geändert")
    shot(page, "bescheid-pruefen-geaendert")
