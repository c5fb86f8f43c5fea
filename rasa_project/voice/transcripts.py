"""What a recognizer heard (Transcript), and the one normalizer for its words before NLU."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List

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
    alternatives: List[str] = field(default_factory=list)  # other close hypotheses, normalized (danger rules only)
    choices: List[str] = field(default_factory=list)  # other hypotheses the NLU may prefer to `text` (a wider margin)


# Words the recognizer splits or spells its own way, as the training data writes them. Found
# on recognizer output of the training sentences (rasa_project/voice/heard.py), never the tests.
_RESPELLED = [(re.compile(rf"\b{heard}\b"), written) for heard, written in (
    (r"over (dose|doses|dosed|dosing)", r"over\1"),  # "my friend is over dosing"
    (r"heart (beat|beats)", r"heart\1"),
    (r"(?:nal|nar) ?can", "narcan"),  # "what does nalcan do"
    (r"o ?d'?(?:ed|d)", "od'd"),  # "o d'd", "oded", "od'ed"
    (r"o ?d d", "od'd"),  # "O.D.'d"
    (r"o d", "od"),
    # espeak-ng en-gb's "naloxone": 12 of the 25 training sentences Whisper got wrong with it.
    (r"that look (?:so|soon|sown|zone)", "naloxone"),
)]


def normalize(text: str) -> str:
    """Lower case, no punctuation (Whisper writes "Call 911." and "He's not breathing!"),
    apostrophes and hyphens inside words kept: "he's not breathing", "nar-anon", "call 911";
    split compounds joined: "over dosing" -> "overdosing"."""
    words = normalize_words(_DIALED.sub(r"\1\2\3", text))
    for heard, written in _RESPELLED:
        words = heard.sub(written, words)
    return words
