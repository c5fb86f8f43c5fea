"""Scale-out failover: two Rasa servers and two action servers behind HAProxy with Redis
(rasa_project/scale.py, all real). One Rasa server is killed in the middle of an emergency
walkthrough: the next turn is answered by the other at the right step, no turn is lost, and
the naloxone check-in (a Rasa reminder held in the dead server's memory) still arrives,
taken over by the survivor's reminder keeper."""
from __future__ import annotations

import json
import os
import signal
import time
import urllib.request

import pytest

from conftest import conversation, free_port
from waiting import wait_for
from rasa_project import stack
from rasa_project.content.library import default_library
from rasa_project.scale import KEEPER, ScaleSet, _binary
from test_checkin_e2e import AllConversations

pytestmark = pytest.mark.slow
CHECKIN_SECONDS = 8


def turn(url: str, sender: str, text: str, devices: AllConversations) -> list:
    """One turn on the callback channel; returns what the device heard for it (strict:
    an HTTP error or no answer fails the test, so a lost turn cannot hide)."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{url}/webhooks/callback/webhook", body,
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        assert reply.status == 200
    heard = []
    while not devices.heard.empty():
        recipient, said = devices.heard.get_nowait()
        if recipient == sender:
            heard.append(said)
    assert heard, f"turn {text!r} got no answer"
    return heard


def held(server) -> int:
    with urllib.request.urlopen(server.url + "/webhooks/reminders/", timeout=5) as reply:
        return json.loads(reply.read())["held"]


@pytest.fixture(scope="module")
def scale_set(model_path, tmp_path_factory):
    try:
        _binary("haproxy"), _binary("redis-server")
    except FileNotFoundError as error:
        pytest.skip(str(error))
    folder = tmp_path_factory.mktemp("failover")
    callback_port = free_port()
    credentials = stack.write_credentials(folder, {
        stack.SAFE_REST: None, stack.HEALTH: None, stack.ACTION_SCHEMA: None, KEEPER: None,
        stack.SAFE_CALLBACK: {"url": f"http://127.0.0.1:{callback_port}/bot"}})
    group = ScaleSet(folder, model=model_path, credentials=credentials, n_rasa=2, n_actions=2,
                     action_env={"ASSISTANT_CHECKIN_SECONDS": str(CHECKIN_SECONDS)})
    group.start(timeout=900)
    devices = AllConversations(callback_port)
    try:
        yield group, devices
    finally:
        devices.close()
        group.stop()


def test_a_rasa_server_dies_mid_walkthrough_and_nothing_is_lost(scale_set):
    group, devices = scale_set
    items = default_library().topics["overdose_emergency"].items
    sender = conversation("failover")
    first = turn(group.url, sender, "my friend is not breathing", devices)
    assert first[0].startswith("Call 911") and first[1] == items["start_cpr"].chunks[0]
    assert turn(group.url, sender, "next", devices)[0] == items["give_naloxone_cpr"].chunks[0]
    dosed = time.monotonic()
    # The server that took the naloxone turn holds the check-in in its memory: kill it.
    holder = wait_for(lambda: next((s for s in group.rasa if held(s)), None), 10, "a keeper to publish")
    survivor = next(s for s in group.rasa if s is not holder)
    os.killpg(holder.process.pid, signal.SIGKILL)
    holder.process.wait(30)
    # The very next turn: HAProxy retries the refused connection on the survivor.
    assert turn(group.url, sender, "still not breathing", devices)[0] == items["naloxone_working"].chunks[0]
    assert turn(group.url, sender, "what do I do now", devices)  # and the one after
    recipient, checkin = devices.heard.get(timeout=CHECKIN_SECONDS + 30)
    assert (recipient, checkin) == (sender, items["checkin_question"].chunks[0])
    assert time.monotonic() - dosed >= CHECKIN_SECONDS - 1  # fired when due, not at takeover
    wait_for(lambda: held(survivor) == 0, 5, "the fired reminder to leave the table")


def test_every_turn_of_many_conversations_is_answered_through_the_balancer(scale_set):
    group, devices = scale_set
    senders = [conversation("spread") for _ in range(6)]
    for sender in senders:
        assert turn(group.url, sender, "how long does withdrawal last", devices)
