"""The Alexa channel's guards, served by a real Sanic app: what it refuses (wrong skill, not
JSON, bad signatures), what it never logs, and its settings as `rasa run` reads them.
"""
from __future__ import annotations

import json
import logging

import pytest
from rasa.core.run import _create_single_channel

from rasa_project.channels.alexa import AlexaInput, AlexaSettings

from .alexa_pki import signed, verifier_for
from .alexa_support import (
    FIXTURES, LOCAL, SKILL_ID, LiveServer, StubAgent, catch_all, exchange, load_fixture, one,
    run,
)


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
