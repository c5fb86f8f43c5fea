"""The front end's own spoken phrases: sourced, written for the ear, 911 first."""
import pytest

from rasa_project.voice.client import local_answer
from rasa_project.voice import phrases

REMINDER = "Call 911 now if someone is not breathing or will not wake up."


def test_every_phrase_names_its_source():
    loaded = phrases.load()
    assert {"server_unreachable", "didnt_catch", "call_911_reminder"} <= set(loaded)
    for phrase in loaded.values():
        assert phrase.source.strip(), phrase.id
        assert phrases.text(phrase.id).strip(), phrase.id


def test_the_reminder_is_the_one_the_assistant_promises():
    assert phrases.text("call_911_reminder") == REMINDER
    assert "SAMHSA Overdose Prevention and Response Toolkit" in phrases.load()["server_unreachable"].source


@pytest.mark.parametrize("name, situation", [("server_unreachable", "voice_unreachable"), ("didnt_catch", "voice_not_heard")])
def test_safety_answers_start_with_the_911_reminder(name, situation):
    assert phrases.text(name).startswith(REMINDER)
    assert local_answer(situation)[0]["text"] == phrases.text(name)


def test_phrases_are_written_for_the_ear():
    for name in phrases.load():
        said = phrases.text(name)
        assert said.endswith((".", "?", "!")), name
        for bad in ("http", "www.", "*", "[", "#", "\n"):
            assert bad not in said, (name, bad)
        # short sentences: nobody can take in a long one while kneeling on the floor
        assert max(len(s.split()) for s in said.split(". ")) <= 14, name
