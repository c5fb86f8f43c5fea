"""The overdose walkthrough, driven by the person's state ("not breathing", "next", ...)."""
import hashlib
import os
import time
from datetime import datetime, timedelta
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ReminderCancelled, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.speech import speak_chunks
from rasa_project.content.library import default_library
from rasa_project.content.walkthrough import CHECKIN_PAYLOAD, WalkthroughState, advance
from rasa_project.safety.policy import policy

TOPIC = "overdose_emergency"
CHECKIN_INTENT = "EXTERNAL_naloxone_checkin"
# Naloxone acts within 2-3 minutes (SAMHSA toolkit); tests shorten it.
DEFAULT_CHECKIN_SECONDS = 150.0


def checkin_seconds() -> float:
    return float(os.environ.get("ASSISTANT_CHECKIN_SECONDS", DEFAULT_CHECKIN_SECONDS))


def checkin_name(sender_id: Text) -> Text:
    """One reminder name per conversation: Rasa uses the name as the scheduler's job id and
    replaces a job of the same name, so a shared name let one emergency cancel another's
    check-in. Hashed so the conversation id does not show in scheduler logs."""
    return "naloxone_checkin_" + hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:16]


def schedule_checkin(sender_id: Text) -> Dict[Text, Any]:
    return ReminderScheduled(
        CHECKIN_INTENT,
        trigger_date_time=datetime.now() + timedelta(seconds=checkin_seconds()),
        name=checkin_name(sender_id),
        kill_on_user_message=False,
    )


def state_of(tracker: Tracker) -> WalkthroughState:
    if not tracker.get_slot("emergency_active") or not tracker.get_slot("emergency_branch"):
        return WalkthroughState()
    return WalkthroughState(
        branch=tracker.get_slot("emergency_branch"),
        step=int(tracker.get_slot("emergency_step") or 0),
        dosed_at=tracker.get_slot("naloxone_given_at"),
        injection=bool(tracker.get_slot("naloxone_injection")),
    )


def slots_for(state: WalkthroughState) -> List[Dict[Text, Any]]:
    return [
        SlotSet("emergency_branch", state.branch),
        SlotSet("emergency_step", float(state.step)),
        SlotSet("naloxone_given_at", state.dosed_at),
        SlotSet("naloxone_injection", state.injection),
        SlotSet("emergency_active", True),
    ]


class ActionEmergencyStep(Action):
    def name(self) -> Text:
        return "action_emergency_step"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        library = default_library()
        topic = library.topics[TOPIC]
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name") or ""
        cues = (message.get("safety_net") or {}).get("rules") or ()
        turn = advance(topic, intent, state_of(tracker), cues, now=time.time(), dose_wait=checkin_seconds())
        # The rules of the policy's emergency intents say "Call 911" from the domain before
        # a walkthrough; any other opener ("next", "no naloxone") says it here.
        if turn.opened and not policy().first_said_by_rule(intent):
            dispatcher.utter_message(response="utter_emergency_call_911")
        for item_id in turn.say:
            speak_chunks(dispatcher, topic.items[item_id].chunks)
        events = slots_for(turn.state)
        if turn.cancel_checkin:
            events.append(ReminderCancelled(name=checkin_name(tracker.sender_id)))
        if turn.checkin:
            events.append(schedule_checkin(tracker.sender_id))
            dispatcher.utter_message(json_message={CHECKIN_PAYLOAD: checkin_seconds()})
        return events


class ActionEmergencyCheckin(Action):
    """Spoken unprompted by a Rasa reminder, 2 to 3 minutes after naloxone, while the
    walkthrough runs; silent once it has ended."""

    def name(self) -> Text:
        return "action_emergency_checkin"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if not tracker.get_slot("emergency_active"):
            return []
        topic = default_library().topics[TOPIC]
        speak_chunks(dispatcher, topic.items["checkin_question"].chunks)
        return []


class ActionEmergencyEnd(Action):
    """The conversation said goodbye: the walkthrough ends and no check-in follows."""

    def name(self) -> Text:
        return "action_emergency_end"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if not tracker.get_slot("emergency_active"):
            return []
        return [
            SlotSet("emergency_active", False),
            SlotSet("emergency_branch", None),
            ReminderCancelled(name=checkin_name(tracker.sender_id)),
        ]
