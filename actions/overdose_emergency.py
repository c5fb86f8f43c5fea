"""The step-by-step overdose walkthrough, driven by voice ("next", "go back", ...)."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.speech import speak_chunks
from rasa_project.content.library import default_library
from rasa_project.content.walkthrough import advance

TOPIC = "overdose_emergency"


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
        # Rules say "Call 911" from the domain for overdose_emergency itself; any other
        # intent that opens the emergency must say it here, first.
        if turn.opened and intent != TOPIC:
            dispatcher.utter_message(response="utter_emergency_call_911")
        for item_id in turn.say:
            speak_chunks(dispatcher, topic.items[item_id].chunks)
        dispatcher.utter_message(text=library.phrase("say_next"))
        return [SlotSet("emergency_step", float(turn.step))]
