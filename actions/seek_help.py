"""A person asks for help for their own use: a referral chosen by the substance they name."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import speak_from
from rasa_project.content.library import default_library
from rasa_project.text import tokens

TOPIC = "seek_help"


class ActionSeekHelp(Action):
    def name(self) -> Text:
        return "action_seek_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        library = default_library()
        words = tokens((tracker.latest_message or {}).get("text") or "")
        return speak_from(dispatcher, library, TOPIC, 0, library.topics[TOPIC].choose(words))
