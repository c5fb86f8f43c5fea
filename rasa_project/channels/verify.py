"""Check that a request really comes from Alexa, as Amazon requires of skills not on Lambda.

Steps (Amazon, "Host a custom skill as a web service"): the SignatureCertChainUrl
header, the certificate chain it points to, the signature over the raw body, the
request timestamp, and (our rule) the skill id in the envelope.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from rasa_project.channels.certs import (  # noqa: F401 (re-exported for the channel and tests)
    CertFetcher,
    TrustStore,
    UrllibFetcher,
    VerificationError,
    _load_pem_chain,
    check_cert_url,
    check_chain,
)

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_256_HEADER = "Signature-256"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)


def check_signature(cert: x509.Certificate, headers: Mapping[str, str], body: bytes) -> None:
    """Signature-256 (SHA-256) only: Amazon's own verifier reads no other header, so a
    request signed only with the older SHA-1 `Signature` is refused."""
    value = _header(headers, SIGNATURE_256_HEADER)
    algorithm: hashes.HashAlgorithm = hashes.SHA256()
    if not value:
        raise VerificationError("Signature-256 header missing")
    try:
        signature = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VerificationError("signature not base64") from error
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("signing key is not RSA")
    try:
        key.verify(signature, body, padding.PKCS1v15(), algorithm)
    except InvalidSignature as error:
        raise VerificationError("signature does not match the body") from error


_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$"
)


def parse_timestamp(value: Any) -> datetime:
    """ISO 8601 as Alexa sends it ("2024-05-01T12:00:00Z", sometimes with fractions)."""
    match = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if not match:
        raise VerificationError("request timestamp missing or malformed")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    offset = timedelta(0)
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=timezone(offset),
        )
    except ValueError as error:
        raise VerificationError("request timestamp out of range") from error
    return moment.astimezone(timezone.utc)


def check_timestamp(envelope: Mapping[str, Any], now: datetime) -> None:
    request = envelope.get("request") if isinstance(envelope, Mapping) else None
    stamp = parse_timestamp(request.get("timestamp") if isinstance(request, Mapping) else None)
    if abs(now - stamp) > TIMESTAMP_TOLERANCE:
        raise VerificationError("request timestamp more than 150 seconds away")


def application_ids(envelope: Mapping[str, Any]) -> List[str]:
    """Every applicationId the envelope carries (session and context.System)."""
    found = []
    for path in (("session", "application"), ("context", "System", "application")):
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping) and "applicationId" in node:
            found.append(node["applicationId"])
    return found


def check_skill_id(envelope: Mapping[str, Any], skill_id: str) -> None:
    ids = application_ids(envelope)
    if not ids or any(found != skill_id for found in ids):
        raise VerificationError("applicationId is not this skill's id")


def parse_envelope(body: bytes) -> Dict[str, Any]:
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise VerificationError("body is not JSON") from error
    if not isinstance(envelope, dict):
        raise VerificationError("body is not a JSON object")
    return envelope


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    value = headers.get(name)
    if value is None:  # plain dicts (tests, other servers) are case-sensitive
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class AlexaVerifier:
    """All of Amazon's checks on one request; verify() returns the parsed envelope."""

    skill_id: str
    fetcher: CertFetcher = field(default_factory=UrllibFetcher)
    trust_store: Optional[TrustStore] = field(default=None, repr=False)
    trust_store_path: Optional[str] = None  # PEM bundle; None = certifi/system bundle
    clock: Callable[[], datetime] = _utcnow

    @property
    def store(self) -> TrustStore:
        if self.trust_store is None:  # loaded on first use, not at import or startup
            path = self.trust_store_path
            self.trust_store = TrustStore.from_file(path) if path else TrustStore.default()
        return self.trust_store

    def verify(self, headers: Mapping[str, str], body: bytes) -> Dict[str, Any]:
        url = _header(headers, CERT_URL_HEADER)
        if not url:
            raise VerificationError("SignatureCertChainUrl header missing")
        if not _header(headers, SIGNATURE_256_HEADER):
            raise VerificationError("Signature-256 header missing")
        check_cert_url(url)
        chain = _load_pem_chain(self.fetcher(url))
        now = self.clock()
        check_chain(chain, self.store, now)
        check_signature(chain[0], headers, body)
        envelope = parse_envelope(body)
        check_timestamp(envelope, now)
        check_skill_id(envelope, self.skill_id)
        return envelope
