"""Time loading and searching 5,000 generated meetings in each feed format.

    python -m bench.meetings
"""
from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rasa_project.meetings import feeds, search
from rasa_project.meetings.sources import load_sources

SIZE = 5000
QUERIES = 100
_PLACES = ["Saint Paul", "Minneapolis", "Duluth", "Rochester", "55104", "five five four oh eight",
           "Bloomington", "Saint Cloud", "Mankato", "55802"]
_WHEN = ["tonight", "tomorrow morning", "on tuesday", "right now", "today", "this afternoon", None]
_FELLOWSHIP = ["NA", "AA", "Al-Anon", None]
_MODES = ["any", "any", "online", "in_person"]


def _points(rng: random.Random, n: int):
    import zipcodes

    rows = [r for r in zipcodes.filter_by(state="MN") if r["zip_code_type"] == "STANDARD"]
    return [rng.choice(rows) for _ in range(n)]


def meeting_guide_feed(rng: random.Random, n: int = SIZE) -> list:
    feed = []
    for i, row in enumerate(_points(rng, n)):
        record = {"name": f"Bench Group {i}", "slug": f"bench-{i}", "day": rng.randrange(7),
                  "time": f"{rng.randrange(24):02d}:{rng.choice([0, 15, 30, 45]):02d}",
                  "types": ["O", "D"], "fellowship": rng.choice(["AA", "Al-Anon"])}
        if i % 10 == 0:
            record.update(conference_url=f"https://meet.example.org/{i}", formatted_address="Minneapolis, MN, USA",
                          attendance_option="online")
        else:
            record.update(address=f"{i} Bench Street", city=row["city"], state="MN", postal_code=row["zip_code"],
                          latitude=float(row["lat"]) + rng.uniform(-0.02, 0.02),
                          longitude=float(row["long"]) + rng.uniform(-0.02, 0.02), attendance_option="in_person")
        feed.append(record)
    return feed


def bmlt_feed(rng: random.Random, n: int = SIZE) -> list:
    feed = []
    for i, row in enumerate(_points(rng, n)):
        online = i % 10 == 0
        feed.append({
            "id_bigint": str(i), "meeting_name": f"Bench NA {i}", "weekday_tinyint": str(rng.randint(1, 7)),
            "start_time": f"{rng.randrange(24):02d}:{rng.choice([0, 30]):02d}:00", "duration_time": "01:00:00",
            "time_zone": "", "venue_type": "2" if online else "1", "formats": "O,D",
            "latitude": "0" if online else str(float(row["lat"]) + rng.uniform(-0.02, 0.02)),
            "longitude": "0" if online else str(float(row["long"]) + rng.uniform(-0.02, 0.02)),
            "location_street": "" if online else f"{i} Bench Avenue", "location_municipality": row["city"],
            "location_province": "MN", "location_postal_code_1": row["zip_code"],
            "virtual_meeting_link": f"https://meet.example.org/na{i}" if online else "",
        })
    return feed


def _sources_file(folder: Path, fmt: str, name: str) -> Path:
    """A sources.yml (JSON is valid YAML) naming one generated feed, with the real fellowships."""
    path = folder / f"sources_{fmt}.yml"
    config = {
        "fellowships": [{"code": c, "aliases": list(a)} for c, a in load_sources().fellowships.items()],
        "feeds": [{"name": fmt, "format": fmt, "file": name, "sample": True,
                   "fellowship": "NA" if fmt == "bmlt" else "AA"}],
    }
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def run(size: int = SIZE, queries: int = QUERIES, seed: int = 1) -> dict:
    """Figures for `size` meetings per format: load+parse seconds, query p50/p95 in ms."""
    rng = random.Random(seed)
    figures: dict = {"meetings_per_format": size, "queries": queries}
    catalogs = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt, make in (("meeting_guide", meeting_guide_feed), ("bmlt", bmlt_feed)):
            (folder / f"{fmt}.json").write_text(json.dumps(make(rng, size)), encoding="utf-8")
            sources = load_sources(_sources_file(folder, fmt, f"{fmt}.json"), cache_path=folder / "cache.sqlite3")
            started = time.perf_counter()
            catalog = feeds.load_catalog(sources)
            figures[f"load_parse_s_{fmt}"] = round(time.perf_counter() - started, 4)
            figures[f"meetings_loaded_{fmt}"] = len(catalog.meetings)
            catalogs.append(catalog)
    both = feeds.Catalog(catalogs[0].meetings + catalogs[1].meetings, catalogs[0].feeds + catalogs[1].feeds,
                         catalogs[0].fellowships)
    now = datetime(2024, 3, 4, 18, 30, tzinfo=ZoneInfo("America/Chicago"))
    started = time.perf_counter()
    search.find_meetings(search.Query(place="Saint Paul", when="tonight"), now, catalog=both)
    figures["first_query_ms"] = round((time.perf_counter() - started) * 1000, 1)  # gazetteer loads here
    timings = []
    for i in range(queries):
        query = search.Query(place=rng.choice(_PLACES), when=rng.choice(_WHEN),
                             fellowship=rng.choice(_FELLOWSHIP), mode=rng.choice(_MODES))
        at = now + timedelta(hours=rng.randrange(0, 24 * 7))
        started = time.perf_counter()
        search.find_meetings(query, at, catalog=both)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    figures["query_p50_ms"] = round(statistics.median(timings), 2)
    figures["query_p95_ms"] = round(timings[int(0.95 * (len(timings) - 1))], 2)
    figures["catalog_meetings"] = len(both.meetings)
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
