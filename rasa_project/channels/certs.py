"""Alexa's signing certificate: the URL rules, fetching it, and checking its chain.

Amazon, "Host a custom skill as a web service": the SignatureCertChainUrl must be https
on s3.amazonaws.com under /echo.api/; the chain must be in date, lead to a trusted root,
and name echo-api.amazon.com.
"""
from __future__ import annotations

import posixpath
import threading
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import List, Optional, Protocol, Sequence
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtensionOID

CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
CERT_PORT = 443
SIGNING_DOMAIN = "echo-api.amazon.com"
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


def _key_usage(cert: x509.Certificate) -> Optional[x509.KeyUsage]:
    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None


def check_key_usage(chain: Sequence[x509.Certificate]) -> None:
    """As Amazon's verifier (through OpenSSL): the signing certificate may sign (its
    KeyUsage names digitalSignature; Amazon's always carries one), and a CA that states a
    KeyUsage may sign certificates."""
    usage = _key_usage(chain[0])
    if usage is None or not usage.digital_signature:
        raise VerificationError("signing certificate KeyUsage lacks digitalSignature")
    for position, cert in enumerate(chain[1:], start=1):
        usage = _key_usage(cert)
        if usage is not None and not usage.key_cert_sign:
            raise VerificationError(f"certificate {position} KeyUsage lacks keyCertSign")


def check_chain(chain: Sequence[x509.Certificate], store: TrustStore, now: datetime) -> None:
    """Signing certificate first; each one issued by the next, ending at a trusted root."""
    if not chain:
        raise VerificationError("certificate chain empty")
    leaf = chain[0]
    if SIGNING_DOMAIN not in _san_names(leaf):
        raise VerificationError("signing certificate SAN lacks echo-api.amazon.com")
    check_key_usage(chain)
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
