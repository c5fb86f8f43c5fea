"""Alexa request envelopes, in Alexa's exact format, posted to the running Rasa server.

Signature checks are off in this server (credentials written by conftest); they are
tested on their own in tests/channels/test_alexa_verify.py.
"""
from __future__ import annotations

import re
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
    # spoken() parses the SSML (it must be valid XML); a <say-as> leaves "988 ." behind
    return re.sub(r" ([.,?])", r"\1", spoken(ssml_of(reply)))


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


def device(session: str, intent: str | None = None, words: str | None = None) -> dict:
    """An IntentRequest as an Echo sends it: a built-in or skill intent with no slots, or
    the catch-all with its AMAZON.SearchQuery slot (value and slotValue both filled)."""
    if words is not None:
        body = envelope("catch_all", session, words)
        body["request"]["intent"]["slots"]["utterance"]["slotValue"]["value"] = words
        return body
    body = envelope("help", session)
    body["request"]["intent"]["name"] = intent
    return body


def test_the_emergency_walkthrough_driven_by_built_in_intents_as_a_device_sends_them(
        rasa_server, session):
    """Every step moves on the one-word answers the steps ask for ("next", "not breathing",
    "go back", "repeat", "breathing"), which a device sends as intents, not slot text."""
    from rasa_project.content.library import default_library, phrase

    items = default_library().topics["overdose_emergency"].items
    say = lambda **kw: speech(post(rasa_server, device(session, **kw)))  # noqa: E731
    post(rasa_server, envelope("launch", session))
    first = say(words="friend is not breathing")  # "my {utterance}": the carrier is cut
    assert first.startswith("Call 911") and items["start_cpr"].chunks[0] in first
    naloxone = say(intent="AMAZON.NextIntent")
    assert naloxone.startswith(items["give_naloxone_cpr"].chunks[0])
    assert naloxone.endswith(phrase("alexa", "checkin"))
    assert say(intent="StillNotBreathingIntent").startswith(items["naloxone_working"].chunks[0])
    aed = say(intent="AMAZON.NextIntent")
    back = say(intent="AMAZON.PreviousIntent")
    assert back != aed and items["last_step"].chunks[0] not in back
    assert speech(post(rasa_server, envelope("repeat", session))) == back
    assert say(intent="BreathingNowIntent").startswith(items["woke_after_naloxone"].chunks[0])
    assert say(intent="AMAZON.NextIntent").startswith(items["never_do"].chunks[0])


def test_yes_and_more_as_built_in_intents_continue_a_topic(rasa_server, session):
    from rasa_project.content.library import default_library

    chunks = default_library().topic_chunks("withdrawal_symptoms")
    first = speech(post(rasa_server, device(session, words="long does withdrawal last")))
    assert first.startswith(chunks[0])
    assert speech(post(rasa_server, device(session, intent="AMAZON.YesIntent"))).startswith(chunks[1])
    if len(chunks) > 2:
        assert speech(post(rasa_server, device(session, intent="AMAZON.MoreIntent"))).startswith(chunks[2])


def test_not_breathing_as_the_first_words_says_call_911(rasa_server, session):
    """StillNotBreathingIntent before any walkthrough is still an emergency."""
    assert speech(post(rasa_server, device(session, intent="StillNotBreathingIntent"))).startswith("Call 911")
