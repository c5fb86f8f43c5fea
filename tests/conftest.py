"""Shared fixtures: the trained model, and the real servers started on loopback ports."""
from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
import yaml

from rasa_project import servers
from rasa_project import stack
from rasa_project.stack import free_port  # noqa: F401  (tests import it from here)

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "assistant.tar.gz"
LOG_DIR = ROOT / "var" / "log" / "tests"
# The domain's emergency response: what every emergency answer must begin with.
CALL_911 = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]["utter_emergency_call_911"][0]["text"]
JUNK = ("lorem ipsum dolor sit amet " * 4000)[:100_000]  # 100 KB, no danger words


def conversation(prefix: str = "test") -> str:
    """A new conversation (sender) id, so no test sees another's history."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"

for key, value in servers.QUIET_ENV.items():
    os.environ.setdefault(key, value)


@pytest.fixture(scope="session")
def model_path() -> Path:
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL}: run `make test` (it trains first)")
    return MODEL


@pytest.fixture(scope="session")
def agent(model_path):
    """The trained model loaded in this process, for fast NLU checks."""
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


@pytest.fixture(scope="session")
def parse(agent):
    def _parse(text: str) -> dict:
        return asyncio.run(agent.parse_message(text))

    return _parse


@pytest.fixture(scope="session")
def action_server():
    server = servers.action_server(free_port(), log_dir=LOG_DIR).start()
    try:
        server.wait_ready(timeout=120)
        yield server
    finally:
        server.stop()


ALEXA_TEST_SKILL = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"


def write_credentials(tmp: Path) -> Path:
    """The project's channels, with Alexa verification off: local testing only."""
    return stack.write_credentials(tmp, {stack.SAFE_REST: None,
                                         stack.ALEXA: {"skill_id": ALEXA_TEST_SKILL, "verify": False}})


@pytest.fixture(scope="session")
def rasa_server(model_path, action_server, tmp_path_factory):
    port = action_server.port
    tmp = tmp_path_factory.mktemp("endpoints")
    endpoints = servers.endpoints_for(port, out_dir=tmp)
    server = servers.rasa_server(
        free_port(), model=model_path, endpoints=endpoints, credentials=write_credentials(tmp), log_dir=LOG_DIR
    ).start()
    try:
        server.wait_ready(timeout=300)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rasa_server_without_actions(model_path, tmp_path_factory):
    """A Rasa server whose action server is down: its endpoint is a port nobody listens on."""
    endpoints = servers.endpoints_for(free_port(), out_dir=tmp_path_factory.mktemp("dead"))
    server = servers.rasa_server(free_port(), model=model_path, endpoints=endpoints, log_dir=LOG_DIR).start()
    try:
        server.wait_ready(timeout=300)
        yield server
    finally:
        server.stop()


def talk(server, sender: str, text: str, timeout: float = 60) -> list:
    """Send one message through Rasa's REST channel; return the bot's messages."""
    import requests

    reply = requests.post(
        server.url + "/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
    )
    reply.raise_for_status()
    return reply.json()


def texts(messages: list) -> list:
    return [m["text"] for m in messages if m.get("text")]
