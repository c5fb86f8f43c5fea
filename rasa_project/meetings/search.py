"""Find the upcoming meetings that fit a query: nearest first within the time window."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Dict, List, Optional, Union
from zoneinfo import ZoneInfo

from . import feeds, places, understand, when
from .feeds import Catalog
from .model import UNKNOWN, Meeting
from .places import Place
from .understand import IN_PERSON, ONLINE, Query

RADIUS_MILES = 30.0  # in-person meetings farther than this are not "near"


@dataclass(frozen=True)
class Hit:
    meeting: Meeting
    starts_at: datetime  # this occurrence, in the meeting's own time zone
    distance_miles: Optional[float] = None  # None for online meetings or with no place


@dataclass
class SearchResult:
    query: Query
    window: when.Window
    hits: List[Hit] = field(default_factory=list)  # this page
    total: int = 0  # all meetings that fit
    offset: int = 0
    place: Optional[Place] = None
    unknown_place: bool = False  # place text given but not understood: ask again
    ambiguous: Optional[places.Ambiguous] = None  # a city several states have: ask which
    sample: bool = False  # the answer rests on invented sample data
    data_age: Optional[timedelta] = None  # age of the oldest downloaded feed copy in use
    stale: bool = False  # a feed could not be refreshed; older data is in use
    skipped: Dict[str, int] = field(default_factory=dict)  # feed records skipped, by reason

    @property
    def more(self) -> bool:
        return self.offset + len(self.hits) < self.total


def find_meetings(
    query: Union[Query, str],
    now: datetime,
    limit: int = 3,
    offset: int = 0,
    catalog: Optional[Catalog] = None,
) -> SearchResult:
    """Meetings fitting `query` (a Query, or an utterance to read one from) after `now`."""
    catalog = catalog or feeds.DEFAULT.get()
    if isinstance(query, str):
        query = understand.parse_query(query, catalog.fellowships)
    query = replace(query, mode=understand.mode_or_any(query.mode), kinds=understand.kinds_slot(query.kinds))
    now = when.aware(now)
    window = (when.parse(query.when, now) if query.when else None) or when.default_window(now)
    found = places.lookup(query.place) if query.place else None
    place = found if isinstance(found, Place) else None
    result = SearchResult(query, window, offset=offset, place=place, skipped=dict(catalog.skipped))
    if isinstance(found, places.Ambiguous):
        result.ambiguous = found
        return result
    age = catalog.data_age(now.timestamp())
    result.data_age = timedelta(seconds=age) if age is not None else None
    result.stale = catalog.stale
    if query.place and place is None:
        result.unknown_place = True
        return result
    ranked = _rank(list(_fits(catalog.meetings, query, window, place, RADIUS_MILES)), query, place)
    result.total = len(ranked)
    result.hits = ranked[offset : offset + max(0, limit)]
    result.sample = any(h.meeting.sample for h in result.hits) if result.hits else catalog.sample
    return result


def _fits(meetings, query: Query, window: when.Window, place, radius: float):
    occurs = _Occurrences(window)
    use_distance = place is not None and query.mode != ONLINE
    for meeting in meetings:
        if query.fellowship and meeting.fellowship != query.fellowship:
            continue
        if not _mode_fits(meeting, query) or not set(query.kinds) <= set(meeting.kinds):
            continue
        starts = occurs.first(meeting)
        if starts is None:
            continue
        distance = None
        if use_distance and meeting.has_point:
            distance = places.miles(place.latitude, place.longitude, meeting.latitude, meeting.longitude)
            if distance > radius:
                continue
        elif use_distance and not meeting.joinable_online and not _named_in_state(meeting, query, place):
            continue  # no known position: never "near" anything
        yield Hit(meeting, starts, distance)


def _named_in_state(meeting: Meeting, query: Query, place) -> bool:
    """A listing with no address or way to join (a group the sources only name) is still
    worth hearing when its fellowship is asked for in its own state."""
    return meeting.attendance == UNKNOWN and bool(query.fellowship) and bool(meeting.state) and meeting.state == place.state


def _mode_fits(meeting: Meeting, query: Query) -> bool:
    if meeting.attendance == UNKNOWN:
        # No place and no way to join: worth hearing only when asked for by name.
        return query.mode != ONLINE and query.fellowship is not None
    if query.mode == ONLINE:
        return meeting.joinable_online
    if query.mode == IN_PERSON:
        return meeting.attendable_in_person
    return True


def _rank(hits: List[Hit], query: Query, place) -> List[Hit]:
    """Located meetings by distance (to the mile, as it is said) then start; online by start;
    meetings with no known place last."""

    def key(hit: Hit):
        start = hit.starts_at.timestamp()
        if hit.distance_miles is not None:
            return (0, round(hit.distance_miles), start)
        if hit.meeting.attendance == UNKNOWN or (place and not hit.meeting.joinable_online and query.mode != ONLINE):
            return (2, 0, start)
        return (1, 0, start)

    return sorted(hits, key=key)


class _Occurrences:
    """First start of each weekly meeting inside the window, per time zone."""

    def __init__(self, window: when.Window):
        self.start, self.end = window.start.timestamp(), window.end.timestamp()
        self.window = window
        self._dates: Dict[str, Dict[int, list]] = {}

    def first(self, meeting: Meeting) -> Optional[datetime]:
        for day in self._days(meeting.timezone).get(meeting.weekday, ()):
            starts = datetime.combine(day, meeting.start, tzinfo=ZoneInfo(meeting.timezone))
            if self.start <= starts.timestamp() < self.end:
                return starts
        return None

    def _days(self, zone: str) -> Dict[int, list]:
        """Local dates the window touches in `zone`, grouped by weekday."""
        if zone not in self._dates:
            tz = ZoneInfo(zone)
            day = self.window.start.astimezone(tz).date()
            last = self.window.end.astimezone(tz).date()
            grouped: Dict[int, list] = {}
            while day <= last:
                grouped.setdefault(day.weekday(), []).append(day)
                day += timedelta(days=1)
            self._dates[zone] = grouped
        return self._dates[zone]
