"""Pick the place, time, fellowship and online/in-person wish out of one utterance."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, Optional

from rasa_project.text import WORD_WITH_APOSTROPHES, normalize

from . import places, when
from .model import IN_PERSON, ONLINE

ANY = "any"

_MODES = (
    (IN_PERSON, r"in person|in-person|face to face|face-to-face|on site"),
    (ONLINE, r"online|on line|virtual|virtually|zoom|video|by phone|phone meeting|call in|remote|internet"),
    (ANY, r"either|any kind|either one|doesn'?t matter|does not matter|any type|both"),
)
_NEAR_ME = re.compile(r"\b(near me|around me|close to me|nearby|near by|around here|near here|close by|where i am|my area)\b")
# Words that can surround a place without being part of it ("no, Duluth", "I said St Paul").
_FILLER = frozenset(
    """no nope nah yes yeah yep ok okay actually i i'm im said say meant mean not the a an is are
    there any some meeting meetings group groups find me near nearby in around at by close to please
    um uh umm how about what try instead sorry it its was am looking for need want go like would
    can could you show tell get give city town of well then and or maybe look search check
    nearest closest that this""".split()
)


@dataclass(frozen=True)
class Query:
    """What someone asked for; every part is optional."""

    place: Optional[str] = None  # place text ("Saint Paul", "55104"); None = not given
    when: Optional[str] = None  # time phrase ("tonight"); None = the next 24 hours
    fellowship: Optional[str] = None  # code from sources.yml; None = any
    mode: str = ANY  # ANY, ONLINE or IN_PERSON


def _words(text: Optional[str]) -> str:
    return normalize(text, WORD_WITH_APOSTROPHES)


def fellowship_in(text: Optional[str], fellowships: Dict[str, Iterable[str]]) -> Optional[str]:
    """The fellowship code whose longest alias appears as whole words in `text`."""
    words = f" {_words(text)} "
    aliases = sorted(
        ((_words(alias), code) for code, names in fellowships.items() for alias in [code, *names]),
        key=lambda pair: -len(pair[0]),
    )
    for alias, code in aliases:
        if alias and f" {alias} " in words:
            return code
    return None


def mode_in(text: Optional[str]) -> Optional[str]:
    words = _words(text)
    for mode, pattern in _MODES:
        if re.search(rf"\b(?:{pattern})\b", words):
            return mode
    return None


def near_me(text: Optional[str]) -> bool:
    return bool(_NEAR_ME.search(_words(text)))


def place_in(text: Optional[str], fellowships: Dict[str, Iterable[str]] = None) -> Optional[str]:
    """A resolvable place named in `text`, as its label ("Saint Paul", "55104")."""
    found = places.find_in_text(text or "")
    if found is None:
        found = places.resolve(leftover(text, fellowships or {}))
    return found.label if found else None


def leftover(text: Optional[str], fellowships: Dict[str, Iterable[str]]) -> str:
    """`text` without the time, fellowship, mode and filler words: often just a place."""
    words = _words(text)
    for phrase in filter(None, [when.phrase_in(words)]):
        for part in phrase.split():
            words = re.sub(rf"\b{re.escape(part)}\b", " ", words)
    for code, names in fellowships.items():
        for alias in sorted([code, *names], key=len, reverse=True):
            words = re.sub(rf"\b{re.escape(_words(alias))}\b", " ", words) if _words(alias) else words
    for _, pattern in _MODES:
        words = re.sub(rf"\b(?:{pattern})\b", " ", words)
    return " ".join(w for w in words.split() if w not in _FILLER)


def mode_or_any(value: Optional[str]) -> str:
    return value if value in (ANY, ONLINE, IN_PERSON) else ANY


def parse_query(text: str, fellowships: Dict[str, Iterable[str]]) -> Query:
    """Everything one utterance says ("NA meeting tonight in 55104")."""
    mode = mode_in(text) or ANY
    return Query(
        place=place_in(text, fellowships),
        when=when.phrase_in(text),
        fellowship=fellowship_in(text, fellowships),
        mode=mode,
    )
