"""The Alexa channel served by a real Sanic app, registered the way `rasa run` registers it.

StubAgent stands in for the Rasa agent: it receives the UserMessage the channel builds and
emits canned replies into the channel's CollectingOutputChannel.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import xml.etree.ElementTree as ET

import pytest
from rasa.core.run import _create_single_channel

from rasa_project.channels.alexa import AlexaInput, AlexaSettings
from rasa_project.channels.alexa_turn import unavailable_text

from .alexa_support import (
    FIXTURES, SKILL_ID, LiveServer, StubAgent, load_fixture, signed, verifier_for,
)

LOCAL = AlexaSettings(skill_id=SKILL_ID, verify=False)


def run(coro):
    return asyncio.run(coro)


async def exchange(requests, settings=LOCAL, agent=None, channel=None):
    """POST each envelope (dict) or (body, headers) pair; return agent and replies."""
    agent = agent or StubAgent()
    channel = channel or AlexaInput(settings)
    replies = []
    async with LiveServer(channel, agent) as server:
        for item in requests:
            if isinstance(item, tuple):
                replies.append(await server.post(*item))
            else:
                replies.append(await server.post(json.dumps(item).encode()))
    return agent, replies


def one(envelope, **kwargs):
    agent, [(status, answer, raw)] = run(exchange([envelope], **kwargs))
    assert status == 200
    return agent, answer, raw


def ssml_of(answer, part="outputSpeech"):
    node = answer["response"][part] if part == "outputSpeech" else \
        answer["response"]["reprompt"]["outputSpeech"]
    assert node["type"] == "SSML"
    return node["ssml"]


def spoken(ssml):
    """What the speaker says: the text of the SSML document (entities decoded)."""
    return " ".join(" ".join(ET.fromstring(ssml).itertext()).split())


def catch_all(words):
    envelope = load_fixture("catch_all")
    slot = envelope["request"]["intent"]["slots"]["utterance"]
    slot["value"] = slot["slotValue"]["value"] = words
    return envelope


def intent(name):
    envelope = load_fixture("help")
    envelope["request"]["intent"]["name"] = name
    return envelope


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


def test_wrong_skill_id_is_refused_even_with_verification_off():
    envelope = load_fixture("launch")
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    agent, [(status, _, _)] = run(exchange([envelope]))
    assert status == 400
    assert agent.messages == []


def test_non_json_body_is_refused():
    agent, [(status, _, _)] = run(exchange([(b"not json", None)]))
    assert status == 400 and agent.messages == []


def test_verification_off_warns_loudly_on_every_request(caplog):
    with caplog.at_level(logging.WARNING, logger="rasa_project.channels.alexa"):
        channel = AlexaInput(LOCAL)
        run(exchange([load_fixture("launch"), load_fixture("help")], channel=channel))
    warnings = [r for r in caplog.records if "VERIFICATION IS OFF" in r.getMessage()]
    assert len(warnings) == 3  # startup + two requests
    assert all(r.levelno == logging.WARNING for r in warnings)


def test_user_words_never_reach_the_logs(caplog):
    secret = "my neighbor at 12 elm street overdosed"
    with caplog.at_level(logging.DEBUG):
        one(catch_all(secret))
    assert "12 elm street" not in caplog.text
    assert load_fixture("launch")["session"]["user"]["userId"] not in caplog.text


def test_verified_channel_accepts_a_signed_request(pki):
    channel = AlexaInput(AlexaSettings(skill_id=SKILL_ID), verifier_for(pki))
    body, headers = signed(load_fixture("catch_all"), pki.leaf_key)
    agent, [(status, answer, _)] = run(exchange([(body, headers)], channel=channel))
    assert status == 200
    assert agent.texts == ["friend is not breathing"]


def test_bad_signature_gets_400_and_the_assistant_is_never_called(pki):
    channel = AlexaInput(AlexaSettings(skill_id=SKILL_ID), verifier_for(pki))
    body, headers = signed(load_fixture("catch_all"), pki.leaf_key)
    tampered = body.replace(b"not breathing", b"fine thanks!!")
    unsigned = {k: v for k, v in headers.items() if k != "Signature-256"}
    agent, replies = run(exchange([(tampered, headers), (body, unsigned)], channel=channel))
    assert [status for status, _, _ in replies] == [400, 400]
    assert agent.messages == []


def test_health_route_answers():
    async def get():
        async with LiveServer(AlexaInput(LOCAL), StubAgent()) as server:
            async with server.session.get(server.url.rsplit("/", 1)[0] + "/") as reply:
                return reply.status, await reply.json()

    assert run(get()) == (200, {"status": "ok"})


# --- configuration, as `rasa run --credentials credentials.yml` reads it -----------------

def test_rasa_builds_the_channel_from_its_credentials_section():
    channel = _create_single_channel(
        "rasa_project.channels.alexa.AlexaInput",
        {"skill_id": SKILL_ID, "verify": True, "invocation_name": "overdose helper",
         "cert_fetch_timeout": 2},
    )
    assert isinstance(channel, AlexaInput)
    assert channel.name() == "alexa"
    assert channel.settings.verify is True
    assert channel.verifier is not None and channel.verifier.fetcher.timeout == 2.0


def test_verification_on_without_a_skill_id_refuses_to_start():
    with pytest.raises(ValueError, match="skill_id is required"):
        AlexaSettings.from_credentials({"verify": True})
    with pytest.raises(ValueError, match="skill_id is required"):
        AlexaSettings.from_credentials(None)  # verify defaults to on


@pytest.mark.parametrize("value, expected", [(False, False), ("false", False), ("TRUE", True)])
def test_verify_flag_accepts_booleans_and_env_text(value, expected):
    settings = AlexaSettings.from_credentials({"skill_id": SKILL_ID, "verify": value})
    assert settings.verify is expected


@pytest.mark.parametrize("raw", [{"skill_id": SKILL_ID, "verify": "no"},
                                 {"skill_id": SKILL_ID, "verfy": False}])
def test_typos_in_settings_are_errors(raw):
    with pytest.raises(ValueError):
        AlexaSettings.from_credentials(raw)


def test_fixtures_are_alexa_envelopes():
    for path in sorted(FIXTURES.glob("*.json")):
        envelope = json.loads(path.read_text())
        assert envelope["version"] == "1.0", path.name
        assert envelope["session"]["application"]["applicationId"] == SKILL_ID
        assert envelope["request"]["type"] in (
            "LaunchRequest", "IntentRequest", "SessionEndedRequest"), path.name
        assert envelope["request"]["requestId"].startswith("amzn1.echo-api.request.")
