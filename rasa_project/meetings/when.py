"""Turn "tonight", "tomorrow morning", "on tuesday", "right now" into a time window.

Always relative to an explicit `now` in the person's zone (an aware datetime; a naive one
is read in clock.person_zone()). Nights run to 4 a.m., so a 12:30 a.m. meeting counts as "tonight".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from rasa_project.text import LETTERS, normalize

from . import clock

NIGHT_ENDS = time(4, 0)
GRACE = timedelta(minutes=15)  # a meeting that began this recently is still worth joining
DEFAULT_SPAN = timedelta(hours=24)

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PARTS = {  # part of day -> (from, to); "night" ends at 4 the next morning
    "morning": (time(5, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), None),
    "night": (time(17, 0), NIGHT_ENDS),
    "noon": (time(11, 30), time(13, 0)),
}


@dataclass(frozen=True)
class Window:
    """Meetings starting in [start, end) fit; `key` names the phrase for speech."""

    start: datetime
    end: datetime
    key: str  # "now", "tonight", "today", "this_morning", ..., "day", "soon"
    weekday: Optional[int] = None  # for key "day": Python weekday, 0 Monday

    @property
    def empty(self) -> bool:
        return self.end <= self.start


def aware(now: datetime) -> datetime:
    return now if now.tzinfo else now.replace(tzinfo=ZoneInfo(clock.person_zone()))


def default_window(now: datetime) -> Window:
    """No time given: the next 24 hours."""
    now = aware(now)
    return Window(now, now + DEFAULT_SPAN, "soon")


def parse(text: Optional[str], now: datetime) -> Optional[Window]:
    """The window `text` names, or None when it names no time we know."""
    now = aware(now)
    words = _words(text)
    if not words:
        return None
    if re.search(r"\b(right now|now|right away|at the moment|currently|asap)\b", words):
        return Window(now - GRACE, now + timedelta(hours=2), "now")
    part = _part(words)
    if re.search(r"\btonight\b", words) or (re.search(r"\bthis\b", words) and part == "night"):
        return _tonight(now)
    if re.search(r"\btomorrow\b", words):
        return _day_part(now, now.date() + timedelta(days=1), part, "tomorrow")
    day = _weekday(words)
    if day is not None:
        ahead = (day - now.weekday()) % 7
        if re.search(r"\bnext\b", words) and ahead == 0:
            ahead = 7
        date = now.date() + timedelta(days=ahead)
        found = _day_part(now, date, part, "day")
        return Window(found.start, found.end, found.key, day)
    if re.search(r"\bweekend\b", words):
        saturday = now.date() + timedelta(days=(5 - now.weekday()) % 7)
        start = _at(now, saturday - timedelta(days=7 if now.weekday() == 6 else 0), time(0))
        return Window(max(now, start), _at(now, start.date() + timedelta(days=2), time(0)), "weekend")
    if re.search(r"\bweek\b", words):
        return Window(now, now + timedelta(days=7), "week")
    if re.search(r"\btoday\b", words) or part:
        return _day_part(now, now.date(), part, "today")
    if re.search(r"\b(soon|next|upcoming|later)\b", words):
        return default_window(now)
    return None


def _words(text: Optional[str]) -> str:
    """Lower-case letters and single spaces only: "Tomorrow, 7pm!" -> "tomorrow pm"."""
    return normalize(text, LETTERS)


def _part(words: str) -> Optional[str]:
    for part in _PARTS:
        if re.search(rf"\b{part}s?\b", words):
            return part
    if re.search(r"\b(lunch|midday|lunchtime)\b", words):
        return "noon"
    return None


def _weekday(words: str) -> Optional[int]:
    for index, day in enumerate(_DAYS):
        if re.search(rf"\b{day}s?\b", words):
            return index
    return None


def _tonight(now: datetime) -> Window:
    if now.time() < NIGHT_ENDS:  # already past midnight: the rest of this night
        return Window(now, _at(now, now.date(), NIGHT_ENDS), "tonight")
    start = max(now, _at(now, now.date(), _PARTS["night"][0]))
    return Window(start, _at(now, now.date() + timedelta(days=1), NIGHT_ENDS), "tonight")


def _day_part(now: datetime, date, part: Optional[str], prefix: str) -> Window:
    """A whole day or part of one, never starting before `now`."""
    if part is None:
        start, end = _at(now, date, time(0)), _at(now, date + timedelta(days=1), time(0))
        key = prefix
    else:
        begins, ends = _PARTS[part]
        start = _at(now, date, begins)
        end = _at(now, date + timedelta(days=1), ends or time(0)) if (ends is None or ends < begins) else _at(now, date, ends)
        key = f"{'this' if prefix == 'today' else prefix}_{part}"
    return Window(max(start, now), end, key)


def _at(now: datetime, date, clock: time) -> datetime:
    return datetime.combine(date, clock, tzinfo=now.tzinfo)


_PHRASE = re.compile(
    r"\b(?:(?:right |just )?now|right away|tonight|later tonight|today|this (?:morning|afternoon|evening|weekend|week)"
    r"|tomorrow(?: (?:morning|afternoon|evening|night|at noon))?"
    r"|(?:on |next |this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
    r"(?: (?:morning|afternoon|evening|night))?|(?:at )?(?:noon|lunchtime|lunch)"
    r"|(?:in the )?(?:morning|afternoon|evening))\b"
)


def phrase_in(text: Optional[str]) -> Optional[str]:
    """The time phrase inside an utterance ("tomorrow morning"), lower-case, or None."""
    words = _words(text)
    found = [m.group(0) for m in _PHRASE.finditer(words)]
    return " ".join(found) if found else None
