"""The callback channel (the voice front end's way in) cleans words on the server, as REST and
Alexa do: a leading "/" cannot pick an intent, a huge text is cut with its danger cue kept,
and empty text goes to the fallback. Served by Rasa's own register() on loopback."""
from __future__ import annotations

import asyncio
from typing import List

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.utils.endpoints import EndpointConfig

from conftest import JUNK
from rasa_project.channels import user_text
from rasa_project.channels.safe_callback import SafeCallbackInput
from rasa_project.channels.safe_rest import FALLBACK_TRIGGER

from .alexa_support import LiveServer


class Recorder:
    """Stands in for Rasa's agent: records what the channel forwards, says nothing back."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)


def forwarded(words) -> str:
    channel = SafeCallbackInput(EndpointConfig("http://127.0.0.1:9/bot"))  # nobody is called back
    agent = Recorder()

    async def send():
        async with LiveServer(channel, agent) as server:
            async with server.session.post(server.url, json={"sender": "t", "message": words}) as reply:
                assert reply.status == 200

    asyncio.run(send())
    return agent.messages[0].text


@pytest.mark.parametrize("words", ["/greet", '/nlu_fallback{"x": 1}', " / he is not breathing"])
def test_a_leading_slash_never_reaches_rasa(words):
    sent = forwarded(words)
    assert sent == (user_text.neutralize(words) or FALLBACK_TRIGGER)
    assert sent == FALLBACK_TRIGGER or not sent.startswith("/")


def test_huge_text_is_cut_and_keeps_its_danger_cue():
    sent = forwarded(JUNK + " he is not breathing")
    assert sent == user_text.neutralize(JUNK + " he is not breathing") and "not breathing" in sent


def test_empty_text_goes_to_the_fallback():
    assert forwarded("") == FALLBACK_TRIGGER and forwarded(None) == FALLBACK_TRIGGER
