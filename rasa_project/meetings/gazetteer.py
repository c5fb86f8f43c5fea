"""The offline US gazetteer behind places.py, built from the `zipcodes` package on first use.

Every ZIP code with its postal city, the other names the post office accepts, its state,
point and time zone. City names are indexed for every state at once (about a second,
once); the number of ZIP codes a city has stands in for its size when a name exists in
several states.
"""
from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional

from rasa_project.content.library import load_templates
from rasa_project.text import ALNUM, tokens

# How people and speech recognizers shorten place names; applied to both sides.
SHORT = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "mpls": "minneapolis",
         "e": "east", "w": "west", "n": "north", "s": "south"}


@dataclass(frozen=True)
class Place:
    """A resolved place: what to call it and the point to measure distances from."""

    label: str  # "Saint Paul", "San Jose, California" or "55104"
    latitude: float
    longitude: float
    state: str = ""
    zip_code: str = ""  # set when the person gave a ZIP code
    timezone: str = ""  # IANA zone of the place, from its ZIP code


@dataclass(frozen=True)
class Town:
    """One state's city of a name: its point and how many ZIP codes carry the name."""

    place: Place
    zips: int


def normalize(text: str) -> List[str]:
    """Lower-case words with punctuation dropped and common short forms spelled out."""
    return [SHORT.get(w, w) for w in tokens(text, ALNUM, drop="'")]


@lru_cache(maxsize=1)
def templates() -> dict:
    return load_templates("meetings")


def state_names() -> Dict[str, str]:
    """USPS code -> the state's name as said ("NY" -> "New York"), from meetings.yml."""
    return templates()["states"]


@lru_cache(maxsize=1)
def state_words() -> Dict[str, str]:
    """Spoken or written state -> code: "new york" and "ny" -> "NY"."""
    found = {" ".join(normalize(name)): code for code, name in state_names().items()}
    found.update({code.lower(): code for code in state_names()})
    return found


@lru_cache(maxsize=4096)
def zip_place(code: str) -> Optional[Place]:
    if not re.fullmatch(r"\d{5}", code or ""):
        return None
    import zipcodes  # loads its data on first use, not at import time

    rows = zipcodes.matching(code)
    if not rows:
        return None
    row = rows[0]
    return Place(code, float(row["lat"]), float(row["long"]), row["state"], code, row.get("timezone") or "")


@lru_cache(maxsize=1)
def towns() -> Dict[str, Dict[str, Town]]:
    """City name (normalized words joined by spaces) -> state code -> Town."""
    import zipcodes

    by_state: Dict[str, list] = defaultdict(list)
    for row in zipcodes.list_all():
        by_state[row["state"]].append(row)
    merged: Dict[str, Dict[str, Town]] = defaultdict(dict)
    for state, rows in by_state.items():
        for key, town in _index(rows).items():
            merged[key][state] = town
    return dict(merged)


def _index(rows: list) -> Dict[str, Town]:
    """City name -> Town for one state's ZIP rows.

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
        point = Place(
            " ".join(w.capitalize() for w in key.split()),
            statistics.median(float(r["lat"]) for r in zips),
            statistics.median(float(r["long"]) for r in zips),
            zips[0]["state"],
            timezone=zips[0].get("timezone") or "",
        )
        index[key] = Town(point, len(zips))
    for key, zips in primary.items():
        standard = sorted((r for r in zips if r["zip_code_type"] == "STANDARD"), key=lambda r: r["zip_code"])
        row = (standard or sorted(zips, key=lambda r: r["zip_code"]))[0]
        point = Place(row["city"], float(row["lat"]), float(row["long"]), row["state"], timezone=row.get("timezone") or "")
        index[key] = Town(point, len(zips) + (index[key].zips if key in index else 0))
    return index
