"""Fetch feed URLs with a time limit and keep the last good copy in SQLite.

A copy is stored only once it decoded and validated, so the cache never holds an HTML
error page or half a document; when a fetch fails, the last good copy is used and the
caller learns its age and why the fetch failed.
"""
from __future__ import annotations

import http.client
import json
import logging
import socket
import sqlite3
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from .fields import FeedShapeError

log = logging.getLogger(__name__)
MAX_BYTES = 32 * 1024 * 1024


class FetchError(Exception):
    """A feed URL gave no usable JSON; the message says why, for logs and the CLI."""


@dataclass(frozen=True)
class Cached:
    body: bytes
    fetched_at: float  # Unix time


@dataclass(frozen=True)
class Fetched:
    """What `get` found: a decoded document, or None when nothing usable exists."""

    doc: Any
    fetched_at: Optional[float]  # Unix time of the copy used
    error: str = ""  # why the network copy was not used ("" if it was, or not needed)


class FeedCache:
    """URL -> last good body and its fetch time, in one SQLite file made on first write."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5)
        db.execute(
            "CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, body BLOB NOT NULL,"
            " fetched_at REAL NOT NULL)"
        )
        return db

    def store(self, url: str, body: bytes, fetched_at: float) -> None:
        with self._connect() as db:
            db.execute("REPLACE INTO feeds VALUES (?, ?, ?)", (url, body, fetched_at))
        db.close()

    def load(self, url: str) -> Optional[Cached]:
        if not self.path.exists():
            return None
        with self._connect() as db:
            row = db.execute("SELECT body, fetched_at FROM feeds WHERE url = ?", (url,)).fetchone()
        db.close()
        return Cached(bytes(row[0]), float(row[1])) if row else None


def fetch(url: str, timeout: float) -> bytes:
    """The body at `url`, read within `timeout` seconds overall, or FetchError."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "meeting-lookup/1"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError("timed out")
                chunk = reply.read(65536)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError("too large")
                chunks.append(chunk)
    except urllib.error.HTTPError as err:
        raise FetchError(f"HTTP {err.code}") from None
    except (socket.timeout, TimeoutError):
        raise FetchError("timed out") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        raise FetchError(f"unreachable ({type(err).__name__})") from None


def decode(body: bytes) -> Any:
    """JSON from a feed body; HTML pages and cut-off documents are FetchErrors."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError("not UTF-8 text") from None
    if text.lstrip()[:1] == "<":
        raise FetchError("HTML instead of JSON")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise FetchError("not valid JSON (cut off?)") from None


def get(
    url: str,
    cache: FeedCache,
    validate: Callable[[Any], Any],
    timeout: float,
    max_age_hours: float,
    now: Optional[float] = None,
    force: bool = False,
) -> Fetched:
    """A recent cached copy, else a fresh fetch, else the older cached copy.

    `validate(doc)` raises FeedShapeError when the JSON is not the feed's format.
    """
    now = time.time() if now is None else now
    cached = cache.load(url)
    if cached and not force and now - cached.fetched_at < max_age_hours * 3600:
        return Fetched(decode(cached.body), cached.fetched_at)
    try:
        body = fetch(url, timeout)
        doc = decode(body)
        validate(doc)
    except (FetchError, FeedShapeError) as err:
        log.warning("meeting feed %s not refreshed: %s", url, err)
        if cached:
            return Fetched(decode(cached.body), cached.fetched_at, error=str(err))
        return Fetched(None, None, error=str(err))
    cache.store(url, body, now)
    return Fetched(doc, now)
