"""The front end's own spoken phrases, by name: content/<language>/phrases/voice.yml."""
from __future__ import annotations

from typing import Dict, List

from rasa_project.content import library

AREA = "voice"


def load() -> Dict[str, library.Item]:
    return library.load_phrases(AREA)


def text(name: str) -> str:
    return library.phrase(AREA, name)


def urgent() -> List[str]:
    """Said the moment danger is heard, so made in advance: the spotter's "Call 911 now." (also the
    first sentence of every emergency answer) and the reminder said when recognition is unsure."""
    return [text("danger_heard"), text("call_911_reminder")]
