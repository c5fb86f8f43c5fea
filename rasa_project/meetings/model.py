"""The one shape every feed is parsed into: a weekly meeting, plus what parsing skipped."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import List, Optional, Tuple

IN_PERSON = "in_person"
ONLINE = "online"
HYBRID = "hybrid"
UNKNOWN = "unknown"  # the source gives neither a place nor a way to join


@dataclass(frozen=True)
class Meeting:
    """One weekly meeting on one day of the week (a feed's day list becomes several)."""

    id: str  # unique within the catalog: "<feed>:<slug or id>[:<day>]"
    name: str  # as the feed gives it; feeds carry no last names
    fellowship: str  # a code from sources.yml: "NA", "AA", "Al-Anon", "Nar-Anon", ...
    weekday: int  # Python's numbering: 0 Monday ... 6 Sunday (feeds differ; parsers convert)
    start: time  # local wall-clock time in `timezone`
    duration: timedelta
    timezone: str  # IANA name, e.g. "America/Chicago"
    attendance: str  # IN_PERSON, ONLINE, HYBRID or UNKNOWN
    location: str = ""  # building or landmark ("Alano Club")
    street: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    latitude: Optional[float] = None  # None when the feed has no usable point
    longitude: Optional[float] = None
    approximate: bool = False  # point filled in from the ZIP code, not given by the feed
    conference_url: str = ""  # http(s) link to join online
    conference_phone: str = ""  # dial-in, may carry ",,code#" for one-tap dialing
    types: Tuple[str, ...] = ()  # feed codes, e.g. ("O", "D")
    kinds: Tuple[str, ...] = ()  # plain kinds from kinds.py: "spanish", "women", "open", ...
    notes: str = ""
    location_notes: str = ""  # "Rear entrance", "Ring bell": said after the address
    meeting_id: str = ""  # online meeting ID, digits only, to say when joining by phone
    passcode: str = ""  # online passcode as given (digits are said one by one)
    source: str = ""  # feed name in sources.yml
    sample: bool = False  # True for invented sample data, never a real meeting
    as_of: str = ""  # the year of a dated listing, "" for a live feed

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def joinable_online(self) -> bool:
        return self.attendance in (ONLINE, HYBRID)

    @property
    def attendable_in_person(self) -> bool:
        return self.attendance in (IN_PERSON, HYBRID)


@dataclass
class ParseResult:
    """Meetings a parser kept, and how many records it skipped for each reason."""

    meetings: List[Meeting] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    dropped: Counter = field(default_factory=Counter)  # bad optional field -> count (meeting kept)
    records: int = 0  # records seen in the feed

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1
