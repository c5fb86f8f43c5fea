"""Say a search result aloud: every word comes from content/<language>/phrases/meetings.yml,
Python only arranges them (the words of one meeting are built in spoken.py)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import List

from . import when as when_mod
from .model import ONLINE
from .search import Hit, SearchResult
from .spoken import (  # noqa: F401  (the answer's parts, also used on their own)
    clock_phrase, fellowship_name, join_phrase, kinds_phrase, listed, miles_phrase, number_words,
    phone_digits, phrases, place_name, state_name, weekday_name, when_phrase, when_with_zone, where_phrase,
)


def answer(result: SearchResult, now: datetime) -> str:
    """The whole spoken answer for one page of results."""
    p = phrases()
    if result.ambiguous is not None:
        return which_state(result.ambiguous)
    if result.unknown_place:
        return reask_place()
    now = when_mod.aware(now)
    parts = _notices(result)
    if not result.hits:
        parts.append(p["no_more"] if result.offset and result.total else _none(result))
        return _tidy(" ".join(parts))
    what = _what(result)
    if result.offset == 0:
        near = p["near"].format(place=place_name(result.place.label)) if _near(result) else ""
        parts.append(p["intro"].format(what=what, window=window_name(result.window), near=near))
        if _near(result) and any(hit.distance_miles is not None for hit in result.hits):
            parts.append(p["notices"]["centroid"].format(place=_centre_of(result)))
    else:
        parts.append(p["intro_next"].format(what=what))
    parts.extend(meeting_sentence(hit, now, result.query.fellowship is None, result.query.kinds) for hit in result.hits)
    parts.append(p["more"] if result.more else p["no_more"])
    return _tidy(" ".join(parts))


def which_state(ambiguous) -> str:
    """"Rochester, Minnesota or New York?" with the home state first."""
    p = phrases()["place"]
    states = [state_name(code) for code in ambiguous.states]
    return p["which_state"].format(city=ambiguous.city, states=listed_or(states))


def listed_or(items: List[str]) -> str:
    joiner = phrases()["or"]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + joiner + items[-1]


def unknown_place() -> str:
    return phrases()["place"]["unknown"]


def reask_place() -> str:
    return phrases()["place"]["reask"]


def meeting_sentence(hit: Hit, now: datetime, tag_fellowship: bool = True, asked_kinds=()) -> str:
    p, m = phrases(), hit.meeting
    template = p["meeting"].get(m.attendance, p["meeting"]["unknown"])
    tag = p["meeting"]["fellowship_tag"].format(fellowship=fellowship_name(m.fellowship)) if tag_fellowship else ""
    distance = p["meeting"]["distance"].format(distance=miles_phrase(hit.distance_miles)) if hit.distance_miles is not None else ""
    notes = p["meeting"]["location_notes"].format(notes=m.location_notes.rstrip(". ")) if m.location_notes else ""
    said = template.format(
        name=m.name,
        fellowship=tag,
        when=when_with_zone(hit.starts_at, now, m.timezone),
        where=where_phrase(m),
        distance=distance if m.attendable_in_person else "",
        join=join_phrase(m) if m.joinable_online else "",
        notes=notes,
    )
    return said + " " + kinds_phrase(k for k in m.kinds if k not in ("online", "hybrid"))


def window_name(window: when_mod.Window) -> str:
    template = phrases()["windows"].get(window.key, phrases()["windows"]["soon"])
    day = weekday_name(window.weekday) if window.weekday is not None else ""
    return template.format(day=day)


def age_phrase(age: timedelta) -> str:
    p = phrases()["ages"]
    hours = age.total_seconds() / 3600
    if hours < 1.5:
        return p["hour"]
    if hours < 36:
        return p["hours"].format(n=number_words(round(hours)))
    days = round(hours / 24)
    return p["day"] if days == 1 else p["days"].format(n=number_words(days))


def _centre_of(result: SearchResult) -> str:
    label = result.place.label
    return place_name(label) if result.place.zip_code else label.split(",")[0]


def _notices(result: SearchResult) -> List[str]:
    p = phrases()["notices"]
    said = [p["sample"]] if result.sample else []
    listed_years = sorted({h.meeting.as_of for h in result.hits if h.meeting.as_of})
    if listed_years:
        said.append(p["dated_listing"].format(year=listed_years[0]))
    if result.stale:
        said.append(p["update_failed"])
    if result.data_age is not None and (result.stale or result.data_age > timedelta(days=1)):
        said.append(p["data_age"].format(age=age_phrase(result.data_age)))
    return said


def _what(result: SearchResult) -> str:
    kinds = [phrases()["kinds"]["before"][k] for k in result.query.kinds if k in phrases()["kinds"]["before"]]
    fellowship = " ".join([*kinds, fellowship_name(result.query.fellowship)])
    return phrases()["what"][result.query.mode].format(fellowship=fellowship)


def _near(result: SearchResult) -> bool:
    return result.place is not None and result.query.mode != ONLINE


def _none(result: SearchResult) -> str:
    p = phrases()["none"]
    what, window = _what(result), window_name(result.window)
    if result.query.mode == ONLINE:
        return p["online"].format(what=what, window=window)
    if result.place is not None:
        return p["near"].format(what=what, window=window, place=place_name(result.place.label))
    return p["anywhere"].format(what=what, window=window)


def _tidy(text: str) -> str:
    """Collapse the gaps an empty placeholder leaves ("  ", " ." , ".." )."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([.,:?])", r"\1", text)
    return re.sub(r"\.\.+", ".", text)
