"""What a channel says when the assistant cannot answer: the text the safety policy names for
the situation (rasa_project/safety/policy.yml `fallbacks`), from content/<language>/phrases/."""
from __future__ import annotations

from rasa_project.content import library
from rasa_project.safety.policy import policy


def fallback_text(situation: str) -> str:
    store, _, name = policy().fallbacks[situation].partition(":")
    return library.phrase(store, name)
