"""Issue 13, item 3: every issued notice carries the authority's electronic seal (PAdES, pyHanko)
where one is configured; the stored bytes are the sealed bytes; the page "Bescheid prüfen" and
`verify_notice` tell an intact, trusted seal from a changed file or a stranger's certificate.

The PKI is made here with certomancer (tests/grants/notices/seal_pki.py). The PKCS#11 path runs
against a SoftHSM software token (Debian package softhsm2) with REQUIRE_SOFTHSM=1, as in CI."""

import hashlib
import io
import os
import shutil
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import pem, tsp
from asn1crypto import x509 as asn1_x509
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from audit.models import AuditEntry
from core.errors import DomainError
from grants.models import Notice, NumberSequence
from grants.notices.render import render_notice_pdf
from grants.notices.seal import SEAL_REASON
from tests import factories
from tests.grants.notices.seal_pki import PASSPHRASE, SealPki, build_test_pki

ISSUED = date(2026, 10, 29)
CHECK_URL = "/bescheid-pruefen/"
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN = "wir-siegel", "4711"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The check page counts uploads per address in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> SealPki:
    return build_test_pki(tmp_path_factory.mktemp("pki"))


def root_certificate(pki: SealPki) -> asn1_x509.Certificate:
    _type, _headers, der = pem.unarmor(pki.root_pem.read_bytes())
    return asn1_x509.Certificate.load(der)


@pytest.fixture
def pkcs12_seal(settings, pki):
    settings.NOTICE_SEAL_PKCS12_FILE = str(pki.seal_p12)
    settings.NOTICE_SEAL_PKCS12_PASSPHRASE = PASSPHRASE
    settings.NOTICE_SEAL_TRUST_ROOTS = [str(pki.root_pem)]
    return settings


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 10, 20), notice=False)


def issue(award, approver) -> Notice:
    notice = factories.issue_notice(award.application, approver, ISSUED)
    return Notice.objects.get(pk=notice.pk)


def the_signature(pdf: bytes):
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    return signatures[0]


def check(client, data: bytes, name="bescheid.pdf"):
    return client.post(CHECK_URL, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def changed(data: bytes, position: int) -> bytes:
    tampered = bytearray(data)
    tampered[position] ^= 0x01
    return bytes(tampered)


# --- sealing at issuing ---------------------------------------------------------------------------

def test_issued_notice_carries_a_pades_seal_that_pyhanko_validates_against_the_test_root(pkcs12_seal, pki, award,
                                                                                        approver):
    notice = issue(award, approver)

    signature = the_signature(bytes(notice.pdf))
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root_certificate(pki)]))
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    authority = notice.snapshot["authority"]["name"]
    assert (signature.sig_object["/Name"], signature.sig_object["/Reason"]) == (authority, SEAL_REASON)
    assert signature.sig_object["/Location"] == "Wiesbaden"  # the issuing authority's city
    assert status.signing_cert.dump() == pki.seal_cert_der


def test_stored_bytes_are_the_sealed_bytes_with_their_hash_and_begin_with_the_rendering(pkcs12_seal, award, approver):
    notice = issue(award, approver)

    pdf = bytes(notice.pdf)
    assert notice.sha256 == hashlib.sha256(pdf).hexdigest()
    rendering = render_notice_pdf(notice.snapshot)  # deterministic: the letter as rendered before the seal
    assert pdf.startswith(rendering) and len(pdf) > len(rendering)
    # The incremental update keeps the catalog's PDF/A metadata.
    assert "/Metadata" in PdfReader(io.BytesIO(pdf)).trailer["/Root"]


def test_the_notice_records_what_sealed_it(pkcs12_seal, pki, award, approver):
    notice = issue(award, approver)

    assert notice.sealed and notice.sealed_at is not None
    assert notice.seal_subject == "C=DE, O=Testbehörde, CN=Siegel Testbehörde"
    assert notice.seal_fingerprint == hashlib.sha256(pki.seal_cert_der).hexdigest()
    assert notice.seal_serial == format(asn1_x509.Certificate.load(pki.seal_cert_der).serial_number, "x")
    assert notice.seal_test is False
    entry = AuditEntry.objects.get(action="grants.notice.issued")
    assert entry.data["seal"] == notice.seal_fingerprint


def test_the_application_page_says_the_notice_is_sealed(pkcs12_seal, client, coordinator_a, award, approver):
    notice = issue(award, approver)
    client.force_login(coordinator_a)

    content = text_of(client.get(reverse("grants:application_detail", args=[notice.application_id])))

    assert "elektronisch gesiegelt am" in content and "nicht elektronisch gesiegelt" not in content
    assert "Testsiegel" not in content


@pytest.fixture
def time_stamping_authority(pki):
    """The test PKI's time-stamping authority behind an RFC 3161 HTTP endpoint on loopback."""
    timestamper = pki.timestamper

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = timestamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_with_a_time_stamping_authority_the_seal_carries_a_trusted_time_stamp(pkcs12_seal, pki, client, award,
                                                                            approver, time_stamping_authority):
    pkcs12_seal.NOTICE_SEAL_TSA_URL = time_stamping_authority  # PAdES B-T

    notice = issue(award, approver)

    status = validate_pdf_signature(the_signature(bytes(notice.pdf)),
                                    ValidationContext(trust_roots=[root_certificate(pki)]))
    assert status.bottom_line
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert "(Zeitstempel eines Zeitstempeldienstes)" in text_of(check(client, bytes(notice.pdf)))


# --- without configuration -------------------------------------------------------------------------

def test_without_configuration_the_notice_is_unsealed_as_before_and_the_pages_say_so(client, coordinator_a, award,
                                                                                     approver):
    notice = issue(award, approver)

    assert not notice.sealed and notice.seal_fingerprint == ""
    assert bytes(notice.pdf) == render_notice_pdf(notice.snapshot)
    assert PdfFileReader(io.BytesIO(bytes(notice.pdf))).embedded_signatures == []
    client.force_login(coordinator_a)
    assert "nicht elektronisch gesiegelt" in text_of(
        client.get(reverse("grants:application_detail", args=[notice.application_id])))
    page = text_of(check(client, bytes(notice.pdf)))
    assert "Unverändert: Diese Datei ist ein hier erlassener Bescheid (nicht elektronisch gesiegelt)." in page
    assert "Hier werden Bescheide derzeit nicht elektronisch gesiegelt." in page
    assert f"Zuwendungsbescheid Nr. {notice.number} vom 29.10.2026" in page


# --- a broken configuration -------------------------------------------------------------------------

@pytest.mark.parametrize("setting, value", [
    ("NOTICE_SEAL_PKCS12_PASSPHRASE", "falsch"),
    ("NOTICE_SEAL_PKCS12_FILE", "/nicht/vorhanden/siegel.p12"),
    ("NOTICE_SEAL_PKCS12_PASSPHRASE_FILE", "/nicht/vorhanden/passphrase"),
])
def test_a_broken_seal_configuration_refuses_issuing_in_german_and_writes_nothing(pkcs12_seal, award, approver,
                                                                                 setting, value):
    setattr(pkcs12_seal, setting, value)

    with pytest.raises(DomainError, match="nicht erlassen") as refusal:
        issue(award, approver)

    assert "elektronische Siegel" in refusal.value.message
    assert not Notice.objects.exists()
    assert not NumberSequence.objects.filter(key__startswith="notice:", last_value__gt=0).exists()
    assert not AuditEntry.objects.filter(action="grants.notice.issued").exists()


def test_the_issue_page_shows_the_seal_refusal_and_the_next_notice_takes_the_first_number(pkcs12_seal, client,
                                                                                         approver, award):
    pkcs12_seal.NOTICE_SEAL_PKCS12_PASSPHRASE = "falsch"
    client.force_login(approver)
    url = reverse("grants:notice_issue", args=[award.application.pk]) + "?art=zuwendung"

    with factories.at(ISSUED, 11):
        response = client.post(url, {"issued_on": "29.10.2026"})

    assert response.status_code == 200
    assert "Das elektronische Siegel der Behörde ist nicht verfügbar (Schlüsseldatei oder Passphrase falsch)" in \
        text_of(response)
    assert not Notice.objects.exists()
    pkcs12_seal.NOTICE_SEAL_PKCS12_PASSPHRASE = PASSPHRASE
    assert issue(award, approver).number == "WIR-26-B2026-001"


# --- the check page ----------------------------------------------------------------------------------

def test_anyone_may_check_a_sealed_notice_and_is_told_it_is_genuine(pkcs12_seal, client, award, approver):
    notice = issue(award, approver)

    response = check(client, bytes(notice.pdf))

    assert response.status_code == 200
    page = text_of(response)
    assert "Echt und unverändert: Dieser Bescheid ist hier erlassen und elektronisch gesiegelt." in page
    assert "Das Siegel ist unversehrt" in page and "Das Siegelzertifikat ist gültig" in page
    assert "Das Siegel umfasst die ganze Datei" in page
    assert "CN=Siegel Testbehörde" in page
    assert f"Siegelnde Behörde: {notice.snapshot['authority']['name']}, Wiesbaden." in page
    assert f"Zuwendungsbescheid Nr. {notice.number} vom 29.10.2026 an" in page
    assert "im Antrag öffnen" not in page  # anonymous: no link into the application
    assert "Testsiegel" not in page


def test_coordinator_of_the_body_gets_a_link_to_the_notice_another_body_does_not(pkcs12_seal, client, coordinator_a,
                                                                                 coordinator_b, award, approver):
    notice = issue(award, approver)
    client.force_login(coordinator_a)
    assert f"Bescheid {notice.number} im Antrag öffnen" in text_of(check(client, bytes(notice.pdf)))
    client.force_login(coordinator_b)
    assert "im Antrag öffnen" not in text_of(check(client, bytes(notice.pdf)))


def test_the_check_page_detects_one_changed_byte(pkcs12_seal, client, award, approver):
    notice = issue(award, approver)

    page = text_of(check(client, changed(bytes(notice.pdf), 4000)))

    assert "Nicht bestätigt" in page
    assert "Das Siegel ist gebrochen" in page
    assert "Die Datei stimmt mit keinem hier erlassenen Bescheid überein" in page
    assert "Echt und unverändert" not in page


@pytest.mark.parametrize("where", ["header", "letter", "seal dictionary", "signature value", "last byte"])
def test_any_changed_byte_is_not_confirmed(pkcs12_seal, award, approver, where):
    from grants.selectors.notice_check import notice_check

    notice = issue(award, approver)
    pdf = bytes(notice.pdf)
    contents = pdf.index(b"/Contents <", len(render_notice_pdf(notice.snapshot))) + len(b"/Contents <")
    position = {"header": 2, "letter": len(pdf) // 3, "seal dictionary": pdf.index(b"/Reason"),
                "signature value": contents + 40, "last byte": len(pdf) - 3}[where]

    result = notice_check(data=changed(pdf, position), user=None)

    assert not result.confirmed
    assert result.notice is None


def test_a_file_with_bytes_appended_after_sealing_is_reported(pkcs12_seal, client, award, approver):
    notice = issue(award, approver)
    appended = bytes(notice.pdf) + b"\n% nachtraeglich angefuegt\n"

    page = text_of(check(client, appended))

    assert "Nicht bestätigt" in page
    assert "Die Datei stimmt mit keinem hier erlassenen Bescheid überein" in page


def test_a_seal_from_an_untrusted_certificate_is_reported_as_such(pkcs12_seal, pki, client, award, approver):
    pkcs12_seal.NOTICE_SEAL_PKCS12_FILE = str(pki.stranger_p12)  # trust roots: the authority's only
    notice = issue(award, approver)

    page = text_of(check(client, bytes(notice.pdf)))

    assert "Das Siegel ist unversehrt" in page
    assert "Das Siegelzertifikat ist nicht vertrauenswürdig" in page
    assert "Nicht bestätigt" in page and "CN=Siegel Fremde Stelle" in page


def test_a_file_that_is_no_pdf_gets_a_german_error(db, client):
    response = check(client, b"Sehr geehrte Damen und Herren,", name="bescheid.pdf")

    assert response.status_code == 200  # the form again, the reason beside the field
    assert "Die Datei ist kein PDF-Dokument." in text_of(response) and 'id="ergebnis"' not in text_of(response)


def test_a_damaged_pdf_is_reported_not_a_server_error(db, client):
    response = check(client, b"%PDF-1.7\n" + b"\x00kaputt" * 50)

    assert response.status_code == 200
    assert "Die Datei beginnt wie ein PDF, ist aber beschädigt und kann nicht gelesen werden." in text_of(response)
    assert "Nicht bestätigt" in text_of(response)


def test_a_file_above_the_upload_limit_is_refused(settings, client):
    settings.MAX_UPLOAD_BYTES = 1_048_576

    response = check(client, b"%PDF-1.7\n" + b"0" * 1_048_576)

    assert response.status_code == 200
    assert "Die Datei ist größer als 1 MB" in text_of(response) and 'id="ergebnis"' not in text_of(response)


def test_the_check_page_is_limited_per_address(settings, client, award, approver):
    settings.NOTICE_CHECK_LIMIT_PER_ADDRESS = 2
    notice = issue(award, approver)

    statuses = [check(client, bytes(notice.pdf)).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_the_check_page_is_in_the_navigation_of_coordinators_and_ministry_staff(client, coordinator_a, clerk):
    for user in (coordinator_a, clerk):
        client.force_login(user)
        assert f'href="{CHECK_URL}"' in client.get(reverse("dashboard")).content.decode()


# --- the command ------------------------------------------------------------------------------------

def test_verify_notice_confirms_the_file_and_every_stored_notice(pkcs12_seal, tmp_path, capsys, award, approver):
    notice = issue(award, approver)
    path = tmp_path / "bescheid.pdf"
    path.write_bytes(bytes(notice.pdf))

    call_command("verify_notice", str(path), "--all")

    out = capsys.readouterr().out
    assert "Echt und unverändert" in out
    assert f"✓ {notice.number} (gesiegelt): unverändert" in out
    assert "1 Bescheide geprüft, 1 in Ordnung." in out


def test_verify_notice_exits_non_zero_for_a_changed_byte(pkcs12_seal, tmp_path, capsys, award, approver):
    notice = issue(award, approver)
    path = tmp_path / "bescheid.pdf"
    path.write_bytes(changed(bytes(notice.pdf), 4000))

    with pytest.raises(CommandError, match="Nicht bestätigt") as failure:
        call_command("verify_notice", str(path))

    assert failure.value.returncode == 1
    assert "✗ Das Siegel ist gebrochen" in capsys.readouterr().out


def test_verify_notice_all_fails_for_an_untrusted_seal(pkcs12_seal, pki, capsys, award, approver):
    pkcs12_seal.NOTICE_SEAL_PKCS12_FILE = str(pki.stranger_p12)
    notice = issue(award, approver)

    with pytest.raises(CommandError):
        call_command("verify_notice", "--all")

    assert f"✗ {notice.number} (gesiegelt): Siegelzertifikat nicht vertrauenswürdig" in capsys.readouterr().out


# --- the demo's test seal ---------------------------------------------------------------------------

def test_the_demo_seals_with_a_generated_test_seal_marked_as_such(settings, tmp_path, client, coordinator_a, award,
                                                                  approver):
    settings.NOTICE_SEAL_DEMO = True
    settings.NOTICE_SEAL_DEMO_DIR = tmp_path / "demo-seal"

    notice = issue(award, approver)

    assert notice.seal_test and "TESTSIEGEL – nicht für den Rechtsverkehr" in notice.seal_subject
    assert (tmp_path / "demo-seal" / "ca.pem").exists()
    page = text_of(check(client, bytes(notice.pdf)))
    assert "Echt und unverändert" in page  # the demo trusts its own test root
    assert 'id="testsiegel"' in page and "Testsiegel – nicht für den Rechtsverkehr" in page
    client.force_login(coordinator_a)
    detail = text_of(client.get(reverse("grants:application_detail", args=[notice.application_id])))
    assert "Testsiegel – nicht für den Rechtsverkehr" in detail


# --- the database keeps the seal as issued ------------------------------------------------------------

@pytest.mark.postgres
def test_the_database_refuses_to_change_the_seal_record(pkcs12_seal, award, approver):
    from django.db import DatabaseError, connection, transaction

    notice = issue(award, approver)

    with pytest.raises(DatabaseError, match="kann nicht geändert werden"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE grants_notice SET seal_test = true WHERE id = %s", [notice.pk])
    assert Notice.objects.get(pk=notice.pk).seal_test is False


# --- PKCS#11: a SoftHSM token ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def softhsm_token(pki, tmp_path_factory):
    """A SoftHSM token holding the authority's seal key and certificate (skipped unless REQUIRE_SOFTHSM=1)."""
    if os.environ.get("REQUIRE_SOFTHSM") != "1":
        pytest.skip("braucht SoftHSM: mit REQUIRE_SOFTHSM=1 und dem Debian-Paket softhsm2")
    if not shutil.which("softhsm2-util") or not Path(SOFTHSM_MODULE).exists():
        pytest.fail("REQUIRE_SOFTHSM=1, aber softhsm2 ist nicht installiert (apt-get install softhsm2)")
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "0815"],
                   check=True, capture_output=True)
    subprocess.run(["softhsm2-util", "--import", str(pki.seal_key_pem), "--token", TOKEN, "--label", "siegel",
                    "--id", "01", "--pin", PIN], check=True, capture_output=True)
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    certificate = asn1_x509.Certificate.load(pki.seal_cert_der)
    token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: "siegel", Attribute.ID: b"\x01",
            Attribute.SUBJECT: certificate.subject.dump(), Attribute.VALUE: pki.seal_cert_der,
        })
    return SOFTHSM_MODULE


@pytest.fixture
def pkcs11_seal(settings, pki, softhsm_token):
    settings.NOTICE_SEAL_PKCS11_MODULE = softhsm_token
    settings.NOTICE_SEAL_PKCS11_TOKEN = TOKEN
    settings.NOTICE_SEAL_PKCS11_KEY = "siegel"
    settings.NOTICE_SEAL_PKCS11_PIN = PIN
    settings.NOTICE_SEAL_TRUST_ROOTS = [str(pki.root_pem)]
    return settings


def test_a_notice_sealed_on_a_pkcs11_token_validates_against_the_test_root(pkcs11_seal, pki, client, award, approver):
    notice = issue(award, approver)

    status = validate_pdf_signature(the_signature(bytes(notice.pdf)),
                                    ValidationContext(trust_roots=[root_certificate(pki)]))
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert notice.seal_fingerprint == hashlib.sha256(pki.seal_cert_der).hexdigest()
    assert notice.sha256 == hashlib.sha256(bytes(notice.pdf)).hexdigest()
    assert "Echt und unverändert" in text_of(check(client, bytes(notice.pdf)))


@pytest.mark.parametrize("setting, value", [("NOTICE_SEAL_PKCS11_PIN", "0000"),
                                            ("NOTICE_SEAL_PKCS11_TOKEN", "kein-solches-token"),
                                            ("NOTICE_SEAL_PKCS11_KEY", "kein-solcher-schluessel")])
def test_an_unusable_token_refuses_issuing_and_writes_nothing(pkcs11_seal, award, approver, setting, value):
    setattr(pkcs11_seal, setting, value)

    with pytest.raises(DomainError, match="Das elektronische Siegel der Behörde ist nicht verfügbar"):
        issue(award, approver)

    assert not Notice.objects.exists()
    assert not NumberSequence.objects.filter(key__startswith="notice:", last_value__gt=0).exists()
