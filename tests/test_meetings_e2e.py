"""Meeting lookup conversations through the trained model and both real servers.

The shared servers use the packaged sample data (no network); answers say so. The
other-states tests start their own pair: the action server reads the California and
New York fixture feeds (tests/meetings/fixtures/states.yml) with the person in Pacific
time. Nothing is mocked. MEETINGS_E2E_MODEL picks another trained model (for example
one trained into /tmp while models/assistant.tar.gz is in use); the default is the
project's model.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import LOG_DIR, MODEL, conversation, free_port, talk, texts, write_credentials
from rasa_project import servers

pytestmark = pytest.mark.slow
STATES = Path(__file__).parent / "meetings" / "fixtures" / "states.yml"


@pytest.fixture(scope="module")
def states_server(tmp_path_factory):
    """A Rasa server and action server answering from the other-states fixture feeds."""
    model = Path(os.environ.get("MEETINGS_E2E_MODEL") or MODEL)
    if not model.is_file():
        pytest.fail(f"no trained model at {model}")
    tmp = tmp_path_factory.mktemp("states")
    actions = servers.action_server(free_port(), log_dir=LOG_DIR / "states")
    actions.env.update(MEETINGS_SOURCES=str(STATES), MEETINGS_CACHE=str(tmp / "cache.sqlite3"),
                       ASSISTANT_TIMEZONE="America/Los_Angeles")
    actions.start()
    rasa = None
    try:
        actions.wait_ready(timeout=120)
        endpoints = servers.endpoints_for(actions.port, out_dir=tmp)
        rasa = servers.rasa_server(free_port(), model=model, endpoints=endpoints,
                                   credentials=write_credentials(tmp), log_dir=LOG_DIR / "states").start()
        rasa.wait_ready(timeout=300)
        yield rasa
    finally:
        if rasa:
            rasa.stop()
        actions.stop()


def test_spanish_meeting_tomorrow_morning_in_san_jose(states_server):
    said = " ".join(texts(talk(states_server, conversation("states"),
                               "Is there a Spanish-speaking AA meeting tomorrow morning in San Jose, California?")))
    assert said.startswith("Here are Spanish-speaking A A meetings tomorrow morning near San Jose, California.")
    assert "Grupo Esperanza: tomorrow at seven in the morning" in said and "in Spanish" in said
    assert "sample" not in said.lower()


def test_which_rochester_then_new_york(states_server):
    who = conversation("states")
    asked = texts(talk(states_server, who, "find an NA meeting in Rochester"))
    assert asked == ["Rochester, Minnesota or New York?"]  # asked once, not twice
    answer = " ".join(texts(talk(states_server, who, "New York")))
    assert "near Rochester, New York" in answer



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
    followup = " ".join(texts(talk(rasa_server, who, "duluth minnesota")))
    assert "meeting" in followup.lower()


def test_an_emergency_during_the_search_gets_call_911_first(rasa_server):
    who = conversation("meet")
    talk(rasa_server, who, "find a meeting")
    said = texts(talk(rasa_server, who, "my friend in duluth isn't breathing"))
    assert said[0].startswith("Call 911")
