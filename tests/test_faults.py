"""Faults in the action server: "Call 911" still comes first, and the conversation recovers.

The action server down from the start is in test_e2e.py. Here: killed in the middle of a
conversation, then restarted; and a stalled one. Rasa 3.6 waits up to 5 minutes for an
action (DEFAULT_REQUEST_TIMEOUT in rasa/core/constants.py, not configurable), so the
stalled action server is a stub on loopback (below) that holds every action call until
the test ends, and the bound on the wait is the safe REST channel's reply_timeout.
"""
from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import pytest
import yaml
from aiohttp import web

from conftest import CALL_911, LOG_DIR, ROOT, conversation, talk, texts
from rasa_project import servers
from rasa_project import stack
from rasa_project.content.library import default_library

pytestmark = pytest.mark.slow

REPLY_TIMEOUT = 5.0



def emergency_chunks() -> set:
    topic = default_library().topics["overdose_emergency"]
    return {chunk for item in topic.items.values() for chunk in item.chunks}


@pytest.fixture(scope="module")
def faulty(model_path, tmp_path_factory):
    """A Rasa server (safe REST channel) whose action server port the tests control."""
    folder = tmp_path_factory.mktemp("faults")
    action_port = stack.free_port()
    rasa = servers.rasa_server(
        stack.free_port(), model=model_path, log_dir=LOG_DIR,
        endpoints=servers.endpoints_for(action_port, out_dir=folder),
        credentials=stack.write_credentials(folder, {stack.SAFE_REST: {"reply_timeout": REPLY_TIMEOUT}}),
    )
    stack.start_all([rasa], timeout=600)
    try:
        yield rasa, action_port
    finally:
        rasa.stop()


def kill(server: servers.Server) -> None:
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(30)


def test_action_server_killed_mid_conversation_then_restarted(faulty):
    rasa, action_port = faulty
    actions = servers.action_server(action_port, log_dir=LOG_DIR).start()
    try:
        actions.wait_ready(timeout=180)
        sender = conversation("fault")
        guidance = default_library().topic_chunks("withdrawal_symptoms")
        assert texts(talk(rasa, sender, "how long does withdrawal last"))[0] == guidance[0]

        kill(actions)
        assert not actions.ready()
        said = texts(talk(rasa, sender, "someone isn't breathing"))
        assert said and said[0] == CALL_911

        actions.start()  # same port: the Rasa server is not told anything
        actions.wait_ready(timeout=180)
        said = texts(talk(rasa, sender, "someone isn't breathing"))
        assert said[0] == CALL_911
        assert len(said) > 1 and said[1] in emergency_chunks()  # the walkthrough is back
        assert texts(talk(rasa, sender, "how long does withdrawal last"))[0] == guidance[0]
    finally:
        actions.stop()


class StalledActionServer:
    """An action server that answers /health but holds every action call until closed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.called = threading.Event()
        self._up = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "StalledActionServer":
        self._thread.start()
        assert self._up.wait(30), "stub action server did not start"
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._release.set)
        self._loop.call_soon_threadsafe(self._closed.set)
        self._thread.join(60)

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._release, self._closed = asyncio.Event(), asyncio.Event()
        app = web.Application()
        app.router.add_get("/health", lambda _: web.json_response({"status": "ok"}))
        app.router.add_post("/webhook", self._webhook)
        runner = web.AppRunner(app, shutdown_timeout=5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self._up.set()
        await self._closed.wait()
        await runner.cleanup()

    async def _webhook(self, request: web.Request) -> web.Response:
        self.called.set()
        await self._release.wait()
        return web.json_response({"events": [], "responses": []})


def test_stalled_action_server_still_gets_call_911_first_and_fast(faulty):
    rasa, action_port = faulty
    with StalledActionServer(action_port) as stub:
        began = time.monotonic()
        said = texts(talk(rasa, conversation("fault"), "someone isn't breathing", timeout=120))
        took = time.monotonic() - began
        assert stub.called.is_set()  # the action call really is hanging
        assert said and said[0] == CALL_911
        assert took < REPLY_TIMEOUT + 20, f"answer took {took:.1f} s"
