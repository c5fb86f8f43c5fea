"""The front end's own spoken phrases, by name: content/<language>/phrases/voice.yml."""
from __future__ import annotations

from typing import Dict

from rasa_project.content import library

AREA = "voice"


def load() -> Dict[str, library.Item]:
    return library.load_phrases(AREA)


def text(name: str) -> str:
    return library.phrase(AREA, name)
