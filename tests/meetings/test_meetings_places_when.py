"""Place text to points (offline gazetteer) and time words to windows (fixed clocks)."""
from datetime import timedelta

import pytest
import zipcodes

from rasa_project.meetings import places, when

from .meetings_support import at


def zip_point(code):
    row = zipcodes.matching(code)[0]
    return float(row["lat"]), float(row["long"])


@pytest.mark.parametrize("said", ["saint paul", "St. Paul", "st paul", "Saint Paul, MN", "saint paul minnesota"])
def test_city_spellings_resolve_to_the_same_place(said):
    place = places.resolve(said)
    assert place is not None and place.label == "Saint Paul" and place.state == "MN"
    # Saint Paul's point lies within a few miles of its downtown ZIP.
    assert places.miles(place.latitude, place.longitude, *zip_point("55101")) < 3


@pytest.mark.parametrize("city", ["Minneapolis", "Saint Paul", "Mankato", "Edina"])
def test_cities_mostly_in_minnesota_resolve_there(city):
    place = places.resolve(city.lower())
    assert place.state == "MN" and place.label == city


@pytest.mark.parametrize(
    "city, states",
    [("Rochester", ("MN", "NY")), ("Duluth", ("MN", "GA")), ("Bloomington", ("MN", "IN", "IL")),
     ("Portland", ("OR", "ME"))],
)
def test_a_city_several_states_have_is_asked_about_home_state_first(city, states):
    assert places.resolve(city) is None
    assert places.lookup(city) == places.Ambiguous(city, states)


@pytest.mark.parametrize(
    "said",
    ["55104", "five five one oh four", "five five one zero four", "55 104", "fifty five one oh four",
     "5 5 1 0 4", "zip code 55104", "double five one oh four"],
)
def test_spoken_zip_codes(said):
    place = places.resolve(said)
    assert place is not None and place.zip_code == "55104"
    assert (place.latitude, place.longitude) == pytest.approx(zip_point("55104"))


@pytest.mark.parametrize(
    "said", ["", "   ", "zzyzx qwerty", "the moon", "fifty five", "five five one", "99999", "near me", "in person", None, "!!!"]
)
def test_unknown_or_misheard_places_give_none(said):
    assert places.resolve(said) is None


@pytest.mark.parametrize(
    "said, label, state",
    [("Rochester NY", "Rochester, New York", "NY"), ("rochester new york", "Rochester, New York", "NY"),
     ("Syracuse, New York", "Syracuse, New York", "NY"), ("san jose california", "San Jose, California", "CA"),
     ("San Jose, CA", "San Jose, California", "CA"), ("chicago", "Chicago, Illinois", "IL"),
     ("rochester minnesota", "Rochester, Minnesota", "MN"), ("syracuse", "Syracuse, New York", "NY")],
)
def test_any_state_by_name_or_code_and_the_label_resolves_back(said, label, state):
    place = places.resolve(said)
    assert (place.label, place.state) == (label, state) and places.resolve(place.label) == place


@pytest.mark.parametrize(
    "sentence, label",
    [("NA meeting in Rochester New York on Monday", "Rochester, New York"),
     ("is there a spanish-speaking AA meeting tomorrow morning in San Jose, California?", "San Jose, California"),
     ("Syracuse New York meetings tonight", "Syracuse, New York"),
     ("rochester ny tonight", "Rochester, New York"),
     ("a meeting in saint paul or minneapolis tonight", "Saint Paul")],
)
def test_city_and_state_anywhere_in_a_sentence(sentence, label):
    assert places.find(sentence).label == label


def test_the_answer_to_which_state_picks_that_state():
    assert places.in_state("Rochester", "New York").label == "Rochester, New York"
    assert places.in_state("Rochester", "minnesota please").state == "MN"
    assert places.in_state("Rochester", "the moon") is None


def test_place_found_inside_a_sentence():
    assert places.find_in_text("Is there an NA meeting tonight near Saint Paul?").label == "Saint Paul"
    assert places.find_in_text("NA meeting tonight in 55104").zip_code == "55104"
    assert places.find_in_text("meeting in five five one oh four tonight").zip_code == "55104"
    assert places.find_in_text("i hope there is a meeting tonight") is None  # "Hope" is a town, not here


def test_distance_is_in_miles():
    # Minneapolis and Saint Paul downtowns are about 9 to 10 miles apart.
    assert 8 < places.miles(*zip_point("55401"), *zip_point("55101")) < 11


TUESDAY_EVENING = at("2024-03-05 18:30")


def test_tonight_runs_past_midnight():
    window = when.parse("tonight", TUESDAY_EVENING)
    assert window.start == TUESDAY_EVENING
    assert window.end == at("2024-03-06 04:00")


def test_tonight_after_midnight_is_the_rest_of_this_night():
    late = at("2024-03-06 01:00")
    window = when.parse("tonight", late)
    assert window.start == late and window.end == at("2024-03-06 04:00")


def test_tonight_asked_in_the_morning_starts_in_the_evening():
    window = when.parse("tonight", at("2024-03-05 09:00"))
    assert window.start == at("2024-03-05 17:00")


def test_tomorrow_morning_and_this_evening_and_this_afternoon():
    morning = when.parse("tomorrow morning", TUESDAY_EVENING)
    assert (morning.start, morning.end) == (at("2024-03-06 05:00"), at("2024-03-06 12:00"))
    evening = when.parse("this evening", TUESDAY_EVENING)
    assert (evening.start, evening.end) == (TUESDAY_EVENING, at("2024-03-06 00:00"))
    assert when.parse("this afternoon", TUESDAY_EVENING).empty  # already over
    assert not when.parse("this afternoon", at("2024-03-05 13:00")).empty


def test_weekday_is_the_next_such_day_or_today():
    thursday = when.parse("on thursday", TUESDAY_EVENING)
    assert thursday.start == at("2024-03-07 00:00") and thursday.weekday == 3
    today = when.parse("on tuesday", TUESDAY_EVENING)
    assert today.start == TUESDAY_EVENING and today.end == at("2024-03-06 00:00")
    assert when.parse("next tuesday", TUESDAY_EVENING).start == at("2024-03-12 00:00")


def test_now_includes_meetings_that_just_began():
    window = when.parse("right now", TUESDAY_EVENING)
    assert window.start == TUESDAY_EVENING - when.GRACE and window.start < TUESDAY_EVENING
    assert window.end - TUESDAY_EVENING == timedelta(hours=2)
    assert when.parse("now", TUESDAY_EVENING) == window


def test_today_ends_at_midnight_and_unknown_words_give_none():
    assert when.parse("today", TUESDAY_EVENING).end == at("2024-03-06 00:00")
    assert when.parse("purple", TUESDAY_EVENING) is None
    assert when.parse("", TUESDAY_EVENING) is None


def test_time_phrase_is_picked_out_of_a_sentence():
    assert when.phrase_in("Is there an NA meeting tonight near Saint Paul?") == "tonight"
    assert when.phrase_in("any meetings tomorrow morning in duluth") == "tomorrow morning"
    assert when.phrase_in("NA meeting in 55104") is None
    phrase = when.phrase_in("AA at noon on friday")
    assert when.parse(phrase, TUESDAY_EVENING).weekday == 4


def test_windows_cross_the_daylight_saving_change():
    # 2024-03-10: clocks in Chicago jump from 2:00 to 3:00; "tomorrow" is 23 hours long.
    window = when.parse("tomorrow", at("2024-03-09 12:00"))
    assert window.end.timestamp() - window.start.timestamp() == timedelta(hours=23).total_seconds()


def test_a_state_code_inside_a_sentence_does_not_move_the_city():
    assert places.find_in_text("a meeting in saint paul or minneapolis tonight").state == "MN"
    assert places.find_in_text("any meetings near rochester ny").state == "NY"
