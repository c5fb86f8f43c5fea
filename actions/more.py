"""Say the next part of whatever was being said ("more", "yes" to "want to hear more?")."""
import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.find_meeting import more_meetings
from actions.guidance import speak_from
from actions.speech import speak_chunks
from rasa_project.content.library import default_library

# Actions whose answers "more" continues; the most recent one wins.
CONTINUED = ("action_find_meeting", "action_guidance")


def last_continued(events: List[Dict[Text, Any]]) -> Optional[Text]:
    for event in reversed(events):
        if event.get("event") == "action" and event.get("name") in CONTINUED:
            return event["name"]
    return None


class ActionMore(Action):
    def name(self) -> Text:
        return "action_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if last_continued(tracker.events) == "action_find_meeting":
            # The search reads the catalog, which may load or fetch feeds: off the event loop.
            said, events, links = await asyncio.to_thread(more_meetings, tracker)
            speak_chunks(dispatcher, said[:-1])
            if said:
                dispatcher.utter_message(text=said[-1], json_message=links or None)
            return events
        library = default_library()
        topic = tracker.get_slot("more_topic")
        if not topic:
            dispatcher.utter_message(text=library.phrase("no_more"))
            return []
        return speak_from(dispatcher, library, topic, int(tracker.get_slot("more_index") or 0),
                          tracker.get_slot("more_item"))
