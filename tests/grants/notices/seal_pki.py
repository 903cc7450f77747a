"""A test PKI for the seal tests, generated with certomancer: the authority's test root with
its seal certificate, and a stranger's root with a seal certificate nobody here trusts. Keys
are made fresh (RSA, so SoftHSM imports them as they are); nothing is read from the repository."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, ServiceLabel
from certomancer.services import TimeStamper
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PASSPHRASE = "test-siegel-passphrase"
VALIDITY = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2045-01-01T00:00:00+0000"}


@dataclass(frozen=True)
class SealPki:
    root_pem: Path  # the trust root of the authority's seal
    seal_p12: Path  # the authority's seal (key and certificate), PASSPHRASE
    seal_key_pem: Path  # the same key alone (PKCS#8), for the software token
    seal_cert_der: bytes
    stranger_root_pem: Path
    stranger_p12: Path  # a seal from a root nobody here trusts, PASSPHRASE
    timestamper: TimeStamper  # the authority's time-stamping authority (RFC 3161), in process


def _architecture(name: str, organisation: str) -> dict:
    architecture: dict[str, Any] = {
        "keyset": "siegel",
        "entity-defaults": {"country-name": "DE", "organization-name": organisation},
        "entities": {f"{name}-root": {"common-name": f"{organisation} Test-Wurzel"},
                     f"{name}-seal": {"common-name": f"Siegel {organisation}"}},
        "certs": {
            f"{name}-root": {
                "subject": f"{name}-root", "issuer": f"{name}-root", "validity": VALIDITY,
                "extensions": [
                    {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                    {"id": "key_usage", "critical": True,
                     "smart-value": {"schema": "key-usage", "params": ["digital_signature", "key_cert_sign",
                                                                       "crl_sign"]}},
                ],
            },
            f"{name}-seal": {
                "subject": f"{name}-seal", "issuer": f"{name}-root", "validity": VALIDITY,
                "extensions": [
                    {"id": "key_usage", "critical": True,
                     "smart-value": {"schema": "key-usage", "params": ["digital_signature", "non_repudiation"]}},
                ],
            },
        },
    }
    if name == "behoerde":  # the authority's time-stamping authority (PAdES B-T)
        architecture["entities"]["behoerde-tsa"] = {"common-name": f"Zeitstempeldienst {organisation}"}
        architecture["certs"]["behoerde-tsa"] = {
            "subject": "behoerde-tsa", "issuer": "behoerde-root", "validity": VALIDITY,
            "extensions": [
                {"id": "key_usage", "critical": True,
                 "smart-value": {"schema": "key-usage", "params": ["digital_signature", "non_repudiation"]}},
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
            ],
        }
        architecture["services"] = {"time-stamping": {"tsa": {"signing-cert": "behoerde-tsa"}}}
    return architecture


def build_test_pki(directory: Path) -> SealPki:
    labels = ("behoerde-root", "behoerde-seal", "behoerde-tsa", "fremd-root", "fremd-seal")
    for label in labels:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (directory / f"{label}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    config = {
        "keysets": {"siegel": {"keys": {label: {"path": f"{label}.key.pem"} for label in labels}}},
        "pki-architectures": {"behoerde": _architecture("behoerde", "Testbehörde"),
                              "fremd": _architecture("fremd", "Fremde Stelle")},
    }
    certomancer = CertomancerConfig.from_yaml(yaml.safe_dump(config, allow_unicode=True),
                                              key_search_dir=str(directory))
    paths = {}
    for arch in ("behoerde", "fremd"):
        pki = certomancer.get_pki_arch(ArchLabel(arch))
        root = pki.get_cert(CertLabel(f"{arch}-root"))
        paths[f"{arch}-root"] = directory / f"{arch}-root.pem"
        paths[f"{arch}-root"].write_bytes(
            b"-----BEGIN CERTIFICATE-----\n" + _base64_lines(root.dump()) + b"-----END CERTIFICATE-----\n")
        paths[f"{arch}-p12"] = directory / f"{arch}-seal.p12"
        paths[f"{arch}-p12"].write_bytes(pki.package_pkcs12(CertLabel(f"{arch}-seal"),
                                                            password=PASSPHRASE.encode()))
        if arch == "behoerde":
            seal_der = pki.get_cert(CertLabel("behoerde-seal")).dump()
            timestamper = pki.service_registry.summon_timestamper(ServiceLabel("tsa"))
    return SealPki(root_pem=paths["behoerde-root"], seal_p12=paths["behoerde-p12"],
                   seal_key_pem=directory / "behoerde-seal.key.pem", seal_cert_der=seal_der,
                   stranger_root_pem=paths["fremd-root"], stranger_p12=paths["fremd-p12"], timestamper=timestamper)


def _base64_lines(der: bytes) -> bytes:
    import base64

    encoded = base64.b64encode(der)
    return b"".join(encoded[i:i + 64] + b"\n" for i in range(0, len(encoded), 64))
