"""Meeting kinds in plain words, from Meeting Guide type codes and BMLT format codes.

A kind is one of KINDS. Meeting Guide codes are fixed by the spec (code4recovery/spec).
BMLT format codes are chosen by each server: its format list (`switcher=GetFormats`, or
`formats` in a reply asked with `get_used_formats=1`) maps each code to a shared NAWS
world id (OPEN, CLOSED, WCHR, BEG, W, M, LANG, VM, HY, TC). Without a list, the codes
most servers use for those world ids are read instead.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, Optional, Tuple

# Said in this order ("in Spanish, for women, open ..."); online and hybrid come from attendance.
KINDS = ("spanish", "women", "men", "open", "closed", "beginners", "wheelchair", "online", "hybrid")

MEETING_GUIDE = {
    "S": "spanish", "W": "women", "M": "men", "O": "open", "C": "closed",
    "BE": "beginners", "X": "wheelchair", "ONL": "online",
}
WORLD_IDS = {
    "OPEN": "open", "CLOSED": "closed", "WCHR": "wheelchair", "BEG": "beginners",
    "W": "women", "M": "men", "VM": "online", "HY": "hybrid",
}
# Format codes that NA servers commonly give those world ids, for replies without a list.
BMLT_STANDARD = {
    "O": "OPEN", "C": "CLOSED", "WC": "WCHR", "WCHR": "WCHR", "B": "BEG", "BEG": "BEG",
    "W": "W", "M": "M", "VM": "VM", "HY": "HY", "TC": "TC", "ES": "LANG", "SP": "LANG", "SPAN": "LANG",
}
_SPANISH = re.compile(r"span|espa[nñ]ol|\bes\b", re.IGNORECASE)


def from_meeting_guide(codes: Iterable[str]) -> Tuple[str, ...]:
    found = {MEETING_GUIDE[c] for c in codes if c in MEETING_GUIDE}
    return ordered(found)


def bmlt_format_table(doc: Any) -> Dict[str, Tuple[str, str]]:
    """Code -> (world id, name) from a GetFormats list or a `{meetings, formats}` reply."""
    rows = doc.get("formats") if isinstance(doc, dict) else doc
    table: Dict[str, Tuple[str, str]] = {}
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        key = str(row.get("key_string") or "").strip().upper()
        if key and (row.get("lang") in (None, "", "en") or key not in table):
            world = str(row.get("world_id") or "").strip().upper()
            table[key] = (world, " ".join(str(row.get(k) or "") for k in ("name_string", "description_string")))
    return table


def from_bmlt(codes: Iterable[str], table: Optional[Dict[str, Tuple[str, str]]] = None) -> Tuple[str, ...]:
    """Kinds for a meeting's format codes, read through the server's table when it has one."""
    found = set()
    for code in codes:
        code = code.upper()
        if table and code in table:
            world, name = table[code]
        else:
            world, name = BMLT_STANDARD.get(code, ""), code
        if world == "LANG":
            if _SPANISH.search(name) or code in ("ES", "SP", "SPAN"):
                found.add("spanish")
        elif world in WORLD_IDS:
            found.add(WORLD_IDS[world])
    return ordered(found)


def world_ids(codes: Iterable[str], table: Optional[Dict[str, Tuple[str, str]]]) -> Tuple[str, ...]:
    """The shared world ids of a meeting's codes (TC, VM, HY decide attendance)."""
    out = []
    for code in codes:
        code = code.upper()
        world = table[code][0] if table and code in table else BMLT_STANDARD.get(code, code)
        out.append(world or code)
    return tuple(out)


def ordered(kinds: Iterable[str]) -> Tuple[str, ...]:
    found = set(kinds)
    return tuple(kind for kind in KINDS if kind in found)
