"""A generated PKI shaped like Amazon's echo-api chain, and requests signed with it, for the
Alexa verification tests. Everything is local: certificates are generated here and the
"download" of Amazon's chain is an injected fetcher."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from rasa_project.channels.verify import AlexaVerifier, TrustStore, VerificationError

SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
NOW = datetime(2030, 6, 1, 12, 0, 0, tzinfo=timezone.utc)  # fixed clock for verification


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


LEAF_USAGE = x509.KeyUsage(  # Amazon's echo-api signing certificate
    digital_signature=True, key_encipherment=True, content_commitment=False,
    data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
    encipher_only=False, decipher_only=False)
CA_USAGE = x509.KeyUsage(  # its issuing CAs (DigiCert)
    digital_signature=True, key_encipherment=False, content_commitment=False,
    data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
    encipher_only=False, decipher_only=False)
DEFAULT = object()


def make_cert(
    name: str,
    key: rsa.RSAPrivateKey,
    issuer: Optional[x509.Certificate] = None,
    issuer_key: Optional[rsa.RSAPrivateKey] = None,
    ca: bool = False,
    san: Optional[List[str]] = None,
    not_before: datetime = NOW - timedelta(days=30),
    not_after: datetime = NOW + timedelta(days=30),
    key_usage: Any = DEFAULT,  # None leaves the extension out
) -> x509.Certificate:
    """A certificate shaped like Amazon's chain: KeyUsage, ExtendedKeyUsage (leaf),
    subject and authority key identifiers, SAN on the leaf."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_public = (issuer_key or key).public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca and issuer else None),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public),
                       critical=False)
    )
    usage = (CA_USAGE if ca else LEAF_USAGE) if key_usage is DEFAULT else key_usage
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    if not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in san]), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256())


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


@dataclass
class Pki:
    """Root CA -> intermediate CA -> signing certificate for echo-api.amazon.com."""

    root: x509.Certificate
    root_key: rsa.RSAPrivateKey
    intermediate: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey

    @property
    def chain(self) -> bytes:
        return pem(self.leaf, self.intermediate)

    def store(self) -> TrustStore:
        return TrustStore([self.root])

    def leaf_with(self, **overrides: Any) -> x509.Certificate:
        args: Dict[str, Any] = dict(
            issuer=self.intermediate, issuer_key=self.intermediate_key,
            san=["echo-api.amazon.com"],
        )
        args.update(overrides)
        return make_cert("echo-api.amazon.com", self.leaf_key, **args)


def new_pki() -> Pki:
    root_key, intermediate_key, leaf_key = new_key(), new_key(), new_key()
    root = make_cert("Test Root CA", root_key, ca=True,
                     not_before=NOW - timedelta(days=3650), not_after=NOW + timedelta(days=3650))
    intermediate = make_cert("Test Intermediate CA", intermediate_key, root, root_key, ca=True)
    leaf = make_cert("echo-api.amazon.com", leaf_key, intermediate, intermediate_key,
                     san=["echo-api.amazon.com"])
    return Pki(root, root_key, intermediate, intermediate_key, leaf, leaf_key)


@dataclass
class DictFetcher:
    """Stands in for the download from s3.amazonaws.com; records what was asked."""

    files: Dict[str, bytes]
    calls: List[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        return self.files[url]


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def signed(envelope: Dict[str, Any], key: rsa.RSAPrivateKey, cert_url: str = CERT_URL,
           sha1: bool = False, when: Optional[datetime] = NOW):
    """Body bytes and headers exactly as Alexa sends them, signed with key."""
    envelope = json.loads(json.dumps(envelope))
    if when is not None:
        envelope["request"]["timestamp"] = stamp(when)
    else:
        envelope["request"].pop("timestamp", None)
    body = json.dumps(envelope).encode()
    return body, sign_headers(body, key, cert_url, sha1)


def sign_headers(body: bytes, key: rsa.RSAPrivateKey, cert_url: str = CERT_URL,
                 sha1: bool = False) -> Dict[str, str]:
    algorithm = hashes.SHA1() if sha1 else hashes.SHA256()
    signature = base64.b64encode(key.sign(body, padding.PKCS1v15(), algorithm)).decode()
    headers = {"SignatureCertChainUrl": cert_url,
               ("Signature" if sha1 else "Signature-256"): signature,
               "Content-Type": "application/json"}
    return headers


def refused(verifier, body, headers, reason):
    """The verifier refuses the request, for `reason` (a regular expression)."""
    with pytest.raises(VerificationError, match=reason):
        verifier.verify(headers, body)


def verifier_for(pki: Pki, chain: Optional[bytes] = None, clock=lambda: NOW) -> AlexaVerifier:
    fetcher = DictFetcher({CERT_URL: chain if chain is not None else pki.chain})
    return AlexaVerifier(skill_id=SKILL_ID, fetcher=fetcher, clock=clock,
                         trust_store=pki.store())
