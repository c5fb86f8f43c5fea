"""The microphone end to end through a PulseAudio virtual microphone: speech played into it is
heard (PyAudio, end-pointing by pause), answered, and the answer is played back into the same
sink; the front end must not hear its own voice. Typing works beside the microphone."""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading

import pytest
from waiting import wait_for

from . import pulse_support
from .fake_rasa import FakeRasa
from .voice_support import FIXTURE_NLU, espeak

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
ROOT = pulse_support.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def virtual_mic(tmp_path_factory):
    mic = pulse_support.start(tmp_path_factory.mktemp("pulse"))
    yield mic
    mic.stop()


class Front:
    """`python -m rasa_project.voice` with no source option: it listens when a microphone exists."""

    def __init__(self, url: str, env: dict, tmp_path, domain_model, *args: str):
        command = [sys.executable, "-m", "rasa_project.voice", "--rasa-url", url, "--channel", "rest",
                   "--audio-out", str(tmp_path / "audio"), "--model-dir", str(domain_model), "--nlu", str(FIXTURE_NLU), *args]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: "queue.Queue[str]" = queue.Queue()
        self.err: "queue.Queue[str]" = queue.Queue()
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=lambda s=stream, q=lines: [q.put(line.rstrip("\n")) for line in s], daemon=True).start()

    def line(self, lines: "queue.Queue[str]", containing: str, timeout: float) -> str:
        while True:
            line = lines.get(timeout=timeout)  # queue.Empty: it never came
            if containing in line:
                return line

    def type(self, text: str) -> None:
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()


def test_spoken_question_is_heard_answered_and_not_heard_back(virtual_mic, domain_model, tmp_path):
    question = espeak("my friend overdosed and is not breathing", tmp_path / "question.wav", rate=160)
    stop = espeak("stop", tmp_path / "stop.wav", rate=150)
    with FakeRasa() as rasa:
        front = Front(rasa.url, virtual_mic.env, tmp_path, domain_model, "--verbose")
        front.line(front.err, "Listening", 120)
        # Capture may start late on a fresh sink: say it again until the assistant hears it.
        for _ in range(3):
            virtual_mic.play(question)
            if rasa.got_message.wait(30):
                break
        assert "Call 911" in front.line(front.out, "Call 911", 30)
        played(virtual_mic)
        front.type("how long does withdrawal last")  # typing works beside the microphone
        wait_for(lambda: len(rasa.received) >= 2, 30, "the typed line")
        played(virtual_mic)
        for _ in range(3):  # "stop", spoken, ends the session
            virtual_mic.play(stop)
            try:
                front.process.wait(timeout=20)
                break
            except subprocess.TimeoutExpired:
                continue
    errors = list(iter_queue(front.err))
    assert front.process.poll() == 0, errors
    said = [m["message"] for m in rasa.received]
    assert ("breathing" in said[0] or "overdose" in said[0]) and "withdrawal" in said[1]
    # Half duplex: the answers played into the sink were never sent back as the person's words.
    assert len(said) == 2, said
    assert "No microphone" not in "".join(iter_queue(front.err))


def played(mic: pulse_support.VirtualMic) -> None:
    """Until the answer has been played into the sink the microphone listens to."""
    wait_for(lambda: mic.playing() > 0, 30, "the answer to start playing")
    wait_for(lambda: mic.playing() == 0, 60, "the answer to finish playing")


def iter_queue(lines: "queue.Queue[str]"):
    while not lines.empty():
        yield lines.get()
