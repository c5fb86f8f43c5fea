"""pytest fixtures for the meeting lookup tests (helpers live in meetings_support.py)."""
from __future__ import annotations

import pytest

from rasa_project.meetings import feeds
from rasa_project.meetings.sources import load_sources

from .meetings_support import FIXTURES, FeedServer


@pytest.fixture
def fixture_sources(tmp_path):
    return load_sources(FIXTURES / "sources.yml", cache_path=tmp_path / "cache.sqlite3")


@pytest.fixture
def catalog(fixture_sources):
    return feeds.load_catalog(fixture_sources)


@pytest.fixture
def default_catalog(monkeypatch, catalog):
    """Make the lazily loaded default catalog (used by the Rasa actions) the fixture one."""
    monkeypatch.setattr(feeds, "DEFAULT", feeds.CatalogHolder(loader=lambda: catalog))
    return catalog


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.stop()
