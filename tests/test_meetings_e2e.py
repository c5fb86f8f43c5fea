"""Meeting lookup conversations through the trained model and both real servers.

The feeds are the packaged sample data (no network); answers say so.
"""
from __future__ import annotations


import pytest

from conftest import conversation, talk, texts

pytestmark = pytest.mark.slow



def test_find_a_meeting_asks_where_then_answers(rasa_server):
    who = conversation("meet")
    asked = texts(talk(rasa_server, who, "find a meeting"))
    assert asked == ["Which city or ZIP code should I look near?"]
    answer = " ".join(texts(talk(rasa_server, who, "Minneapolis")))
    assert "sample" in answer.lower()
    assert "meeting" in answer.lower()


def test_one_sentence_with_zip_fellowship_and_time(rasa_server):
    answer = " ".join(texts(talk(rasa_server, conversation("meet"), "NA meeting tonight in 55104")))
    # Found or not (that depends on the clock), the answer names what was understood.
    assert "Which city" not in answer
    assert "N A meetings" in answer and "ZIP code 5 5 1 0 4" in answer


def test_more_gives_the_next_meetings(rasa_server):
    who = conversation("meet")
    first = texts(talk(rasa_server, who, "is there an AA meeting in minneapolis"))
    more = texts(talk(rasa_server, who, "more"))
    assert more and more != first


def test_a_misheard_place_gets_a_clear_reask_not_a_crash(rasa_server):
    who = conversation("meet")
    talk(rasa_server, who, "find a meeting")
    answer = " ".join(texts(talk(rasa_server, who, "zzyzx qwerty")))
    assert answer  # a re-ask, whatever the wording
    followup = " ".join(texts(talk(rasa_server, who, "duluth")))
    assert "meeting" in followup.lower()


def test_an_emergency_during_the_search_gets_call_911_first(rasa_server):
    who = conversation("meet")
    talk(rasa_server, who, "find a meeting")
    said = texts(talk(rasa_server, who, "my friend in duluth isn't breathing"))
    assert said[0].startswith("Call 911")
