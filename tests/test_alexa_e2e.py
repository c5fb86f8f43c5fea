"""Alexa request envelopes, in Alexa's exact format, posted to the running Rasa server.

Signature checks are off in this server (credentials written by conftest); they are
tested on their own in tests/channels/test_alexa_verify.py.
"""
from __future__ import annotations

import uuid

import pytest
import requests

from channels.alexa_support import load_fixture, spoken, ssml_of

pytestmark = pytest.mark.slow


def envelope(name: str, session: str, text: str | None = None) -> dict:
    body = load_fixture(name)
    body["session"]["sessionId"] = f"amzn1.echo-api.session.{session}"
    if text is not None:
        body["request"]["intent"]["slots"]["utterance"]["value"] = text
    return body


def post(server, body: dict) -> dict:
    reply = requests.post(server.url + "/webhooks/alexa/webhook", json=body, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def speech(reply: dict) -> str:
    return spoken(ssml_of(reply))  # spoken() parses the SSML: it must be valid XML


@pytest.fixture
def session():
    return uuid.uuid4().hex


def test_launch_welcomes_and_keeps_the_session_open(rasa_server, session):
    reply = post(rasa_server, envelope("launch", session))
    assert speech(reply)
    assert reply["response"]["shouldEndSession"] is False
    assert reply["response"]["reprompt"]


def test_emergency_ssml_begins_with_call_911_and_stays_open(rasa_server, session):
    reply = post(rasa_server, envelope("catch_all", session, "someone isn't breathing"))
    assert speech(reply).startswith("Call 911")
    assert "<break" in reply["response"]["outputSpeech"]["ssml"]
    assert reply["response"]["shouldEndSession"] is False


def test_withdrawal_conversation_over_several_turns_then_repeat_and_stop(rasa_server, session):
    first = speech(post(rasa_server, envelope("catch_all", session, "how long does withdrawal last")))
    assert "withdrawal" in first.lower()
    second = speech(post(rasa_server, envelope("catch_all", session, "yes")))
    assert second and second != first
    again = speech(post(rasa_server, envelope("repeat", session)))
    assert again == second
    stop = post(rasa_server, envelope("stop", session))
    assert stop["response"]["shouldEndSession"] is True


def test_session_end_is_acknowledged_without_speech(rasa_server, session):
    reply = post(rasa_server, envelope("session_ended", session))
    assert "outputSpeech" not in reply.get("response", {})


def test_a_naloxone_step_on_alexa_says_how_the_checkin_works_there(rasa_server, session):
    """A skill cannot speak first: after the naloxone step the person is told to tell it
    about their breathing in about two minutes (issue 12)."""
    from rasa_project.content.library import phrase as content_phrase

    phrase = content_phrase("alexa", "checkin")
    first = speech(post(rasa_server, envelope("catch_all", session, "she is not breathing")))
    assert first.startswith("Call 911") and phrase not in first
    second = speech(post(rasa_server, envelope("catch_all", session, "next")))
    assert "naloxone" in second.lower() and second.endswith(phrase)
