"""Packaged data, the command line and the benchmark."""
import json
import re

import pytest

from bench import meetings as bench
from rasa_project.meetings import feeds, search
from rasa_project.meetings.__main__ import main
from rasa_project.meetings.model import UNKNOWN
from rasa_project.meetings.sources import PROJECT_ROOT, load_sources

from .meetings_support import FIXTURES, at, url_sources

SOURCE_FILE = PROJECT_ROOT.parent / "shared" / "sources" / "000_46fbf262526bd423.txt"


def packaged_records():
    for feed in load_sources().feeds:
        yield feed, json.loads(feed.file.read_text(encoding="utf-8"))


def test_every_packaged_record_parses_and_sample_ones_say_so():
    catalog = feeds.load_catalog()
    assert sum(catalog.skipped.values()) == 0 and not catalog.stale
    for feed, records in packaged_records():
        names = [r.get("name") or r.get("meeting_name") for r in records]
        notes = [r.get("notes") or r.get("comments") or "" for r in records]
        if feed.sample:
            assert all(n.startswith("Sample ") for n in names), feed.name
            assert all("SAMPLE" in n for n in notes), feed.name
        assert not any(k.startswith("contact_") for r in records for k in r), "no contact names in data"


def test_sample_data_covers_both_formats_cities_and_online():
    catalog = feeds.load_catalog()
    for fmt_feed, low, high in (("sample_meeting_guide", 35, 45), ("sample_bmlt", 25, 35)):
        status = next(s for s in catalog.feeds if s.name == fmt_feed)
        assert status.sample and low <= status.records <= high
    cities = {m.city for m in catalog.meetings if m.sample}
    assert {"Minneapolis", "Saint Paul", "Duluth", "Rochester"} <= cities
    assert {m.fellowship for m in catalog.meetings} >= {"NA", "AA", "Al-Anon", "Nar-Anon"}
    assert any(m.joinable_online and m.source == "sample_bmlt" for m in catalog.meetings)
    assert any(m.joinable_online and m.source == "sample_meeting_guide" for m in catalog.meetings)


def test_nar_anon_group_is_exactly_what_the_source_says():
    (group,) = [m for m in feeds.load_catalog().meetings if not m.sample]
    assert group.weekday == 0 and (group.start.hour, group.start.minute) == (19, 0)
    assert group.fellowship == "Nar-Anon" and group.attendance == UNKNOWN
    assert not (group.street or group.city or group.location or group.has_point or group.conference_url
                or group.conference_phone)
    if not SOURCE_FILE.exists():
        pytest.skip("shared/sources is not beside this checkout")
    text = SOURCE_FILE.read_text(encoding="utf-8")
    assert f"The {group.name} meets Mondays at 7 p.m." in text


def test_search_command_speaks_like_the_assistant(tmp_path, capsys):
    now = "2024-03-05T18:30:00-06:00"
    code = main(["--sources", str(FIXTURES / "sources.yml"), "--cache", str(tmp_path / "c.sqlite3"),
                 "search", "NA meeting tonight in 55104", "--now", now])
    said = capsys.readouterr().out
    catalog = feeds.load_catalog(load_sources(FIXTURES / "sources.yml", tmp_path / "c.sqlite3"))
    first = search.find_meetings("NA meeting tonight in 55104", at("2024-03-05 18:30"), catalog=catalog).hits[0]
    assert code == 0 and first.meeting.name in said and "ZIP code 5 5 1 0 4" in said


def test_refresh_command_reports_each_feed_and_fails_when_a_feed_cannot_refresh(tmp_path, capsys, feed_server):
    feed_server.replies["/feed"] = (200, "application/json", (FIXTURES / "bmlt.json").read_bytes())
    sources = url_sources(tmp_path, feed_server.url("/feed"))
    config = ["--sources", str(tmp_path / "sources.yml"), "--cache", str(sources.cache_path)]
    assert main(config + ["refresh"]) == 0
    first = capsys.readouterr().out
    assert re.search(r"live: \d+ meetings from \d+ records \(network\)", first)
    assert "bad_day 1" in first
    feed_server.stop()
    assert main(config + ["refresh"]) == 1
    assert "NOT refreshed: unreachable" in capsys.readouterr().out


def test_bench_reports_load_and_query_times():
    figures = bench.run(size=300, queries=10)
    assert figures["meetings_loaded_meeting_guide"] == 300 and figures["meetings_loaded_bmlt"] == 300
    assert figures["catalog_meetings"] == 600
    for key in ("load_parse_s_meeting_guide", "load_parse_s_bmlt", "query_p50_ms", "query_p95_ms"):
        assert figures[key] > 0
    assert figures["query_p95_ms"] >= figures["query_p50_ms"]


def test_search_command_speaks_minnesota_time_across_daylight_saving(tmp_path, capsys):
    # Asked in standard time (-06:00) about Monday 7 p.m. after the clocks change (-05:00).
    main(["--cache", str(tmp_path / "c.sqlite3"), "search", "nar anon meeting on monday near saint paul", "--zone", "America/Chicago",
          "--now", "2024-03-08T18:30:00-06:00"])
    assert "Monday at seven in the evening" in capsys.readouterr().out


def test_importing_does_no_work():
    import subprocess
    import sys

    code = ("import sys, actions.find_meeting, rasa_project.meetings.__main__, bench.meetings;"
            "from rasa_project.meetings import feeds;"
            "print('zipcodes' in sys.modules, feeds.DEFAULT._catalog is None)")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
