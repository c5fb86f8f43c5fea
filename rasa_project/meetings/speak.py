"""Say a search result aloud: every word comes from content/<language>/phrases/meetings.yml,
Python only arranges them."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import List, Optional
from urllib.parse import urlsplit

from rasa_project.content import numbers
from rasa_project.content.library import load_templates

from . import when as when_mod
from .model import ONLINE, Meeting
from .search import Hit, SearchResult

@lru_cache(maxsize=1)
def phrases() -> dict:
    return load_templates("meetings")


def answer(result: SearchResult, now: datetime) -> str:
    """The whole spoken answer for one page of results."""
    p = phrases()
    if result.unknown_place:
        return reask_place()
    now = when_mod.aware(now)
    parts = _notices(result)
    if not result.hits:
        parts.append(p["no_more"] if result.offset and result.total else _none(result))
        return _tidy(" ".join(parts))
    what = _what(result)
    if result.offset == 0:
        near = p["near"].format(place=place_name(result.place.label)) if _near(result) else ""
        parts.append(p["intro"].format(what=what, window=window_name(result.window), near=near))
    else:
        parts.append(p["intro_next"].format(what=what))
    parts.extend(meeting_sentence(hit, now, result.query.fellowship is None) for hit in result.hits)
    parts.append(p["more"] if result.more else p["no_more"])
    return _tidy(" ".join(parts))


def unknown_place() -> str:
    return phrases()["place"]["unknown"]


def reask_place() -> str:
    return phrases()["place"]["reask"]


def meeting_sentence(hit: Hit, now: datetime, tag_fellowship: bool = True) -> str:
    p, m = phrases(), hit.meeting
    template = p["meeting"].get(m.attendance, p["meeting"]["unknown"])
    tag = p["meeting"]["fellowship_tag"].format(fellowship=fellowship_name(m.fellowship)) if tag_fellowship else ""
    distance = p["meeting"]["distance"].format(distance=miles_phrase(hit.distance_miles)) if hit.distance_miles is not None else ""
    return template.format(
        name=m.name,
        fellowship=tag,
        when=when_phrase(hit.starts_at, now),
        where=where_phrase(m),
        distance=distance if m.attendable_in_person else "",
        join=join_phrase(m) if m.joinable_online else "",
    )


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
    parts = [m.location, m.street, m.city]
    if not any(parts) and m.postal_code:
        return place_name(m.postal_code)
    return ", ".join(part for part in parts if part)


def join_phrase(m: Meeting) -> str:
    p = phrases()["join"]
    link = ""
    if m.conference_url:
        host = (urlsplit(m.conference_url).hostname or "").removeprefix("www.")
        service = next((name for suffix, name in phrases()["services"].items()
                        if host == suffix or host.endswith("." + suffix)), None)
        link = p["service"].format(service=service) if service else p["link"].format(host=host.replace(".", p["dot"]))
    if m.conference_phone and link:
        return p["link_and_phone"].format(link=link, phone=phone_digits(m.conference_phone))
    if m.conference_phone:
        return p["phone"].format(phone=phone_digits(m.conference_phone))
    return link


def phone_digits(number: str) -> str:
    """"+1 612-555-0123,,123456#" -> "6 1 2, 5 5 5, 0 1 2 3, then enter 1 2 3, 4 5 6"."""
    main, _, rest = number.partition(",")
    said = numbers.said(numbers.phone_groups(main, with_country=False))
    code = numbers.digits_of(rest)
    if code:
        return phrases()["join"]["phone_code"].format(number=said, code=numbers.said(numbers.threes(code)))
    return said


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


def fellowship_name(code: Optional[str]) -> str:
    return phrases()["fellowships"].get(code, code) if code else ""


def place_name(label: str) -> str:
    if re.fullmatch(r"\d{5}", label or ""):
        return phrases()["place_zip"].format(digits=" ".join(label))
    return label


def window_name(window: when_mod.Window) -> str:
    template = phrases()["windows"].get(window.key, phrases()["windows"]["soon"])
    day = weekday_name(window.weekday) if window.weekday is not None else ""
    return template.format(day=day)


def age_phrase(age: timedelta) -> str:
    p = phrases()["ages"]
    hours = age.total_seconds() / 3600
    if hours < 1.5:
        return p["hour"]
    if hours < 36:
        return p["hours"].format(n=number_words(round(hours)))
    days = round(hours / 24)
    return p["day"] if days == 1 else p["days"].format(n=number_words(days))


def _notices(result: SearchResult) -> List[str]:
    p = phrases()["notices"]
    said = [p["sample"]] if result.sample else []
    listed = sorted({h.meeting.as_of for h in result.hits if h.meeting.as_of})
    if listed:
        said.append(p["dated_listing"].format(year=listed[0]))
    if result.stale:
        said.append(p["update_failed"])
    if result.data_age is not None and (result.stale or result.data_age > timedelta(days=1)):
        said.append(p["data_age"].format(age=age_phrase(result.data_age)))
    return said


def _what(result: SearchResult) -> str:
    return phrases()["what"][result.query.mode].format(fellowship=fellowship_name(result.query.fellowship))


def _near(result: SearchResult) -> bool:
    return result.place is not None and result.query.mode != ONLINE


def _none(result: SearchResult) -> str:
    p = phrases()["none"]
    what, window = _what(result), window_name(result.window)
    if result.query.mode == ONLINE:
        return p["online"].format(what=what, window=window)
    if result.place is not None:
        return p["near"].format(what=what, window=window, place=place_name(result.place.label))
    return p["anywhere"].format(what=what, window=window)


def _tidy(text: str) -> str:
    """Collapse the gaps an empty placeholder leaves ("  ", " ." , ".." )."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([.,:])", r"\1", text)
    return re.sub(r"\.\.+", ".", text)
