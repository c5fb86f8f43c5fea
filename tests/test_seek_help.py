"""Issue 16: "help me quit ..." for every substance gets a referral; "quit", "stop" and
"cancel" alone still end the conversation. Through the real Rasa and action servers."""
from __future__ import annotations

import pytest

from conftest import conversation, talk, texts
from rasa_project.content.library import default_library, load_phrases
from rasa_project.voice import commands

HELPLINE = "1-800-662-4357"
# The 14 substances of the study the issue cites (Nobles et al. 2020); none of these
# sentences is a training example.
SUBSTANCES = ["drugs", "opioids", "heroin", "fentanyl", "pills", "painkillers", "oxycodone", "meth",
              "cocaine", "alcohol", "drinking", "smoking", "vaping", "marijuana"]
TOBACCO = {"smoking", "vaping"}


def item_text(item_id: str) -> str:
    return default_library().topics["seek_help"].items[item_id].chunks[0]


@pytest.mark.slow
@pytest.mark.parametrize("substance", SUBSTANCES)
def test_help_me_quit_gets_a_referral(rasa_server, substance):
    said = texts(talk(rasa_server, conversation(), f"help me quit {substance}"))
    if substance in TOBACCO:  # no quit line is in the shared sources: the honest answer
        assert said[0] == item_text("seek_help_tobacco")
    else:
        assert HELPLINE in said[0], said
        assert said[0].count(HELPLINE) == 2  # said twice, for someone writing it down


@pytest.mark.slow
def test_more_gives_the_region_and_a_meeting(rasa_server):
    sender = conversation()
    talk(rasa_server, sender, "help me quit heroin")
    region = texts(talk(rasa_server, sender, "yes"))
    meeting = texts(talk(rasa_server, sender, "yes"))
    assert "Fast-Tracker" in region[0] and "find a meeting" in meeting[0].lower()


@pytest.mark.slow
@pytest.mark.parametrize("word", ["quit", "stop", "cancel"])
def test_quit_stop_cancel_alone_still_end(rasa_server, word):
    stopped = load_phrases("responses")["utter_stopped"].chunks[0]  # the domain's, checked equal by the validator
    said = texts(talk(rasa_server, conversation(), word))
    assert said == [stopped], (word, said)


@pytest.mark.slow
def test_distress_offers_988_gently_and_suicide_keeps_988_first(rasa_server):
    said = texts(talk(rasa_server, conversation(), "i feel hopeless"))
    assert "988" in said[0] and not said[0].startswith("Call")
    said = texts(talk(rasa_server, conversation(), "i want to kill myself"))
    assert said[0].startswith("Call or text 988")


@pytest.mark.parametrize("words, ends", [("quit", True), ("Stop.", True), ("quit drugs", False),
                                         ("help me quit meth", False), ("stop using heroin", False)])
def test_the_voice_front_end_ends_only_on_the_word_alone(words, ends):
    assert (commands.match(words) == "end") is ends
