"""Turn place text (a city with or without its state, a ZIP code, ZIPs as speech recognition
writes them) into a point, offline, anywhere in the US (gazetteer.py).

A city named without its state resolves when one state's city of that name clearly
dominates; when several are real candidates the answer is Ambiguous and the caller asks
"Rochester, Minnesota or New York?", the home state (sources.yml `home_state`) first.
Unknown or misheard places give None, never an exception: the caller asks again.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple, Union

from . import gazetteer
from .gazetteer import Place, normalize

HOME_STATE = "MN"
RIVAL_SHARE = 0.2  # another state's city is a candidate with at least this share of the largest one's ZIPs
MAX_CHOICES = 3

_WORD_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}
_TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6",
         "seventy": "7", "eighty": "8", "ninety": "9"}
_REPEAT = {"double": 2, "triple": 3}
# Two-letter state codes that are also everyday words count only at the end of a sentence
# or before a time word, so "saint paul or minneapolis" never becomes Saint Paul, Oregon.
_WORD_CODES = frozenset("""in or me ok hi oh la pa ma al co id de mo ne mi ga wa va""".split())
_AFTER_CODE = frozenset("""on tonight today tomorrow this next at in for monday tuesday wednesday thursday
    friday saturday sunday morning afternoon evening night around please""".split())
_ZIP_WORDS = ("zip", "code", "zipcode", "postal")
PLACE_WORDS = ("in", "near", "around", "by", "at", "from", "to", "of")  # "close to", "outside of"
_NOT_CITIES = frozenset("""me person line town the a here there""".split())


@dataclass(frozen=True)
class Ambiguous:
    """A city name several states have; `states` in the order to offer them."""

    city: str  # as said back ("Rochester")
    states: Tuple[str, ...]  # codes, home state first


Found = Union[Place, Ambiguous, None]


@lru_cache(maxsize=1)
def home_state() -> str:
    """sources.yml `home_state` (env MEETINGS_HOME_STATE overrides), else Minnesota."""
    from .sources import load_sources

    try:
        return os.environ.get("MEETINGS_HOME_STATE") or load_sources().home_state or HOME_STATE
    except (OSError, ValueError):
        return HOME_STATE


def miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 3958.8 * 2 * math.asin(min(1.0, math.sqrt(a)))


def resolve(text: Optional[str]) -> Optional[Place]:
    """The place when `text` is only a place ("st paul", "55104", "Syracuse, New York")."""
    found = lookup(text)
    return found if isinstance(found, Place) else None


def lookup(text: Optional[str]) -> Found:
    """Like resolve, but a city several states have comes back Ambiguous."""
    try:
        words = normalize(text or "")
        if not words:
            return None
        numbers = [w for w in words if w not in _ZIP_WORDS]
        if numbers and all(_is_number_word(w) for w in numbers):
            return _zip_in(numbers)
        return _with_state(words) or _city(words)
    except Exception:  # a gazetteer surprise must not end the conversation
        return None


def find_in_text(text: Optional[str]) -> Optional[Place]:
    found = find(text)
    return found if isinstance(found, Place) else None


def find(text: Optional[str]) -> Found:
    """A ZIP code anywhere in an utterance, else a city with its state anywhere, else a
    city named after "in", "near", ..."""
    try:
        words = normalize(text or "")
        found = _zip_in(words) or _with_state(words)
        if found:
            return found
        for i, word in enumerate(words):
            if word in PLACE_WORDS:
                for n in range(min(5, len(words) - i - 1), 0, -1):
                    found = _city(words[i + 1 : i + 1 + n])
                    if found:
                        return found
        return None
    except Exception:
        return None


def in_state(city: str, text: Optional[str]) -> Optional[Place]:
    """The answer to "Rochester, Minnesota or New York?": `city` in the state `text` names."""
    words = normalize(text or "")
    for start, end, code in _states_in(words, anywhere=True):
        town = gazetteer.towns().get(" ".join(normalize(city)), {}).get(code)
        if town:
            return _labelled(town.place)
    return None


def zip_point(code: str) -> Optional[Tuple[float, float]]:
    place = gazetteer.zip_place(code)
    return (place.latitude, place.longitude) if place else None


def spoken_numbers(words: Sequence[str]) -> List[List[Tuple[int, str]]]:
    """Runs of consecutive number words as (word index, digits) pairs.

    "fifty five one oh four" -> [[(0,"55"), (2,"1"), (3,"0"), (4,"4")]]; "oh" and "o"
    count only inside a run, so "oh, Duluth" starts none.
    """
    runs, run, i = [], [], 0
    while i < len(words):
        word, digits, used = words[i], None, 1
        if word.isdigit():
            digits = word
        elif word in _TENS:
            nxt = words[i + 1] if i + 1 < len(words) else ""
            unit = _WORD_DIGITS.get(nxt, "")
            if len(unit) == 1 and unit != "0" and nxt not in ("oh", "o"):
                digits, used = _TENS[word] + unit, 2
            else:
                digits = _TENS[word] + "0"
        elif word in _REPEAT and i + 1 < len(words) and len(_WORD_DIGITS.get(words[i + 1], "")) == 1:
            digits, used = _WORD_DIGITS[words[i + 1]] * _REPEAT[word], 2
        elif word in _WORD_DIGITS and (run or word not in ("oh", "o")):
            digits = _WORD_DIGITS[word]
        if digits is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((i, digits))
        i += used
    if run:
        runs.append(run)
    return runs


def _is_number_word(word: str) -> bool:
    return word.isdigit() or word in _WORD_DIGITS or word in _TENS or word in _REPEAT


def _zip_in(words: Sequence[str]) -> Optional[Place]:
    """The first real ZIP code spelled by a stretch of number words ("55 104" too)."""
    for run in spoken_numbers(words):
        for start in range(len(run)):
            digits = ""
            for _, part in run[start:]:
                digits += part
                if len(digits) >= 5:
                    break
            if len(digits) in (5, 9):  # ZIP or ZIP+4
                place = _zip_place(digits[:5])
                if place:
                    return place
    return None


def _is_number_word(word: str) -> bool:
    return word.isdigit() or word in _WORD_DIGITS or word in _TENS or word in _REPEAT


def _zip_in(words: Sequence[str]) -> Optional[Place]:
    """The first real ZIP code spelled by a stretch of number words ("55 104" too)."""
    for run in spoken_numbers(words):
        for start in range(len(run)):
            digits = ""
            for _, part in run[start:]:
                digits += part
                if len(digits) >= 5:
                    break
            if len(digits) in (5, 9):  # ZIP or ZIP+4
                place = gazetteer.zip_place(digits[:5])
                if place:
                    return place
    return None


def _states_in(words: Sequence[str], anywhere: bool = False) -> List[Tuple[int, int, str]]:
    """(start, end, code) of each state named, as a full name or a code."""
    found = []
    table = gazetteer.state_words()
    for start in range(len(words)):
        for size in (3, 2, 1):
            said = " ".join(words[start : start + size])
            if len(words) - start < size or said not in table:
                continue
            end = start + size
            after = words[end] if end < len(words) else None
            if size == 1 and said in _WORD_CODES and not anywhere and after is not None and after not in _AFTER_CODE:
                continue
            found.append((start, end, table[said]))
            break
    return found


def _with_state(words: Sequence[str]) -> Optional[Place]:
    """A city said just before its state: "rochester new york", "san jose ca"."""
    towns = gazetteer.towns()
    for start, _, code in _states_in(words):
        for size in range(min(4, start), 0, -1):
            town = towns.get(" ".join(words[start - size : start]), {}).get(code)
            if town:
                return _labelled(town.place)
    return None


def _city(words: Sequence[str]) -> Found:
    """A city with no state said: the only real candidate, or Ambiguous."""
    key = " ".join(words)
    if not key or key in _NOT_CITIES or key in gazetteer.state_words():
        return None
    found = gazetteer.towns().get(key)
    if not found:
        return None
    rivals = _candidates(found)
    if len(rivals) == 1:
        return _labelled(found[rivals[0]].place)
    return Ambiguous(found[rivals[0]].place.label, tuple(rivals))


def _candidates(found: dict) -> List[str]:
    """States worth asking about, home first then by size: a rival needs a fifth of the
    largest one's ZIP codes, and two of them unless no town of the name has more than one."""
    home = home_state()
    largest = max(town.zips for town in found.values())
    floor = max(RIVAL_SHARE * largest, min(2, largest))
    return sorted(
        (code for code, town in found.items() if code == home or town.zips >= floor),
        key=lambda code: (code != home, -found[code].zips),
    )[:MAX_CHOICES]


def _labelled(place: Place) -> Place:
    """A city carries its state in its label ("San Jose, California") unless it is the home
    state's and its name alone means it, so the label resolves to the same place again."""
    if place.zip_code:
        return place
    found = gazetteer.towns().get(" ".join(normalize(place.label)), {})
    if place.state == home_state() and _candidates(found) == [place.state]:
        return place
    state = gazetteer.state_names().get(place.state, place.state)
    return replace(place, label=gazetteer.templates()["place_with_state"].format(city=place.label, state=state))
