"""Pick the place, time, fellowship, kinds and online/in-person wish out of one utterance."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Tuple

from rasa_project.text import WORD_WITH_APOSTROPHES, normalize

from . import places, when
from .model import IN_PERSON, ONLINE

ANY = "any"

_MODES = (
    (IN_PERSON, r"in person|in-person|face to face|face-to-face|on site"),
    (ONLINE, r"online|on line|virtual|virtually|zoom|video|by phone|phone meeting|call in|remote|internet"),
    (ANY, r"either|any kind|either one|doesn'?t matter|does not matter|any type|both"),
)
# Kinds people ask for, as kinds.py names them (online and hybrid are modes above).
_KINDS = (
    ("spanish", r"spanish|spanish speaking|en espanol|espanol|en espa\w*ol|hispanic|latino|latina"),
    ("women", r"women'?s?|woman'?s?|womens|ladies|ladies'|female|for girls"),
    ("men", r"men'?s?|mens|for guys|male|men only"),
    ("open", r"open(?! (?:now|right|late|today|tonight|until|till|24))"),
    ("closed", r"closed"),
    ("beginners", r"beginners?'?s?|newcomers?'?s?|new comers?|first timers?|newbies?"),
    ("wheelchair", r"wheelchair\w*|wheel chair|accessible|handicap\w*"),
)
_NEAR_ME = re.compile(r"\b(near me|around me|close to me|nearby|near by|around here|near here|close by|where i am|my area)\b")
# Words that can surround a place without being part of it ("no, Duluth", "I said St Paul").
_FILLER = frozenset(
    """no nope nah yes yeah yep ok okay actually i i'm im said say meant mean not the a an is are
    there any some meeting meetings group groups find me near nearby in around at by close to please
    um uh umm how about what try instead sorry it its was am looking for need want go like would
    can could you show tell get give city town of well then and or maybe look search check
    nearest closest that this speaking speaks only""".split()
)


@dataclass(frozen=True)
class Query:
    """What someone asked for; every part is optional."""

    place: Optional[str] = None  # place text ("Saint Paul", "55104"); None = not given
    when: Optional[str] = None  # time phrase ("tonight"); None = the next 24 hours
    fellowship: Optional[str] = None  # code from sources.yml; None = any
    mode: str = ANY  # ANY, ONLINE or IN_PERSON
    kinds: Tuple[str, ...] = ()  # kinds every meeting must have ("spanish", "women", ...)


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


def kinds_in(text: Optional[str]) -> Tuple[str, ...]:
    """Kinds of meeting asked for: "a Spanish speaking women's meeting" -> ("spanish", "women")."""
    words = _words(text)
    return tuple(kind for kind, pattern in _KINDS if re.search(rf"\b(?:{pattern})(?![\w'])", words))


def kinds_slot(value) -> Tuple[str, ...]:
    """A kinds slot value ("spanish women" or a list) as a tuple of known kinds."""
    said = value.split() if isinstance(value, str) else list(value or [])
    return tuple(kind for kind, _ in _KINDS if kind in said)


def near_me(text: Optional[str]) -> bool:
    return bool(_NEAR_ME.search(_words(text)))


def place_in(text: Optional[str], fellowships: Dict[str, Iterable[str]] = None) -> Optional[str]:
    """A place named in `text`, as its label ("Saint Paul", "San Jose, California"); a city
    several states have comes back as its name alone ("Rochester"), for search to ask which."""
    found = place_found(text, fellowships)
    if isinstance(found, places.Ambiguous):
        return found.city
    return found.label if found else None


def place_found(text: Optional[str], fellowships: Dict[str, Iterable[str]] = None) -> places.Found:
    """The place named in `text`: a Place, Ambiguous ("Rochester": which state?) or None."""
    found = places.find(text or "")
    return found if found is not None else places.lookup(leftover(text, fellowships or {}))


def leftover(text: Optional[str], fellowships: Dict[str, Iterable[str]]) -> str:
    """`text` without the time, fellowship, mode and filler words: often just a place."""
    words = _words(text)
    for phrase in filter(None, [when.phrase_in(words)]):
        for part in phrase.split():
            words = re.sub(rf"\b{re.escape(part)}\b", " ", words)
    for code, names in fellowships.items():
        for alias in sorted([code, *names], key=len, reverse=True):
            words = re.sub(rf"\b{re.escape(_words(alias))}\b", " ", words) if _words(alias) else words
    for _, pattern in (*_MODES, *_KINDS):
        words = re.sub(rf"\b(?:{pattern})(?![\w'])", " ", words)
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
        kinds=kinds_in(text),
    )
