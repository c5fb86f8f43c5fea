"""Check that a request really comes from Alexa, as Amazon requires of skills not on Lambda.

Steps (Amazon, "Host a custom skill as a web service"): the SignatureCertChainUrl
header, the certificate chain it points to, the signature over the raw body, the
request timestamp, and (our rule) the skill id in the envelope.
"""
from __future__ import annotations

import base64
import binascii
import json
import posixpath
import re
import threading
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Protocol, Sequence
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtensionOID

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_256_HEADER = "Signature-256"
SIGNATURE_SHA1_HEADER = "Signature"
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
CERT_PORT = 443
SIGNING_DOMAIN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
MAX_CERT_BYTES = 64 * 1024
SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")


class VerificationError(Exception):
    """The request must be refused with HTTP 400; the message says why (no user data)."""


class CertFetcher(Protocol):
    """Return the PEM bytes found at a (validated) certificate chain URL."""

    def __call__(self, url: str) -> bytes: ...


@dataclass
class UrllibFetcher:
    """Download certificate chains with a timeout, keeping recent ones in memory."""

    timeout: float = 3.0  # seconds; Alexa waits about 8 s for the whole answer
    max_entries: int = 16  # Amazon rotates one chain at a time; a few suffice
    _cache: "OrderedDict[str, bytes]" = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, url: str) -> bytes:
        with self._lock:
            if url in self._cache:
                self._cache.move_to_end(url)
                return self._cache[url]
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310
                data = response.read(MAX_CERT_BYTES + 1)
        except OSError as error:
            raise VerificationError(f"certificate chain download failed: {error}") from error
        if len(data) > MAX_CERT_BYTES:
            raise VerificationError("certificate chain too large")
        with self._lock:
            self._cache[url] = data
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return data


@dataclass
class TrustStore:
    """Root certificates a chain may end in."""

    roots: List[x509.Certificate]

    @classmethod
    def from_pem(cls, data: bytes) -> "TrustStore":
        return cls(_load_pem_chain(data))

    @classmethod
    def from_file(cls, path: str) -> "TrustStore":
        return cls.from_pem(Path(path).read_bytes())

    @classmethod
    def default(cls) -> "TrustStore":
        """certifi's bundle when installed (Rasa pulls it in), else the system bundle."""
        try:
            import certifi

            return cls.from_file(certifi.where())
        except ImportError:
            for path in SYSTEM_BUNDLES:
                if Path(path).exists():
                    return cls.from_file(path)
        raise FileNotFoundError("no CA bundle found; set trust_store in credentials.yml")

    def anchor_for(self, cert: x509.Certificate) -> Optional[x509.Certificate]:
        """The trusted root that is this certificate or directly issued it, if any."""
        for root in self.roots:
            if root.subject == cert.subject and root.public_key() == cert.public_key():
                return root
            if root.subject == cert.issuer and _issued_by(cert, root):
                return root
        return None


def _load_pem_chain(data: bytes) -> List[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as error:
        raise VerificationError("certificate chain is not PEM") from error


def check_cert_url(url: str) -> None:
    """Amazon's URL rules: https, host s3.amazonaws.com, port 443, path under /echo.api/."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise VerificationError("certificate URL unparsable") from error
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL not https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise VerificationError("certificate URL host not s3.amazonaws.com")
    if port is not None and port != CERT_PORT:
        raise VerificationError("certificate URL port not 443")
    if parts.username is not None or parts.password is not None:
        raise VerificationError("certificate URL carries credentials")
    # The path is case-sensitive; "/echo.api/../x" normalizes away from /echo.api/.
    path = unquote(parts.path)
    normalized = posixpath.normpath(path) if path else ""
    if path.endswith("/") and not normalized.endswith("/"):
        normalized += "/"
    if "\\" in path or not normalized.startswith(CERT_PATH_PREFIX):
        raise VerificationError("certificate URL path not under /echo.api/")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


def _in_date(cert: x509.Certificate, now: datetime) -> bool:
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _san_names(cert: x509.Certificate) -> List[str]:
    try:
        ext = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    except x509.ExtensionNotFound:
        return []
    return [name.lower() for name in ext.value.get_values_for_type(x509.DNSName)]


def check_chain(chain: Sequence[x509.Certificate], store: TrustStore, now: datetime) -> None:
    """Signing certificate first; each one issued by the next, ending at a trusted root."""
    if not chain:
        raise VerificationError("certificate chain empty")
    leaf = chain[0]
    if SIGNING_DOMAIN not in _san_names(leaf):
        raise VerificationError("signing certificate SAN lacks echo-api.amazon.com")
    for position, cert in enumerate(chain):
        if not _in_date(cert, now):
            raise VerificationError(f"certificate {position} outside its validity dates")
        if position > 0 and not _is_ca(cert):
            raise VerificationError(f"certificate {position} is not a CA")
        anchor = store.anchor_for(cert)
        if anchor is not None and (position > 0 or anchor.subject != cert.subject):
            if not _in_date(anchor, now):
                raise VerificationError("trusted root outside its validity dates")
            return
        if position + 1 >= len(chain) or not _issued_by(cert, chain[position + 1]):
            raise VerificationError(f"certificate {position} not issued by the next one")
    raise VerificationError("certificate chain does not reach a trusted root")


def check_signature(cert: x509.Certificate, headers: Mapping[str, str], body: bytes) -> None:
    """Signature-256 (SHA-256) when present, else the older Signature (SHA-1)."""
    value = _header(headers, SIGNATURE_256_HEADER)
    algorithm: hashes.HashAlgorithm = hashes.SHA256()
    if value is None:
        value, algorithm = _header(headers, SIGNATURE_SHA1_HEADER), hashes.SHA1()
    if not value:
        raise VerificationError("signature header missing")
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
        if _header(headers, SIGNATURE_256_HEADER) is None and not _header(
            headers, SIGNATURE_SHA1_HEADER
        ):
            raise VerificationError("signature header missing")
        check_cert_url(url)
        chain = _load_pem_chain(self.fetcher(url))
        now = self.clock()
        check_chain(chain, self.store, now)
        check_signature(chain[0], headers, body)
        envelope = parse_envelope(body)
        check_timestamp(envelope, now)
        check_skill_id(envelope, self.skill_id)
        return envelope
