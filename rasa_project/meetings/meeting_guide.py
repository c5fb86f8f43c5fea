"""Parse a Meeting Guide JSON feed (code4recovery/spec) into Meetings.

The feed is a flat array. `name` and `slug` are required; weekly meetings also need
`day` (0 Sunday ... 6 Saturday, or a list of those) and `time` ("HH:MM", 24-hour).
Records without them ("by appointment") or with malformed values are skipped and
counted by reason. A non-standard `fellowship` key, when present, overrides the feed's
fellowship so one feed can list several (as 12 Step Meeting List sites often do).
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, List

from . import fields, join, kinds
from .fields import BadField, FeedDefaults, FeedShapeError
from .model import HYBRID, IN_PERSON, ONLINE, UNKNOWN, Meeting, ParseResult

_ATTENDANCE = {"in_person": IN_PERSON, "online": ONLINE, "hybrid": HYBRID}


def records(doc: Any) -> List[Any]:
    if not isinstance(doc, list):
        raise FeedShapeError("a Meeting Guide feed is a JSON array")
    return doc


def parse(doc: Any, defaults: FeedDefaults, fellowships: Iterable[str] = ()) -> ParseResult:
    """All meetings in `doc`; `fellowships` lists the codes a record may name."""
    result = ParseResult()
    known = {code.lower(): code for code in fellowships}
    for record in records(doc):
        result.records += 1
        try:
            result.meetings.extend(_meetings(record, defaults, known, result.dropped))
        except BadField as bad:
            result.skip(str(bad))
    return result


def _meetings(record: Any, defaults: FeedDefaults, known: dict, dropped: Counter) -> List[Meeting]:
    if not isinstance(record, dict):
        raise BadField("not_an_object")
    name, slug = fields.text(record.get("name")), fields.text(record.get("slug"))
    if not name:
        raise BadField("missing_name")
    if not slug:
        raise BadField("missing_slug")
    days = _days(record.get("day"))
    if fields.text(record.get("time")) == "":
        raise BadField("missing_time")
    start = fields.start_time(record.get("time"))
    types = fields.codes(record.get("types"))
    url = fields.web_link(record.get("conference_url"))
    phone = fields.phone(record.get("conference_phone"))
    lat, lon = fields.point(record.get("latitude"), record.get("longitude"))
    location = fields.text(record.get("location"))
    street, city, state, postal = _address(record)
    # Only a street makes a place: online-only records often carry a city's point.
    specific = (bool(street) or (lat is not None and bool(location))) and not fields.virtual_place(location, street)
    if fields.text(record.get("approximate")).lower() in ("yes", "true", "1"):
        specific = False
    attendance = _attendance(record, types, bool(url or phone), specific)
    dial = join.parse(
        fields.text(record.get("conference_phone")),
        [fields.text(record.get("conference_phone_notes")), fields.text(record.get("conference_url_notes"))],
        url,
    )
    located = attendance not in (ONLINE, UNKNOWN)
    common = dict(
        name=name,
        fellowship=known.get(fields.text(record.get("fellowship")).lower(), defaults.fellowship),
        start=start,
        duration=fields.optional(dropped, fields.span, start, record.get("end_time"), default=fields.DEFAULT_DURATION),
        timezone=fields.optional(dropped, fields.timezone, record.get("timezone"), defaults.timezone, default=defaults.timezone),
        attendance=attendance,
        location=location if located else "",
        street=street if located else "",
        city=city,
        state=state or defaults.state,
        postal_code=postal if located else "",
        latitude=lat if located else None,
        longitude=lon if located else None,
        conference_url=url,
        conference_phone=dial.phone if phone else "",
        meeting_id=dial.meeting_id if (url or phone) else "",
        passcode=dial.passcode if (url or phone) else "",
        types=types,
        kinds=kinds.from_meeting_guide(types),
        notes=fields.text(record.get("notes")),
        location_notes=fields.text(record.get("location_notes")) if located else "",
        source=defaults.feed,
        sample=defaults.sample,
        as_of=defaults.as_of,
    )
    base = f"{defaults.feed}:{slug}"
    return [
        Meeting(id=base if len(days) == 1 else f"{base}:{day}", weekday=day, **common)
        for day in days
    ]


def _days(value: Any) -> List[int]:
    """Python weekdays (0 Monday) from Meeting Guide days (0 Sunday)."""
    if value is None or value == "" or value == []:
        raise BadField("missing_day")
    raw = value if isinstance(value, list) else [value]
    days = []
    for item in raw:
        if isinstance(item, bool):
            raise BadField("bad_day")
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item)
        if not isinstance(item, int) or not 0 <= item <= 6:
            raise BadField("bad_day")
        day = (item - 1) % 7
        if day not in days:
            days.append(day)
    return days


def _address(record: dict) -> tuple:
    """Street, city, state, ZIP from the separate fields, else from formatted_address."""
    street = fields.text(record.get("address"))
    city = fields.text(record.get("city"))
    state = fields.text(record.get("state"))
    postal = fields.text(record.get("postal_code"))
    formatted = fields.text(record.get("formatted_address"))
    if formatted and not (street or city):
        parts = [p.strip() for p in formatted.split(",") if p.strip()]
        if parts and parts[-1].upper() in ("USA", "US", "UNITED STATES"):
            parts = parts[:-1]
        if parts and record.get("location") and parts[0] == fields.text(record.get("location")):
            parts = parts[1:]  # the place's name repeated at the front
        if len(parts) >= 3:  # "[place, ]street, city, ST 12345"
            street, city = ", ".join(parts[:-2]), parts[-2]
            state_zip = parts[-1].split()
            state = state_zip[0] if state_zip else ""
            postal = state_zip[1] if len(state_zip) > 1 else ""
        elif len(parts) == 2:
            city, state = parts  # an approximate "City, ST" as online meetings give
    state, postal = fields.split_state(state, postal)
    return street, city, state, postal


def _attendance(record: dict, types: tuple, joinable: bool, has_place: bool) -> str:
    """Meeting Guide's attendance option, derived from types when the feed omits it."""
    given = fields.text(record.get("attendance_option")).lower()
    if given == "inactive":
        raise BadField("inactive")
    if given and given not in _ATTENDANCE:
        raise BadField("bad_attendance_option")
    option = _ATTENDANCE.get(given)
    if option is None:
        if joinable and ("ONL" in types or not has_place):
            option = ONLINE
        elif joinable:
            option = HYBRID
        elif has_place:
            option = IN_PERSON
        else:
            return UNKNOWN
    return fields.settle_attendance(option, types, joinable)
