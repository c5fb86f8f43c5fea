"""Say the next part of whatever was being said ("more", "yes" to "want to hear more?")."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import speak_from
from rasa_project.content.library import default_library


class ActionMore(Action):
    def name(self) -> Text:
        return "action_more"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        library = default_library()
        topic = tracker.get_slot("more_topic")
        if not topic:
            dispatcher.utter_message(text=library.phrase("no_more"))
            return []
        return speak_from(dispatcher, library, topic, int(tracker.get_slot("more_index") or 0))
