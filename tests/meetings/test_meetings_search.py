"""find_meetings with fixed clocks over the fixture feeds (and the packaged data)."""
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rasa_project.meetings import feeds, places, search
from rasa_project.meetings.model import UNKNOWN
from rasa_project.meetings.understand import IN_PERSON, ONLINE, Query

from .meetings_support import CHICAGO, at, fixture_records

TUESDAY_EVENING = at("2024-03-05 18:30")


def find(catalog, now=TUESDAY_EVENING, limit=100, offset=0, **query):
    return search.find_meetings(Query(**query), now, limit=limit, offset=offset, catalog=catalog)


def names(result):
    return [h.meeting.name for h in result.hits]


def test_nearest_first_then_online_and_all_inside_the_window(catalog):
    result = find(catalog, place="Saint Paul", when="tonight", fellowship="NA")
    assert result.hits, "the fixture has NA meetings on Tuesday evening"
    here = places.resolve("Saint Paul")
    located = [h for h in result.hits if h.distance_miles is not None]
    online = [h for h in result.hits if h.distance_miles is None]
    assert located and result.hits[: len(located)] == located  # located first
    for hit in located:
        m = hit.meeting
        assert hit.distance_miles == pytest.approx(places.miles(here.latitude, here.longitude, m.latitude, m.longitude))
    assert [round(h.distance_miles) for h in located] == sorted(round(h.distance_miles) for h in located)
    assert online and all(h.meeting.joinable_online for h in online)
    assert [h.starts_at.timestamp() for h in online] == sorted(h.starts_at.timestamp() for h in online)
    assert all(h.meeting.fellowship == "NA" for h in result.hits)
    assert all(result.window.start <= h.starts_at < result.window.end for h in result.hits)


def test_online_mode_has_no_distances_and_converts_time_zones(catalog):
    result = find(catalog, when="tonight", fellowship="NA", mode=ONLINE, place="Saint Paul")
    assert result.hits and all(h.meeting.joinable_online and h.distance_miles is None for h in result.hits)
    mountain = next(h for h in result.hits if h.meeting.timezone == "America/Denver")
    # 18:00 in Denver is 19:00 in Saint Paul.
    local = mountain.starts_at.astimezone(CHICAGO)
    assert (local.hour, local.minute) == (mountain.meeting.start.hour + 1, mountain.meeting.start.minute)
    starts = [h.starts_at.timestamp() for h in result.hits]
    assert starts == sorted(starts)


def test_eastern_meeting_is_found_by_chicago_clock(catalog):
    eastern = next(m for m in catalog.meetings if m.timezone == "America/New_York")
    day = TUESDAY_EVENING.date() + timedelta(days=(eastern.weekday - TUESDAY_EVENING.weekday()) % 7)
    starts_here = datetime.combine(day, eastern.start, tzinfo=ZoneInfo(eastern.timezone)).astimezone(CHICAGO)
    assert starts_here.hour == eastern.start.hour - 1
    just_before = find(catalog, now=starts_here - timedelta(minutes=5), when="now", mode=ONLINE)
    assert eastern.name in names(just_before)
    long_after = find(catalog, now=starts_here + timedelta(minutes=30), when="now", mode=ONLINE)
    assert eastern.name not in names(long_after)


def test_meetings_after_midnight_count_as_tonight(catalog):
    tuesday = find(catalog, place="Saint Paul", when="tonight")
    past = next(h for h in tuesday.hits if h.meeting.name == "Past Midnight")
    assert past.starts_at.date() > TUESDAY_EVENING.date() and past.starts_at.hour == 0
    friday = find(catalog, now=at("2024-03-08 23:00"), when="tonight", fellowship="NA", place="Saint Paul")
    assert "NA After Midnight" in names(friday)
    saturday_night = find(catalog, now=at("2024-03-09 23:00"), when="tonight", place="Minneapolis")
    assert "Saturday Late" in names(saturday_night)


def test_searches_wrap_across_the_week(catalog):
    saturday = find(catalog, now=at("2024-03-09 20:00"), when="tomorrow morning", fellowship="NA")
    assert names(saturday) == ["NA Sunday Morning"]
    assert saturday.hits[0].starts_at.weekday() == 6
    sunday = find(catalog, now=at("2024-03-10 20:00"), when="on monday", place="Saint Paul")
    assert "Weekday Noon" in names(sunday)
    assert all(h.starts_at.weekday() == 0 for h in sunday.hits)


def test_pages_do_not_overlap_and_say_when_more_remain(catalog):
    everything = find(catalog, place="Saint Paul", when="this week")
    first = find(catalog, place="Saint Paul", when="this week", limit=3)
    second = find(catalog, place="Saint Paul", when="this week", limit=3, offset=3)
    assert everything.total == first.total == second.total > 6
    assert names(first) + names(second) == names(everything)[:6]
    assert first.more and second.more
    last = find(catalog, place="Saint Paul", when="this week", limit=3, offset=everything.total - 1)
    assert len(last.hits) == 1 and not last.more


def test_far_meetings_are_left_out_but_online_ones_stay(catalog):
    result = find(catalog, place="Duluth, Minnesota", when="tonight", fellowship="AA")
    cities = {h.meeting.city for h in result.hits if h.distance_miles is not None}
    assert cities == {"Duluth"}
    assert any(h.meeting.joinable_online for h in result.hits)
    in_person = find(catalog, place="Duluth, Minnesota", when="tonight", fellowship="AA", mode=IN_PERSON)
    assert all(h.meeting.attendable_in_person for h in in_person.hits)


def test_unknown_place_asks_again_instead_of_guessing(catalog):
    result = find(catalog, place="zzyzx qwerty", when="tonight")
    assert result.unknown_place and result.hits == [] and result.total == 0


def test_fellowship_filter_and_counts_of_skipped_records(catalog):
    result = find(catalog, when="this week", fellowship="Al-Anon")
    assert names(result) == [m.name for m in catalog.meetings if m.fellowship == "Al-Anon"]
    expected = Counter()
    for name in ("meeting_guide.json", "bmlt.json"):
        for r in fixture_records(name):
            reason = r["_expect"] if isinstance(r, dict) else "not_an_object"
            if reason != "kept":
                expected[reason] += 1
    assert result.skipped == dict(expected)
    assert result.sample is False and result.data_age is None and result.stale is False


def test_meeting_without_a_point_gets_its_zip_point_marked_approximate(catalog):
    zero = next(m for m in catalog.meetings if m.name == "NA Zero Point")
    assert zero.approximate and zero.has_point
    assert (zero.latitude, zero.longitude) == places.zip_point("55104")


def test_a_whole_utterance_can_be_the_query(catalog):
    result = search.find_meetings("NA meeting tonight in five five one oh four", TUESDAY_EVENING, catalog=catalog)
    assert result.query == Query(place="55104", when="tonight", fellowship="NA")
    assert result.hits and all(h.meeting.fellowship == "NA" for h in result.hits)


def test_packaged_data_has_the_real_nar_anon_group_only_when_asked_for():
    packaged = feeds.load_catalog()
    monday = at("2024-03-04 17:00")
    asked = search.find_meetings(Query(place="Saint Paul", when="tonight", fellowship="Nar-Anon"), monday, catalog=packaged)
    group = next(h for h in asked.hits if "Nar-Anon" in h.meeting.name)
    assert group.meeting.attendance == UNKNOWN and group.distance_miles is None and not group.meeting.sample
    assert group.starts_at.hour == 19 and group.starts_at.weekday() == 0
    anything = search.find_meetings(Query(place="Saint Paul", when="tonight"), monday, catalog=packaged, limit=1000)
    assert all(h.meeting.attendance != UNKNOWN for h in anything.hits)
    assert anything.sample is True
