"""Amazon's request checks, each one shown to refuse what it must (no network): signatures,
timestamps, skill ids, headers. Certificates and their download: test_alexa_certs.py."""
from __future__ import annotations

from datetime import timedelta

import pytest

from rasa_project.channels.verify import VerificationError, parse_timestamp

from .alexa_pki import NOW, new_key, refused, sign_headers, signed, verifier_for
from .alexa_support import SKILL_ID, load_fixture


def test_good_request_passes_and_returns_the_envelope(pki):
    body, headers = signed(load_fixture("catch_all"), pki.leaf_key)
    envelope = verifier_for(pki).verify(headers, body)
    assert envelope["request"]["intent"]["name"] == "CatchAllIntent"


def test_a_sha1_only_request_is_refused_as_amazons_verifier_does(pki):
    """A valid SHA-1 `Signature` without `Signature-256`: Amazon's library refuses it."""
    body, headers = signed(load_fixture("launch"), pki.leaf_key, sha1=True)
    assert "Signature-256" not in headers and headers["Signature"]
    refused(verifier_for(pki), body, headers, "Signature-256 header missing")


def test_a_good_sha256_passes_beside_an_old_sha1_header(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    headers["Signature"] = "bm90IGNoZWNrZWQ="  # Amazon still sends both; only SHA-256 counts
    assert verifier_for(pki).verify(headers, body)["request"]["type"] == "LaunchRequest"


def test_header_names_are_case_insensitive(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    lowered = {k.lower(): v for k, v in headers.items()}
    assert verifier_for(pki).verify(lowered, body)["request"]["type"] == "LaunchRequest"


def test_tampered_body_is_refused(pki):
    body, headers = signed(load_fixture("catch_all"), pki.leaf_key)
    tampered = body.replace(b"friend is not breathing", b"friend is fine now thanks")
    assert tampered != body
    refused(verifier_for(pki), tampered, headers, "signature does not match")


def test_signature_from_another_key_is_refused(pki):
    body, headers = signed(load_fixture("launch"), new_key())
    refused(verifier_for(pki), body, headers, "signature does not match")


def test_bad_sha256_is_not_rescued_by_a_good_sha1(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key, sha1=True)
    _, other = signed(load_fixture("help"), pki.leaf_key)
    headers["Signature-256"] = other["Signature-256"]
    refused(verifier_for(pki), body, headers, "signature does not match")


def test_signature_that_is_not_base64_is_refused(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    headers["Signature-256"] = "not base64!!"
    refused(verifier_for(pki), body, headers, "not base64")


@pytest.mark.parametrize("age", [151, -151, 3600])
def test_timestamp_outside_150_seconds_is_refused(pki, age):
    body, headers = signed(load_fixture("launch"), pki.leaf_key, when=NOW - timedelta(seconds=age))
    refused(verifier_for(pki), body, headers, "150 seconds")


def test_timestamp_inside_150_seconds_passes(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key, when=NOW - timedelta(seconds=149))
    assert verifier_for(pki).verify(headers, body)


def test_missing_timestamp_is_refused(pki):
    body, headers = signed(load_fixture("launch"), pki.leaf_key, when=None)
    assert b"timestamp" not in body
    refused(verifier_for(pki), body, headers, "timestamp missing")


def test_wrong_skill_id_is_refused(pki):
    envelope = load_fixture("launch")
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    envelope["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    body, headers = signed(envelope, pki.leaf_key)
    refused(verifier_for(pki), body, headers, "applicationId")


def test_skill_id_is_checked_in_context_too(pki):
    envelope = load_fixture("launch")
    envelope["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    body, headers = signed(envelope, pki.leaf_key)
    refused(verifier_for(pki), body, headers, "applicationId")


def test_context_alone_carries_the_skill_id(pki):
    envelope = load_fixture("launch")
    del envelope["session"]
    body, headers = signed(envelope, pki.leaf_key)
    assert verifier_for(pki).verify(headers, body)["context"]["System"]["application"][
        "applicationId"] == SKILL_ID


def test_envelope_without_any_skill_id_is_refused(pki):
    envelope = load_fixture("launch")
    del envelope["session"]
    del envelope["context"]
    body, headers = signed(envelope, pki.leaf_key)
    refused(verifier_for(pki), body, headers, "applicationId")


@pytest.mark.parametrize("missing, reason", [
    ("SignatureCertChainUrl", "SignatureCertChainUrl header missing"),
    ("Signature-256", "Signature-256 header missing"),
])
def test_missing_header_is_refused(pki, missing, reason):
    body, headers = signed(load_fixture("launch"), pki.leaf_key)
    del headers[missing]
    refused(verifier_for(pki), body, headers, reason)


def test_body_that_is_not_json_is_refused_even_when_signed(pki):
    body = b"not json"
    headers = sign_headers(body, pki.leaf_key)
    refused(verifier_for(pki), body, headers, "not JSON")


@pytest.mark.parametrize("value, expected", [
    ("2030-06-01T12:00:00Z", NOW),
    ("2030-06-01T12:00:00.250Z", NOW + timedelta(milliseconds=250)),
    ("2030-06-01T14:00:00+02:00", NOW),
])
def test_timestamps_in_alexa_formats_parse(value, expected):
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize("value", ["", "yesterday", "2030-13-01T12:00:00Z", None, 12345])
def test_bad_timestamps_are_refused(value):
    with pytest.raises(VerificationError):
        parse_timestamp(value)
