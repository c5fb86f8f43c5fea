"""What a recognizer heard (Transcript), and the one normalizer for its words before NLU."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rasa_project.text import normalize as normalize_words

_DIALED = re.compile(r"\b(\d)(?:[-. ](\d))(?:[-. ](\d))\b")  # "9-1-1", "9 1 1" -> "911"


@dataclass
class Transcript:
    text: str  # normalized words; "" when nothing usable was heard
    model: str = ""  # "domain", "general", "whisper", or the engine's name
    confidence: float = 0.0  # 0..1: mean word posterior (pocketsphinx), exp(avg log prob) (Whisper)
    seconds: float = 0.0  # time spent recognizing
    heard_speech: bool = True  # False: silence, the decoders were not run
    unsure: bool = False  # words kept, but the recognizer doubts them


def normalize(text: str) -> str:
    """Lower case, no punctuation (Whisper writes "Call 911." and "He's not breathing!"),
    apostrophes and hyphens inside words kept: "he's not breathing", "nar-anon", "call 911"."""
    return normalize_words(_DIALED.sub(r"\1\2\3", text))
