"""The authority's electronic seal on issued notices: PAdES with pyHanko, and its check.

`notice_seal(pdf, authority=…)` seals the rendered notice once, inside `notice_issue`'s
transaction, as PAdES baseline B-B (B-T when `NOTICE_SEAL_TSA_URL` names a time-stamping
authority): one invisible signature field in an incremental update of the PDF/A-3b file, so
the rendered letter stays byte for byte as WeasyPrint wrote it and is followed by the seal
(PDF/A permits the incremental update; the DIN 5008 page keeps its layout, nothing is drawn
over the text – a PDF reader shows the seal in its signature panel, and the application's
pages say beside each notice whether and by whom it was sealed).

The key comes from configuration (wirfunding/settings.py, README, "Elektronisch gesiegelte Bescheide"): a PKCS#12
file with its passphrase, or a PKCS#11 token (module, token label, key label, PIN). Without
either a notice is issued unsealed, as before. With `NOTICE_SEAL_DEMO` (development only)
the demo's own test seal is used (grants/notices/demo_seal.py).

`pdf_check(data)` answers what the check page and `verify_notice` tell: is the file a PDF,
does it carry a seal, is the seal intact and valid (pyHanko's `validate_pdf_signature`
against the trust roots of `NOTICE_SEAL_TRUST_ROOTS`), who sealed it and when, does the seal
cover the whole file (nothing appended after sealing), and the file's SHA-256.
"""

import asyncio
import hashlib
import io
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

logger = logging.getLogger(__name__)
# pyHanko logs every certificate it cannot trust as a warning with a traceback; the check tells
# the person so in plain words, and an untrusted upload is no fault of this application.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.ERROR)

SEAL_FIELD = "Siegel"
SEAL_REASON = "Elektronisches Siegel des Förderbescheids"
PDF_MAGIC = b"%PDF-"


class SealUnavailable(DomainError):
    """The configured seal cannot be used (file, passphrase, token, PIN): nothing is issued."""


@dataclass(frozen=True)
class SealConfig:
    """Where the seal key is. Exactly one of `pkcs12_file` and `pkcs11_module` is set."""

    pkcs12_file: str = ""
    pkcs12_passphrase: str = ""
    pkcs11_module: str = ""
    pkcs11_token: str = ""
    pkcs11_key: str = ""
    pkcs11_cert: str = ""
    pkcs11_pin: str = ""
    location: str = ""
    tsa_url: str = ""
    test: bool = False


@dataclass(frozen=True)
class SealInfo:
    """What was sealed with: stored on the notice (grants.models.Notice.seal_*)."""

    sealed_at: datetime
    subject: str
    serial: str
    fingerprint: str  # SHA-256 of the certificate, hex
    test: bool


def _outside_event_loop(function, *args):
    """pyHanko's synchronous API runs `asyncio.run()`, which refuses to start where this thread
    already runs an event loop (an async caller; Playwright's sync API in the browser tests):
    there it runs in a helper thread, and the caller waits for it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def _secret(value: str, path: str) -> str:
    """A passphrase or PIN from the setting itself or from a file (a Docker/systemd secret)."""
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            logger.error("Siegel: Geheimnisdatei %s nicht lesbar: %s", path, error)
            raise _unavailable(_("Datei mit Passphrase bzw. PIN nicht lesbar")) from None
    return value


def seal_config() -> SealConfig | None:
    """The seal configured in the settings, or None: notices are then issued unsealed."""
    if settings.NOTICE_SEAL_PKCS12_FILE:
        return SealConfig(
            pkcs12_file=settings.NOTICE_SEAL_PKCS12_FILE,
            pkcs12_passphrase=_secret(settings.NOTICE_SEAL_PKCS12_PASSPHRASE,
                                      settings.NOTICE_SEAL_PKCS12_PASSPHRASE_FILE),
            location=settings.NOTICE_SEAL_LOCATION, tsa_url=settings.NOTICE_SEAL_TSA_URL,
            test=settings.NOTICE_SEAL_TEST)
    if settings.NOTICE_SEAL_PKCS11_MODULE:
        return SealConfig(
            pkcs11_module=settings.NOTICE_SEAL_PKCS11_MODULE, pkcs11_token=settings.NOTICE_SEAL_PKCS11_TOKEN,
            pkcs11_key=settings.NOTICE_SEAL_PKCS11_KEY,
            pkcs11_cert=settings.NOTICE_SEAL_PKCS11_CERT or settings.NOTICE_SEAL_PKCS11_KEY,
            pkcs11_pin=_secret(settings.NOTICE_SEAL_PKCS11_PIN, settings.NOTICE_SEAL_PKCS11_PIN_FILE),
            location=settings.NOTICE_SEAL_LOCATION, tsa_url=settings.NOTICE_SEAL_TSA_URL,
            test=settings.NOTICE_SEAL_TEST)
    if settings.NOTICE_SEAL_DEMO:
        from grants.notices.demo_seal import demo_seal_files  # development only

        files = demo_seal_files()
        return SealConfig(pkcs12_file=str(files.pkcs12), pkcs12_passphrase=files.passphrase,
                          location=settings.NOTICE_SEAL_LOCATION, test=True)
    return None


def sealing_configured() -> bool:
    return bool(settings.NOTICE_SEAL_PKCS12_FILE or settings.NOTICE_SEAL_PKCS11_MODULE or settings.NOTICE_SEAL_DEMO)


def _unavailable(detail: str) -> SealUnavailable:
    return SealUnavailable(_("Der Bescheid wurde nicht erlassen: Das elektronische Siegel der Behörde ist nicht "
                             "verfügbar (%(detail)s). Bitte wenden Sie sich an den IT-Betrieb; die Bescheidnummer "
                             "ist nicht verbraucht.") % {"detail": detail})


def _pkcs12_signer(config: SealConfig):
    from pyhanko.sign import signers

    try:
        data = Path(config.pkcs12_file).read_bytes()
    except OSError as error:
        logger.error("Siegel: PKCS#12-Datei %s nicht lesbar: %s", config.pkcs12_file, error)
        raise _unavailable(_("Schlüsseldatei nicht lesbar")) from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=config.pkcs12_passphrase.encode() or None)
    except (ValueError, TypeError) as error:
        logger.error("Siegel: PKCS#12-Datei %s nicht geladen: %s", config.pkcs12_file, error)
        raise _unavailable(_("Schlüsseldatei oder Passphrase falsch")) from None
    if signer is None or signer.signing_cert is None:
        raise _unavailable(_("Schlüsseldatei oder Passphrase falsch"))
    return signer


def _pkcs11_signer(config: SealConfig, stack: ExitStack):
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as sign_pkcs11

    try:
        session = sign_pkcs11.open_pkcs11_session(
            config.pkcs11_module, token_criteria=TokenCriteria(label=config.pkcs11_token or None),
            user_pin=config.pkcs11_pin or None)
    except Exception as error:  # python-pkcs11 raises its own hierarchy and OSError for a missing module
        logger.error("Siegel: PKCS#11-Token %r (%s) nicht geöffnet: %r", config.pkcs11_token,
                     config.pkcs11_module, error)
        raise _unavailable(_("Token nicht erreichbar oder PIN falsch")) from None
    stack.callback(session.close)
    try:
        signer = sign_pkcs11.PKCS11Signer(session, cert_label=config.pkcs11_cert, key_label=config.pkcs11_key,
                                          other_certs_to_pull=None)
        signer.signing_cert  # noqa: B018  (loads the certificate now: a wrong label fails here, not later)
    except Exception as error:
        logger.error("Siegel: Schlüssel %r auf Token %r nicht gefunden: %r", config.pkcs11_key,
                     config.pkcs11_token, error)
        raise _unavailable(_("Siegelschlüssel oder -zertifikat auf dem Token nicht gefunden")) from None
    return signer


_NAME_KEYS = {"common_name": "CN", "organization_name": "O", "organizational_unit_name": "OU",
              "organization_identifier": "organizationIdentifier", "locality_name": "L",
              "state_or_province_name": "ST", "country_name": "C", "serial_number": "serialNumber"}


def certificate_subject(cert: asn1_x509.Certificate) -> str:
    """The subject as an administrator writes it: `CN=…, O=…, C=DE`."""
    parts = []
    for rdn in cert.subject.chosen:
        for attribute in rdn:
            key = attribute["type"].native
            parts.append(f"{_NAME_KEYS.get(key, key)}={attribute['value'].native}")
    return ", ".join(parts)


def certificate_fingerprint(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


class Sealer:
    """A loaded seal key (`notice_sealer`): seals any number of PDFs while it is open."""

    def __init__(self, signer, config: SealConfig):
        self.signer, self.config = signer, config

    def seal(self, pdf: bytes, *, authority: str, location: str = "") -> tuple[bytes, SealInfo]:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers, timestamps

        cert = self.signer.signing_cert
        metadata = signers.PdfSignatureMetadata(
            field_name=SEAL_FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
            name=authority, reason=SEAL_REASON, location=self.config.location or location)
        timestamper = timestamps.HTTPTimeStamper(self.config.tsa_url) if self.config.tsa_url else None
        sealed_at = timezone.now()
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            output = _outside_event_loop(
                signers.PdfSigner(metadata, signer=self.signer, timestamper=timestamper).sign_pdf, writer)
        except Exception as error:  # the token, the TSA or the key refused: never a half-sealed notice
            logger.error("Siegel: Siegeln fehlgeschlagen: %r", error)
            raise _unavailable(_("Siegeln fehlgeschlagen")) from None
        return output.getvalue(), SealInfo(
            sealed_at=sealed_at, subject=certificate_subject(cert), serial=format(cert.serial_number, "x"),
            fingerprint=certificate_fingerprint(cert), test=self.config.test)


@contextmanager
def notice_sealer(config: SealConfig | None = None) -> Iterator[Sealer | None]:
    """The configured seal, loaded (PKCS#12 read, token session open) – or None when no seal is
    configured. Raises SealUnavailable (a German message) when the configured seal cannot be
    loaded, so `notice_issue` opens it before it draws a number."""
    config = config if config is not None else seal_config()
    if config is None:
        yield None
        return
    with ExitStack() as stack:
        signer = _pkcs12_signer(config) if config.pkcs12_file else _pkcs11_signer(config, stack)
        yield Sealer(signer, config)


def notice_seal(pdf: bytes, *, authority: str, location: str = "",
                config: SealConfig | None = None) -> tuple[bytes, SealInfo | None]:
    """Seal one PDF with the configured seal: the sealed bytes and what sealed them; without
    configuration the bytes unchanged and None."""
    with notice_sealer(config) as sealer:
        if sealer is None:
            return pdf, None
        return sealer.seal(pdf, authority=authority, location=location)


# Check -----------------------------------------------------------------------------------

def _load_certificates(path: str) -> list[asn1_x509.Certificate]:
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def trust_roots() -> list[asn1_x509.Certificate]:
    """The configured trust roots (PEM or DER files); with the demo seal, the demo's test CA."""
    roots = []
    for path in settings.NOTICE_SEAL_TRUST_ROOTS:
        try:
            roots.extend(_load_certificates(path))
        except (OSError, ValueError) as error:
            logger.error("Siegel: Vertrauensanker %s nicht lesbar: %s", path, error)
    if settings.NOTICE_SEAL_DEMO:
        from grants.notices.demo_seal import demo_seal_files

        roots.extend(_load_certificates(str(demo_seal_files().ca)))
    return roots


@dataclass
class SealCheck:
    """The seal of a checked file, told plainly."""

    intact: bool  # the sealed bytes are unchanged (the document hash in the seal matches)
    valid: bool  # intact and the signature over it verifies with the certificate's key
    trusted: bool  # the certificate chains to a configured trust root (and was valid when sealed)
    covers_whole_file: bool  # nothing was appended or changed after the seal
    signer_subject: str
    signer_serial: str
    signer_fingerprint: str
    signed_at: datetime | None  # the signing time the sealer stated
    timestamped_at: datetime | None  # a time-stamp authority's time (PAdES B-T), if any
    name: str
    reason: str
    location: str
    trust_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file


@dataclass
class PdfCheck:
    sha256: str
    is_pdf: bool
    seals: list[SealCheck] = field(default_factory=list)
    unreadable: bool = False  # a PDF header, but pyHanko could not read the file

    @property
    def seal(self) -> SealCheck | None:
        """The notice's seal: the last signature in the file (a notice carries exactly one)."""
        return self.seals[-1] if self.seals else None


def _embedded_str(signature, key: str) -> str:
    value = signature.sig_object.get(key)
    return str(value) if value is not None else ""


def pdf_check(data: bytes) -> PdfCheck:
    """Check an uploaded file: its SHA-256 and each seal in it, validated by pyHanko."""
    digest = hashlib.sha256(data).hexdigest()
    if not data.lstrip()[:1024].startswith(PDF_MAGIC) and PDF_MAGIC not in data[:1024]:
        return PdfCheck(sha256=digest, is_pdf=False)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:  # a damaged file: pyHanko's reader raises several kinds
        logger.info("Prüfung: PDF nicht lesbar: %r", error)
        return PdfCheck(sha256=digest, is_pdf=True, unreadable=True)
    roots = trust_roots()
    checks = []
    for signature in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = _outside_event_loop(validate_pdf_signature, signature, context)
        except Exception as error:  # a damaged signature container counts as broken, not as a crash
            logger.info("Prüfung: Siegel nicht auswertbar: %r", error)
            checks.append(SealCheck(intact=False, valid=False, trusted=False, covers_whole_file=False,
                                    signer_subject="", signer_serial="", signer_fingerprint="", signed_at=None,
                                    timestamped_at=None, name=_embedded_str(signature, "/Name"),
                                    reason=_embedded_str(signature, "/Reason"),
                                    location=_embedded_str(signature, "/Location")))
            continue
        cert = status.signing_cert
        stamp = status.timestamp_validity
        checks.append(SealCheck(
            intact=status.intact, valid=status.valid, trusted=bool(status.trusted),
            covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            signer_subject=certificate_subject(cert), signer_serial=format(cert.serial_number, "x"),
            signer_fingerprint=certificate_fingerprint(cert), signed_at=status.signer_reported_dt,
            timestamped_at=stamp.timestamp if stamp is not None else None,
            name=_embedded_str(signature, "/Name"), reason=_embedded_str(signature, "/Reason"),
            location=_embedded_str(signature, "/Location"),
            trust_problem=str(status.trust_problem_indic or "")))
    return PdfCheck(sha256=digest, is_pdf=True, seals=checks)
