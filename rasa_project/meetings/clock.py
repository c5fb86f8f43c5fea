"""The person's time zone and clock: "now", "tonight" and spoken times are in it.

Set it with ASSISTANT_TIMEZONE (an IANA name such as America/Los_Angeles); otherwise it is
the machine's zone (TZ, /etc/timezone, or the /etc/localtime link), and UTC when none
of those names a zone. Meetings keep their own zones (feed or record); search.py and
speak.py convert between the two.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV = "ASSISTANT_TIMEZONE"


def valid(name: Optional[str]) -> Optional[str]:
    name = (name or "").strip().lstrip(":")
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def machine_zone() -> str:
    """The machine's IANA zone name, UTC when it has none we can name."""
    found = valid(os.environ.get("TZ"))
    if found:
        return found
    try:
        found = valid(Path("/etc/timezone").read_text(encoding="utf-8").split()[0])
    except (OSError, IndexError):
        found = None
    if found:
        return found
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return "UTC"
    marker = "/zoneinfo/"
    named = valid(target.split(marker, 1)[1]) if marker in target else None
    return named or "UTC"


def person_zone() -> str:
    return valid(os.environ.get(ENV)) or machine_zone()


def now(zone: Optional[str] = None) -> datetime:
    return datetime.now(ZoneInfo(zone or person_zone()))
