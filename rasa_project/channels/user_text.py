"""What NLU may see of a person's words, the same for every way in (REST, Alexa, voice).

- no leading "/": Rasa reads "/greet" or '/intent{"slot": ...}' as a command that skips
  NLU (and the safety net);
- no control characters (NUL breaks SQL tracker stores);
- bounded: featurizing and matching grow with the length (and a classifier such as DIET
  with its square: 10,000 characters took seconds), but danger cues in the part cut away
  are kept, so the safety net still sees "<100 KB of junk> he is not breathing".
"""
from __future__ import annotations

from typing import Any, List

MAX_CHARS = 1000  # what NLU sees of one turn
HEAD_CHARS = 300  # kept from the start of a longer text
TAIL_CHARS = 500  # kept from the end (the latest words)
CUE_CHARS = 60  # kept either side of a danger cue found in the part cut away
MAX_CUES = 3
MAX_SCAN_CHARS = 200_000  # the part cut away that is searched for cues
CUE_LABELS = frozenset({"DANGER", "CRISIS", "NOW"})  # labels in rasa_project/safety/patterns.yml


def neutralize(text: Any) -> str:
    """The words NLU should see: no control characters, no leading "/", bounded."""
    if not isinstance(text, str):
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    start = 0
    while start < len(text) and (text[start] == "/" or text[start].isspace()):
        start += 1
    text = text[start:].strip()
    return shorten(text) if len(text) > MAX_CHARS else text


def shorten(text: str) -> str:
    """Head, tail and any danger cues in between, within about MAX_CHARS."""
    head, middle, tail = text[:HEAD_CHARS], text[HEAD_CHARS:-TAIL_CHARS], text[-TAIL_CHARS:]
    return " ".join([head, *danger_cues(middle[:MAX_SCAN_CHARS]), tail])


def danger_cues(text: str) -> List[str]:
    """Short windows of `text` around what the safety net's rules call a danger cue."""
    from rasa_project.safety.matcher import load_pipeline, normalize
    from rasa_project.safety.rules import SPANS_KEY

    doc = load_pipeline()(normalize(text))
    cues = [span for span in doc.spans.get(SPANS_KEY, []) if span.label_ in CUE_LABELS]
    return [
        doc.text[max(0, span.start_char - CUE_CHARS):span.end_char + CUE_CHARS]
        for span in cues[:MAX_CUES]
    ]
