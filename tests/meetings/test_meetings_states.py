"""Real-format feeds from two other states and two time zones (tests/meetings/fixtures/states.yml):
a California county AA Meeting Guide feed (Pacific) and an upstate New York NA BMLT reply
with its format list (Eastern). Nothing is mocked: the files are read and parsed as a
deployed feed would be; only the clock is set."""
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bench import meeting_questions
from rasa_project.meetings import clock, feeds, search, speak
from rasa_project.meetings.model import ONLINE
from rasa_project.meetings.sources import load_sources

from .meetings_support import FIXTURES

PACIFIC, EASTERN, CENTRAL = (ZoneInfo(z) for z in ("America/Los_Angeles", "America/New_York", "America/Chicago"))


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    cache = tmp_path_factory.mktemp("states") / "cache.sqlite3"
    return feeds.load_catalog(load_sources(FIXTURES / "states.yml", cache_path=cache))


def named(catalog, name):
    return [m for m in catalog.meetings if m.name == name]


def ask(catalog, text, now):
    result = search.find_meetings(text, now, catalog=catalog)
    return result, speak.answer(result, now)


def test_bom_and_object_wrapped_bmlt_are_read_and_every_skip_is_counted(states):
    by_feed = {status.name: status for status in states.feeds}
    california, new_york = by_feed["santa_clara_aa"], by_feed["upstate_ny_na"]
    assert (FIXTURES / "california_aa.json").read_bytes().startswith(b"\xef\xbb\xbf")
    assert california.records == 16 and california.skipped == Counter(missing_name=1, duplicate=7)
    assert california.dropped == Counter(bad_end_time=1)
    assert new_york.records == 13 and new_york.skipped == Counter(duplicate=1)
    assert new_york.dropped == Counter(bad_duration=1)
    assert len(named(states, "Clean and Serene")) == 1 and len(named(states, "Grupo Esperanza")) == 7


def test_bad_optional_fields_drop_the_field_not_the_meeting(states):
    late, = named(states, "Late Night Spanish")
    ladies, = named(states, "Ladies Night Syracuse")
    assert late.duration.total_seconds() == 3600 and ladies.duration.total_seconds() == 3600


def test_kinds_come_from_type_codes_and_the_servers_format_list(states):
    assert named(states, "Grupo Esperanza")[0].kinds == ("spanish", "open", "wheelchair")
    assert named(states, "Mujeres en Recuperacion")[0].kinds == ("spanish", "women", "closed")  # "Sp" is LANG here
    assert named(states, "Just for Today Rochester")[0].kinds == ("open", "beginners", "wheelchair")
    spanish = {m.name for m in states.meetings if "spanish" in m.kinds}
    assert spanish == {"Grupo Esperanza", "Grupo Nueva Vida", "Grupo Amanecer", "Mujeres en Linea",
                       "Late Night Spanish", "Lost Coordinates Group", "Mujeres en Recuperacion", "Grupo Latino Syracuse"}


def test_online_only_records_are_not_places(states):
    early = named(states, "Early Birds Online")[0]
    assert early.attendance == ONLINE and not early.has_point and early.location == ""
    virtual, = named(states, "Upstate Virtual Recovery")
    assert virtual.attendance == ONLINE and (virtual.meeting_id, virtual.passcode) == ("81122233344", "4455")


def test_state_written_with_its_zip_is_split(states):
    morning = named(states, "Milpitas Morning")[0]
    assert (morning.state, morning.postal_code) == ("CA", "95035")


def test_a_record_without_a_position_is_never_near(states):
    now = datetime(2024, 3, 11, 6, 0, tzinfo=PACIFIC)
    for place in ("San Jose, California", "95112", "Rochester, New York"):
        result = search.find_meetings(search.Query(place=place, when="today"), now, catalog=states)
        assert not {"Lost Coordinates Group", "Unplaced Group"} & {h.meeting.name for h in result.hits[:50]}
        assert all(h.distance_miles is None or h.distance_miles <= 30 for h in result.hits)


def test_a_san_jose_zip_gets_no_new_york_meetings(states):
    result = search.find_meetings(search.Query(place="95112", when="this week", mode="in_person"),
                                  datetime(2024, 3, 11, 6, 0, tzinfo=PACIFIC), limit=100, catalog=states)
    assert result.hits and {h.meeting.state for h in result.hits} == {"CA"}


def test_eastern_meetings_said_in_the_persons_zone_with_their_own(states):
    result, said = ask(states, "NA meeting on Monday in Rochester New York", datetime(2024, 3, 10, 9, 0, tzinfo=CENTRAL))
    assert "Clean and Serene: tomorrow at six in the evening, that is seven in the evening Eastern time" in said
    _, said = ask(states, "NA meeting on Monday in Rochester New York", datetime(2024, 3, 10, 9, 0, tzinfo=EASTERN))
    assert "Clean and Serene: tomorrow at seven in the evening, at St. Luke's Church" in said and "Eastern" not in said
    assert "Serenity at Noon: tomorrow at noon" in said


def test_tonight_is_the_persons_tonight(states):
    """5:30 pm Pacific is tonight for a person in San Jose, though it is 8:30 pm in Chicago."""
    now = datetime(2024, 3, 11, 17, 0, tzinfo=PACIFIC)  # Monday
    result, said = ask(states, "women's meeting tonight in San Jose California", now)
    assert [h.meeting.name for h in result.hits] == ["Women in the Solution"]
    assert "tonight at five thirty" in said and "for women" in said


def test_daylight_saving_day_keeps_wall_clock_times(states):
    """Sunday 10 March 2024: clocks go forward at 2 a.m. everywhere in the US."""
    now = datetime(2024, 3, 10, 1, 30, tzinfo=PACIFIC)
    result, said = ask(states, "Spanish AA meeting this morning in San Jose, California", now)
    hit = result.hits[0]
    assert hit.meeting.name == "Grupo Esperanza" and hit.starts_at.utcoffset().total_seconds() == -7 * 3600
    assert "today at seven in the morning" in said


def test_spanish_meeting_by_voice_in_another_state(states):
    now = datetime(2024, 3, 11, 18, 0, tzinfo=PACIFIC)
    result, said = ask(states, "Is there a Spanish-speaking AA meeting tomorrow morning in San Jose, California?", now)
    assert [h.meeting.name for h in result.hits] == ["Grupo Esperanza"]
    assert said.startswith("Here are Spanish-speaking A A meetings tomorrow morning near San Jose, California.")
    assert "Distances are from the center of San Jose." in said


def test_location_notes_and_addresses_said_once(states):
    _, said = ask(states, "women's meeting on tuesday in San Jose CA", datetime(2024, 3, 11, 10, 0, tzinfo=PACIFIC))
    assert "Rear entrance." in said and said.count("Santa Clara") == 1


def test_an_ambiguous_city_is_asked_about(states):
    _, said = ask(states, "NA meeting in Rochester on Monday", datetime(2024, 3, 10, 9, 0, tzinfo=EASTERN))
    assert said == "Rochester, Minnesota or New York?"


def test_the_persons_zone_is_configurable_and_defaults_to_the_machines(monkeypatch):
    monkeypatch.setenv(clock.ENV, "America/Los_Angeles")
    assert clock.person_zone() == "America/Los_Angeles" and clock.now().tzinfo == PACIFIC
    monkeypatch.setenv(clock.ENV, "Not/AZone")
    monkeypatch.setenv("TZ", "America/New_York")
    assert clock.person_zone() == "America/New_York"


def test_question_table_is_right_against_the_raw_json():
    rows = meeting_questions.run()
    assert len(rows) >= 12 and {r["feed"] for r in rows} == {"california_aa.json", "upstate_ny_na.json"}
    wrong = [(r["question"], r["why"]) for r in rows if not r["right"]]
    assert wrong == []
