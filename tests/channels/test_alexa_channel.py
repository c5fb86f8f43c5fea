"""The Alexa channel served by a real Sanic app, registered the way `rasa run` registers it:
the conversation (launch, the person's words, built-in intents, speech, a slow or silent
assistant). Refusals, logs, signatures and settings: test_alexa_channel_guard.py.

StubAgent stands in for the Rasa agent: it receives the UserMessage the channel builds and
emits canned replies into the channel's CollectingOutputChannel.
"""
from __future__ import annotations

import asyncio
import logging
import re
import xml.etree.ElementTree as ET

import pytest

from rasa_project.channels.alexa import AlexaSettings
from rasa_project.channels.alexa_turn import unavailable_text

from .alexa_support import (
    SKILL_ID, StubAgent, catch_all, exchange, intent, load_fixture, one, run, spoken, ssml_of,
)


def test_launch_sends_the_channel_built_greet_and_speaks_the_welcome():
    agent, answer, raw = one(load_fixture("launch"))
    [message] = agent.messages
    assert message.text == "/greet"
    assert message.input_channel == "alexa"
    assert message.metadata == {"locale": "en-US"}
    ssml = ssml_of(answer)
    root = ET.fromstring(ssml)  # valid XML
    assert root.tag == "speak"
    assert ssml.count('<break time="400ms"/>') == 1  # the greeting is two messages
    assert "I can guide you through an overdose." in ssml
    assert answer["version"] == "1.0"
    assert answer["response"]["shouldEndSession"] is False
    assert re.search(r'"shouldEndSession":\s*false[,}]', raw)  # a JSON boolean, not "false"
    assert ET.fromstring(ssml_of(answer, "reprompt")).tag == "speak"


def test_conversation_id_is_a_hash_of_user_and_session_never_the_raw_ids():
    envelope = load_fixture("launch")
    agent, _, _ = one(envelope)
    sender = agent.messages[0].sender_id
    assert re.fullmatch(r"alexa-[0-9a-f]{32}", sender)
    assert envelope["session"]["user"]["userId"] not in sender
    other_session = load_fixture("launch")
    other_session["session"]["sessionId"] += "-2"
    agent2, _, _ = one(other_session)
    assert agent2.messages[0].sender_id != sender


def test_catch_all_forwards_the_persons_words_to_nlu():
    agent, answer, _ = one(load_fixture("catch_all"))
    assert agent.texts == ["friend is not breathing"]
    assert "You said: friend is not breathing" in ssml_of(answer)


@pytest.mark.parametrize("words, forwarded", [
    ('/greet{"name": "x"}', 'greet{"name": "x"}'),
    ("//restart", "restart"),
    ("  / /stop", "stop"),
    ("/", "/nlu_fallback"),
    ("", "/nlu_fallback"),
])
def test_leading_slashes_in_user_words_are_neutralized(words, forwarded):
    agent, _, _ = one(catch_all(words))
    assert agent.texts == [forwarded]


def test_catch_all_without_a_slot_value_goes_to_the_fallback():
    envelope = load_fixture("catch_all")
    del envelope["request"]["intent"]["slots"]
    agent, _, _ = one(envelope)
    assert agent.texts == ["/nlu_fallback"]


@pytest.mark.parametrize("name, trigger", [
    ("AMAZON.HelpIntent", "/help"),
    ("AMAZON.FallbackIntent", "/nlu_fallback"),
    ("AMAZON.NavigateHomeIntent", "/greet"),
    ("AMAZON.RepeatIntent", "/repeat"),
    ("AMAZON.NextIntent", "/next_step"),
    ("AMAZON.PreviousIntent", "/previous_step"),
    ("AMAZON.YesIntent", "/affirm"),
    ("AMAZON.NoIntent", "/deny"),
    ("AMAZON.MoreIntent", "/more"),
    ("StillNotBreathingIntent", "/still_not_breathing"),
    ("BreathingNowIntent", "/breathing_now"),
    ("NoNaloxoneIntent", "/no_naloxone"),
    ("NaloxoneInjectionIntent", "/naloxone_injection"),
    ("AMAZON.StartOverIntent", "/nlu_fallback"),  # not in the model: nothing restarts a walkthrough
    ("SomeIntentNobodyDefined", "/nlu_fallback"),
])
def test_built_in_intents_trigger_their_rasa_intent_and_keep_the_session(name, trigger):
    agent, answer, _ = one(intent(name))
    assert agent.texts == [trigger]
    assert answer["response"]["shouldEndSession"] is False
    assert "reprompt" in answer["response"]


def test_help_fixture_speaks_help():
    agent, answer, _ = one(load_fixture("help"))
    assert agent.texts == ["/help"]
    assert "step by step" in ssml_of(answer)


@pytest.mark.parametrize("name", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_say_goodbye_and_end_the_session(name):
    agent, answer, raw = one(intent(name))
    assert agent.texts == ["/goodbye"]
    assert "Take care." in ssml_of(answer)
    assert answer["response"]["shouldEndSession"] is True
    assert re.search(r'"shouldEndSession":\s*true[,}]', raw)
    assert "reprompt" not in answer["response"]


def test_stop_fixture_ends_the_session():
    _, answer, _ = one(load_fixture("stop"))
    assert answer["response"]["shouldEndSession"] is True


def test_session_ended_is_acknowledged_without_speech_or_assistant():
    agent, answer, _ = one(load_fixture("session_ended"))
    assert agent.messages == []
    assert answer == {"version": "1.0", "response": {}}


@pytest.mark.parametrize("request_type", ["System.ExceptionEncountered", "Evil\nFAKE LOG LINE"])
def test_other_request_types_get_no_speech_and_no_assistant(request_type, caplog):
    envelope = load_fixture("session_ended")
    envelope["request"]["type"] = request_type
    with caplog.at_level(logging.INFO, logger="rasa_project.channels.alexa"):
        agent, answer, _ = one(envelope)
    assert agent.messages == [] and answer == {"version": "1.0", "response": {}}
    assert "FAKE LOG LINE" not in caplog.text


def test_an_emergency_keeps_the_session_open():
    agent = StubAgent()
    agent.replies["my friend overdosed"] = "Call 911 now. Put the phone on speaker."
    _, answer, _ = one(catch_all("my friend overdosed"), agent=agent)
    assert answer["response"]["shouldEndSession"] is False
    assert "Put the phone on speaker." in ssml_of(answer, "reprompt")


def test_a_response_can_ask_to_end_the_session():
    class GoodbyeAgent(StubAgent):
        async def handle_message(self, message):
            await super().handle_message(message)
            await message.output_channel.send_custom_json(message.sender_id, {"end_session": True})

    _, answer, _ = one(catch_all("bye now"), agent=GoodbyeAgent())
    assert answer["response"]["shouldEndSession"] is True


def test_speech_is_escaped_valid_ssml_with_numbers_marked_up():
    agent = StubAgent()
    agent.replies["tell me"] = 'Dose <5 mg & "never" alone.\n\nCall 988 or 1-800-662-4357.'
    _, answer, _ = one(catch_all("tell me"), agent=agent)
    ssml = ssml_of(answer)
    ET.fromstring(ssml)
    assert "&lt;5 mg &amp; &quot;never&quot;" in ssml
    assert '<say-as interpret-as="digits">988</say-as>' in ssml
    assert '<say-as interpret-as="telephone">1-800-662-4357</say-as>' in ssml
    assert "<5" not in ssml


def test_long_answers_are_cut_under_8000_characters_at_a_sentence():
    agent = StubAgent()
    agent.replies["everything"] = " ".join(f"Step {i} is short." for i in range(2000))
    _, answer, _ = one(catch_all("everything"), agent=agent)
    ssml = ssml_of(answer)
    assert len(ssml) < 8000
    assert ssml.endswith("is short.</speak>")
    ET.fromstring(ssml)


def test_repeat_speaks_the_last_answer_when_the_assistant_has_nothing():
    agent = StubAgent()
    agent.replies["/repeat"] = ""
    agent.replies["what now"] = "Give naloxone now."
    _, replies = run(exchange([catch_all("what now"), load_fixture("repeat")], agent=agent))
    (_, first, _), (_, again, _) = replies
    assert agent.texts == ["what now", "/repeat"]
    assert ssml_of(again) == ssml_of(first) == "<speak>Give naloxone now.</speak>"


def test_repeat_uses_the_assistants_answer_when_there_is_one():
    _, answer, _ = one(load_fixture("repeat"))
    assert "Put the phone on speaker." in ssml_of(answer)


def test_silent_assistant_gets_the_unavailable_phrase_and_the_session_stays_open():
    agent = StubAgent()
    agent.replies["hmm"] = ""
    _, answer, _ = one(catch_all("hmm"), agent=agent)
    assert "911" in unavailable_text()
    assert spoken(ssml_of(answer)) == unavailable_text()
    assert answer["response"]["shouldEndSession"] is False


def test_failing_assistant_gets_the_unavailable_phrase():
    agent = StubAgent()
    agent.error = RuntimeError("boom")
    _, answer, _ = one(load_fixture("launch"), agent=agent)
    assert spoken(ssml_of(answer)) == unavailable_text()


def test_slow_assistant_is_answered_before_alexa_gives_up():
    agent = StubAgent()
    agent.delay = 2.0
    settings = AlexaSettings(skill_id=SKILL_ID, verify=False, reply_timeout=0.3)

    async def timed():
        started = asyncio.get_running_loop().time()
        result = await exchange([load_fixture("launch")], settings=settings, agent=agent)
        return result, asyncio.get_running_loop().time() - started

    (_, [(status, answer, _)]), elapsed = run(timed())
    assert status == 200 and elapsed < 1.5
    assert spoken(ssml_of(answer)) == unavailable_text()
