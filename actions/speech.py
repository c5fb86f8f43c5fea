"""Helpers shared by the actions for sending sourced text to the channel."""
from typing import Iterable

from rasa_sdk.executor import CollectingDispatcher


def speak_chunks(dispatcher: CollectingDispatcher, chunks: Iterable[str]) -> None:
    for chunk in chunks:
        dispatcher.utter_message(text=chunk)
