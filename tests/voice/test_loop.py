"""The conversation loop end to end, with FakeRasa standing in for the Rasa server (real-server
round trips live with the other end-to-end tests)."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rasa_project.voice.client import RasaClient
from rasa_project.voice import sinks, synth, tts
from rasa_project.voice.audio import Utterance, read_wav
from rasa_project.voice.loop import Session, main
from rasa_project.voice.speech_text import render, sentences

from .fake_rasa import EMERGENCY_ANSWER, OTHER_ANSWER, FakeRasa
from .voice_support import FIXTURE_NLU, free_port, sox

ROOT = Path(__file__).resolve().parents[2]
REMINDER = "Call 911 now if someone is not breathing or will not wake up."
DIDNT_CATCH = "I did not catch that."


@pytest.fixture
def run_loop(monkeypatch, capsys, tmp_path, domain_model):
    """main() in this process with typed lines on stdin; returns (stdout lines, stderr)."""

    def run(url: str, lines: str = "", *args: str):
        monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
        # The danger spotter has its own tests (test_spotter.py): here each answer is the server's.
        argv = ["--audio-out", str(tmp_path / "audio"), "--model-dir", str(domain_model), "--nlu", str(FIXTURE_NLU),
                "--no-spotter", *args]
        assert main(argv, url) == 0
        out, err = capsys.readouterr()
        return [line for line in out.splitlines() if line], err

    return run


def subprocess_loop(url: str, domain_model: Path, tmp_path: Path, *args: str, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "rasa_project.voice", "--rasa-url", url, "--audio-out", str(tmp_path / "audio"),
               "--model-dir", str(domain_model), "--nlu", str(FIXTURE_NLU), "--no-spotter", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def test_typed_conversation_until_end_of_input(run_loop):
    with FakeRasa() as rasa:
        out, _ = run_loop(rasa.url, "someone is not breathing\n\nwhat can you do\n")
    assert out == [EMERGENCY_ANSWER, "Check if they respond.", OTHER_ANSWER]
    assert [m["message"] for m in rasa.received] == ["someone is not breathing", "what can you do"]


@pytest.mark.parametrize("word", ["stop", "quit", "Stop."])
def test_stop_or_quit_ends_the_session(run_loop, word):
    with FakeRasa() as rasa:
        out, _ = run_loop(rasa.url, f"hello\n{word}\nsomeone is not breathing\n")
    assert [m["message"] for m in rasa.received] == ["hello"] and out == [OTHER_ANSWER]


def test_unreachable_server_still_gets_a_safe_answer(run_loop, caplog):
    out, _ = run_loop("http://127.0.0.1:9", "someone is not breathing\nhelp\n")
    assert out[0].startswith(REMINDER) and out[1].startswith(REMINDER)
    assert caplog.text.count("did not answer") == 1  # warned once per outage, not every turn


def test_audio_files_silence_and_noise(run_loop, wav, tmp_path):
    files = [wav("someone is not breathing"), sox(tmp_path / "noise.wav", "synth", "2", "whitenoise", "vol", "0.4"),
             sox(tmp_path / "silence.wav", "trim", "0", "2"), wav("my friend is not breathing", "en-gb")]
    with FakeRasa() as rasa:
        out, err = run_loop(rasa.url, "", "--audio", *map(str, files))
    assert out[:2] == [EMERGENCY_ANSWER, "Check if they respond."]
    assert out[2].startswith(REMINDER) and DIDNT_CATCH in out[2]  # noise: the session goes on
    assert out[3].startswith(REMINDER) and DIDNT_CATCH in out[3]  # silence
    assert out[4] == EMERGENCY_ANSWER
    assert len(rasa.received) == 2 and all("breathing" in m["message"] for m in rasa.received)
    for message in rasa.received:  # what the person said is not logged without --verbose
        assert message["message"] not in err


def test_answer_audio_starts_soon_after_speech_ends(recognizer, wav, tmp_path):
    speaker = tts.create_speaker(tmp_path / "audio", notice=lambda _: None)
    with FakeRasa() as rasa:
        session = Session(RasaClient(rasa.url, mode="rest"), speaker, recognizer, out=io.StringIO())
        for text in ("someone is not breathing", "he will not wake up"):
            audio = read_wav(wav(text))
            session.handle(Utterance(audio, ended_at=time.monotonic()))
    speaker.close()
    assert len(session.latencies) == 2
    assert max(session.latencies) < 2.0, session.latencies  # measured 0.2-0.6 s on 2 busy cores


def test_wav_stream_on_stdin(domain_model, tmp_path):
    speech = subprocess.run(["espeak-ng", "--stdout", "someone is not breathing"], capture_output=True, check=True).stdout
    with FakeRasa() as rasa:
        loop = subprocess_loop(rasa.url, domain_model, tmp_path, "--audio", "-", stdin=subprocess.PIPE)
        out, err = loop.communicate(speech, timeout=120)
    assert loop.returncode == 0, err
    assert out.decode().splitlines()[0] == EMERGENCY_ANSWER
    assert b"No sound device" in err and b"Traceback" not in err


def test_missing_microphone_falls_back_to_typing(run_loop):
    with FakeRasa() as rasa:
        out, err = run_loop(rasa.url, "someone is not breathing\n", "--mic")
    assert err.count("No microphone available") == 1
    assert out[0] == EMERGENCY_ANSWER


def test_ctrl_c_ends_cleanly(domain_model, tmp_path):
    with FakeRasa() as rasa:
        loop = subprocess_loop(rasa.url, domain_model, tmp_path, stdin=subprocess.PIPE)
        loop.stdin.write(b"hello\n")
        loop.stdin.flush()
        assert rasa.got_message.wait(60)
        loop.send_signal(signal.SIGINT)
        out, err = loop.communicate(timeout=60)
    assert loop.returncode == 0 and b"Traceback" not in err


@pytest.mark.timeout(120)
def test_unprompted_reminder_is_printed_and_spoken(domain_model, tmp_path):
    port = free_port()
    with FakeRasa(callback_url=f"http://127.0.0.1:{port}/bot") as rasa:
        loop = subprocess_loop(rasa.url, domain_model, tmp_path, "--channel", "callback", "--callback-port", str(port),
                               "--sender", "kim", stdin=subprocess.PIPE)
        loop.stdin.write(b"he will not wake up\n")
        loop.stdin.flush()
        # Its first sentence is said the moment Rasa sends it (tests/voice/test_first_words.py), the rest after.
        first, rest = EMERGENCY_ANSWER.split(". ", 1)
        assert loop.stdout.readline().decode().strip() == first + "."
        assert loop.stdout.readline().decode().strip() == rest
        assert loop.stdout.readline().decode().strip() == "Check if they respond."
        rasa.push("kim", {"text": "It has been 3 minutes. Is the person breathing now?"})
        assert loop.stdout.readline().decode().strip() == "It has been 3 minutes. Is the person breathing now?"
        loop.stdin.close()
        assert loop.wait(60) == 0
    said = [EMERGENCY_ANSWER, "Check if they respond.", "It has been 3 minutes. Is the person breathing now?"]
    spoken = sorted((tmp_path / "audio").glob("*.wav"))
    assert len(spoken) == sum(len(sentences(render(text))) for text in said)  # one file per sentence


@pytest.mark.parametrize("said, rates", [("slower", [132]), ("can you go slower", [132]), ("faster", [206])])
def test_the_assistants_answer_owns_the_speech_rate(tmp_path, said, rates):
    """The rate has one owner: Rasa's answer carries speech_rate and the front end applies it once."""
    speaker = tts.Speaker(synth.Pyttsx3Espeak(), sinks.FolderSink(), tmp_path / "audio")
    with FakeRasa() as rasa:
        session = Session(RasaClient(rasa.url, mode="rest"), speaker, out=io.StringIO())
        session.handle(said)
    assert [speaker.rate] == rates
    speaker.close()


def test_buttons_are_read_as_choices(tmp_path):
    speaker = tts.Speaker(synth.Pyttsx3Espeak(), sinks.FolderSink(), tmp_path / "audio")
    printed = io.StringIO()
    session = Session(RasaClient("http://127.0.0.1:9"), speaker, out=printed)
    spoken = session.present({"text": "Is the person breathing?", "buttons": [{"title": "Yes"}, {"title": "No"}]})
    assert spoken.text == printed.getvalue().strip() == "Is the person breathing? You can say Yes, or No."
    speaker.close()
