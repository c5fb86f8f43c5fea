"""A recognizer's other hypotheses: the server sends on the one its NLU is surest of, but never
leaves an emergency and never enters one on a second guess. Parsed by the trained model, in
this process and through the running Rasa server."""
from __future__ import annotations

import asyncio
from typing import List

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from rasa.utils.endpoints import EndpointConfig

from conftest import CALL_911, conversation, talk, texts
from rasa_project.channels import hypotheses
from rasa_project.channels.safe_callback import SafeCallbackInput

from .alexa_support import LiveServer

UNSURE = "hey how long does width roll last"  # a mis-hearing of CLEAR the NLU is unsure of
CLEAR = "how long does withdrawal last"


def choose(agent, best: str, others: List[str]) -> str:
    return asyncio.run(hypotheses.choose(agent.parse_message, best, others))


def intent(parse, text: str) -> str:
    return parse(text)["intent"]["name"]


def test_the_hypothesis_the_nlu_is_surest_of_goes_on(agent, parse):
    assert intent(parse, UNSURE) != "withdrawal_symptoms" and intent(parse, CLEAR) == "withdrawal_symptoms"
    assert choose(agent, UNSURE, ["hey how long does with all last", CLEAR]) == CLEAR


def test_a_clear_best_is_kept_over_vaguer_hypotheses(agent):
    assert choose(agent, CLEAR, [UNSURE, "how long does withdraw last"]) == CLEAR


@pytest.mark.parametrize("best, other", [
    ("my friend is not breathing", "where is the nearest meeting"),  # never out of an emergency
    ("wear is the near rest mating", "my friend is not breathing"),  # never into one on a second guess
    ("i feel so low today", "i want to end my life"),
])
def test_safety_is_never_decided_by_a_second_guess(agent, parse, best, other):
    from rasa_project.safety.policy import policy

    safety = policy().intents
    assert (intent(parse, best) in safety) != (intent(parse, other) in safety)  # the case is real
    assert choose(agent, best, [other]) == best


def test_a_failing_parse_keeps_the_best():
    async def broken(text):
        raise RuntimeError("model gone")

    assert asyncio.run(hypotheses.choose(broken, "hello", ["help me"], safety=set())) == "hello"


@pytest.mark.parametrize("metadata, expected", [
    ({"hypotheses": ["/greet", "  help me ", "help me", 7, None, "best words", ""]}, ["greet", "help me"]),
    ({"hypotheses": "help me"}, []),
    ({"other": ["help me"]}, []),
    ("hypotheses", []),
    (None, []),
    ({"hypotheses": ["a", "b", "c", "d", "e", "f"]}, ["a", "b", "c", "d"]),
])
def test_offered_hypotheses_are_cleaned_and_bounded(metadata, expected):
    assert hypotheses.offered(metadata, "best words") == expected


def post(server, message: str, others: List[str]) -> list:
    body = {"sender": conversation("hyp"), "message": message, "metadata": {"hypotheses": others}}
    reply = requests.post(server.url + "/webhooks/rest/webhook", json=body, timeout=60)
    reply.raise_for_status()
    return texts(reply.json())


def test_the_rest_channel_answers_the_chosen_hypothesis(rasa_server):
    clear = texts(talk(rasa_server, conversation("hyp"), CLEAR))
    assert post(rasa_server, UNSURE, [CLEAR]) == clear
    assert texts(talk(rasa_server, conversation("hyp"), UNSURE)) != clear


def test_the_rest_channel_does_not_enter_an_emergency_on_a_second_guess(rasa_server):
    assert not post(rasa_server, "wear is the near rest mating", ["my friend is not breathing"])[0].startswith(CALL_911)
    assert post(rasa_server, "my friend is not breathing", ["where is the nearest meeting"])[0].startswith(CALL_911)


class Recorder:
    """The real agent's NLU, recording what the channel forwards instead of answering it."""

    def __init__(self, agent) -> None:
        self.agent, self.messages = agent, []

    def is_ready(self) -> bool:
        return self.agent.is_ready()

    async def parse_message(self, text: str) -> dict:
        return await self.agent.parse_message(text)

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)


def test_the_callback_channel_forwards_the_chosen_hypothesis(agent):
    channel = SafeCallbackInput(EndpointConfig("http://127.0.0.1:9/bot"))  # nobody is called back
    recorder = Recorder(agent)

    async def send(message, others):
        async with LiveServer(channel, recorder) as server:
            body = {"sender": "t", "message": message, "metadata": {"hypotheses": others}}
            async with server.session.post(server.url, json=body) as reply:
                assert reply.status == 200

    asyncio.run(send(UNSURE, [CLEAR]))
    asyncio.run(send("/ ", [CLEAR]))  # nothing left of the words: the fallback, no choosing
    assert [m.text for m in recorder.messages] == [CLEAR, "/nlu_fallback"]
