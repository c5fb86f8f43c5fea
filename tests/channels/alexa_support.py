"""Helpers for the Alexa channel tests: request fixtures, a live server and the requests the
tests send through it; the generated PKI and signed requests are in alexa_pki.py.

Everything is local: the Sanic server listens on 127.0.0.1.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Dict, List, Optional

import aiohttp
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from rasa_project.stack import free_port
from rasa_project.channels.alexa import AlexaInput, AlexaSettings

from .alexa_pki import SKILL_ID

FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> Dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


class StubAgent:
    """Stands in for the Rasa agent (agent.handle_message): canned replies per message.

    The lead's tests against the running Rasa server cover the real assistant.
    """

    REPLIES = {
        "/greet": "Hi. I can guide you through an overdose.\n\n"
                  "If someone is not breathing, say so.",
        "/goodbye": "Take care. If someone is ever in danger, call 911.",
        "/help": "I can guide you through an overdose, step by step.",
        "/repeat": "Call 911 now. Put the phone on speaker.",
        "/nlu_fallback": "If someone is in danger, call 911. Sorry, I did not catch that.",
    }

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []
        self.replies = dict(self.REPLIES)
        self.delay = 0.0
        self.error: Optional[Exception] = None

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error:
            raise self.error
        reply = self.replies.get(message.text, "Call 911 now.\n\nYou said: " + message.text)
        if reply:
            await message.output_channel.send_text_message(message.sender_id, reply)

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.messages]


_app_names = itertools.count()


class LiveServer:
    """The channel's blueprint registered by Rasa's own register(), served on 127.0.0.1.
    `agent` stands in for Rasa's (it needs handle_message); `url` is the channel's webhook."""

    def __init__(self, channel, agent: Any) -> None:
        self.app = Sanic(f"channel_test_{next(_app_names)}")
        register([channel], self.app, "/webhooks/")
        self.app.ctx.agent = agent
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhooks/{channel.name()}/webhook"
        self.server = None
        self.session: Optional[aiohttp.ClientSession] = None

    async def __aenter__(self) -> "LiveServer":
        self.server = await self.app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        await self.server.startup()  # create_server already listens; this finalizes routes
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.session.close()
        await self.server.close()

    async def post(self, body: bytes, headers: Optional[Dict[str, str]] = None):
        """POST raw bytes; returns (status, parsed JSON, raw text)."""
        async with self.session.post(
            self.url, data=body, headers=headers or {"Content-Type": "application/json"}
        ) as reply:
            text = await reply.text()
            return reply.status, json.loads(text), text


# --- talking to the channel over HTTP -----------------------------------------------------

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
