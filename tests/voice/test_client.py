"""The Rasa client: REST and callback channels, unprompted messages, and the safe answer."""
from __future__ import annotations

import socket
import threading

from rasa_project.voice.client import RasaClient

from .fake_rasa import EMERGENCY_ANSWER, FakeRasa
from .voice_support import free_port

REMINDER = "Call 911 now if someone is not breathing or will not wake up."


def test_rest_channel_round_trip():
    with FakeRasa() as rasa:
        client = RasaClient(rasa.url, sender_id="kim", mode="rest")
        messages = client.send("someone is not breathing")
    assert [m["text"] for m in messages][0] == EMERGENCY_ANSWER
    assert rasa.received == [{"sender": "kim", "message": "someone is not breathing"}]


def test_the_client_sends_the_words_as_said_the_server_cleans_them():
    # Input cleaning has one place, on the server, for every channel (callback included:
    # tests/channels/test_safe_callback.py); the front end does not clean twice.
    words = "/stop_walkthrough{\"x\": 1}"
    with FakeRasa() as rasa:
        RasaClient(rasa.url, mode="rest").send(words)
    assert rasa.received[0]["message"] == words


def test_unreachable_server_gives_the_local_safety_answer():
    messages = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=2).send("help")
    assert messages[0]["text"].startswith(REMINDER) and messages[0]["local"]


def test_failing_server_gives_the_local_safety_answer():
    with FakeRasa(fail=True) as rasa:
        messages = RasaClient(rasa.url, mode="rest").send("help")
    assert messages[0]["text"].startswith(REMINDER)


def test_callback_channel_collects_the_turn_and_delivers_reminders():
    port = free_port()
    with FakeRasa(callback_url=f"http://127.0.0.1:{port}/bot") as rasa:
        client = RasaClient(rasa.url, sender_id="kim", mode="callback", callback_port=port)
        arrived, got = [], threading.Event()
        client.on_unprompted(lambda m: (arrived.append(m), got.set()))
        messages = client.send("he will not wake up")
        assert [m["text"] for m in messages][0] == EMERGENCY_ANSWER and not arrived
        rasa.push("kim", {"text": "Is the person breathing now?"})  # the naloxone check-in
        rasa.push("someone-else", {"text": "not for this person"})
        assert got.wait(5)
        client.close()
    assert [m["text"] for m in arrived] == ["Is the person breathing now?"]


def test_callback_mode_falls_back_to_rest_when_rasa_has_no_callback_channel():
    with FakeRasa() as rasa:  # no callback url: the webhook answers 404
        client = RasaClient(rasa.url, mode="callback", callback_port=0)
        first, second = client.send("someone is not breathing"), client.send("he will not wake up")
    assert first[0]["text"] == second[0]["text"] == EMERGENCY_ANSWER
    assert client.receiver is None


def test_callback_mode_falls_back_to_rest_when_the_port_is_taken():
    with socket.socket() as taken, FakeRasa() as rasa:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        client = RasaClient(rasa.url, mode="callback", callback_port=taken.getsockname()[1])
        assert client.send("someone is not breathing")[0]["text"] == EMERGENCY_ANSWER


def test_callback_messages_reach_the_caller_the_moment_rasa_sends_them():
    """"Call 911 now." is heard while Rasa still works on the rest of the turn (the action server)."""
    port = free_port()
    with FakeRasa(callback_url=f"http://127.0.0.1:{port}/bot") as rasa:
        rasa.between = threading.Event()
        client = RasaClient(rasa.url, sender_id="kim", mode="callback", callback_port=port)
        came, first = [], threading.Event()
        turn = threading.Thread(target=lambda: came.append(client.send("he is not breathing", lambda m: (
            came.append(m["text"]), first.set()))))
        turn.start()
        assert first.wait(5)
        assert came == [EMERGENCY_ANSWER] and turn.is_alive()  # the turn is still in flight
        rasa.between.set()
        turn.join(10)
        client.close()
    assert came[1] == "Check if they respond." and [m["text"] for m in came[2]] == [EMERGENCY_ANSWER, "Check if they respond."]
