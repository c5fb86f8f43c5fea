"""Load every feed in sources.yml into one catalog of meetings, with how fresh each is."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa_project.text import ALNUM, tokens

from . import bmlt, cache, meeting_guide, places
from .fields import FeedDefaults
from .model import Meeting, ParseResult
from .sources import Feed, Sources, load_sources

RELOAD_SECONDS = 3600  # a long-running action server re-reads the cache this often


@dataclass
class FeedStatus:
    """How one feed loaded."""

    name: str
    records: int = 0
    meetings: int = 0
    skipped: Counter = field(default_factory=Counter)  # records left out, by reason
    dropped: Counter = field(default_factory=Counter)  # bad optional fields left out, meeting kept
    sample: bool = False  # the meetings used are sample data
    fetched_at: Optional[float] = None  # Unix time of the network copy used (URL feeds)
    error: str = ""  # why fresh network data was not used
    fallback: bool = False  # the packaged file was used instead of the URL


@dataclass
class Catalog:
    meetings: List[Meeting]
    feeds: List[FeedStatus]
    fellowships: Dict[str, Tuple[str, ...]]  # code -> aliases

    @property
    def skipped(self) -> Counter:
        total: Counter = Counter()
        for status in self.feeds:
            total.update(status.skipped)
        return total

    @property
    def sample(self) -> bool:
        return any(status.sample for status in self.feeds)

    @property
    def stale(self) -> bool:
        return any(status.error for status in self.feeds)

    def data_age(self, now: float) -> Optional[float]:
        """Seconds since the oldest network copy in use was fetched; None if none is."""
        times = [s.fetched_at for s in self.feeds if s.fetched_at is not None]
        return max(0.0, now - min(times)) if times else None


def load_catalog(
    sources: Optional[Sources] = None, now: Optional[float] = None, force: bool = False
) -> Catalog:
    """Parse every feed; a feed that cannot load at all is reported, never raised."""
    sources = sources or load_sources()
    store = cache.FeedCache(sources.cache_path)
    meetings: List[Meeting] = []
    statuses = []
    seen: set = set()
    for feed in sources.feeds:
        status, found = _load_feed(feed, sources, store, now, force)
        for meeting in found:
            key = _same(meeting)
            if key in seen:
                status.skipped["duplicate"] += 1
                status.meetings -= 1
                continue
            seen.add(key)
            meetings.append(meeting)
        statuses.append(status)
    return Catalog(meetings, statuses, dict(sources.fellowships))


def _fold(value: str) -> str:
    return " ".join(tokens(value, ALNUM))


def _same(meeting: Meeting) -> tuple:
    """Same name, day, time and place: one meeting, however many records list it."""
    where = _fold(meeting.street) or _fold(meeting.location) or _fold(meeting.conference_url) or _fold(meeting.conference_phone)
    return (_fold(meeting.name), meeting.weekday, meeting.start, _fold(meeting.city) if where else "", where)


def _load_feed(feed: Feed, sources: Sources, store, now, force) -> Tuple[FeedStatus, List[Meeting]]:
    status = FeedStatus(feed.name, sample=feed.sample)
    doc: Any = None
    sample = feed.sample
    if feed.url:
        got = cache.get(
            feed.url, store, _validator(feed), sources.timeout_seconds,
            sources.max_age_hours, now=now, force=force,
        )
        doc, status.fetched_at, status.error = got.doc, got.fetched_at, got.error
        if doc is None and feed.fallback:
            doc, sample, status.fallback = _read(feed.fallback, status), feed.fallback_sample, True
    else:
        doc = _read(feed.file, status)
    if doc is None:
        return status, []
    defaults = FeedDefaults(feed.name, feed.fellowship, feed.timezone, sample, feed.as_of, feed.state)
    try:
        parsed = _parse(feed, doc, defaults, sources)
    except ValueError as err:  # FeedShapeError: not a meeting list at all
        status.error = str(err)
        return status, []
    status.records, status.meetings, status.skipped = parsed.records, len(parsed.meetings), parsed.skipped
    status.dropped = parsed.dropped
    status.sample = sample
    return status, [_with_point(m) for m in parsed.meetings]


def _read(path: Path, status: FeedStatus) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))  # a BOM is common
    except (OSError, ValueError) as err:
        status.error = f"cannot read {Path(path).name}: {type(err).__name__}"
        return None


def _validator(feed: Feed):
    return meeting_guide.records if feed.format == "meeting_guide" else bmlt.records


def _parse(feed: Feed, doc: Any, defaults: FeedDefaults, sources: Sources) -> ParseResult:
    if feed.format == "meeting_guide":
        return meeting_guide.parse(doc, defaults, sources.fellowships)
    formats = _read(feed.formats_file, FeedStatus(feed.name)) if feed.formats_file else None
    return bmlt.parse(doc, defaults, formats)


def _with_point(meeting: Meeting) -> Meeting:
    """An in-person meeting with a ZIP code but no point gets the ZIP's point, marked approximate."""
    if meeting.has_point or not meeting.attendable_in_person or not meeting.postal_code:
        return meeting
    point = places.zip_point(meeting.postal_code[:5])
    if point is None:
        return meeting
    return replace(meeting, latitude=point[0], longitude=point[1], approximate=True)


class CatalogHolder:
    """Loads the catalog on first use and again once it is an hour old (thread-safe)."""

    def __init__(self, loader=load_catalog, reload_seconds: float = RELOAD_SECONDS):
        self._loader, self._reload = loader, reload_seconds
        self._lock = threading.Lock()
        self._catalog: Optional[Catalog] = None
        self._loaded = 0.0

    def get(self) -> Catalog:
        with self._lock:
            if self._catalog is None or time.monotonic() - self._loaded > self._reload:
                self._catalog = self._loader()
                self._loaded = time.monotonic()
            return self._catalog


DEFAULT = CatalogHolder()
