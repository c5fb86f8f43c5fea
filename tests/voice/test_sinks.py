"""The audio player as the product runs it (a real child process): a player that hangs is
stopped once it has run past the file's length plus the slack, so speaking goes on; a player
that ends on its own is left alone."""
from __future__ import annotations

import sys
import wave

from rasa_project.voice import sinks

HANGS = [sys.executable, "-c", "import time; time.sleep(600)"]  # a stalled sound server, as a player
ENDS = [sys.executable, "-c", "pass"]


def short_wav(path, seconds: float = 0.2):
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1), f.setsampwidth(2), f.setframerate(16000)
        f.writeframes(bytes(int(16000 * seconds) * 2))
    return path


def test_a_hung_player_is_stopped_and_play_returns(tmp_path):
    sink = sinks.PlayerSink(HANGS, slack=0.5)
    sink.play(short_wav(tmp_path / "a.wav"))
    assert sink._process.returncode is not None and sink._process.returncode < 0  # killed, not ended


def test_a_player_that_ends_is_left_alone(tmp_path):
    sink = sinks.PlayerSink(ENDS, slack=0.5)
    sink.play(short_wav(tmp_path / "a.wav"))
    assert sink._process.returncode == 0


def test_the_bound_is_the_files_length_or_a_long_default(tmp_path):
    assert abs(sinks._seconds(short_wav(tmp_path / "a.wav", 1.5)) - 1.5) < 1e-6
    (tmp_path / "bad.wav").write_bytes(b"RIFF....not a wave")
    assert sinks._seconds(tmp_path / "bad.wav") == sinks.UNKNOWN_LENGTH
    assert sinks._seconds(tmp_path / "missing.wav") == sinks.UNKNOWN_LENGTH
