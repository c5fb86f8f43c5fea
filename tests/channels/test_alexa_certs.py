"""Amazon's signing certificate: where it may come from, its validity and chain, the trust
store, and the fetcher (against a local HTTP server; no network)."""
from __future__ import annotations

import http.server
import threading
import time
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from rasa_project.channels.verify import TrustStore, UrllibFetcher, VerificationError, check_cert_url

from .alexa_pki import LEAF_USAGE, NOW, DictFetcher, make_cert, new_key, pem, refused, signed, verifier_for
from .alexa_support import load_fixture


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/..\\invalid.path/echo-api-cert.pem",
    "https://user:pw@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com",
    "https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem",
])
def test_bad_certificate_urls_are_refused_before_any_download(pki, url):
    body, headers = signed(load_fixture("launch"), pki.leaf_key, cert_url=url)
    verifier = verifier_for(pki)
    verifier.fetcher = DictFetcher({url: pki.chain})
    refused(verifier, body, headers, "certificate URL")
    assert verifier.fetcher.calls == []


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    "HTTPS://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
])
def test_amazon_style_certificate_urls_are_accepted(url):
    check_cert_url(url)


def test_expired_signing_certificate_is_refused(pki):
    expired = pki.leaf_with(not_before=NOW - timedelta(days=60), not_after=NOW - timedelta(days=1))
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(expired, pki.intermediate)), body, headers, "validity dates")


def test_not_yet_valid_signing_certificate_is_refused(pki):
    early = pki.leaf_with(not_before=NOW + timedelta(days=1), not_after=NOW + timedelta(days=60))
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(early, pki.intermediate)), body, headers, "validity dates")


def test_expired_intermediate_is_refused(pki):
    old = make_cert("Test Intermediate CA", pki.intermediate_key, pki.root, pki.root_key, ca=True,
                    not_before=NOW - timedelta(days=60), not_after=NOW - timedelta(days=1))
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(pki.leaf, old)), body, headers, "certificate 1 outside")


@pytest.mark.parametrize("san", [["echo-api.amazon.com.evil.example"], ["example.org"], None])
def test_wrong_subject_alternative_name_is_refused(pki, san):
    wrong = pki.leaf_with(san=san)
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(wrong, pki.intermediate)), body, headers, "SAN")


def test_chain_to_an_untrusted_root_is_refused(pki):
    other_root_key = new_key()
    other_root = make_cert("Test Root CA", other_root_key, ca=True)  # same name, other key
    rogue_ca = make_cert("Test Intermediate CA", pki.intermediate_key, other_root, other_root_key,
                         ca=True)
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(pki.leaf, rogue_ca, other_root)), body, headers,
            "not issued by the next one|trusted root")


def test_chain_missing_its_intermediate_is_refused(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(pki.leaf)), body, headers, "not issued by the next one")


def test_certificate_signed_by_a_non_ca_is_refused(pki):
    # An attacker with any leaf certificate must not be able to mint echo-api certs.
    plain_key = new_key()
    plain = make_cert("Some Site", plain_key, pki.intermediate, pki.intermediate_key,
                      san=["example.org"], key_usage=None)  # so the CA check itself is tested
    forged = make_cert("echo-api.amazon.com", pki.leaf_key, plain, plain_key,
                       san=["echo-api.amazon.com"])
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(forged, plain, pki.intermediate)), body, headers, "not a CA")


def test_the_test_chain_is_shaped_like_amazons(pki):
    """KeyUsage digitalSignature + keyEncipherment, serverAuth and clientAuth, SAN, and key
    identifiers on the leaf; CAs with keyCertSign (as echo-api.amazon.com's chain)."""
    leaf_usage = pki.leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert leaf_usage.critical and leaf_usage.value.digital_signature and leaf_usage.value.key_encipherment
    eku = pki.leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}
    for cert in (pki.leaf, pki.intermediate):
        cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
        cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert pki.intermediate.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign


@pytest.mark.parametrize("usage", [None, "encipherment only"])
def test_signing_certificate_without_digital_signature_usage_is_refused(pki, usage):
    if usage:
        usage = x509.KeyUsage(digital_signature=False, key_encipherment=True,
                              content_commitment=False, data_encipherment=False,
                              key_agreement=False, key_cert_sign=False, crl_sign=False,
                              encipher_only=False, decipher_only=False)
    leaf = pki.leaf_with(key_usage=usage)
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(leaf, pki.intermediate)), body, headers,
            "KeyUsage lacks digitalSignature")


def test_a_ca_whose_key_usage_cannot_sign_certificates_is_refused(pki):
    intermediate = make_cert("Test Intermediate CA", pki.intermediate_key, pki.root, pki.root_key,
                             ca=True, key_usage=LEAF_USAGE)
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, pem(pki.leaf, intermediate)), body, headers, "keyCertSign")


def test_leaf_issued_directly_by_the_root_passes(pki):
    leaf = make_cert("echo-api.amazon.com", pki.leaf_key, pki.root, pki.root_key,
                     san=["echo-api.amazon.com"])
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    assert verifier_for(pki, pem(leaf)).verify(headers, body)


def test_chain_that_includes_the_root_passes(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    assert verifier_for(pki, pem(pki.leaf, pki.intermediate, pki.root)).verify(headers, body)


def test_garbage_instead_of_a_chain_is_refused(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    refused(verifier_for(pki, b"<html>not a certificate</html>"), body, headers, "not PEM")


def test_default_trust_store_loads_a_ca_bundle():
    assert len(TrustStore.default().roots) > 50


class _CertHandler(http.server.BaseHTTPRequestHandler):
    hits = 0
    body = b""
    delay = 0.0

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).hits += 1
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def cert_server(pki):
    handler = type("Handler", (_CertHandler,), {"hits": 0, "body": pki.chain, "delay": 0.0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}/echo.api/cert.pem"
    server.shutdown()
    server.server_close()


def test_urllib_fetcher_downloads_once_then_uses_its_cache(cert_server, pki):
    handler, url = cert_server
    fetcher = UrllibFetcher(timeout=2.0)
    assert fetcher(url) == pki.chain
    assert fetcher(url) == pki.chain
    assert handler.hits == 1


def test_urllib_fetcher_times_out(cert_server):
    handler, url = cert_server
    handler.delay = 1.0
    started = time.monotonic()
    with pytest.raises(VerificationError, match="download failed"):
        UrllibFetcher(timeout=0.2)(url)
    assert time.monotonic() - started < 0.9


def test_urllib_fetcher_refuses_a_huge_download(cert_server):
    handler, url = cert_server
    handler.body = b"x" * (65 * 1024)
    with pytest.raises(VerificationError, match="too large"):
        UrllibFetcher(timeout=2.0)(url)


def test_urllib_fetcher_keeps_only_recent_chains(cert_server):
    handler, url = cert_server
    fetcher = UrllibFetcher(timeout=2.0, max_entries=1)
    fetcher(url)
    fetcher(url + "?other")
    fetcher(url)
    assert handler.hits == 3
