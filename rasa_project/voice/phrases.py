"""Load the front end's own spoken phrases (phrases.yml) by name."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

PHRASES_FILE = Path(__file__).with_name("phrases.yml")


@dataclass(frozen=True)
class Phrase:
    id: str
    text: str  # written for the ear; speech_text renders numbers before TTS
    source: str  # where the facts come from


@lru_cache(maxsize=None)
def load(path: Path = PHRASES_FILE) -> Dict[str, Phrase]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = (data.get("items") or [])
    return {
        str(i["id"]): Phrase(id=str(i["id"]), text=" ".join(str(i["text"]).split()), source=str(i["source"]))
        for i in items
    }


def text(name: str) -> str:
    return load()[name].text
