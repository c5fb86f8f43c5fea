"""Say the last answer again, exactly as it was said."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from rasa_project.content.library import default_library

# Keys of a bot event that make up what was said.
SAID = ("text", "custom", "image", "buttons", "attachment")


def last_answer(events: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Bot messages of the most recent turn that said something, before this one."""
    turns: List[List[Dict[Text, Any]]] = [[]]
    for event in events:
        if event.get("event") == "user":
            turns.append([])
        elif event.get("event") == "bot":
            turns[-1].append(event)
    for said in reversed(turns[:-1]):  # the last turn is the "repeat" request itself
        if said:
            return said
    return []


class ActionRepeat(Action):
    def name(self) -> Text:
        return "action_repeat"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        said = last_answer(tracker.events)
        if not said:
            dispatcher.utter_message(text=default_library().phrase("nothing_to_repeat"))
        for event in said:
            data = event.get("data") or {}
            dispatcher.utter_message(
                text=event.get("text"),
                json_message=data.get("custom"),
            )
        return []
