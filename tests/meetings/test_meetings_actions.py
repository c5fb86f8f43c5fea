"""The rasa_sdk actions, run with CollectingDispatcher and a Tracker over the fixture feeds."""
import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.find_meeting import ActionFindMeeting, ValidateFindMeetingForm, more_meetings
from rasa_project.meetings import search, speak
from rasa_project.meetings.understand import Query

from .meetings_support import at

TUESDAY_EVENING = at("2024-03-05 18:30")
SLOTS = ("meeting_place", "meeting_when", "meeting_fellowship", "meeting_mode", "meeting_offset", "requested_slot")
DOMAIN = {
    "forms": {"find_meeting_form": {"required_slots": ["meeting_place"]}},
    "slots": {name: {"type": "text", "mappings": [{"type": "custom"}]} for name in SLOTS},
}


def tracker(text, requested=None, **slots):
    values = {name: None for name in SLOTS}
    values.update(slots, requested_slot=requested)
    return Tracker(
        "test-user", values, {"text": text, "intent": {"name": "find_meeting"}, "entities": []},
        [{"event": "user", "text": text}], False, None,
        {"name": "find_meeting_form"} if requested else {}, "action_listen",
    )


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_one_sentence_fills_place_time_and_fellowship(default_catalog):
    messages, slots = run(ValidateFindMeetingForm(), tracker("NA meeting tonight in 55104"))
    assert slots["meeting_place"] == "55104"
    assert slots["meeting_when"] == "tonight"
    assert slots["meeting_fellowship"] == "NA"
    assert "meeting_mode" not in slots and messages == []


def test_a_correction_changes_only_the_place(default_catalog):
    t = tracker("no, Duluth Minnesota", requested="meeting_place", meeting_place="Saint Paul", meeting_when="tonight",
                meeting_fellowship="NA")
    messages, slots = run(ValidateFindMeetingForm(), t)
    assert slots == {"meeting_place": "Duluth, Minnesota"} and messages == []


def test_an_unknown_place_is_turned_down_with_a_re_ask(default_catalog):
    messages, slots = run(ValidateFindMeetingForm(), tracker("zzyzx qwerty", requested="meeting_place"))
    assert slots["meeting_place"] is None
    assert [m["text"] for m in messages] == [speak.unknown_place()]


def test_near_me_leaves_the_place_for_the_form_to_ask(default_catalog):
    messages, slots = run(ValidateFindMeetingForm(), tracker("is there a meeting near me", requested="meeting_place"))
    assert "meeting_place" not in slots and messages == []


def test_online_needs_no_place_and_ends_the_form(default_catalog):
    messages, slots = run(ValidateFindMeetingForm(), tracker("an online NA meeting tonight"))
    assert slots["meeting_mode"] == "online" and slots["requested_slot"] is None
    assert "meeting_place" not in slots


def test_find_meeting_speaks_the_first_page_and_sets_the_offset(default_catalog):
    t = tracker("", meeting_place="Saint Paul", meeting_when="this week")
    messages, slots = run(ActionFindMeeting(clock=lambda: TUESDAY_EVENING), t)
    expected = search.find_meetings(Query(place="Saint Paul", when="this week"), TUESDAY_EVENING,
                                     catalog=default_catalog)
    assert len(messages) == 1
    for hit in expected.hits:
        assert hit.meeting.name in messages[0]["text"]
    assert slots["meeting_offset"] == float(len(expected.hits)) == 3.0


def test_more_meetings_continues_where_the_last_page_ended(default_catalog):
    t = tracker("more", meeting_place="Saint Paul", meeting_when="this week", meeting_fellowship="NA",
                meeting_offset=3.0)
    texts, events, _ = more_meetings(t, now=TUESDAY_EVENING)
    everything = search.find_meetings(Query(place="Saint Paul", when="this week", fellowship="NA"), TUESDAY_EVENING,
                                      limit=100, catalog=default_catalog)
    assert everything.total > 6
    shown = {h.meeting.name for h in everything.hits[3:6]}
    already_said = {h.meeting.name for h in everything.hits[:3]} - shown
    assert len(texts) == 1 and all(name in texts[0] for name in shown)
    assert already_said and not any(name in texts[0] for name in already_said)
    assert events == [SlotSet("meeting_offset", 6.0)]


def test_more_after_the_last_page_says_that_is_all(default_catalog):
    total = search.find_meetings(Query(place="Duluth, Minnesota", when="tonight"), TUESDAY_EVENING, catalog=default_catalog).total
    t = tracker("more", meeting_place="Duluth, Minnesota", meeting_when="tonight", meeting_offset=float(total))
    texts, events, _ = more_meetings(t, now=TUESDAY_EVENING)
    assert texts == [speak.phrases()["no_more"]] and events == [SlotSet("meeting_offset", float(total))]


def test_actions_do_not_log_message_text(default_catalog, caplog):
    secret = "NA meeting tonight in 55104 my name is Jordan"
    caplog.set_level("DEBUG")
    run(ValidateFindMeetingForm(), tracker(secret))
    assert "Jordan" not in caplog.text


def test_an_answer_with_only_a_time_is_not_taken_for_a_place(default_catalog):
    messages, slots = run(ValidateFindMeetingForm(), tracker("tonight please", requested="meeting_place"))
    assert slots == {"meeting_when": "tonight"} and messages == []


def test_find_meeting_takes_a_correction_said_outside_the_form(default_catalog):
    t = tracker("no, Duluth Minnesota", meeting_place="Saint Paul", meeting_when="tonight", meeting_fellowship="AA")
    messages, slots = run(ActionFindMeeting(clock=lambda: TUESDAY_EVENING), t)
    assert slots["meeting_place"] == "Duluth, Minnesota" and "meeting_when" not in slots
    duluth = search.find_meetings(Query(place="Duluth, Minnesota", when="tonight", fellowship="AA"), TUESDAY_EVENING,
                                  catalog=default_catalog)
    assert duluth.hits[0].meeting.name in messages[0]["text"] and "Duluth" in messages[0]["text"]
