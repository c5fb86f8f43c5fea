"""Start, wait for and stop the action server and the Rasa server, on loopback only."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = PROJECT_ROOT / "models" / "assistant.tar.gz"
HOST = "127.0.0.1"

QUIET_ENV = {
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONWARNINGS": "ignore",
}


@dataclass
class Server:
    name: str
    url: str  # base URL, e.g. http://127.0.0.1:5005
    health_path: str  # answers 200 once the server is ready
    command: List[str]
    log_path: Path
    env: dict = field(default_factory=dict)
    cwd: Path = PROJECT_ROOT  # the project it serves (a test may serve a copy)
    process: Optional[subprocess.Popen] = None

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def start(self) -> "Server":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        env = {**os.environ, **QUIET_ENV, "PYTHONPATH": str(PROJECT_ROOT), **self.env}
        # Own process group, so stop() ends the server and anything it started.
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()
        return self

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + self.health_path, timeout=2) as reply:
                return reply.status == 200
        except OSError:
            return False

    def wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            if self.ready():
                return
            time.sleep(0.2)  # polling interval while waiting on the readiness condition
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f} s; see {self.log_path}")

    def stop(self, timeout: float = 15.0) -> None:
        if not self.process or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)
        except ProcessLookupError:
            pass


def action_server(port: int = 5055, log_dir: Path = PROJECT_ROOT / "var" / "log") -> Server:
    return Server(
        name="action server",
        url=f"http://{HOST}:{port}",
        health_path="/health",
        command=[sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        log_path=log_dir / "actions.log",
        env={"SANIC_HOST": HOST},  # rasa_sdk binds 0.0.0.0 unless told otherwise
    )


def endpoints_for(action_port: int, base: Path = PROJECT_ROOT / "endpoints.yml",
                  out_dir: Path = PROJECT_ROOT / "var") -> Path:
    """endpoints.yml with the action server on `action_port` (the file is used as is
    when the port is the one it names)."""
    import yaml

    config = yaml.safe_load(Path(base).read_text(encoding="utf-8")) or {}
    url = f"http://{HOST}:{action_port}/webhook"
    if (config.get("action_endpoint") or {}).get("url") == url:
        return Path(base)
    config["action_endpoint"] = {"url": url}
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"endpoints-{action_port}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def rasa_server(
    port: int = 5005,
    model: Path = DEFAULT_MODEL,
    endpoints: Path = PROJECT_ROOT / "endpoints.yml",
    credentials: Path = PROJECT_ROOT / "credentials.yml",
    log_dir: Path = PROJECT_ROOT / "var" / "log",
    extra_args: Optional[List[str]] = None,
    host: str = HOST,  # another address only behind a proxy you control (docs/alexa.md)
) -> Server:
    model = Path(model)
    if not model.is_file():
        # Rasa would silently load the newest model in the folder instead.
        raise FileNotFoundError(f"no trained model at {model}: run `make train`")
    return Server(
        name="Rasa server",
        url=f"http://{_client_host(host)}:{port}",
        health_path="/",
        command=[
            sys.executable, "-m", "rasa", "run", "--model", str(model),
            "--interface", host, "--port", str(port),
            "--endpoints", str(endpoints), "--credentials", str(credentials),
            *(extra_args or []),
        ],
        log_path=log_dir / f"rasa-{port}.log",
    )


def _client_host(host: str) -> str:
    """Where this machine reaches a server bound to `host` (0.0.0.0 and :: mean everywhere)."""
    return {"0.0.0.0": HOST, "::": "[::1]", "": HOST}.get(host, f"[{host}]" if ":" in host else host)
