"""The README's first command, run as written: `make run`, typed text on stdin."""
from __future__ import annotations

import os
import signal
import socket
import subprocess

import pytest

from conftest import ROOT, free_port
from rasa_project.content.library import default_library

pytestmark = pytest.mark.slow


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_make_run_answers_typed_text_and_leaves_no_server_running(model_path, tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    result = subprocess.run(
        ["make", "run", f"ARGS=--rasa-port {rasa_port} --actions-port {actions_port} --audio-out {tmp_path}"],
        cwd=ROOT, input="someone isn't breathing\nstop\n", capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert "Call 911" in out
    cpr = default_library().topics["overdose_emergency"].items["start_cpr"].chunks[0]
    assert out.index("Call 911") < out.index(cpr[:40])  # not breathing: CPR, after Call 911
    assert not listening(rasa_port) and not listening(actions_port)


def test_ctrl_c_ends_make_run_and_leaves_no_server_running(model_path, tmp_path):
    # Ctrl-C in a terminal sends SIGINT to the whole foreground process group: make and
    # the assistant. The servers run in their own sessions, so only the assistant's own
    # clean-up can stop them.
    rasa_port, actions_port = free_port(), free_port()
    process = subprocess.Popen(
        ["make", "run", f"ARGS=--rasa-port {rasa_port} --actions-port {actions_port} --audio-out {tmp_path}"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        for line in process.stdout:  # wait for the assistant to be ready, not a fixed time
            if line.startswith("Ready in"):
                break
        assert listening(rasa_port) and listening(actions_port)
        os.killpg(process.pid, signal.SIGINT)
        rest = process.communicate(timeout=120)[0]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert "Traceback" not in rest, rest[-2000:]
    assert not listening(rasa_port) and not listening(actions_port)
