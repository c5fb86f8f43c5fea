"""The hardened REST channel (rasa_project/channels/safe_rest.py) on its own, with a recording
stand-in for the assistant: junk, huge, empty, "/command" and malformed input, hung and
failing turns. tests/test_bad_input.py sends the same input to the real Rasa server.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any, List, Optional

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput

from conftest import JUNK, ROOT
from rasa_project import stack
from rasa_project.channels import safe_rest, user_text
from rasa_project.channels.alexa_turn import unavailable_text
from rasa_project.channels.safe_rest import FALLBACK_TRIGGER, SafeRestInput

from .alexa_support import LiveServer


class Recorder:
    """Stands in for Rasa's agent: records what the channel forwards, answers "heard: ..."."""

    def __init__(self, first: Optional[str] = None, hang: bool = False, error: Optional[Exception] = None):
        self.first, self.hang, self.error = first, hang, error
        self.messages: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.first:
            await message.output_channel.send_text_message(message.sender_id, self.first)
        if self.hang:
            await asyncio.Event().wait()  # never set: a turn that never ends
        if self.error:
            raise self.error
        await message.output_channel.send_text_message(message.sender_id, f"heard: {message.text}")


async def post(channel, agent: Recorder, body: Any, raw: bool = False, stream: bool = False):
    """Serve `channel` with Rasa's register() on a free loopback port; POST once."""
    async with LiveServer(channel, agent) as server:
        kwargs = {"data": body, "headers": {"Content-Type": "application/json"}} if raw else {"json": body}
        async with server.session.post(server.url + ("?stream=true" if stream else ""), **kwargs) as reply:
            if stream:
                return reply.status, [json.loads(line) for line in (await reply.text()).splitlines()]
            return reply.status, await reply.json(content_type=None)


def forwarded(message: Any, channel=None) -> str:
    agent = Recorder()
    status, _ = asyncio.run(post(channel or SafeRestInput(), agent, {"sender": "t", "message": message}))
    assert status == 200
    return agent.messages[0].text


@pytest.mark.parametrize("words, expected", [
    ("/greet", "greet"),
    ("  //overdose_emergency", "overdose_emergency"),
    ('/more{"more_topic":"x"}', 'more{"more_topic":"x"}'),
    ("/ /stop", "stop"),
    ("\x00\x1b/greet", "greet"),
    ("/someone is not breathing", "someone is not breathing"),
])
def test_user_words_never_reach_rasa_as_a_command(words, expected):
    assert forwarded(words) == expected


def test_rasas_own_rest_channel_would_pass_the_command_through():
    # Why the safe channel exists: Rasa's RestInput hands "/greet" to Rasa as is.
    assert forwarded("/greet", RestInput()) == "/greet"


@pytest.mark.parametrize("words", ["", "   \t\n", "/", " / / ", "\x00\x01\x7f", None])
def test_no_words_go_to_the_fallback(words):
    assert forwarded(words) == FALLBACK_TRIGGER


def test_a_body_without_a_message_goes_to_the_fallback():
    agent = Recorder()
    assert asyncio.run(post(SafeRestInput(), agent, {"sender": "t"}))[0] == 200
    assert agent.messages[0].text == FALLBACK_TRIGGER


def test_control_characters_are_dropped():
    text = forwarded("he is\x00 not\x1b breathing\u202e")
    assert text.split() == ["he", "is", "not", "breathing"]


@pytest.mark.parametrize("message, cue", [
    (JUNK + " he is not breathing", "he is not breathing"),
    ("he is not breathing " + JUNK, "he is not breathing"),
    (JUNK[:50_000] + " her lips are blue " + JUNK[50_000:], "lips are blue"),
    (JUNK[:50_000] + " i want to kill myself " + JUNK[50_000:], "kill myself"),
])
def test_long_text_is_bounded_but_keeps_the_danger_cue(message, cue):
    text = forwarded(message)
    assert len(text) <= user_text.MAX_CHARS + user_text.MAX_CUES * (2 * user_text.CUE_CHARS + 40)
    assert cue in text
    assert text == user_text.neutralize(message)  # the function every way in shares


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"message": 5}', b'{"message": ["a"]}', b"null"])
def test_malformed_bodies_get_400_and_never_reach_the_assistant(body):
    agent = Recorder()
    status, answer = asyncio.run(post(SafeRestInput(), agent, body, raw=True))
    assert status == 400 and "error" in answer
    assert agent.messages == []


def test_a_hung_turn_answers_with_what_was_said_so_far_within_the_timeout():
    agent = Recorder(first="Call 911 now.", hang=True)
    began = time.monotonic()
    status, answer = asyncio.run(post(SafeRestInput(reply_timeout=0.5), agent, {"sender": "t", "message": "x"}))
    assert status == 200 and [m["text"] for m in answer] == ["Call 911 now."]
    assert time.monotonic() - began < 10


def test_a_silent_hung_turn_gets_the_unavailable_phrase():
    agent = Recorder(hang=True)
    status, answer = asyncio.run(post(SafeRestInput(reply_timeout=0.5), agent, {"sender": "t", "message": "x"}))
    assert status == 200 and [m["text"] for m in answer] == [unavailable_text()]
    assert "911" in unavailable_text()


def test_a_failing_turn_is_answered_and_the_words_never_reach_the_logs(caplog):
    marker = f"marker-{uuid.uuid4().hex}"
    agent = Recorder(error=RuntimeError(marker))
    with caplog.at_level(logging.DEBUG):
        status, answer = asyncio.run(post(SafeRestInput(), agent, {"sender": "t", "message": marker}))
    assert status == 200 and [m["text"] for m in answer] == [unavailable_text()]
    assert marker not in caplog.text


def test_streamed_answers_are_neutralized_too():
    agent = Recorder()
    status, lines = asyncio.run(post(SafeRestInput(), agent, {"sender": "t", "message": "/greet"}, stream=True))
    assert status == 200 and [m["text"] for m in lines] == ["heard: greet"]


def test_settings_come_from_credentials_and_typos_are_errors():
    assert SafeRestInput.from_credentials({"reply_timeout": "3"}).reply_timeout == 3.0
    assert SafeRestInput.from_credentials(None).reply_timeout == safe_rest.DEFAULT_REPLY_TIMEOUT
    with pytest.raises(ValueError, match="unknown settings"):
        SafeRestInput.from_credentials({"reply_timout": 3})


def test_the_project_serves_rest_through_the_safe_channel():
    channels = yaml.safe_load((ROOT / "credentials.yml").read_text()) or {}
    assert stack.SAFE_REST in channels, "credentials.yml: replace `rest:` with the safe channel"
    assert "rest" not in channels  # both would claim /webhooks/rest/
