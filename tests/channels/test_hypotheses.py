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
from rasa_project.voice.client import CallbackReceiver

from .alexa_support import LiveServer

UNSURE = "how long does the widow last"  # a mis-hearing of CLEAR, placed elsewhere, unsure
CLEAR = "how long does withdrawal last"


UNPLACED = "my cousin just talked in the bathroom"  # the NLU cannot place it: the fallback
GUESSED = "my cousin just told him that my room"  # a second guess it places, wrongly


def choose(agent, best: str, others: List[str]) -> str:
    return asyncio.run(hypotheses.choose(agent.parse_message, best, others)).text


def intent(parse, text: str) -> str:
    return parse(text)["intent"]["name"]


def test_the_hypothesis_the_nlu_is_surest_of_goes_on(agent, parse):
    unsure, clear = parse(UNSURE)["intent"], parse(CLEAR)["intent"]
    assert unsure["name"] not in ("withdrawal_symptoms", "nlu_fallback") and clear["name"] == "withdrawal_symptoms"
    assert unsure["confidence"] < clear["confidence"]  # the case is real for this model
    assert choose(agent, UNSURE, ["hey how long does with all last", CLEAR]) == CLEAR


def test_a_clear_best_is_kept_over_vaguer_hypotheses(agent):
    assert choose(agent, CLEAR, [UNSURE, "how long does withdraw last"]) == CLEAR


def test_a_second_guess_over_words_the_nlu_could_not_place_comes_with_the_911_reminder(agent, parse):
    assert intent(parse, UNPLACED) == "nlu_fallback" and intent(parse, GUESSED) != "nlu_fallback"
    chosen = asyncio.run(hypotheses.choose(agent.parse_message, UNPLACED, [GUESSED]))
    assert chosen == hypotheses.Choice(GUESSED, remind=True)
    assert hypotheses.reminder().startswith(CALL_911.split(".")[0])  # "Call 911 now ..."
    kept = asyncio.run(hypotheses.choose(agent.parse_message, UNSURE, [CLEAR]))
    assert intent(parse, UNSURE) != "nlu_fallback" and kept == hypotheses.Choice(CLEAR, remind=False)


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

    assert asyncio.run(hypotheses.choose(broken, "hello", ["help me"], safety=set())) == hypotheses.Choice("hello")


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


def test_the_rest_channel_says_the_911_reminder_before_a_second_guess_answer(rasa_server):
    said = post(rasa_server, UNPLACED, [GUESSED])
    assert said[0] == hypotheses.reminder() and said[1:] == texts(talk(rasa_server, conversation("hyp"), GUESSED))


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
    receiver = CallbackReceiver("t", port=0)  # the voice front end's own receiver
    receiver.start()
    channel = SafeCallbackInput(EndpointConfig(receiver.url))
    recorder = Recorder(agent)

    async def send(message, others):
        async with LiveServer(channel, recorder) as server:
            body = {"sender": "t", "message": message, "metadata": {"hypotheses": others}}
            async with server.session.post(server.url, json=body) as reply:
                assert reply.status == 200

    try:
        receiver.begin_turn()
        asyncio.run(send(UNSURE, [CLEAR]))
        asyncio.run(send("/ ", [CLEAR]))  # nothing left of the words: the fallback, no choosing
        assert receiver.end_turn() == []  # nothing said by the channel itself
        receiver.begin_turn()
        asyncio.run(send(UNPLACED, [GUESSED]))
        said = receiver.end_turn()
    finally:
        receiver.stop()
    assert [m.text for m in recorder.messages] == [CLEAR, "/nlu_fallback", GUESSED]
    assert [m.get("text") for m in said] == [hypotheses.reminder()]  # called back before the answer
