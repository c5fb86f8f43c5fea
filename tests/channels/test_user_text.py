"""One neutralizing function for every way in (rasa_project/channels/user_text.py): the REST
channel, the Alexa channel and the voice client give NLU the same words for the same input."""
from __future__ import annotations

import pytest

from conftest import JUNK
from rasa_project.channels import user_text
from rasa_project.channels.alexa_turn import plan_turn


INPUTS = [
    "someone is not breathing",
    "  //overdose_emergency",
    '/more{"more_topic":"x"}',
    "he is\x00 not\x1b breathing",
    JUNK + " he is not breathing",
    JUNK[:50_000] + " her lips are blue " + JUNK[50_000:],
]


def alexa_words(words: str) -> str:
    envelope = {"request": {"type": "IntentRequest",
                            "intent": {"name": "CatchAllIntent", "slots": {"utterance": {"value": words}}}}}
    return plan_turn(envelope).text


@pytest.mark.parametrize("words", INPUTS, ids=range(len(INPUTS)))
def test_alexa_sends_what_the_rest_channel_sends(words):
    # tests/channels/test_safe_rest.py: the REST channel forwards user_text.neutralize(words);
    # tests/voice/test_client.py: so does the voice client.
    assert alexa_words(words) == user_text.neutralize(words)


@pytest.mark.parametrize("words, cue", [(INPUTS[4], "he is not breathing"), (INPUTS[5], "lips are blue")])
def test_a_late_danger_cue_survives_the_cut(words, cue):
    text = user_text.neutralize(words)
    assert cue in text
    assert len(text) <= user_text.MAX_CHARS + user_text.MAX_CUES * (2 * user_text.CUE_CHARS + 40)


def test_short_text_is_only_cleaned():
    assert user_text.neutralize(" / he is\x00 not breathing ") == "he is  not breathing"
    assert user_text.neutralize(None) == ""
