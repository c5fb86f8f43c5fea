"""URL feeds through a real HTTP server on 127.0.0.1: fresh, stopped, broken, slow."""
import json

import pytest

from rasa_project.meetings import cache, feeds, search, speak
from rasa_project.meetings.understand import Query

from .meetings_support import FIXTURES, at, url_sources

T0 = at("2024-03-05 18:30")
DAY = 24 * 3600
BODY = (FIXTURES / "bmlt.json").read_bytes()
KEPT = sum(r["_expect"] == "kept" for r in json.loads(BODY))


def load(sources, now, force=False):
    return feeds.load_catalog(sources, now=now.timestamp(), force=force)


def test_fresh_fetch_then_server_stops_then_cached_copy_with_its_age(tmp_path, feed_server):
    feed_server.replies["/feed"] = (200, "application/json", BODY)
    sources = url_sources(tmp_path, feed_server.url("/feed"))
    fresh = load(sources, T0)
    assert len(fresh.meetings) == KEPT and fresh.feeds[0].fetched_at == T0.timestamp()
    assert not fresh.stale and feed_server.requests == 1

    feed_server.stop()
    three_days_later = T0 + search.timedelta(days=3)
    stale = load(sources, three_days_later)  # the copy is older than max_age: a refetch is tried
    assert stale.stale and "unreachable" in stale.feeds[0].error
    assert len(stale.meetings) == KEPT and stale.data_age(three_days_later.timestamp()) == 3 * DAY

    result = search.find_meetings(Query(when="this week", fellowship="NA"), three_days_later, catalog=stale)
    assert result.stale and result.data_age.days == 3
    said = speak.answer(result, three_days_later)
    assert speak.phrases()["notices"]["update_failed"] in said and "three days ago" in said


def test_recent_cache_is_used_without_asking_the_server(tmp_path, feed_server):
    feed_server.replies["/feed"] = (200, "application/json", BODY)
    sources = url_sources(tmp_path, feed_server.url("/feed"))
    load(sources, T0)
    again = load(sources, T0 + search.timedelta(hours=2))
    assert feed_server.requests == 1 and again.feeds[0].fetched_at == T0.timestamp() and not again.stale
    load(sources, T0 + search.timedelta(hours=3), force=True)  # `refresh` forces a fetch
    assert feed_server.requests == 2


@pytest.mark.parametrize(
    "reply, reason",
    [
        ((200, "text/html", b"<!DOCTYPE html><html><body>Site maintenance</body></html>"), "HTML"),
        ((200, "application/json", BODY[: len(BODY) // 2]), "JSON"),
        ((500, "application/json", b'{"error": "boom"}'), "HTTP 500"),
        ((200, "application/json", b'{"error": "not a list"}'), "array"),
        ((200, "application/json", None), "timed out"),
    ],
)
def test_bad_replies_keep_the_last_good_copy(tmp_path, feed_server, reply, reason):
    feed_server.replies["/feed"] = (200, "application/json", BODY)
    sources = url_sources(tmp_path, feed_server.url("/feed"), timeout=0.3)
    load(sources, T0)
    feed_server.replies["/feed"] = reply
    later = load(sources, T0 + search.timedelta(days=2))
    assert reason in later.feeds[0].error
    assert len(later.meetings) == KEPT and later.feeds[0].fetched_at == T0.timestamp()
    stored = cache.FeedCache(sources.cache_path).load(feed_server.url("/feed"))
    assert stored.body == BODY  # the bad reply was never cached


def test_no_cache_and_no_server_falls_back_to_the_packaged_sample(tmp_path, feed_server):
    feed_server.replies["/feed"] = (200, "text/html", b"<html>oops</html>")
    sources = url_sources(tmp_path, feed_server.url("/feed"), fallback="bmlt.json")
    catalog = load(sources, T0)
    status = catalog.feeds[0]
    assert status.fallback and status.sample and "HTML" in status.error
    assert len(catalog.meetings) == KEPT and all(m.sample for m in catalog.meetings)
    result = search.find_meetings(Query(when="this week"), T0, catalog=catalog)
    assert result.sample and speak.answer(result, T0).startswith(speak.phrases()["notices"]["sample"])


def test_no_cache_no_fallback_gives_an_empty_feed_not_an_error(tmp_path, feed_server):
    feed_server.stop()
    catalog = load(url_sources(tmp_path, feed_server.url("/feed")), T0)
    assert catalog.meetings == [] and catalog.stale


def test_decode_rejects_html_and_cut_json_directly():
    with pytest.raises(cache.FetchError, match="HTML"):
        cache.decode(b"  <html></html>")
    with pytest.raises(cache.FetchError, match="JSON"):
        cache.decode(b'[{"name": "x"')
    assert cache.decode(b'\xef\xbb\xbf[1]') == [1]  # a UTF-8 byte-order mark is fine
