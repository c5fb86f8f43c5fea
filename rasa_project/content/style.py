"""Rules for text written for the ear; one function returns what breaks them."""
from __future__ import annotations

import re
from typing import List

from rasa_project.content import numbers
from rasa_project.text import sentences as split_sentences

MAX_SENTENCE_WORDS = 25
MAX_CHUNK_WORDS = 80

_CHECKS = [
    (re.compile(r"https?://|www\.|\.(com|org|gov|net)\b", re.I), "has a URL (name the resource instead)"),
    (re.compile(r"[*_#`\[\]<>|{}]"), "has markdown or markup characters"),
    (re.compile(r"[()]"), "has parentheses (say it as its own sentence)"),
    (re.compile(r"\b(e\.g|i\.e|etc|approx|vs)\b\.?", re.I), "has an abbreviation read badly aloud"),
    (re.compile(r"(?<!\d)/|/(?!\d)"), "has a slash"),
    (re.compile(r"\b1-888-"), "has a 1-888 number (commercial referral lines are not offered)"),
]
# A number of 7 digits or more, written with or without dashes, dots or spaces between groups.
_LONG_NUMBER = re.compile(r"(?<![\w-])\+?\d(?:[-. ]?\d){6,}(?![\w-])")


def long_numbers(text: str) -> List[str]:
    """Phone numbers a caller must dial, as digits, in the order they are said."""
    return [numbers.digits_of(n) for n in _LONG_NUMBER.findall(text)]


def _said_once(text: str) -> List[str]:
    """Heard once, in a panic, a number is lost: each one is said twice in the same chunk."""
    written = _LONG_NUMBER.findall(text)
    dialed = long_numbers(text)
    return [
        f'says the phone number {w} only once (say it twice: "Call {w}. Again, {w}.")'
        for w, n in zip(written, dialed)
        if dialed.count(n) == 1
    ]


_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def fragment_problems(text: str) -> List[str]:
    """The rules that hold for a part of a sentence, such as a template with {placeholders}."""
    bare = _PLACEHOLDER.sub("x", text)
    return [message for pattern, message in _CHECKS if pattern.search(bare)]


sentences = split_sentences  # the one splitter, rasa_project/text.py


def problems(text: str) -> List[str]:
    found = fragment_problems(text)
    found.extend(_said_once(text))
    if not text.strip():
        found.append("is empty")
    if len(text.split()) > MAX_CHUNK_WORDS:
        found.append(f"has {len(text.split())} words in one chunk (at most {MAX_CHUNK_WORDS})")
    for sentence in sentences(text):
        if len(sentence.split()) > MAX_SENTENCE_WORDS:
            found.append(f"has a {len(sentence.split())}-word sentence (at most {MAX_SENTENCE_WORDS}): {sentence[:40]}...")
    if text.strip() and text.strip()[-1] not in ".?!":
        found.append("does not end a sentence")
    return found
