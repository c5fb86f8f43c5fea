"""The naloxone check-in: a Rasa reminder makes the assistant speak up unprompted.

Real action server (check-in after 3 s instead of 150 s) and real Rasa server; the
front end's callback receiver stands where the terminal would print and speak.
"""
from __future__ import annotations

import json
import queue
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import LOG_DIR, conversation, free_port
from rasa_project import servers
from rasa_project import stack
from rasa_project.voice.client import RasaClient
from rasa_project.content.library import default_library

pytestmark = pytest.mark.slow
CHECKIN_SECONDS = 3


@pytest.fixture(scope="module")
def checkin_servers(model_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("checkin")
    actions = servers.action_server(free_port(), log_dir=LOG_DIR)
    actions.env["ASSISTANT_CHECKIN_SECONDS"] = str(CHECKIN_SECONDS)
    callback_port = free_port()
    # Rasa's callback channel posts every conversation's messages to this one URL.
    credentials = stack.write_credentials(tmp, {stack.SAFE_REST: None, stack.SAFE_CALLBACK: {"url": f"http://127.0.0.1:{callback_port}/bot"}})
    endpoints = servers.endpoints_for(actions.port, out_dir=tmp)
    rasa = servers.rasa_server(free_port(), model=model_path, endpoints=endpoints,
                               credentials=credentials, log_dir=LOG_DIR)
    stack.start_all([actions, rasa])
    try:
        yield rasa, callback_port
    finally:
        rasa.stop()
        actions.stop()


def test_checkin_is_said_unprompted_after_the_naloxone_step(checkin_servers):
    rasa, callback_port = checkin_servers
    client = RasaClient(rasa.url, mode="callback", callback_port=callback_port, timeout=60)
    heard: "queue.Queue[dict]" = queue.Queue()
    client.on_unprompted(heard.put)
    topic = default_library().topics["overdose_emergency"]
    try:
        first = [m.get("text") for m in client.send("someone isn't breathing")]
        assert first[0].startswith("Call 911")
        assert first[1] == topic.items["start_cpr"].chunks[0]
        step = [m.get("text") for m in client.send("next")]
        assert step[0] == topic.items["give_naloxone_cpr"].chunks[0]
        assert heard.empty()  # nothing unprompted yet
        checkin = heard.get(timeout=CHECKIN_SECONDS + 30)
        assert checkin["text"] == topic.items["checkin_question"].chunks[0]
        second = [m.get("text") for m in client.send("still not breathing")]
        assert second[0] == topic.items["second_dose"].chunks[0]
    finally:
        client.close()


class AllConversations:
    """The callback URL's stand-in for several devices: every message Rasa posts, by recipient."""

    def __init__(self, port: int):
        self.heard: "queue.Queue[tuple]" = queue.Queue()
        heard = self.heard

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                heard.put((body.get("recipient_id"), body.get("text")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def say(rasa, sender: str, text: str) -> None:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{rasa.url}/webhooks/callback/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200


def test_two_emergencies_at_once_both_get_their_checkin_and_an_ended_one_gets_none(checkin_servers):
    """Issue 12: every conversation shared one reminder name, so a second emergency anywhere
    cancelled the first one's check-in."""
    rasa, callback_port = checkin_servers
    question = default_library().topics["overdose_emergency"].items["checkin_question"].chunks[0]
    devices = AllConversations(callback_port)
    ended, first, second = conversation("ended"), conversation("first"), conversation("second")
    try:
        for sender in (ended, first, second):  # the ended one is due first
            say(rasa, sender, "my friend is not breathing")
            say(rasa, sender, "next")
            if sender == ended:
                say(rasa, sender, "goodbye")
        checked_in = []
        deadline = time.monotonic() + CHECKIN_SECONDS + 60
        while {first, second} - set(checked_in):
            recipient, text = devices.heard.get(timeout=max(deadline - time.monotonic(), 0.1))
            if text == question and recipient in (ended, first, second):  # not an earlier test's
                checked_in.append(recipient)
        assert sorted(checked_in) == sorted([first, second])  # not the ended one, due before them
    finally:
        devices.close()
