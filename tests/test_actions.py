"""Unit tests of the custom actions with rasa_sdk's CollectingDispatcher and a Tracker."""
from __future__ import annotations

import asyncio
import inspect

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import ActionGuidance
from actions.more import ActionMore
from actions.overdose_emergency import ActionEmergencyStep
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


@pytest.fixture(scope="module")
def steps():
    return default_library().topics["overdose_emergency"].steps


def step_text(step_id: str) -> str:
    return default_library().topics["overdose_emergency"].items[step_id].chunks[0]


def test_emergency_starts_after_the_call_911_step(steps):
    messages, slots = run(ActionEmergencyStep(), tracker("overdose_emergency"))
    assert messages[0]["text"] == step_text(steps[1])
    assert slots["emergency_step"] == 1.0


def test_next_and_back_move_through_the_steps(steps):
    messages, slots = run(ActionEmergencyStep(), tracker("next_step", {"emergency_step": 1.0}))
    assert messages[0]["text"] == step_text(steps[2]) and slots["emergency_step"] == 2.0
    messages, slots = run(ActionEmergencyStep(), tracker("previous_step", {"emergency_step": 2.0}))
    assert messages[0]["text"] == step_text(steps[1]) and slots["emergency_step"] == 1.0
    messages, slots = run(ActionEmergencyStep(), tracker("previous_step", {"emergency_step": 0.0}))
    assert messages[0]["text"] == step_text(steps[0]) and slots["emergency_step"] == 0.0


def test_next_after_the_last_step_says_it_was_the_last(steps):
    last = float(len(steps) - 1)
    messages, slots = run(ActionEmergencyStep(), tracker("next_step", {"emergency_step": last}))
    assert messages[0]["text"] == step_text("last_step") and slots["emergency_step"] == last


def test_a_situation_that_opens_the_emergency_says_call_911_first():
    messages, _ = run(ActionEmergencyStep(), tracker("no_naloxone"))
    assert messages[0]["response"] == "utter_emergency_call_911"
    assert messages[1]["text"] == step_text("no_naloxone")


def test_guidance_speaks_the_first_chunk_and_offers_more():
    library = default_library()
    chunks = library.topic_chunks("withdrawal_symptoms")
    assert len(chunks) > 1
    messages, slots = run(ActionGuidance(), tracker("withdrawal_symptoms"))
    assert [m["text"] for m in messages] == [chunks[0], library.phrase("want_more")]
    assert slots == {"more_topic": "withdrawal_symptoms", "more_index": 1.0}


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


def events_of(action, t: Tracker):
    return action.run(CollectingDispatcher(), t, {})


def test_naloxone_step_schedules_the_checkin(steps, monkeypatch):
    monkeypatch.setenv("ASSISTANT_CHECKIN_SECONDS", "120")
    naloxone = float(steps.index("give_naloxone_nasal"))
    events = events_of(ActionEmergencyStep(), tracker("next_step", {"emergency_step": naloxone - 1}))
    reminders = [e for e in events if e["event"] == "reminder"]
    assert len(reminders) == 1
    assert reminders[0]["intent"] == "EXTERNAL_naloxone_checkin"
    assert reminders[0]["name"] == "naloxone_checkin"
    assert reminders[0]["kill_on_user_msg"] is False


def test_other_steps_schedule_nothing_and_breathing_cancels(steps):
    events = events_of(ActionEmergencyStep(), tracker("overdose_emergency"))
    assert not [e for e in events if e["event"] == "reminder"]
    events = events_of(ActionEmergencyStep(), tracker("breathing_now", {"emergency_step": 2.0}))
    assert [e["name"] for e in events if e["event"] == "cancel_reminder"] == ["naloxone_checkin"]


def test_still_not_breathing_gives_the_second_dose_and_checks_in_again(steps):
    messages, slots = run(ActionEmergencyStep(), tracker("still_not_breathing", {"emergency_step": 2.0}))
    assert messages[0]["text"] == step_text("still_not_breathing")
    assert slots["emergency_step"] == float(steps.index("support_breathing"))
    events = events_of(ActionEmergencyStep(), tracker("still_not_breathing", {"emergency_step": 2.0}))
    assert [e for e in events if e["event"] == "reminder"]


def test_checkin_asks_whether_they_breathe():
    from actions.overdose_emergency import ActionEmergencyCheckin

    messages, _ = run(ActionEmergencyCheckin(), tracker("EXTERNAL_naloxone_checkin"))
    assert messages[0]["text"] == step_text("checkin_question")
