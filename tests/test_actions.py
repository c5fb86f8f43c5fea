"""Unit tests of the custom actions with rasa_sdk's CollectingDispatcher and a Tracker."""
from __future__ import annotations

import asyncio
import inspect

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import ActionGuidance
from actions.more import ActionMore
from actions.repeat import ActionRepeat
from rasa_project.content.library import default_library


def tracker(intent: str, slots: dict | None = None, events: list | None = None) -> Tracker:
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message={"intent": {"name": intent, "confidence": 1.0}, "text": "..."},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    if inspect.isawaitable(events):  # async actions (ActionMore)
        events = asyncio.run(events)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_guidance_speaks_the_first_chunk_and_offers_more():
    library = default_library()
    chunks = library.topic_chunks("withdrawal_symptoms")
    assert len(chunks) > 1
    messages, slots = run(ActionGuidance(), tracker("withdrawal_symptoms"))
    assert [m["text"] for m in messages] == [chunks[0], library.phrase("want_more")]
    assert slots == {"more_topic": "withdrawal_symptoms", "more_index": 1.0, "more_item": None}


def test_more_speaks_the_next_chunk_then_says_when_done():
    library = default_library()
    chunks = library.topic_chunks("withdrawal_symptoms")
    index = float(len(chunks) - 1)
    messages, slots = run(ActionMore(), tracker("more", {"more_topic": "withdrawal_symptoms", "more_index": index}))
    assert messages[0]["text"] == chunks[-1] and slots["more_topic"] is None
    messages, _ = run(ActionMore(), tracker("more"))
    assert messages[0]["text"] == library.phrase("no_more")


def test_guidance_for_an_intent_without_content_is_a_safe_answer():
    messages, _ = run(ActionGuidance(), tracker("no_such_topic"))
    assert "call 911" in messages[0]["text"].lower()


def test_repeat_says_the_previous_answer_again():
    events = [
        {"event": "user", "text": "hi"},
        {"event": "bot", "text": "first"},
        {"event": "bot", "text": "second", "data": {"custom": {"k": 1}}},
        {"event": "user", "text": "say that again"},
    ]
    messages, _ = run(ActionRepeat(), tracker("repeat", events=events))
    assert [m["text"] for m in messages] == ["first", "second"]
    assert messages[1]["custom"] == {"k": 1}


def test_repeat_with_nothing_said_yet_explains():
    messages, _ = run(ActionRepeat(), tracker("repeat", events=[{"event": "user", "text": "again"}]))
    assert messages[0]["text"] == default_library().phrase("nothing_to_repeat")


def test_seek_help_picks_its_answer_by_the_substance_and_more_continues_it():
    from actions.seek_help import ActionSeekHelp

    library = default_library()
    t = tracker("seek_help")
    t.latest_message["text"] = "I need help with my drinking"
    messages, slots = run(ActionSeekHelp(), t)
    assert messages[0]["text"] == library.topics["seek_help"].items["seek_help_alcohol"].chunks[0]
    assert slots["more_item"] == "seek_help_alcohol"
    more, _ = run(ActionMore(), tracker("affirm", {"more_topic": "seek_help", "more_index": 1.0, "more_item": "seek_help_alcohol"}))
    assert more[0]["text"] == library.topic_chunks("seek_help", "seek_help_alcohol")[1]
