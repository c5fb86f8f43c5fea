"""Parse a BMLT GetSearchResults JSON reply (Narcotics Anonymous servers) into Meetings.

Every value in the reply is a string: `weekday_tinyint` "1" (Sunday) ... "7" (Saturday),
`start_time` and `duration_time` "HH:MM:SS", `time_zone` (often ""), `latitude` and
`longitude` ("0" when unknown), `venue_type` "1" in person, "2" virtual, "3" hybrid,
`formats` a comma list of the server's codes, read through its format list (kinds.py).
The reply is an array, or an object `{meetings, formats}` when asked with `get_used_formats=1`.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, List

from . import fields, join, kinds
from .fields import BadField, FeedDefaults, FeedShapeError
from .model import HYBRID, IN_PERSON, ONLINE, UNKNOWN, Meeting, ParseResult

_VENUES = {"1": IN_PERSON, "2": ONLINE, "3": HYBRID}


def records(doc: Any) -> List[Any]:
    if isinstance(doc, dict) and isinstance(doc.get("meetings"), list):
        return doc["meetings"]
    if not isinstance(doc, list):
        raise FeedShapeError("a BMLT GetSearchResults reply is a JSON array")
    return doc


def parse(doc: Any, defaults: FeedDefaults, formats: Any = None) -> ParseResult:
    """Meetings in a reply; `formats` is a GetFormats list when the reply carries none."""
    result = ParseResult()
    table = kinds.bmlt_format_table(doc) or kinds.bmlt_format_table(formats)
    for index, record in enumerate(records(doc)):
        result.records += 1
        try:
            result.meetings.append(_meeting(index, record, defaults, table, result.dropped))
        except BadField as bad:
            result.skip(str(bad))
    return result


def _meeting(index: int, record: Any, defaults: FeedDefaults, table: dict, dropped: Counter) -> Meeting:
    if not isinstance(record, dict):
        raise BadField("not_an_object")
    name = fields.text(record.get("meeting_name"))
    if not name:
        raise BadField("missing_name")
    if fields.text(record.get("published")) == "0":
        raise BadField("unpublished")
    weekday = _weekday(record.get("weekday_tinyint"))
    codes = fields.codes(fields.text(record.get("formats")))
    worlds = kinds.world_ids(codes, table)
    url = fields.web_link(record.get("virtual_meeting_link"))
    phone = fields.phone(record.get("phone_meeting_number"))
    lat, lon = fields.point(record.get("latitude"), record.get("longitude"))
    street = fields.text(record.get("location_street"))
    location = fields.text(record.get("location_text"))
    specific = (bool(street) or lat is not None) and not fields.virtual_place(location, street)
    attendance = _attendance(record, worlds, bool(url or phone), specific)
    dial = join.parse(
        fields.text(record.get("phone_meeting_number")),
        [fields.text(record.get("virtual_meeting_additional_info"))],
        url,
    )
    located = attendance not in (ONLINE, UNKNOWN)
    ident = fields.text(record.get("id_bigint")) or f"row{index}"
    state, postal = fields.split_state(
        fields.text(record.get("location_province")), fields.text(record.get("location_postal_code_1"))
    )
    return Meeting(
        id=f"{defaults.feed}:{ident}",
        name=name,
        fellowship=defaults.fellowship,
        weekday=weekday,
        start=fields.start_time(record.get("start_time")),
        duration=fields.optional(dropped, fields.duration, record.get("duration_time"), default=fields.DEFAULT_DURATION),
        timezone=fields.optional(dropped, fields.timezone, record.get("time_zone"), defaults.timezone, default=defaults.timezone),
        attendance=attendance,
        location=location if located else "",
        street=street if located else "",
        city=fields.text(record.get("location_municipality")),
        state=state or defaults.state,
        postal_code=postal if located else "",
        latitude=lat if located else None,
        longitude=lon if located else None,
        conference_url=url,
        conference_phone=dial.phone if phone else "",
        meeting_id=dial.meeting_id if (url or phone) else "",
        passcode=dial.passcode if (url or phone) else "",
        types=codes,
        kinds=kinds.from_bmlt(codes, table),
        notes=fields.text(record.get("comments")),
        location_notes=fields.text(record.get("location_info")) if located else "",
        source=defaults.feed,
        sample=defaults.sample,
        as_of=defaults.as_of,
    )


def _weekday(value: Any) -> int:
    """Python weekday (0 Monday) from BMLT's 1 Sunday ... 7 Saturday."""
    raw = fields.text(value)
    if not raw:
        raise BadField("missing_day")
    if not raw.isdigit() or not 1 <= int(raw) <= 7:
        raise BadField("bad_day")
    return (int(raw) + 5) % 7


def _attendance(record: dict, formats: tuple, joinable: bool, has_place: bool) -> str:
    """`formats` are world ids (VM virtual, HY hybrid, TC temporarily closed)."""
    venue = fields.text(record.get("venue_type"))
    if venue and venue not in _VENUES:
        raise BadField("bad_venue_type")
    option = _VENUES.get(venue)
    if option is None:  # older servers: no venue_type, the formats say it
        if "HY" in formats and has_place and joinable:
            option = HYBRID
        elif "VM" in formats or (joinable and not has_place):
            option = ONLINE
        elif has_place:
            option = IN_PERSON
        else:
            return UNKNOWN
    return fields.settle_attendance(option, formats, joinable)
