"""What a person needs to join an online meeting by phone: the number, meeting ID, passcode.

Feeds write them three ways, often mixed: one-tap dial strings ("+16699006833,,81234567890#,,,,*123456#"),
notes ("Meeting ID: 812 3456 7890 Passcode: 123456"), and Zoom links whose path holds the ID.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit

from rasa_project.content import numbers

_ID = re.compile(r"\b(?:(?:meeting|mtg|conference|webinar)\s*)?id\b\s*(?:number|no\.?|#)?\s*[:=#]?\s*(\d[\d \-]{6,}\d)", re.I)
_CODE = re.compile(r"\b(?:pass\s*code|password|passwd|pwd|pin|access\s*code)\s*(?:is)?\s*[:=#]?\s*([A-Za-z0-9]{3,20})\b", re.I)
_ZOOM_PATH = re.compile(r"^/(?:j|w|s)/(\d{9,11})$")


@dataclass(frozen=True)
class JoinByPhone:
    phone: str = ""  # the number to dial, as the feed gives it, without the one-tap tail
    meeting_id: str = ""  # digits only
    passcode: str = ""


def parse(phone: str, notes: Iterable[str] = (), link: str = "") -> JoinByPhone:
    """The dial-in number, meeting ID and passcode from a feed's phone field, notes and link."""
    main, _, tail = (phone or "").partition(",")
    number = main if numbers.digits_of(main) else ""
    meeting_id, passcode = _one_tap(tail)
    for note in [phone or "", *notes]:
        found_id, found_code = _ID.search(note or ""), _CODE.search(note or "")
        meeting_id = meeting_id or (numbers.digits_of(found_id.group(1)) if found_id else "")
        passcode = passcode or (found_code.group(1) if found_code else "")
    if number and _ID.search(number):  # "646 555 0100 Meeting ID: ..." in one field
        number = number[: _ID.search(number).start()]
    if not meeting_id and link:
        path = _ZOOM_PATH.match(urlsplit(link).path or "")
        meeting_id = path.group(1) if path and "zoom" in (urlsplit(link).hostname or "") else ""
    return JoinByPhone(number.strip(" ,;"), meeting_id, passcode)


def _one_tap(tail: str):
    """Meeting ID and passcode from the pauses and # of a one-tap dial string."""
    parts = [p.strip() for p in tail.split(",") if p.strip()]
    codes = [numbers.digits_of(p) for p in parts if p.endswith("#") and numbers.digits_of(p)]
    codes = [c for c in codes if c != "0"]  # "0#": skip the participant ID
    if not codes:
        return "", ""
    return codes[0], codes[1] if len(codes) > 1 else ""


def id_groups(meeting_id: str) -> list:
    """Zoom's grouping for 10 and 11 digit IDs (3-3-4, 3-4-4), threes otherwise."""
    if len(meeting_id) == 10:
        return [meeting_id[:3], meeting_id[3:6], meeting_id[6:]]
    if len(meeting_id) == 11:
        return [meeting_id[:3], meeting_id[3:7], meeting_id[7:]]
    return numbers.threes(meeting_id)
