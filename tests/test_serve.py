"""`make serve`: both servers headless, a health route that sees the action server, and a
clean stop on SIGTERM. The real servers run; nothing is faked."""
from __future__ import annotations

import configparser
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, free_port
from waiting import wait_for
from rasa_project import servers

pytestmark = pytest.mark.slow


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return None, None


def children(pid: int) -> list:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return bool(state.stdout.strip()) and not state.stdout.strip().startswith("Z")


@pytest.fixture
def service(tmp_path, model_path):
    port, actions_port = free_port(), free_port()
    log_dir = tmp_path / "log"
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa_project.cli", "serve", "--port", str(port),
         "--actions-port", str(actions_port), "--log-dir", str(log_dir), "--model", str(model_path)],
        cwd=ROOT, env={**os.environ, **servers.QUIET_ENV, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    health = f"http://127.0.0.1:{port}/webhooks/health/"
    try:
        wait_for(lambda: get(health)[0] == 200 or process.poll() is not None, 300, "health")
        assert process.poll() is None, process.stdout.read().decode(errors="replace")
        yield process, port, actions_port, log_dir, health
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        for child in children(process.pid):
            os.kill(child, signal.SIGKILL)


def test_serve_answers_health_then_stops_both_servers_on_sigterm(service):
    process, port, actions_port, log_dir, health = service
    assert get(health) == (200, {"model": True, "actions": True})
    pids = children(process.pid)
    assert len(pids) == 2
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    assert not any(alive(pid) for pid in pids)
    assert get(health) == (None, None) and get(f"http://127.0.0.1:{actions_port}/health") == (None, None)
    assert process.stdout.read() == b""  # headless: everything went to the log files
    assert {"serve.log", "actions.log", f"rasa-{port}.log"} <= {p.name for p in log_dir.iterdir()}
    assert "stopped" in (log_dir / "serve.log").read_text()


def test_health_fails_when_the_action_server_is_gone_and_serve_exits_for_a_restart(service):
    process, port, actions_port, _, health = service
    actions = [pid for pid in children(process.pid)
               if "rasa_sdk" in open(f"/proc/{pid}/cmdline").read()]
    os.killpg(actions[0], signal.SIGKILL)
    wait_for(lambda: get(health)[0] != 200 or process.poll() is not None, 30, "health to fail")
    status, body = get(health)
    assert process.poll() is not None or (status, body) == (503, {"model": True, "actions": False})
    assert process.wait(60) == 1  # systemd's Restart=on-failure starts the pair again
    assert get(health) == (None, None)


def test_rasa_binds_loopback_by_default_and_the_host_is_configurable(tmp_path):
    from rasa_project import serve

    default = serve.build(serve.parse(["--log-dir", str(tmp_path), "--model", str(ROOT / "config.yml")]))
    assert default[1].command[default[1].command.index("--interface") + 1] == "127.0.0.1"
    assert default[0].env["SANIC_HOST"] == "127.0.0.1"
    wide = serve.build(serve.parse(["--host", "0.0.0.0", "--port", "6001", "--log-dir", str(tmp_path),
                                    "--model", str(ROOT / "config.yml")]))
    assert wide[1].command[wide[1].command.index("--interface") + 1] == "0.0.0.0"
    assert wide[1].url == "http://127.0.0.1:6001" and wide[0].env["SANIC_HOST"] == "127.0.0.1"


def test_the_systemd_unit_runs_serve_headless_and_stops_it_with_sigterm():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(ROOT / "deploy" / "overdose-helper.service")
    service = unit["Service"]
    assert "-m rasa_project.serve" in service["ExecStart"] and "--host 127.0.0.1" in service["ExecStart"]
    assert service["KillSignal"] == "SIGTERM" and service["StandardInput"] == "null"
    assert service["Restart"] == "on-failure"
