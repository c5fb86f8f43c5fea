"""The servers on free loopback ports with generated endpoints and credentials (bench and tests)."""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml

from rasa_project import servers

SAFE_REST = "rasa_project.channels.safe_rest.SafeRestInput"
ALEXA = "rasa_project.channels.alexa.AlexaInput"
SAFE_CALLBACK = "rasa_project.channels.safe_callback.SafeCallbackInput"
HEALTH = "rasa_project.channels.health.HealthInput"
ACTION_SCHEMA = "rasa_project.channels.action_schema.CachedActionSchemaInput"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((servers.HOST, 0))
        return s.getsockname()[1]


def write_credentials(folder: Path, channels: Dict[str, Optional[dict]]) -> Path:
    """credentials.yml with exactly these channels (module path or built-in name -> settings)."""
    path = Path(folder) / f"credentials-{len(list(Path(folder).glob('credentials-*')))}.yml"
    path.write_text(yaml.safe_dump(channels, sort_keys=False))
    return path


@dataclass
class Started:
    """A started server and how long it took to answer its health check."""

    server: servers.Server
    seconds_to_ready: float


def start_all(to_start: Iterable[servers.Server], timeout: float = 300.0) -> List[Started]:
    """Start every server at once, then wait for each; stop them all if one fails."""
    to_start = list(to_start)
    began = time.monotonic()
    for server in to_start:
        server.start()
    started = []
    try:
        for server in to_start:
            server.wait_ready(timeout=max(1.0, timeout - (time.monotonic() - began)))
            started.append(Started(server, time.monotonic() - began))
    except Exception:
        for server in to_start:
            server.stop()
        raise
    return started
