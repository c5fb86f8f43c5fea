"""Checks and conversions for feed values that both feed formats share."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from functools import lru_cache
from collections import Counter
from typing import Any, Callable, Optional, Tuple, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import HYBRID, ONLINE

DEFAULT_TIMEZONE = "America/Chicago"
T = TypeVar("T")
DEFAULT_DURATION = timedelta(hours=1)  # Meeting Guide's rule when end_time is missing

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


class BadField(ValueError):
    """A record field is missing or malformed; its message is the skip reason."""


class FeedShapeError(ValueError):
    """The document as a whole is not a meeting list of the expected format."""


@dataclass(frozen=True)
class FeedDefaults:
    """What a feed's records inherit when they do not say."""

    feed: str
    fellowship: str
    timezone: str = DEFAULT_TIMEZONE
    sample: bool = False
    as_of: str = ""  # a dated listing (sources.yml `as_of`): answers say how old it is
    state: str = ""  # the state a record without one is in (sources.yml `state`)


def text(value: Any) -> str:
    """A stripped string for str/int/float values, "" for anything else."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    return ""


def clock(value: Any, reason: str, allow_24: bool = False) -> Tuple[int, int]:
    """(hours, minutes) from "HH:MM" or "HH:MM:SS"."""
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if not match:
        raise BadField(reason)
    hours, minutes = int(match.group(1)), int(match.group(2))
    seconds = int(match.group(3) or 0)
    top = 24 if allow_24 else 23
    if hours > top or minutes > 59 or seconds > 59 or (hours == 24 and minutes):
        raise BadField(reason)
    return hours, minutes


def start_time(value: Any) -> time:
    hours, minutes = clock(value, "bad_time")
    return time(hours, minutes)


def duration(value: Any) -> timedelta:
    """A BMLT-style "HH:MM[:SS]" length; empty means the one-hour default."""
    if text(value) == "":
        return DEFAULT_DURATION
    hours, minutes = clock(value, "bad_duration", allow_24=True)
    length = timedelta(hours=hours, minutes=minutes)
    return length if length else DEFAULT_DURATION


def span(start: time, end: Any) -> timedelta:
    """Length from start to a Meeting Guide end_time; an earlier end means past midnight."""
    if text(end) == "":
        return DEFAULT_DURATION
    hours, minutes = clock(end, "bad_end_time", allow_24=True)
    length = timedelta(hours=hours, minutes=minutes) - timedelta(
        hours=start.hour, minutes=start.minute
    )
    if length <= timedelta(0):
        length += timedelta(days=1)
    return length


@lru_cache(maxsize=None)
def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def optional(dropped: Counter, convert: Callable[..., T], *args: Any, default: T) -> T:
    """`convert(*args)`, or `default` when the field is bad: a bad optional field is dropped
    and counted by name, and the meeting is kept."""
    try:
        return convert(*args)
    except BadField as bad:
        dropped[str(bad)] += 1
        return default


def split_state(state: str, postal: str) -> Tuple[str, str]:
    """"CA 95035" given as the state: the code, and the ZIP when none was given."""
    parts = state.replace(",", " ").split()
    if len(parts) == 2 and re.fullmatch(r"\d{5}(?:-\d{4})?", parts[1]):
        return parts[0], postal or parts[1]
    return state, postal


_VIRTUAL = re.compile(r"\b(online|virtual|zoom|internet|web|phone)\b", re.IGNORECASE)


def virtual_place(*texts: str) -> bool:
    """A place that is only a name for the internet ("Online Meeting", "Zoom")."""
    return any(_VIRTUAL.search(t or "") for t in texts) and not any(re.match(r"\s*\d", t or "") for t in texts)


def timezone(value: Any, default: str) -> str:
    name = text(value)
    if not name:
        return default
    if not _known_zone(name):
        raise BadField("bad_timezone")
    return name


def point(lat: Any, lon: Any) -> Tuple[Optional[float], Optional[float]]:
    """Latitude and longitude, or (None, None) when absent, zero or out of range."""
    try:
        la, lo = float(text(lat) or "nan"), float(text(lon) or "nan")
    except ValueError:
        return None, None
    if la != la or lo != lo or (la == 0 and lo == 0):  # NaN or BMLT's "0","0" for unknown
        return None, None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        return None, None
    return la, lo


def web_link(value: Any) -> str:
    link = text(value)
    parts = urlsplit(link)
    return link if parts.scheme in ("http", "https") and parts.hostname else ""


def phone(value: Any) -> str:
    number = text(value)
    return number if sum(ch.isdigit() for ch in number) >= 7 else ""


def codes(value: Any) -> Tuple[str, ...]:
    """Upper-case format codes from a comma list ("O, d") or a JSON list of them."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    return tuple(code for code in (text(v).upper() for v in value) if code)


def settle_attendance(option: Optional[str], codes: Tuple[str, ...], joinable: bool) -> str:
    """The attendance option once closures and missing links are applied.

    TC (location temporarily closed) leaves only the online way in; an online or hybrid
    meeting with neither link nor phone is inactive (Meeting Guide's rule).
    """
    if "TC" in codes:
        option = ONLINE if joinable else None
    if option in (ONLINE, HYBRID) and not joinable:
        option = None
    if option is None:
        raise BadField("inactive")
    return option
