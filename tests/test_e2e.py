"""Conversations through the real Rasa server and action server on loopback (REST channel)."""
from __future__ import annotations


import pytest

from conftest import CALL_911, conversation, talk, texts
from rasa_project.nlu import intent_tests
from rasa_project.content.library import default_library

pytestmark = pytest.mark.slow




@pytest.mark.parametrize(
    "text,first_step",
    [
        ("someone isn't breathing", "start_cpr"),
        ("she is gasping", "start_cpr"),
        ("he has no pulse", "start_cpr"),
        ("my friend overdosed", "check_breathing"),
        ("she won't wake up and her lips are blue", "check_breathing"),
    ],
)
def test_emergency_answer_starts_with_call_911_then_the_step_for_their_breathing(rasa_server, text, first_step):
    said = texts(talk(rasa_server, conversation(), text))
    topic = default_library().topics["overdose_emergency"]
    assert said[0] == CALL_911
    assert said[1] == topic.items[first_step].chunks[0]


def test_the_walkthrough_never_says_the_side_position_while_they_are_not_breathing(rasa_server):
    """Issue 12: 'next' used to reach 'roll them onto their side' while they were not breathing."""
    topic = default_library().topics["overdose_emergency"]
    sender = conversation()
    heard = []
    for text in ["my friend isn't breathing", "next", "next", "next", "next", "next"]:
        heard += texts(talk(rasa_server, sender, text))
    side = topic.items["recovery_position"].chunks[0]
    assert side not in heard and topic.items["aed"].chunks[0] in heard
    assert not any("second dose" in t.lower() or "another dose" in t.lower() for t in heard)
    said = texts(talk(rasa_server, sender, "she's breathing now"))
    assert said[0] == topic.items["woke_after_naloxone"].chunks[0]


def test_suicide_after_taking_something_gets_911_before_988(rasa_server):
    said = texts(talk(rasa_server, conversation(), "I took all my pills, I want to die"))
    assert said[0].startswith("Call 911") and "988" in said[0]


def test_withdrawal_question_gets_sourced_guidance_and_more(rasa_server):
    sender = conversation()
    chunks = default_library().topic_chunks("withdrawal_symptoms")
    said = texts(talk(rasa_server, sender, "how long does withdrawal last"))
    assert said[0] == chunks[0]
    said = texts(talk(rasa_server, sender, "yes"))
    assert said[0] == chunks[1]


def test_help_loved_one(rasa_server):
    said = texts(talk(rasa_server, conversation(), "how do i help my son"))
    assert said[0] == default_library().topic_chunks("help_loved_one")[0]


def test_repeat_says_the_last_answer_again(rasa_server):
    sender = conversation()
    first = texts(talk(rasa_server, sender, "what can you do"))
    again = texts(talk(rasa_server, sender, "say that again"))
    assert first and again == first


def test_unsure_model_still_reminds_about_911(rasa_server):
    said = texts(talk(rasa_server, conversation(), "blorp fnag zzkt"))
    assert "call 911" in said[0].lower()


def test_emergency_still_starts_with_call_911_when_the_action_server_is_down(rasa_server_without_actions):
    sender = conversation()
    said = texts(talk(rasa_server_without_actions, sender, "someone isn't breathing"))
    assert said and said[0] == CALL_911
    # The conversation goes on: the next turn is answered from the domain.
    assert texts(talk(rasa_server_without_actions, sender, "hello"))


FIRST_WORDS = [
    (test.intent, test.first_words, utterance)
    for test in intent_tests.load_all()
    if test.first_words
    for utterance in test.utterances
]


@pytest.mark.parametrize(
    "intent,first_words,utterance", FIRST_WORDS, ids=[f"{i}:{u[:30]}" for i, _, u in FIRST_WORDS]
)
def test_first_spoken_words(rasa_server, intent, first_words, utterance):
    said = texts(talk(rasa_server, conversation(), utterance))
    assert said and said[0].startswith(first_words), f"{intent}: {utterance!r} -> {said[:1]}"


def test_legal_answer_says_charges_not_arrest_and_its_conditions(rasa_server):
    """Issue 12: the legal text promised protection from arrest."""
    said = texts(talk(rasa_server, conversation(), "will i get in trouble with the police if i call 911 for my friend"))
    first = said[0].lower()
    assert "steve's law" in first and "not an arrest" in first
    assert all(condition in first for condition in ("your name", "stay until help arrives", "cooperate"))


def test_repeat_the_number_says_the_helpline_again(rasa_server):
    sender = conversation()
    first = texts(talk(rasa_server, sender, "help me quit heroin"))
    again = texts(talk(rasa_server, sender, "what was that number"))
    assert "1-800-662-4357" in first[0] and again[:1] == first[:1]


def test_help_during_the_walkthrough_repeats_the_step_and_outside_keeps_the_911_line(rasa_server):
    topic = default_library().topics["overdose_emergency"]
    sender = conversation()
    talk(rasa_server, sender, "my friend isn't breathing")
    said = texts(talk(rasa_server, sender, "help"))
    assert said[0] == topic.items["start_cpr"].chunks[0]
    said = texts(talk(rasa_server, conversation(), "help"))
    assert "call 911" in said[0].split(".")[0].lower()


def test_no_to_are_they_breathing_is_cpr(rasa_server):
    """Asked "Are they breathing normally?", people say "no" rather than "not breathing"."""
    topic = default_library().topics["overdose_emergency"]
    sender = conversation()
    first = texts(talk(rasa_server, sender, "my friend overdosed"))
    assert first[1] == topic.items["check_breathing"].chunks[0]
    said = texts(talk(rasa_server, sender, "no"))
    assert said[0] == topic.items["start_cpr"].chunks[0]
