"""The naloxone check-in: a Rasa reminder makes the assistant speak up unprompted.

Real action server (check-in after 3 s instead of 150 s) and real Rasa server; the
front end's callback receiver stands where the terminal would print and speak.
"""
from __future__ import annotations

import queue

import pytest

from conftest import LOG_DIR, free_port
from rasa_project import servers
from rasa_project.bench import stack
from rasa_project.client import RasaClient
from rasa_project.content.library import default_library

pytestmark = pytest.mark.slow
CHECKIN_SECONDS = 3


@pytest.fixture(scope="module")
def checkin_servers(model_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("checkin")
    actions = servers.action_server(free_port(), log_dir=LOG_DIR)
    actions.env["ASSISTANT_CHECKIN_SECONDS"] = str(CHECKIN_SECONDS)
    callback_port = free_port()
    credentials = stack.write_credentials(tmp, {"rest": None, "callback": {"url": f"http://127.0.0.1:{callback_port}/bot"}})
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
        step = [m.get("text") for m in client.send("next")]
        assert step[0] == topic.items["give_naloxone_nasal"].chunks[0]
        assert heard.empty()  # nothing unprompted yet
        checkin = heard.get(timeout=CHECKIN_SECONDS + 30)
        assert checkin["text"] == topic.items["checkin_question"].chunks[0]
        second = [m.get("text") for m in client.send("still not breathing")]
        assert second[0] == topic.items["still_not_breathing"].chunks[0]
    finally:
        client.close()
