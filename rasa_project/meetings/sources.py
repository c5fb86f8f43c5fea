"""Read sources.yml: which meeting feeds to load, and the fellowships they name."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from .fields import DEFAULT_TIMEZONE

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
DEFAULT_SOURCES = HERE / "sources.yml"
DEFAULT_CACHE = PROJECT_ROOT / "var" / "meetings_cache.sqlite3"
FORMATS = ("meeting_guide", "bmlt")


@dataclass(frozen=True)
class Feed:
    """One feed: a local file, or a URL fetched into the cache with a file to fall back on."""

    name: str
    format: str  # one of FORMATS
    fellowship: str  # default fellowship code of its meetings
    sample: bool  # invented data: every answer that uses it says so
    timezone: str = DEFAULT_TIMEZONE  # for records that give none
    file: Optional[Path] = None
    url: str = ""
    fallback: Optional[Path] = None  # used when the URL never answered and nothing is cached
    fallback_sample: bool = True
    formats_file: Optional[Path] = None  # BMLT: a saved GetFormats reply, when the feed has none
    source: str = ""  # attribution, said nowhere, kept for reviewers
    as_of: str = ""  # a listing copied from a dated source: its year, said with every answer
    state: str = ""  # USPS code of the state records without one are in


@dataclass(frozen=True)
class Sources:
    feeds: Tuple[Feed, ...]
    fellowships: Dict[str, Tuple[str, ...]]  # code -> lower-case aliases people say
    cache_path: Path
    max_age_hours: float  # a cached URL copy older than this is refetched on load
    timeout_seconds: float  # per fetch
    home_state: str = "MN"  # first guess when a city name exists in several states


def load_sources(path: Optional[Path] = None, cache_path: Optional[Path] = None) -> Sources:
    """Sources from `path`, else $MEETINGS_SOURCES, else the packaged sources.yml."""
    path = Path(path or os.environ.get("MEETINGS_SOURCES") or DEFAULT_SOURCES)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    zone = data.get("default_timezone", DEFAULT_TIMEZONE)
    cache = data.get("cache", {}) or {}
    cache_path = Path(cache_path or os.environ.get("MEETINGS_CACHE") or DEFAULT_CACHE)
    return Sources(
        feeds=tuple(_feed(item, path.parent, zone) for item in data.get("feeds", [])),
        fellowships={
            str(f["code"]): tuple(str(a).lower() for a in f.get("aliases", []))
            for f in data.get("fellowships", [])
        },
        cache_path=cache_path,
        max_age_hours=float(cache.get("max_age_hours", 24)),
        timeout_seconds=float(cache.get("timeout_seconds", 3)),
        home_state=str(data.get("home_state", "MN")).upper(),
    )


def _feed(item: dict, base: Path, zone: str) -> Feed:
    if item.get("format") not in FORMATS:
        raise ValueError(f"feed {item.get('name')!r}: format must be one of {FORMATS}")
    if bool(item.get("file")) == bool(item.get("url")):
        raise ValueError(f"feed {item.get('name')!r}: give either file or url")
    return Feed(
        name=str(item["name"]),
        format=item["format"],
        fellowship=str(item["fellowship"]),
        sample=bool(item.get("sample", False)),
        timezone=str(item.get("timezone", zone)),
        file=base / item["file"] if item.get("file") else None,
        url=str(item.get("url", "")),
        fallback=base / item["fallback"] if item.get("fallback") else None,
        fallback_sample=bool(item.get("fallback_sample", True)),
        formats_file=base / item["formats"] if item.get("formats") else None,
        source=str(item.get("source", "")),
        as_of=str(item.get("as_of", "")),
        state=str(item.get("state", "")).upper(),
    )
