"""Voice round trip through the real servers: espeak-ng speaks a question to WAV, the
voice loop recognizes it (pocketsphinx, domain model), the real Rasa server and action
server answer, and pyttsx3 writes the answer to WAV files. No microphone here: the loop's
--audio mode reads the WAV, as it would read one from the microphone."""
from __future__ import annotations

import subprocess
import wave

import pytest

from rasa_project.voice import loop

pytestmark = pytest.mark.slow


def speak_to_wav(text: str, path, voice: str = "en-us") -> None:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True)


def duration(path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def test_spoken_emergency_gets_call_911_spoken_first(rasa_server, tmp_path, capsys):
    question = tmp_path / "question.wav"
    speak_to_wav("my friend overdosed", question)
    out = tmp_path / "answers"
    code = loop.main(["--audio", str(question), "--channel", "rest", "--audio-out", str(out)],
                     rasa_url=rasa_server.url)
    printed = capsys.readouterr().out
    assert code == 0
    assert "Call 911" in printed
    wavs = sorted(out.rglob("*.wav"), key=lambda p: p.stat().st_mtime)
    assert wavs, "no answer audio written"
    assert all(duration(w) > 0.5 for w in wavs)
    # The first audio written is the "Call 911" sentence: short, and said before the rest.
    first = wavs[0]
    assert duration(first) < 4.0


def test_silence_gets_the_911_reminder_and_the_session_goes_on(rasa_server, tmp_path, capsys):
    silence = tmp_path / "silence.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(silence), "trim", "0", "1.5"], check=True)
    question = tmp_path / "question.wav"
    speak_to_wav("how long does withdrawal last", question)
    code = loop.main(["--audio", str(silence), str(question), "--channel", "rest", "--audio-out", str(tmp_path / "a")],
                     rasa_url=rasa_server.url)
    printed = capsys.readouterr().out
    assert code == 0
    assert "911" in printed
    assert "ithdrawal" in printed  # the second file was still heard and answered
