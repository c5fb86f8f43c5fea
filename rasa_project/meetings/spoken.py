"""The words of one meeting: its time (in the person's zone), place, kinds and how to join.

Every word comes from content/<language>/phrases/meetings.yml; speak.py builds the answer.
"""
from __future__ import annotations

import re
from datetime import datetime, time
from functools import lru_cache
from typing import Iterable, List
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from rasa_project.content import numbers
from rasa_project.content.library import load_templates
from rasa_project.text import ALNUM, tokens

from . import join
from . import when as when_mod
from .model import Meeting


@lru_cache(maxsize=1)
def phrases() -> dict:
    return load_templates("meetings")


def when_phrase(starts_at: datetime, now: datetime) -> str:
    """"tonight at seven", "tomorrow at seven thirty in the morning", "Tuesday at noon"."""
    p = phrases()["when"]
    now = when_mod.aware(now)
    local = starts_at.astimezone(now.tzinfo)
    days = (local.date() - now.date()).days
    late = local.time() < when_mod.NIGHT_ENDS
    if days <= 0:
        day = p["tonight"] if local.hour >= 17 or (days < 0 and late) else p["today"]
    elif days == 1 and late and now.hour >= 12:
        day = p["tonight"]
    elif days == 1:
        day = p["tomorrow"]
    elif days < 7:
        day = weekday_name(local.weekday())
    else:
        day = p["next_week"].format(weekday=weekday_name(local.weekday()))
    implied = day == p["tonight"] and (local.hour >= 17 or late)
    template = p["started"] if local < now else p["at"]
    return template.format(day=day, time=clock_phrase(local.time(), part_of_day=not implied))


def when_with_zone(starts_at: datetime, now: datetime, meeting_zone: str) -> str:
    """when_phrase, plus the meeting's own clock when its zone differs: "..., that is seven
    in the evening Eastern time"."""
    said = when_phrase(starts_at, now)
    local = starts_at.astimezone(ZoneInfo(meeting_zone))
    if local.utcoffset() == starts_at.astimezone(when_mod.aware(now).tzinfo).utcoffset():
        return said
    zone = zone_name(local)
    return phrases()["when"]["other_zone"].format(when=said, time=clock_phrase(local.time()), zone=zone)


def zone_name(local: datetime) -> str:
    """"Eastern", "Pacific" from the zone's abbreviation; the zone's city otherwise."""
    names = phrases()["zones"]
    abbreviation = local.tzname() or ""
    if abbreviation in names:
        return names[abbreviation]
    return str(local.tzinfo).rsplit("/", 1)[-1].replace("_", " ")


def clock_phrase(at: time, part_of_day: bool = True) -> str:
    p = phrases()["times"]
    if at.minute == 0 and at.hour in (0, 12):
        return p["noon"] if at.hour == 12 else p["midnight"]
    hour = number_words(at.hour % 12 or 12)
    if at.minute == 0:
        said = p["oclock"].format(hour=hour)
    elif at.minute < 10:
        said = p["oh_minutes"].format(hour=hour, minute=number_words(at.minute))
    else:
        said = p["minutes"].format(hour=hour, minute=number_words(at.minute))
    if not part_of_day:
        return said
    part = "morning" if 4 <= at.hour < 12 else "afternoon" if 12 <= at.hour < 17 else "evening" if 17 <= at.hour < 21 else "night"
    return p[part].format(time=said)


def where_phrase(m: Meeting) -> str:
    """Place name, street and city, each said once ("Alano Club, 12 Main Street, Duluth")."""
    parts: List[str] = []
    for part in (m.location, m.street, m.city):
        folded = _fold(part)
        if folded and not any(folded in _fold(said) for said in parts):
            parts = [said for said in parts if _fold(said) not in folded] + [part]
    if not parts and m.postal_code:
        return place_name(m.postal_code)
    return ", ".join(parts)


def kinds_phrase(kinds: Iterable[str]) -> str:
    p = phrases()["kinds"]
    said = [p["words"][kind] for kind in kinds if kind in p["words"]]
    return p["sentence"].format(kinds=listed(said)) if said else ""


def listed(items: List[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    joiner = phrases()["and"]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + joiner + items[-1]


def join_phrase(m: Meeting) -> str:
    """How to join: the service or host (never the link), then number, meeting ID and passcode."""
    p = phrases()["join"]
    dial = join.parse(m.conference_phone, (), m.conference_url)
    meeting_id, passcode = m.meeting_id or dial.meeting_id, m.passcode or dial.passcode
    link = ""
    if m.conference_url:
        host = (urlsplit(m.conference_url).hostname or "").removeprefix("www.")
        service = next((name for suffix, name in phrases()["services"].items()
                        if host == suffix or host.endswith("." + suffix)), None)
        link = p["service"].format(service=service) if service else p["link"].format(host=host.replace(".", p["dot"]))
    parts = []
    if dial.phone and link:
        parts.append(p["link_and_phone"].format(link=link, phone=phone_digits(dial.phone)))
    elif dial.phone:
        parts.append(p["phone"].format(phone=phone_digits(dial.phone)))
    elif link:
        parts.append(link)
    if meeting_id:
        parts.append(p["meeting_id"].format(digits=numbers.said(join.id_groups(meeting_id))))
    if passcode:
        parts.append(p["passcode"].format(code=code_said(passcode)))
    return p["between"].join(parts)


def phone_digits(number: str) -> str:
    """"+1 612-555-0123" -> "6 1 2, 5 5 5, 0 1 2 3"; a one-tap tail is read by join_phrase."""
    return numbers.said(numbers.phone_groups(number.partition(",")[0], with_country=False))


def code_said(code: str) -> str:
    """Digits in threes with pauses; letters one by one when the code mixes them."""
    if code.isdigit():
        return numbers.said([code] if len(code) <= 4 else numbers.threes(code))
    return code if code.isalpha() else " ".join(code)


def miles_phrase(distance: float) -> str:
    p = phrases()["distance"]
    if distance < 0.75:
        return p["under_one"]
    if distance < 1.5:
        return p["one"]
    return p["many"].format(n=number_words(round(distance)))


def number_words(n: int) -> str:
    p = phrases()
    if n < 20:
        return p["numbers"][n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return p["tens"][tens - 2] + (" " + p["numbers"][ones] if ones else "")
    return str(n)


def weekday_name(day: int) -> str:
    return phrases()["weekdays"][day]


def fellowship_name(code) -> str:
    return phrases()["fellowships"].get(code, code) if code else ""


def state_name(code: str) -> str:
    return phrases()["states"].get(code, code)


def place_name(label: str) -> str:
    if re.fullmatch(r"\d{5}", label or ""):
        return phrases()["place_zip"].format(digits=" ".join(label))
    return label


def _fold(text: str) -> str:
    return " ".join(tokens(text or "", ALNUM))
