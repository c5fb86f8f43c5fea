"""Questions over two non-Minnesota feeds, each answer checked against the raw JSON.

    python -m bench.meeting_questions     # writes results/meetings_questions.md

The feeds are tests/meetings/fixtures/california_aa.json (Meeting Guide, Pacific time) and
upstate_ny_na.json (BMLT with its format list, Eastern time). The check does not use the
parsers: each question carries a predicate over the raw records (their own day numbering,
clock strings and codes) and a point and radius, and the meetings it selects are what
the spoken answer must name (all of them, or three of them when more fit). Phrases the
answer must or must not contain are checked too. Lookup time is parse-free: the catalog
is loaded once, then each question is timed from text to spoken answer.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, List, Tuple
from zoneinfo import ZoneInfo

from rasa_project.meetings import feeds, search, speak
from rasa_project.meetings.sources import load_sources

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "meetings" / "fixtures"
OUT = ROOT / "results" / "meetings_questions.md"
SAN_JOSE, ZIP_95112 = (37.3894, -121.8868), (37.3445, -121.8831)
ROCHESTER, SYRACUSE = (43.1577, -77.608), (43.041, -76.1489)


def _mg(record, day: int, start: str, end: str, *codes: str) -> bool:
    """Meeting Guide: `day` 0 Sunday, clock "HH:MM" in the feed's own zone."""
    days = record.get("day") if isinstance(record.get("day"), list) else [record.get("day")]
    return day in days and start <= str(record.get("time")) < end and all(c in record.get("types", []) for c in codes)


def _na(record, weekday: int, start: str, end: str, *codes: str) -> bool:
    """BMLT: `weekday_tinyint` "1" Sunday, "HH:MM:SS" starts, comma codes."""
    formats = str(record.get("formats", "")).split(",")
    return record.get("weekday_tinyint") == str(weekday) and start <= record.get("start_time", "") < end and all(
        c in formats for c in codes)


def _online(record) -> bool:
    return record.get("attendance_option") == "online" or record.get("venue_type") == "2"


def _joinable(record) -> bool:
    """Online or hybrid: what an online search may offer."""
    return _online(record) or record.get("attendance_option") == "hybrid" or record.get("venue_type") == "3"


@dataclass
class Question:
    text: str
    now: str  # "YYYY-MM-DDTHH:MM Zone/Name": the person's clock and zone
    feed: str  # fixture file the predicate reads
    fits: Callable[[dict], bool]
    centre: Tuple[float, float] = None  # in-person meetings must lie within 30 miles of it
    says: List[str] = field(default_factory=list)
    never: List[str] = field(default_factory=list)


QUESTIONS = [
    Question("Is there a Spanish-speaking AA meeting tomorrow morning in San Jose, California?", "2024-03-11T18:00 America/Los_Angeles",
             "california_aa.json", lambda r: _mg(r, 2, "05:00", "12:00", "S"), SAN_JOSE,
             ["tomorrow at seven in the morning", "in Spanish"], ["miles away. It is in Spanish. That"]),
    Question("Spanish speaking meeting in San Jose on Saturday", "2024-03-11T10:00 America/Los_Angeles",
             "california_aa.json", lambda r: _mg(r, 6, "00:00", "24:00", "S"), SAN_JOSE, ["Saturday"]),
    Question("women's meeting tuesday in San Jose CA", "2024-03-11T10:00 America/Los_Angeles",
             "california_aa.json", lambda r: _mg(r, 2, "00:00", "24:00", "W"), SAN_JOSE,
             ["for women", "Rear entrance"]),
    Question("online AA meeting tomorrow morning", "2024-03-11T20:00 America/Los_Angeles",
             "california_aa.json", lambda r: _joinable(r) and _mg(r, 2, "05:00", "12:00"), None,
             ["Meeting ID 9 8 7, 6 5 4, 3 2 1 0", "Passcode 7 7 7, 3 3 3"], ["miles", "Online Meeting", "Santa Clara"]),
    Question("beginners meeting at noon on wednesday near 95112", "2024-03-11T10:00 America/Los_Angeles",
             "california_aa.json", lambda r: _mg(r, 3, "11:30", "13:00", "BE"), ZIP_95112,
             ["Wednesday at noon", "center of ZIP code"]),
    Question("any meeting on Friday near Milpitas", "2024-03-11T10:00 America/Los_Angeles",
             "california_aa.json", lambda r: _mg(r, 5, "00:00", "24:00") and not _online(r), (37.4323, -121.9066),
             ["Friday"], ["95035"]),
    Question("NA meeting in Rochester New York on Monday", "2024-03-11T09:00 America/New_York",
             "upstate_ny_na.json", lambda r: _na(r, 2, "00:00", "24:00"), ROCHESTER,
             ["tonight at seven", "Basement, use side door"], ["Unplaced"]),
    Question("NA meeting at noon on Monday in Rochester NY", "2024-03-10T09:00 America/New_York",
             "upstate_ny_na.json", lambda r: _na(r, 2, "11:30:00", "13:00:00"), ROCHESTER, ["tomorrow at noon"]),
    Question("NA meeting on Wednesday morning in Rochester NY", "2024-03-11T09:00 America/Chicago",
             "upstate_ny_na.json", lambda r: _na(r, 4, "06:00:00", "13:00:00"), ROCHESTER,
             ["at eleven in the morning, that is noon Eastern time"]),
    Question("Spanish NA meeting Thursday near Rochester New York", "2024-03-11T09:00 America/New_York",
             "upstate_ny_na.json", lambda r: _na(r, 5, "00:00:00", "24:00:00", "Sp"), ROCHESTER,
             ["in Spanish", "for women"]),
    Question("women's NA meeting in Syracuse New York on Friday", "2024-03-11T09:00 America/New_York",
             "upstate_ny_na.json", lambda r: _na(r, 6, "00:00:00", "24:00:00", "W"), SYRACUSE, ["Friday at seven"]),
    Question("open NA meeting on Monday in Syracuse NY", "2024-03-11T08:00 America/New_York",
             "upstate_ny_na.json", lambda r: _na(r, 2, "00:00:00", "24:00:00", "O"), SYRACUSE,
             ["Meeting ID 8 7 6, 5 4 3 2, 1 0 9 8", "Passcode 2 4 6 8"]),
    Question("online NA meeting tonight", "2024-03-11T17:00 America/Los_Angeles",
             "upstate_ny_na.json", lambda r: _joinable(r) and _na(r, 2, "20:00:00", "24:00:00"), None,
             ["tonight at six, that is nine at night Eastern time", "Passcode 4 4 5 5"], ["miles"]),
    Question("wheelchair accessible meeting in Syracuse New York on Monday", "2024-03-11T08:00 America/New_York",
             "upstate_ny_na.json", lambda r: _na(r, 2, "00:00:00", "24:00:00", "WC"), SYRACUSE, ["wheelchair accessible"]),
]


def person_now(text: str) -> datetime:
    clock, zone = text.split()
    return datetime.fromisoformat(clock).replace(tzinfo=ZoneInfo(zone))


def miles(a: Tuple[float, float], b: Tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 3958.8 * 2 * math.asin(math.sqrt(h))


def raw_records(name: str) -> list:
    doc = json.loads((FIXTURES / name).read_text(encoding="utf-8-sig"))
    return doc["meetings"] if isinstance(doc, dict) else doc


def expected(question: Question) -> set:
    """Names of the raw records the question asks for (online ones need no position)."""
    names = set()
    for record in raw_records(question.feed):
        if not isinstance(record, dict) or not (record.get("name") or record.get("meeting_name")) or not question.fits(record):
            continue
        point = (record.get("latitude"), record.get("longitude"))
        located = point[0] not in (None, "", "0") and not _online(record)
        if question.centre and located and miles(question.centre, (float(point[0]), float(point[1]))) > 30:
            continue
        if question.centre and not located and not _online(record):
            continue
        names.add(record.get("name") or record.get("meeting_name"))
    return names


def check(question: Question, said: str, named: List[str]) -> Tuple[bool, str]:
    want = expected(question)
    problems = []
    if len(want) <= 3 and set(named) != want:
        problems.append(f"named {sorted(set(named))}, raw JSON has {sorted(want)}")
    if len(want) > 3 and (len(named) != 3 or not set(named) <= want):
        problems.append(f"named {named}, not three of {sorted(want)}")
    problems += [f"missing {s!r}" for s in question.says if s not in said]
    problems += [f"should not say {s!r}" for s in question.never if s in said]
    return not problems, "; ".join(problems)


def run() -> list:
    sources = load_sources(FIXTURES / "states.yml", cache_path=ROOT / "var" / "bench_meetings_cache.sqlite3")
    catalog = feeds.load_catalog(sources)
    search.find_meetings("meeting in Syracuse New York", person_now(QUESTIONS[0].now), catalog=catalog)
    rows = []
    for q in QUESTIONS:
        now = person_now(q.now)
        started = time.perf_counter()
        result = search.find_meetings(q.text, now, catalog=catalog)
        said = speak.answer(result, now)
        ms = (time.perf_counter() - started) * 1000
        named = [hit.meeting.name for hit in result.hits]
        right, why = check(q, said, named)
        rows.append({"question": q.text, "now": q.now, "feed": q.feed, "answer": said, "right": right,
                     "why": why, "ms": round(ms, 1), "expected": sorted(expected(q))})
    return rows


def markdown(rows: list) -> str:
    lines = ["# Meeting questions over two non-Minnesota feeds", "",
             "Written by `python -m bench.meeting_questions`. Feeds: `tests/meetings/fixtures/california_aa.json`",
             "(Meeting Guide, Pacific) and `upstate_ny_na.json` (BMLT with formats, Eastern). *Right* means the",
             "meetings named are the ones a predicate over the raw JSON selects (all, or three of them when more",
             "fit) and the phrases the question requires are said. Time: text in, spoken answer out, catalog loaded.",
             "", f"{sum(r['right'] for r in rows)} of {len(rows)} right.", "",
             "| # | question (person's clock) | raw JSON selects | answer | right | ms |", "|---|---|---|---|---|---|"]
    for i, r in enumerate(rows, 1):
        mark = "yes" if r["right"] else f"NO: {r['why']}"
        lines.append(f"| {i} | {r['question']} ({r['now']}) | {', '.join(r['expected']) or 'none'} | {r['answer']} "
                     f"| {mark} | {r['ms']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    table = run()
    OUT.write_text(markdown(table), encoding="utf-8")
    print(f"{sum(r['right'] for r in table)} of {len(table)} right; written to {OUT.relative_to(ROOT)}")
