"""The one text normalizer: how every part of the assistant folds and splits what people say.

Each caller picks what a word is (WORD, LETTERS, ...); the folding (lower case, straight
apostrophes) is the same everywhere, so typed, spoken and Alexa text match alike.
"""
from __future__ import annotations

import re
from typing import List

WORD = r"[a-z0-9]+(?:['-][a-z0-9]+)*"  # "he's", "nar-anon", "911"
LETTERS = r"[a-z]+"  # "7pm" -> "pm"
ALNUM = r"[a-z0-9]+"  # "st." -> "st"
WORD_WITH_APOSTROPHES = r"[a-z0-9']+"  # hyphens split words: "nar-anon" -> "nar", "anon"

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def fold(text: str) -> str:
    """Lower case with straight apostrophes; nothing removed."""
    return (text or "").translate(_QUOTES).lower()


def squash(text: str) -> str:
    """Runs of white space as one space, no space at either end."""
    return " ".join((text or "").split())


def tokens(text: str, word: str = WORD, drop: str = "") -> List[str]:
    """The words of `text` as `word` defines them, after folding; `drop` characters are
    deleted first ("o'brien" with drop="'" -> "obrien")."""
    folded = fold(text)
    for char in drop:
        folded = folded.replace(char, "")
    return re.findall(word, folded)


def sentences(text: str) -> List[str]:
    """Split where a sentence ends (., ! or ? and a space): the one splitter for speech
    style checks, speech synthesis and SSML."""
    return [part for part in re.split(r"(?<=[.!?])\s+", (text or "").strip()) if part]


def normalize(text: str, word: str = WORD) -> str:
    """The words of `text`, single-spaced: "He's NOT breathing!" -> "he's not breathing"."""
    return " ".join(tokens(text, word))
