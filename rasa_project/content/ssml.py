"""Render the assistant's text messages as one SSML document for a smart speaker."""
from __future__ import annotations

import re
from typing import List, Sequence

from rasa_project.content import numbers
from rasa_project.text import sentences as split_sentences

MAX_SSML_CHARS = 8000  # Alexa refuses outputSpeech of 8,000 characters or more
BREAK = '<break time="400ms"/>'
_OPEN, _CLOSE = "<speak>", "</speak>"

_NUMBER_RE = re.compile(f"(?P<code>{numbers.SHORT_CODE.pattern})|(?P<phone>{numbers.PHONE.pattern})")
# Characters XML 1.0 forbids, and markdown emphasis that must not be read aloud.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}


def escape(text: str) -> str:
    """XML-escape text for an SSML element body."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def clean(text: str) -> str:
    """Drop what must never reach the speaker: invalid XML characters, markdown marks."""
    text = _INVALID_XML.sub("", text)
    text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def render_sentence(text: str) -> str:
    """Escape one piece of text and mark up the numbers a caller must hear exactly."""
    out: List[str] = []
    pos = 0
    for match in _NUMBER_RE.finditer(text):
        out.append(escape(text[pos : match.start()]))
        number = match.group()
        if match.group("code"):
            digits = number.replace("-", "")
            out.append(f'<say-as interpret-as="digits">{digits}</say-as>')
        else:
            out.append(f'<say-as interpret-as="telephone">{escape(number)}</say-as>')
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def sentences(text: str) -> List[str]:
    """Split a message where a sentence ends, so truncation never cuts mid-sentence."""
    return split_sentences(clean(text))


def _cut_words(text: str, budget: int) -> str:
    """Last resort for one sentence longer than the whole budget: whole words only."""
    words: List[str] = []
    for word in text.split():
        if len(render_sentence(" ".join(words + [word]))) > budget:
            break
        words.append(word)
    return render_sentence(" ".join(words))


def to_ssml(texts: Sequence[str], max_chars: int = MAX_SSML_CHARS) -> str:
    """Speak the messages in order, a pause between them, under max_chars in total."""
    budget = max_chars - 1 - len(_OPEN) - len(_CLOSE)  # "under", not "up to"
    messages: List[str] = []
    used = 0
    for text in texts:
        spoken: List[str] = []
        for sentence in sentences(text):
            piece = render_sentence(sentence)
            joiner = (" " if spoken else BREAK if messages else "")
            if used + len(joiner) + len(piece) > budget:
                if not messages and not spoken:
                    spoken.append(_cut_words(sentence, budget))
                return _finish(messages, spoken)
            spoken.append(piece)
            used += len(joiner) + len(piece)
        if spoken:
            messages.append(" ".join(spoken))
    return _finish(messages, [])


def _finish(messages: List[str], partial: List[str]) -> str:
    if partial:
        messages = messages + [" ".join(partial)]
    return _OPEN + BREAK.join(messages) + _CLOSE
