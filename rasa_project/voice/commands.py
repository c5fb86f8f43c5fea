"""Words the front end acts on itself, before (or besides) asking the assistant."""
from __future__ import annotations

from typing import Optional

from rasa_project.text import normalize

# Whole utterances only: "stop" ends the session, "please stop giving naloxone" does not.
END = ("stop", "quit", "exit", "stop listening", "quit now")
SLOWER = ("slower", "slow down", "speak slower", "talk slower", "slower please")
FASTER = ("faster", "speed up", "speak faster", "talk faster", "faster please")


def match(utterance: str) -> Optional[str]:
    """'end', 'slower', 'faster' or None for what a whole utterance asks of the front end."""
    said = normalize(utterance)
    for name, phrases in (("end", END), ("slower", SLOWER), ("faster", FASTER)):
        if said in phrases:
            return name
    return None


def phrases() -> tuple:
    """Every command phrase, so the recognizer's domain model can hear them."""
    return END + SLOWER + FASTER
