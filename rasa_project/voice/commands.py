"""Words the front end acts on itself instead of asking the assistant: only ending the
session. Everything else, "slower" and "faster" included, is the assistant's to answer."""
from __future__ import annotations

from typing import Optional

from rasa_project.text import normalize

# Whole utterances only: "stop" ends the session, "please stop giving naloxone" does not.
END = ("stop", "quit", "exit", "stop listening", "quit now")


def match(utterance: str) -> Optional[str]:
    """'end' or None for what a whole utterance asks of the front end."""
    return "end" if normalize(utterance) in END else None


def phrases() -> tuple:
    """Every command phrase, so the recognizer's domain model can hear them."""
    return END
