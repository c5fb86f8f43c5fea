"""Turn place text (city names, ZIP codes, ZIPs as speech recognition writes them) into a point.

The gazetteer is the `zipcodes` package: every US ZIP code with its postal city, the
other city names the post office accepts for it, and a point. It has no neighborhoods.
Unknown or misheard places give None, never an exception: the caller asks again.
"""
from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

from rasa_project.text import ALNUM, tokens

PREFERRED_STATE = "MN"

_WORD_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}
_TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6",
         "seventy": "7", "eighty": "8", "ninety": "9"}
_REPEAT = {"double": 2, "triple": 3}
# How people and speech recognizers shorten place names; applied to both sides.
_SHORT = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "mpls": "minneapolis",
          "e": "east", "w": "west", "n": "north", "s": "south"}
# USPS state and territory codes, to read "rochester ny".
STATES = frozenset(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV
    NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP""".split()
)
_ZIP_WORDS = ("zip", "code", "zipcode", "postal")
PLACE_WORDS = ("in", "near", "around", "by", "at", "from", "to", "of")  # "close to", "outside of"


@dataclass(frozen=True)
class Place:
    """A resolved place: what to call it and the point to measure distances from."""

    label: str  # "Saint Paul" or "55104"
    latitude: float
    longitude: float
    state: str = ""
    zip_code: str = ""  # set when the person gave a ZIP code


def normalize(text: str) -> List[str]:
    """Lower-case words with punctuation dropped and common short forms spelled out."""
    words = tokens(text, ALNUM, drop="'")
    return [_SHORT.get(w, w) for w in words]


def miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 3958.8 * 2 * math.asin(min(1.0, math.sqrt(a)))


def resolve(text: str) -> Optional[Place]:
    """The place when `text` is only a place ("st paul", "55104", "five five one oh four")."""
    try:
        words = normalize(text)
        if not words:
            return None
        numbers = [w for w in words if w not in _ZIP_WORDS]
        if numbers and all(_is_number_word(w) for w in numbers):
            return _zip_in(numbers)
        return _city(words, PREFERRED_STATE)
    except Exception:  # a gazetteer surprise must not end the conversation
        return None


def find_in_text(text: str) -> Optional[Place]:
    """A ZIP code anywhere in an utterance, else a city named after "in", "near", ..."""
    try:
        words = normalize(text)
        found = _zip_in(words)
        if found:
            return found
        # A state code counts only at the very end ("near rochester ny"), so "in saint paul
        # or minneapolis" never becomes Saint Paul, Oregon.
        for i, word in enumerate(words):
            if word in PLACE_WORDS:
                for n in range(min(5, len(words) - i - 1), 0, -1):
                    at_end = i + 1 + n == len(words)
                    place = _city(words[i + 1 : i + 1 + n], PREFERRED_STATE, allow_state=at_end)
                    if place:
                        return place
        return None
    except Exception:
        return None


def zip_point(code: str) -> Optional[Tuple[float, float]]:
    place = _zip_place(code)
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


@lru_cache(maxsize=4096)
def _zip_place(code: str) -> Optional[Place]:
    if not re.fullmatch(r"\d{5}", code or ""):
        return None
    import zipcodes  # loads its data on first use, not at import time

    rows = zipcodes.matching(code)
    if not rows:
        return None
    row = rows[0]
    return Place(code, float(row["lat"]), float(row["long"]), row["state"], code)


def _city(words: Sequence[str], prefer_state: str, allow_state: bool = True) -> Optional[Place]:
    """A city in the preferred state, or in another state when the text names one
    ("rochester ny"): looking through every state costs a second, so it is done only then."""
    words = list(words)
    state = prefer_state
    if not allow_state:
        return _state_index(prefer_state).get(" ".join(words))
    if len(words) > 1 and words[-1].upper() in STATES:
        state, words = words[-1].upper(), words[:-1]
    elif len(words) > 1 and words[-1] == "minnesota":
        state, words = "MN", words[:-1]
    key = " ".join(words)
    if not key:
        return None
    if state == prefer_state:
        return _state_index(prefer_state).get(key)
    found = [p for p in _national_index().get(key, []) if p.state == state]
    return replace(found[0], label=f"{found[0].label} {state}") if found else None


@lru_cache(maxsize=8)
def _state_index(state: str) -> Dict[str, Place]:
    import zipcodes

    return _index(zipcodes.filter_by(state=state))


@lru_cache(maxsize=1)
def _national_index() -> Dict[str, List[Place]]:
    import zipcodes

    by_state: Dict[str, list] = defaultdict(list)
    for row in zipcodes.list_all():
        by_state[row["state"]].append(row)
    merged: Dict[str, List[Place]] = defaultdict(list)
    for rows in by_state.values():
        for key, place in _index(rows).items():
            merged[key].append(place)
    return merged


def _index(rows: list) -> Dict[str, Place]:
    """City name -> point for one state's ZIP rows.

    A postal city's point is its lowest-numbered standard ZIP, usually the main post
    office downtown: the median of all its ZIPs drifts into suburbs that share the postal
    name (Minneapolis covers Bloomington's ZIPs). A name known only as an accepted
    alternative (Bloomington) gets the median of the ZIPs that accept it.
    """
    primary: Dict[str, list] = defaultdict(list)
    accepted: Dict[str, list] = defaultdict(list)
    for row in rows:
        primary[" ".join(normalize(row["city"]))].append(row)
        for alias in row.get("acceptable_cities") or []:
            accepted[" ".join(normalize(alias))].append(row)
    index = {}
    for key, zips in accepted.items():
        index[key] = Place(
            _title(key),
            statistics.median(float(r["lat"]) for r in zips),
            statistics.median(float(r["long"]) for r in zips),
            zips[0]["state"],
        )
    for key, zips in primary.items():
        standard = sorted((r for r in zips if r["zip_code_type"] == "STANDARD"), key=lambda r: r["zip_code"])
        row = (standard or sorted(zips, key=lambda r: r["zip_code"]))[0]
        index[key] = Place(row["city"], float(row["lat"]), float(row["long"]), row["state"])
    return index


def _title(key: str) -> str:
    return " ".join(w.capitalize() for w in key.split())
