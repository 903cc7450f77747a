"""The demo's test seal: a self-made CA and a seal certificate, clearly not for legal use.

`make run` sets `NOTICE_SEAL_DEMO=true`; the first notice sealed (seed_demo) then creates
`var/demo-seal/` (or `NOTICE_SEAL_DEMO_DIR`): `ca.pem` – the test root, which the check page
trusts in demo mode – and `seal.p12` with the seal key and certificate. Generated with
`cryptography` alone, so it works on a fresh machine with only Python; kept afterwards, so
notices sealed earlier still verify. Settings refuse NOTICE_SEAL_DEMO without DEBUG.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

PASSPHRASE = "demo-testsiegel"
SEAL_NAME = "TESTSIEGEL – nicht für den Rechtsverkehr"
CA_NAME = "TESTSIEGEL-Wurzel – nicht für den Rechtsverkehr"
ORGANISATION = "WIR-Förderverwaltung (Demo)"


@dataclass(frozen=True)
class DemoSealFiles:
    ca: Path
    pkcs12: Path
    passphrase: str = PASSPHRASE


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def _write(directory: Path) -> None:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=20 * 365)
    ca_key, seal_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name(CA_NAME)).issuer_name(_name(CA_NAME))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(start).not_valid_after(end)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(_key_usage(ca=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    seal = (x509.CertificateBuilder().subject_name(_name(SEAL_NAME)).issuer_name(ca.subject)
            .public_key(seal_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    bundle = pkcs12.serialize_key_and_certificates(
        b"testsiegel", seal_key, seal, [ca], serialization.BestAvailableEncryption(PASSPHRASE.encode()))
    (directory / "seal.p12").write_bytes(bundle)


def demo_seal_files() -> DemoSealFiles:
    """The demo seal's files, created on first use."""
    directory = Path(settings.NOTICE_SEAL_DEMO_DIR)
    files = DemoSealFiles(ca=directory / "ca.pem", pkcs12=directory / "seal.p12")
    if not (files.ca.exists() and files.pkcs12.exists()):
        _write(directory)
    return files
