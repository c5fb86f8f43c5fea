"""Where spoken audio goes: a command-line player when the machine has a sound device,
else the files stay in their folder."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
import wave
from pathlib import Path
from typing import List, Optional, Protocol

from rasa_project.voice.audio import wav_seconds

log = logging.getLogger(__name__)


class Sink(Protocol):
    def play(self, path: Path) -> None:
        """Play a file to the end (returns early when interrupted)."""

    def interrupt(self) -> None:
        ...


class FolderSink:
    """No sound device: the files stay in the folder, nothing is played."""

    def play(self, path: Path) -> None:
        pass

    def interrupt(self) -> None:
        pass


PLAYER_SLACK = 10.0  # seconds a player may take beyond the file's own length (start-up, a busy sound server)
UNKNOWN_LENGTH = 120.0  # the bound when the file's length cannot be read


class PlayerSink:
    """Plays through a command-line player (aplay, paplay or sox's play). A player that hangs (a
    stalled sound server) is stopped once it has run PLAYER_SLACK past the file's length, so the
    next sentence, and the next turn, still come."""

    def __init__(self, command: List[str], slack: float = PLAYER_SLACK):
        self.command = command
        self.slack = slack
        self._process: Optional[subprocess.Popen] = None
        self._lock = threading.Lock()

    def play(self, path: Path) -> None:
        with self._lock:
            self._process = subprocess.Popen(self.command + [str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._process.wait(timeout=_seconds(path) + self.slack)
        except subprocess.TimeoutExpired:
            log.warning("the audio player hung on %s: stopped it", path.name)
            self._process.kill()
            self._process.wait()

    def interrupt(self) -> None:
        with self._lock:
            if self._process and self._process.poll() is None:
                self._process.terminate()


def _seconds(path: Path) -> float:
    try:
        return wav_seconds(path)
    except (OSError, EOFError, wave.Error, ZeroDivisionError):
        return UNKNOWN_LENGTH


def find_player() -> Optional[List[str]]:
    """A player command when this machine has somewhere to send sound, else None."""
    pulse = os.environ.get("PULSE_SERVER") or Path(os.environ.get("XDG_RUNTIME_DIR", "/nonexistent"), "pulse", "native").exists()
    alsa = Path("/dev/snd").is_dir() and any(p.name.startswith("pcm") for p in Path("/dev/snd").iterdir())
    for command, needs in ((["paplay"], pulse), (["aplay", "-q"], alsa), (["play", "-q"], alsa or pulse)):
        if needs and shutil.which(command[0]):
            return command
    return None
