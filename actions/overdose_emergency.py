"""The step-by-step overdose walkthrough, driven by voice ("next", "go back", ...)."""
import os
from datetime import datetime, timedelta
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ReminderCancelled, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.speech import speak_chunks
from rasa_project.content.library import default_library
from rasa_project.content.walkthrough import advance

TOPIC = "overdose_emergency"
CHECKIN = "naloxone_checkin"
CHECKIN_INTENT = "EXTERNAL_naloxone_checkin"
# Naloxone acts within 2-3 minutes (SAMHSA toolkit); tests shorten it.
DEFAULT_CHECKIN_SECONDS = 150.0


def checkin_seconds() -> float:
    return float(os.environ.get("ASSISTANT_CHECKIN_SECONDS", DEFAULT_CHECKIN_SECONDS))


def schedule_checkin() -> Dict[Text, Any]:
    return ReminderScheduled(
        CHECKIN_INTENT,
        trigger_date_time=datetime.now() + timedelta(seconds=checkin_seconds()),
        name=CHECKIN,
        kill_on_user_message=False,
    )


class ActionEmergencyStep(Action):
    def name(self) -> Text:
        return "action_emergency_step"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        library = default_library()
        topic = library.topics[TOPIC]
        intent = tracker.latest_message.get("intent", {}).get("name") or ""
        turn = advance(topic, intent, tracker.get_slot("emergency_step"))
        # The rules say "Call 911" from the domain for overdose_emergency and for
        # still_not_breathing before a walkthrough; any other opener says it here.
        if turn.opened and intent not in (TOPIC, "still_not_breathing"):
            dispatcher.utter_message(response="utter_emergency_call_911")
        for item_id in turn.say:
            speak_chunks(dispatcher, topic.items[item_id].chunks)
        dispatcher.utter_message(text=library.phrase("say_next"))
        events = [SlotSet("emergency_step", float(turn.step)), SlotSet("emergency_active", True)]
        if intent == "breathing_now":
            events.append(ReminderCancelled(name=CHECKIN))
        elif set(turn.say) & set(topic.checkin_after):
            events.append(schedule_checkin())
        return events


class ActionEmergencyCheckin(Action):
    """Spoken unprompted by a Rasa reminder, 2 to 3 minutes after naloxone."""

    def name(self) -> Text:
        return "action_emergency_checkin"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        topic = default_library().topics[TOPIC]
        speak_chunks(dispatcher, topic.items["checkin_question"].chunks)
        return []
