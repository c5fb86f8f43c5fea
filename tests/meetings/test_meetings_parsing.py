"""Both feed formats parse into Meetings; bad records are skipped and counted, never fatal."""
from collections import Counter
from datetime import time, timedelta

import pytest

from rasa_project.meetings import bmlt, meeting_guide
from rasa_project.meetings.fields import FeedDefaults, FeedShapeError
from rasa_project.meetings.model import HYBRID, IN_PERSON, ONLINE, UNKNOWN

from .meetings_support import fixture_records

MG = FeedDefaults("mg", "AA", "America/Chicago", sample=False)
NA = FeedDefaults("na", "NA", "America/Chicago", sample=True)
FELLOWSHIPS = ("NA", "AA", "Al-Anon", "Nar-Anon")


def expected_skips(records):
    """What each fixture record says should happen to it (its `_expect` note)."""
    reasons = Counter(r["_expect"] if isinstance(r, dict) else "not_an_object" for r in records)
    reasons.pop("kept", None)
    return reasons


def expected_drops(records):
    """Bad optional fields (`_dropped`): the field goes, the meeting stays."""
    return Counter(r["_dropped"] for r in records if isinstance(r, dict) and "_dropped" in r)


def by_name(result):
    return {m.name: m for m in result.meetings}


def test_meeting_guide_counts_every_skipped_record_by_reason():
    records = fixture_records("meeting_guide.json")
    result = meeting_guide.parse(records, MG, FELLOWSHIPS)
    assert result.records == len(records)
    assert result.skipped == expected_skips(records)
    assert result.dropped == expected_drops(records) and result.dropped
    kept = [r for r in records if isinstance(r, dict) and r["_expect"] == "kept"]
    days = sum(len(r["day"]) if isinstance(r["day"], list) else 1 for r in kept)
    assert len(result.meetings) == days


def test_bmlt_counts_every_skipped_record_by_reason():
    records = fixture_records("bmlt.json")
    result = bmlt.parse(records, NA)
    assert result.records == len(records)
    assert result.skipped == expected_skips(records)
    assert result.dropped == expected_drops(records) and result.dropped
    assert len(result.meetings) == sum(r["_expect"] == "kept" for r in records)


def test_meeting_guide_day_list_becomes_one_meeting_per_day_sunday_zero():
    records = [{"name": "List", "slug": "list", "day": [0, 3, 6], "time": "07:05", "address": "1 A St"}]
    meetings = meeting_guide.parse(records, MG).meetings
    # Meeting Guide counts from Sunday = 0; Meeting.weekday is Python's (Monday = 0).
    assert [m.weekday for m in meetings] == [6, 2, 5]
    assert len({m.id for m in meetings}) == 3
    assert all(m.start == time(7, 5) for m in meetings)


def test_meeting_guide_end_time_past_midnight_gives_positive_duration():
    found = by_name(meeting_guide.parse(fixture_records("meeting_guide.json"), MG, FELLOWSHIPS))
    assert found["Saturday Late"].duration == timedelta(hours=1)
    assert found["Saint Paul Tuesday Night"].duration == timedelta(hours=1)
    assert found["Minneapolis Tuesday Night"].duration == timedelta(hours=1)  # spec default


def test_meeting_guide_attendance_links_and_fellowship_override():
    found = by_name(meeting_guide.parse(fixture_records("meeting_guide.json"), MG, FELLOWSHIPS))
    online = found["Online Eastern"]
    assert online.attendance == ONLINE and online.timezone == "America/New_York"
    assert online.latitude is None and online.conference_url.startswith("https://")
    assert found["Temporarily Closed Online"].attendance == ONLINE  # TC with a link
    assert found["Saint Paul Tuesday Night"].attendance == IN_PERSON
    assert found["Frogtown Family Group"].fellowship == "Al-Anon"
    assert found["Weekday Noon"].fellowship == "AA"
    assert found["Minneapolis Tuesday Night"].timezone == "America/Chicago"  # feed default


def test_meeting_guide_formatted_address_is_split():
    found = by_name(meeting_guide.parse(fixture_records("meeting_guide.json"), MG, FELLOWSHIPS))
    m = found["Formatted Address"]
    assert (m.street, m.city, m.state, m.postal_code) == ("8 Test Street", "Saint Paul", "MN", "55104")
    assert m.attendance == IN_PERSON and not m.has_point


def test_bmlt_strings_become_typed_values():
    found = by_name(bmlt.parse(fixture_records("bmlt.json"), NA))
    sp = found["NA Saint Paul Tuesday"]
    assert sp.weekday == 1  # BMLT "3" = Tuesday (1 = Sunday); Python Tuesday = 1
    assert sp.start == time(19, 0) and sp.duration == timedelta(minutes=90)
    assert sp.latitude == pytest.approx(44.9532) and sp.longitude == pytest.approx(-93.158)
    assert sp.timezone == "America/Chicago" and sp.sample is True
    assert found["NA Sunday Morning"].weekday == 6
    assert found["NA After Midnight"].weekday == 5  # "7" = Saturday
    assert found["NA Sunday Morning"].duration == timedelta(hours=1)  # "" = default
    assert found["NA Mountain Time"].timezone == "America/Denver"


def test_bmlt_venue_types_and_zero_coordinates():
    found = by_name(bmlt.parse(fixture_records("bmlt.json"), NA))
    assert found["NA Online Tuesday"].attendance == ONLINE
    assert found["NA Online Tuesday"].latitude is None
    assert found["NA Hybrid Tuesday"].attendance == HYBRID
    assert found["NA Zero Point"].has_point is False  # "0","0" means unknown


def test_bmlt_reply_with_formats_object_is_accepted():
    records = fixture_records("bmlt.json")
    wrapped = {"meetings": records, "formats": []}
    assert len(bmlt.parse(wrapped, NA).meetings) == len(bmlt.parse(records, NA).meetings)


@pytest.mark.parametrize("doc", [{"error": "nope"}, "text", 42, None])
def test_a_document_that_is_not_a_list_is_a_shape_error(doc):
    with pytest.raises(FeedShapeError):
        meeting_guide.parse(doc, MG)
    with pytest.raises(FeedShapeError):
        bmlt.parse(doc, NA)


def test_meeting_with_no_place_and_no_way_to_join_is_unknown_not_invented():
    records = [{"name": "Only A Time", "slug": "t", "day": 1, "time": "19:00"}]
    (m,) = meeting_guide.parse(records, MG).meetings
    assert m.attendance == UNKNOWN and not m.has_point and not m.street
