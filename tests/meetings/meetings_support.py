"""Helpers for the meeting lookup tests: fixed clocks, fixture feeds, a local HTTP server."""
from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from rasa_project.meetings.sources import load_sources

FIXTURES = Path(__file__).with_name("fixtures")
CHICAGO = ZoneInfo("America/Chicago")


def at(text: str) -> datetime:
    """A fixed Chicago time, e.g. at("2024-03-05 18:30") (a Tuesday)."""
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


def fixture_records(name: str) -> list:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FeedServer:
    """A real HTTP server on 127.0.0.1 whose replies a test sets per path.

    A reply is (status, content type, body); body None makes the handler hang until the
    test ends, to exercise client timeouts without sleeping.
    """

    def __init__(self):
        self.replies = {}
        self.release = threading.Event()
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                status, ctype, body = server.replies.get(self.path, (404, "text/plain", b"missing"))
                if body is None:
                    server.release.wait(10)
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.running = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def stop(self):
        if self.running:
            self.release.set()
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(5)
            self.running = False


def url_sources(tmp_path: Path, url: str, fmt: str = "bmlt", fallback: str = "", timeout: float = 1.0):
    """sources.yml with one URL feed (and an optional fallback file), loaded."""
    feed = {"name": "live", "format": fmt, "url": url, "fellowship": "NA", "sample": False}
    if fallback:
        feed.update(fallback=str(FIXTURES / fallback), fallback_sample=True)
    config = {
        "cache": {"max_age_hours": 24, "timeout_seconds": timeout},
        "fellowships": [{"code": "NA", "aliases": ["na"]}],
        "feeds": [feed],
    }
    path = tmp_path / "sources.yml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return load_sources(path, cache_path=tmp_path / "cache.sqlite3")
