"""The spoken answer: natural days and times, no URLs, digits one by one, words from
content/en/phrases/meetings.yml."""
import re
from pathlib import Path
from datetime import time

import pytest

from rasa_project.meetings import feeds, search, speak, when
from rasa_project.meetings.model import ONLINE, Meeting
from rasa_project.meetings.understand import Query

from .meetings_support import at

TUESDAY_EVENING = at("2024-03-05 18:30")


@pytest.mark.parametrize(
    "starts, now, said",
    [
        ("2024-03-05 19:00", "2024-03-05 18:30", "tonight at seven"),
        ("2024-03-06 07:30", "2024-03-05 18:30", "tomorrow at seven thirty in the morning"),
        ("2024-03-05 12:00", "2024-03-03 10:00", "Tuesday at noon"),
        ("2024-03-06 00:30", "2024-03-05 18:30", "tonight at twelve thirty"),
        ("2024-03-05 10:05", "2024-03-05 08:00", "today at ten oh five in the morning"),
        ("2024-03-07 18:45", "2024-03-05 18:30", "Thursday at six forty five in the evening"),
        ("2024-03-05 18:20", "2024-03-05 18:30", "started tonight at six twenty"),
    ],
)
def test_day_and_time_are_said_naturally(starts, now, said):
    assert speak.when_phrase(at(starts), at(now)) == said


def test_times_in_other_zones_are_said_in_the_listeners_zone():
    from zoneinfo import ZoneInfo
    from datetime import datetime

    eastern = datetime(2024, 3, 5, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert speak.when_phrase(eastern, TUESDAY_EVENING) == "tonight at seven"


def test_phone_numbers_are_written_digit_by_digit():
    assert speak.phone_digits("+1 612-555-0100") == "6 1 2, 5 5 5, 0 1 0 0"
    said = speak.join_phrase(online(phone="(651) 555 0101,,987654#"))
    assert said == "Call 6 5 1, 5 5 5, 0 1 0 1. Meeting ID 9 8 7, 6 5 4"


@pytest.mark.parametrize(
    "phone, notes, said",
    [
        ("+16699006833,,81234567890#,,,,*123456#", "",
         "Call 6 6 9, 9 0 0, 6 8 3 3. Meeting ID 8 1 2, 3 4 5 6, 7 8 9 0. Passcode 1 2 3, 4 5 6"),
        ("+1 646 558 8656", "Meeting ID: 876 5432 1098 Passcode: 2468",
         "Call 6 4 6, 5 5 8, 8 6 5 6. Meeting ID 8 7 6, 5 4 3 2, 1 0 9 8. Passcode 2 4 6 8"),
        ("+1 646 558 8656 Meeting ID: 876 543 2109 Passcode: serenity", "",
         "Call 6 4 6, 5 5 8, 8 6 5 6. Meeting ID 8 7 6, 5 4 3, 2 1 0 9. Passcode serenity"),
        ("+16465588656,,87654321098#,,,,0#,,2468#", "",
         "Call 6 4 6, 5 5 8, 8 6 5 6. Meeting ID 8 7 6, 5 4 3 2, 1 0 9 8. Passcode 2 4 6 8"),
    ],
)
def test_dial_in_number_meeting_id_and_passcode_are_said_apart(phone, notes, said):
    from rasa_project.meetings import join

    dial = join.parse(phone, [notes])
    meeting = online(phone=dial.phone)
    meeting = Meeting(**{**meeting.__dict__, "meeting_id": dial.meeting_id, "passcode": dial.passcode})
    assert speak.join_phrase(meeting) == said


def online(url="", phone=""):
    return Meeting("t:1", "Test", "NA", 1, time(19), search.timedelta(hours=1), "America/Chicago", ONLINE,
                   conference_url=url, conference_phone=phone)


def test_links_are_said_by_host_name_only():
    said = speak.join_phrase(online("https://us02web.zoom.us/j/123456789?pwd=abcdef"))
    assert said == "Join on Zoom. Meeting ID 1 2 3, 4 5 6, 7 8 9"  # the ID from the link, for the app
    said = speak.join_phrase(online("https://www.meet.example.org/room/42?x=1", "612 555 0199"))
    assert "meet dot example dot org" in said and "6 1 2, 5 5 5, 0 1 9 9" in said
    assert not re.search(r"https?|/|\?|room|42", said)


def test_answer_lists_three_then_offers_more_and_never_reads_a_url(catalog):
    result = search.find_meetings(Query(place="Saint Paul", when="this week"), TUESDAY_EVENING, catalog=catalog)
    said = speak.answer(result, TUESDAY_EVENING)
    assert len(result.hits) == 3 and result.more
    for hit in result.hits:
        assert hit.meeting.name in said
    assert said.endswith(speak.phrases()["more"])
    assert "http" not in said and "://" not in said and not re.search(r"\d:\d", said)


def test_online_answer_says_how_to_join(catalog):
    result = search.find_meetings(Query(when="tonight", fellowship="NA", mode="online"), TUESDAY_EVENING, catalog=catalog)
    said = speak.answer(result, TUESDAY_EVENING)
    assert result.hits and "Join on Zoom" in said and "6 5 1, 5 5 5, 0 1 0 1" in said
    assert "miles" not in said


def test_nothing_found_suggests_online_or_another_place(catalog):
    result = search.find_meetings(Query(place="Duluth, Minnesota", when="tonight", fellowship="NA", mode="in_person"),
                                  TUESDAY_EVENING, catalog=catalog)
    said = speak.answer(result, TUESDAY_EVENING)
    assert result.hits == [] and "online" in said and "Duluth" in said


def test_unknown_place_gives_the_re_ask(catalog):
    result = search.find_meetings(Query(place="zzyzx qwerty"), TUESDAY_EVENING, catalog=catalog)
    assert speak.answer(result, TUESDAY_EVENING) == speak.reask_place()
    assert speak.reask_place().endswith("?")


def test_sample_data_is_announced_first():
    packaged = feeds.load_catalog()
    result = search.find_meetings(Query(place="55104", when="tonight", fellowship="NA"), TUESDAY_EVENING, catalog=packaged)
    said = speak.answer(result, TUESDAY_EVENING)
    assert result.sample and said.startswith(speak.phrases()["notices"]["sample"])
    assert "ZIP code 5 5 1 0 4" in said


def test_every_window_and_fellowship_has_words():
    p = speak.phrases()
    for phrase in ["now", "tonight", "today", "this morning", "this afternoon", "this evening", "tomorrow",
                   "tomorrow morning", "tomorrow night", "on friday", "friday morning", "this weekend", "this week",
                   "at noon", "tomorrow at noon"]:
        window = when.parse(phrase, TUESDAY_EVENING)
        assert window.key in p["windows"], phrase
    assert window_default_key() in p["windows"]
    for code in feeds.load_catalog().fellowships:
        assert code in p["fellowships"]


def window_default_key():
    return when.default_window(TUESDAY_EVENING).key


@pytest.mark.parametrize("module", ["speak.py", "spoken.py", "places.py", "kinds.py", "join.py", "search.py"])
def test_speak_modules_hold_no_sentences(module):
    source = (Path(speak.__file__).parent / module).read_text(encoding="utf-8")
    # Strings of three or more words outside docstrings and comments would be spoken text.
    code = re.sub(r'"""[\s\S]*?"""', "", source)
    code = re.sub(r"#.*", "", code)
    sentences = [s for s in re.findall(r'"([^"\n]*)"', code) if len(s.split()) >= 3]
    assert sentences == []


def test_a_dated_listing_says_its_year_before_the_meeting(tmp_path):
    """Issue 12: the Nar-Anon meeting from the 2018 source page was spoken as current."""
    from rasa_project.meetings import sources as meeting_sources

    packaged = meeting_sources.load_sources(cache_path=tmp_path / "cache.sqlite3")
    catalog = feeds.load_catalog(packaged)
    now = at("2024-03-03 10:00")
    result = search.find_meetings("nar-anon meeting on monday in saint paul", now, catalog=catalog)
    said = speak.answer(result, now)
    assert said.startswith(speak.phrases()["notices"]["dated_listing"].format(year="2018"))
    assert "Nar-Anon Family Group" in said
