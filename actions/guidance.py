"""Speak a topic's guidance in chunks, asking "want to hear more?" between them."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rasa_project.content.library import Library, default_library


def speak_from(dispatcher: CollectingDispatcher, library: Library, topic: str, index: int,
               item_id: Optional[str] = None) -> List:
    """Say chunk `index` of the topic's answer (its `item_id` item, for topics that choose one)
    and offer the rest; the slots remember where "more" goes on."""
    chunks = library.topic_chunks(topic, item_id)
    if index >= len(chunks):
        dispatcher.utter_message(text=library.phrase("no_more" if chunks else "no_content"))
        return [SlotSet("more_topic", None), SlotSet("more_index", None), SlotSet("more_item", None)]
    dispatcher.utter_message(text=chunks[index])
    if index + 1 < len(chunks):
        dispatcher.utter_message(text=library.phrase("want_more"))
        return [SlotSet("more_topic", topic), SlotSet("more_index", float(index + 1)), SlotSet("more_item", item_id)]
    return [SlotSet("more_topic", None), SlotSet("more_index", None), SlotSet("more_item", None)]


class ActionGuidance(Action):
    def name(self) -> Text:
        return "action_guidance"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        topic = tracker.latest_message.get("intent", {}).get("name") or ""
        return speak_from(dispatcher, default_library(), topic, 0)
