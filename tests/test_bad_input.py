"""Junk, huge, empty and "/command" input to the real Rasa server (safe REST channel and the
Alexa channel with verification off, on loopback): always a safe answer, and the safety net
still works. tests/channels/test_safe_rest.py checks the REST channel on its own.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, List, Optional

import pytest
import requests

from channels.alexa_support import catch_all, spoken, ssml_of
from conftest import CALL_911, JUNK, LOG_DIR, texts
from rasa_project import servers
from rasa_project import stack


# --- the real server ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def safe_server(model_path, action_server, tmp_path_factory):
    """Rasa with the safe REST channel and the Alexa channel (verification off), on loopback."""
    folder = tmp_path_factory.mktemp("bad_input")
    port = action_server.port
    credentials = stack.write_credentials(folder, {
        stack.SAFE_REST: {"reply_timeout": 30},
        stack.ALEXA: {"verify": False},
    })
    server = servers.rasa_server(stack.free_port(), model=model_path, credentials=credentials,
                                 endpoints=servers.endpoints_for(port, out_dir=folder), log_dir=LOG_DIR)
    stack.start_all([server], timeout=600)
    try:
        yield server
    finally:
        server.stop()


def rest(server, text: Any, sender: Optional[str] = None) -> requests.Response:
    return requests.post(server.url + "/webhooks/rest/webhook",
                         json={"sender": sender or f"bad-{uuid.uuid4().hex[:8]}", "message": text}, timeout=120)


def said(server, text: Any, sender: Optional[str] = None) -> List[str]:
    reply = rest(server, text, sender)
    assert reply.status_code == 200
    return texts(reply.json())


BAD = {
    "empty": "",
    "whitespace": "   \t\n  ",
    "100 KB": JUNK,
    "control characters": "\x00\x01\x02\x1b[31m\x7f\x08",
    "emoji": "🚑🆘😭🙏🏽👨‍👩‍👧",
    "Spanish": "mi amigo no respira",
    "Chinese": "我的朋友没有呼吸",
    "Arabic": "صديقي لا يتنفس",
    "markup": "<script>alert(1)</script><b>hi</b>",
    "SQL": "'; DROP TABLE events; --",
    "templates": "{{7*7}} ${jndi:ldap://127.0.0.1/a} %s%n",
    "path": "../../../../etc/passwd",
    "bidi and BOM": "\ufeff\u202ehello\u200b",
    "/greet": "/greet",
    "/overdose_emergency": "/overdose_emergency",
    "/more with a slot": '/more{"more_topic":"x"}',
    "slash only": "/",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_gets_a_safe_answer_and_the_server_keeps_answering(safe_server, name):
    answer = said(safe_server, BAD[name])
    assert answer and all(answer), f"{name}: no answer"
    assert said(safe_server, "someone isn't breathing")[0] == CALL_911


@pytest.mark.slow
@pytest.mark.parametrize("message", [
    JUNK + " he is not breathing",
    "he is not breathing " + JUNK,
    JUNK[:50_000] + " my friend od'd and won't wake up " + JUNK[50_000:],
    "/someone is not breathing",
    "//  she won't wake up",
    "\x00he is\x1b not breathing\x7f",
    "🚑🚑 my friend od'd 🚑🚑",
])
def test_the_safety_net_still_works_on_the_same_turn(safe_server, message):
    began = time.monotonic()
    assert said(safe_server, message)[0] == CALL_911
    assert time.monotonic() - began < 30  # bounded work, even for 100 KB


@pytest.mark.slow
@pytest.mark.parametrize("command", ["/greet", "/crisis_suicidal", "/overdose_emergency", "/nlu_fallback"])
def test_a_slash_command_is_answered_like_its_words(safe_server, command):
    # With Rasa's own REST channel "/greet" skips NLU and greets, while "greet" is read by
    # NLU like any words. "/overdose_emergency" still gets Call 911 here because NLU reads
    # the words "overdose emergency" as one (a training example), not because of the "/".
    assert said(safe_server, command) == said(safe_server, command.lstrip("/"))


@pytest.mark.slow
def test_malformed_body_gets_400_from_the_real_server(safe_server):
    reply = requests.post(safe_server.url + "/webhooks/rest/webhook", data=b"[1]", timeout=30,
                          headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert said(safe_server, "hello")


# --- the Alexa channel, verification off ----------------------------------------------------

def alexa(server, words: str) -> dict:
    envelope = catch_all(words)
    envelope["session"]["sessionId"] += uuid.uuid4().hex  # a new conversation each time
    reply = requests.post(server.url + "/webhooks/alexa/webhook", data=json.dumps(envelope), timeout=120,
                          headers={"Content-Type": "application/json"})
    assert reply.status_code == 200
    return reply.json()


def speech(answer: dict) -> str:
    return spoken(ssml_of(answer))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BAD))
def test_alexa_bad_input_gets_spoken_answer(safe_server, name):
    assert speech(alexa(safe_server, BAD[name]))
    assert speech(alexa(safe_server, "someone isn't breathing")).startswith("Call 911")


@pytest.mark.slow
def test_alexa_safety_net_works_on_short_junk(safe_server):
    assert speech(alexa(safe_server, "🚑 /he is\x00 not breathing")).startswith("Call 911")


@pytest.mark.slow
def test_alexa_safety_net_works_after_100_kb_of_junk(safe_server):
    assert speech(alexa(safe_server, JUNK + " he is not breathing")).startswith("Call 911")
