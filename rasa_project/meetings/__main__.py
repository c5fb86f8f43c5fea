"""Commands: `refresh` the feed cache, or `search` as a person would ask.

    python -m rasa_project.meetings refresh
    python -m rasa_project.meetings search "NA meeting tonight in 55104"
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import List, Optional
from zoneinfo import ZoneInfo

from . import clock, feeds, search, speak
from .sources import load_sources


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    sources = load_sources(args.sources, args.cache)
    if args.command == "refresh":
        return _refresh(sources)
    return _search(sources, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rasa_project.meetings")
    parser.add_argument("--sources", type=Path, help="sources.yml to use")
    parser.add_argument("--cache", type=Path, help="SQLite cache file to use")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("refresh", help="fetch every URL feed now and report each feed")
    ask = sub.add_parser("search", help="answer a question the way the assistant would")
    ask.add_argument("text", help='e.g. "NA meeting tonight in 55104"')
    ask.add_argument("--now", help="ISO time to search from (default: now)")
    ask.add_argument("--zone", help="the person's IANA time zone (default: ASSISTANT_TIMEZONE, else the machine's)")
    ask.add_argument("--page", type=int, default=0, help="page of three (0 = first)")
    return parser


def _refresh(sources) -> int:
    catalog = feeds.load_catalog(sources, force=True)
    for status in catalog.feeds:
        origin = "fallback file" if status.fallback else ("network" if status.fetched_at else "file")
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(status.skipped.items())) or "none"
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(status.dropped.items())) or "none"
        print(f"{status.name}: {status.meetings} meetings from {status.records} records ({origin});"
              f" skipped: {skipped}; fields dropped: {dropped}" + (f"; NOT refreshed: {status.error}" if status.error else ""))
    return 1 if catalog.stale else 0


def _search(sources, args) -> int:
    zone = ZoneInfo(clock.valid(args.zone) or clock.person_zone())  # daylight saving included
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(zone)
    now = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    catalog = feeds.load_catalog(sources)
    result = search.find_meetings(args.text, now, offset=3 * args.page, catalog=catalog)
    print(speak.answer(result, now))
    return 0


if __name__ == "__main__":
    sys.exit(main())
