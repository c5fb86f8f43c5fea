"""The overdose walkthrough follows the person's state (issue 12's clinical findings).

The state machine (rasa_project/content/walkthrough.py) over the real content file, then
the actions that drive it with rasa_sdk's CollectingDispatcher and a Tracker.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.overdose_emergency import (
    ActionEmergencyCheckin, ActionEmergencyEnd, ActionEmergencyStep, checkin_name,
)
from rasa_project.content.library import default_library
from rasa_project.content.walkthrough import CPR_CUES, WalkthroughState, advance
from rasa_project.safety.rules import load_rules

WAIT = 150.0
INTENTS = ["overdose_emergency", "next_step", "previous_step", "still_not_breathing", "deny",
           "breathing_now", "no_naloxone", "naloxone_injection", "repeat"]


@pytest.fixture(scope="module")
def topic():
    return default_library().topics["overdose_emergency"]


def walk(topic, *turns):
    """Run (intent, cues, now) turns from no walkthrough; return every turn."""
    state, said = WalkthroughState(), []
    for intent, cues, now in turns:
        turn = advance(topic, intent, state, cues, now=now, dose_wait=WAIT)
        said.append(turn)
        state = turn.state
    return said


@pytest.mark.parametrize("cue", sorted(CPR_CUES))
def test_not_breathing_gasping_or_no_pulse_goes_straight_to_cpr(topic, cue):
    first = walk(topic, ("overdose_emergency", [cue], 0))[0]
    assert first.opened and first.say[0] == "start_cpr" and first.state.branch == "cpr"


def test_cpr_cues_are_rules_of_the_safety_net():
    assert CPR_CUES <= {rule.id for rule in load_rules().patterns}


def test_an_unclear_emergency_asks_about_breathing_and_gasping_is_not_yes(topic):
    first = walk(topic, ("overdose_emergency", ["wont_wake"], 0))[0]
    assert first.say == ("check_breathing",)
    question = " ".join(topic.items["check_breathing"].chunks).lower()
    assert "gasping counts as not breathing" in question and "say not breathing" in question
    checkin = " ".join(topic.items["checkin_question"].chunks).lower()
    assert "gasping counts as not breathing" in checkin


def test_cpr_path_gives_naloxone_as_soon_as_it_is_there_then_the_aed(topic):
    turns = walk(topic, ("still_not_breathing", [], 0), ("next_step", [], 5), ("next_step", [], 9))
    assert [t.say for t in turns] == [("start_cpr", "await_naloxone"), ("give_naloxone_cpr",), ("aed",)]
    assert turns[1].checkin and not turns[0].checkin and not turns[2].checkin


def test_cpr_text_is_hands_only_with_the_dispatcher_first_and_no_pulse_check(topic):
    text = " ".join(topic.items["start_cpr"].chunks).lower()
    assert text.startswith("start cpr now") and "dispatcher" in text
    assert text.index("dispatcher") < text.index("push hard and fast")
    assert "do not stop to feel for a pulse" in text


def test_second_dose_only_after_a_first_and_only_when_it_is_due(topic):
    turns = walk(topic, ("overdose_emergency", ["not_breathing"], 0), ("still_not_breathing", [], 10))
    assert turns[1].say == ("no_naloxone_cpr",)  # no dose yet: no "second dose"
    turns = walk(topic, ("overdose_emergency", ["not_breathing"], 0), ("next_step", [], 10),
                 ("still_not_breathing", [], 40), ("still_not_breathing", [], 10 + WAIT))
    assert turns[2].say == ("naloxone_working",) and not turns[2].checkin
    assert turns[3].say == ("second_dose",) and turns[3].checkin


def test_injection_steps_only_for_an_injection(topic):
    nasal = walk(topic, ("overdose_emergency", ["gasping"], 0), ("next_step", [], 1),
                 ("still_not_breathing", [], 1 + WAIT))
    assert "naloxone_injection" not in {i for t in nasal for i in t.say}
    assert nasal[-1].say == ("second_dose",)
    shot = walk(topic, ("overdose_emergency", ["gasping"], 0), ("next_step", [], 1),
                ("naloxone_injection", [], 2), ("still_not_breathing", [], 2 + WAIT))
    assert shot[2].say == ("naloxone_injection",) and shot[-1].say == ("second_dose_injection",)


def test_breathing_but_not_waking_gets_naloxone_then_the_side_then_watching(topic):
    turns = walk(topic, ("overdose_emergency", [], 0), ("breathing_now", [], 5),
                 ("next_step", [], 9), ("next_step", [], 12), ("next_step", [], 15), ("next_step", [], 18))
    assert [t.say for t in turns] == [
        ("check_breathing",), ("give_naloxone_breathing",), ("recovery_position",),
        ("stay_with_them",), ("never_do",), ("last_step",)]


def test_waking_after_naloxone_warns_of_withdrawal_and_cancels_the_checkin(topic):
    turns = walk(topic, ("still_not_breathing", [], 0), ("next_step", [], 5), ("breathing_now", [], 100))
    assert turns[-1].say == ("woke_after_naloxone",) and turns[-1].cancel_checkin
    text = " ".join(topic.items["woke_after_naloxone"].chunks).lower()
    assert "wanting to use" in text and "side" in text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(INTENTS), st.sampled_from([(), ("not_breathing",), ("wont_wake",)])),
                min_size=1, max_size=12))
def test_no_step_is_said_where_it_does_not_apply(topic, script):
    state, now = WalkthroughState(), 0.0
    told_breathing = injection = False
    for intent, cues in script:
        now += 30
        dosed_before = state.dosed
        turn = advance(topic, intent, state, cues, now=now, dose_wait=WAIT)
        said = set(turn.say)
        told_breathing = intent == "breathing_now" or (told_breathing and intent not in ("still_not_breathing",)
                                                        and not (intent == "overdose_emergency" and set(cues) & CPR_CUES))
        injection = injection or intent == "naloxone_injection"
        if "recovery_position" in said:
            assert told_breathing, script
        if said & {"second_dose", "second_dose_injection", "naloxone_working"}:
            assert dosed_before, script
        if said & {"second_dose_injection"} or (said & {"naloxone_injection"} and intent != "naloxone_injection"):
            assert injection, script
        if said & {"give_naloxone_cpr", "give_naloxone_breathing"}:
            assert not injection, script
        assert turn.checkin == bool(said & set(topic.dose_items))
        state = turn.state


def test_never_do_does_not_contradict_the_injection_and_says_how_to_leave(topic):
    text = " ".join(topic.items["never_do"].chunks).lower()
    assert "never inject anything" not in text
    assert "if you must leave" in text and "side" in text
    nasal = " ".join(topic.items["give_naloxone_cpr"].chunks).lower()
    assert "prime" not in nasal and "until your fingers touch their nose" in nasal


# --- the actions ---

def tracker(intent: str, slots: dict | None = None, sender: str = "a", rules=()) -> Tracker:
    return Tracker(
        sender_id=sender, slots=slots or {}, events=[], paused=False, followup_action=None,
        latest_message={"intent": {"name": intent, "confidence": 1.0}, "text": "...",
                        "safety_net": {"rules": list(rules)}},
        active_loop={}, latest_action_name="action_listen",
    )


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    return dispatcher.messages, action.run(dispatcher, t, {})


def test_the_action_reads_the_safety_net_cue_and_sets_the_state(topic):
    messages, events = run(ActionEmergencyStep(), tracker("overdose_emergency", rules=["no_pulse"]))
    assert messages[0]["text"] == topic.items["start_cpr"].chunks[0]
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["emergency_branch"] == "cpr" and slots["emergency_active"] is True


def test_checkin_names_are_per_conversation_and_scheduled_after_a_dose(topic):
    slots = {"emergency_active": True, "emergency_branch": "cpr", "emergency_step": 0.0}
    names = []
    for sender in ("alice", "bob"):
        messages, events = run(ActionEmergencyStep(), tracker("next_step", slots, sender=sender))
        reminders = [e for e in events if e["event"] == "reminder"]
        assert len(reminders) == 1 and reminders[0]["kill_on_user_msg"] is False
        assert reminders[0]["intent"] == "EXTERNAL_naloxone_checkin"
        assert messages[-1]["custom"] == {"checkin_seconds": pytest.approx(150.0)}
        names.append(reminders[0]["name"])
    assert names[0] != names[1] and "alice" not in names[0]


def test_checkin_is_silent_once_the_walkthrough_ended(topic):
    messages, _ = run(ActionEmergencyCheckin(), tracker("EXTERNAL_naloxone_checkin", {"emergency_active": True}))
    assert messages[0]["text"] == topic.items["checkin_question"].chunks[0]
    messages, _ = run(ActionEmergencyCheckin(), tracker("EXTERNAL_naloxone_checkin", {"emergency_active": False}))
    assert messages == []
    _, events = run(ActionEmergencyEnd(), tracker("goodbye", {"emergency_active": True}, sender="alice"))
    assert {"event": "slot", "name": "emergency_active", "value": False, "timestamp": None} in events
    assert [e["name"] for e in events if e["event"] == "cancel_reminder"] == [checkin_name("alice")]


def test_an_opener_other_than_the_emergency_says_call_911_first(topic):
    messages, _ = run(ActionEmergencyStep(), tracker("no_naloxone"))
    assert messages[0]["response"] == "utter_emergency_call_911"
    assert messages[1]["text"] == topic.items["check_breathing"].chunks[0]


def test_no_to_are_they_breathing_starts_cpr_and_elsewhere_repeats_the_step(topic):
    turns = walk(topic, ("overdose_emergency", [], 0), ("deny", [], 5))
    assert turns[1].say == ("start_cpr", "await_naloxone")
    turns = walk(topic, ("overdose_emergency", [], 0), ("breathing_now", [], 5), ("deny", [], 9))
    assert turns[2].say == turns[1].say and turns[2].state.step == turns[1].state.step
