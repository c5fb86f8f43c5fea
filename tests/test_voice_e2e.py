"""Voice round trip through the real servers: espeak-ng speaks a question to WAV, the
voice loop recognizes it (pocketsphinx, domain model), the real Rasa server and action
server answer, and pyttsx3 writes the answer to WAV files. No microphone here: the loop's
--audio mode reads the WAV, as it would read one from the microphone."""
from __future__ import annotations

import pytest

from rasa_project.voice import loop
from rasa_project.voice.audio import wav_seconds
from voice.voice_support import espeak, sox

pytestmark = pytest.mark.slow


def test_spoken_emergency_gets_call_911_spoken_first(rasa_server, tmp_path, capsys):
    question = tmp_path / "question.wav"
    espeak("my friend overdosed", question, rate=150)
    out = tmp_path / "answers"
    code = loop.main(["--audio", str(question), "--channel", "rest", "--audio-out", str(out)],
                     rasa_url=rasa_server.url)
    printed = capsys.readouterr().out
    assert code == 0
    assert "Call 911" in printed
    wavs = sorted(out.rglob("*.wav"), key=lambda p: p.stat().st_mtime)
    assert wavs, "no answer audio written"
    assert all(wav_seconds(w) > 0.5 for w in wavs)
    # The first audio written is the "Call 911" sentence: short, and said before the rest.
    first = wavs[0]
    assert wav_seconds(first) < 4.0


def test_silence_gets_the_911_reminder_and_the_session_goes_on(rasa_server, tmp_path, capsys):
    silence = tmp_path / "silence.wav"
    sox(silence, "trim", "0", "1.5")
    question = tmp_path / "question.wav"
    espeak("how long does withdrawal last", question, rate=150)
    code = loop.main(["--audio", str(silence), str(question), "--channel", "rest", "--audio-out", str(tmp_path / "a")],
                     rasa_url=rasa_server.url)
    printed = capsys.readouterr().out
    assert code == 0
    assert "911" in printed
    assert "ithdrawal" in printed  # the second file was still heard and answered
