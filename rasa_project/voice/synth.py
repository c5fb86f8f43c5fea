"""Speech engines: espeak-ng through pyttsx3 (the default), or its command line as a fallback.
Each writes one text to one WAV file at a rate in words per minute."""
from __future__ import annotations

import ctypes
import logging
import subprocess
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Protocol

log = logging.getLogger(__name__)

SYNTH_TIMEOUT = 10.0  # seconds to wait for pyttsx3's finished-utterance callback


class Synthesizer(Protocol):
    def synthesize(self, text: str, path: Path, rate: int) -> Path:
        """Write `text` spoken at `rate` words per minute to the WAV file `path`."""


@dataclass
class EspeakCli:
    """espeak-ng as a subprocess: deterministic, about 20 ms more per sentence than pyttsx3."""

    voice: str = "en-us"

    def synthesize(self, text: str, path: Path, rate: int) -> Path:
        subprocess.run(
            ["espeak-ng", "-v", self.voice, "-s", str(rate), "-w", str(path), "--", text],
            check=True, capture_output=True, timeout=SYNTH_TIMEOUT,
        )
        return path


class Pyttsx3Espeak:
    """pyttsx3 with its traps handled (pyttsx3 2.99, espeak driver):
    - runAndWait() returns before the file is written: wait for finished-utterance;
    - several save_to_file calls before one runAndWait keep only the last: one per run;
    - rate changes dropped: runAndWait() ends with driver.stop(), which calls espeak_Cancel()
      because espeak_IsPlaying() stays 1 in retrieval mode; Cancel empties espeak's command
      queue, the queued SetParameter(RATE) included. The driver's stop() is made to cancel
      only while it is really speaking, the old file is removed first (a stale file looks
      like a lagging rate), and espeak's current rate is read back after each utterance.
    Any failure falls back to the espeak-ng command line."""

    def __init__(self, voice: str = "en-us", fallback: Optional[Synthesizer] = None):
        self.voice = voice
        self.fallback = fallback or EspeakCli(voice)
        self.fallbacks = 0  # utterances the fallback had to make (tests and diagnostics)
        self._engine = None
        self._done = threading.Event()
        self._completed = False

    def _load(self):
        if self._engine is None:
            import pyttsx3
            from pyttsx3.drivers import espeak as driver

            driver.print = lambda *a, **k: None  # it prints "Audio saved to ..." on every file
            self._engine = pyttsx3.init("espeak")
            espeak = self._engine.proxy._driver
            cancel = espeak.stop
            espeak.stop = lambda: cancel() if espeak._speaking else None
            self._engine.connect("finished-utterance", self._finished)
            self._engine.setProperty("voice", self.voice)
        return self._engine

    def _finished(self, name=None, completed=True):
        self._completed = completed
        self._done.set()

    def synthesize(self, text: str, path: Path, rate: int) -> Path:
        path = Path(path)
        try:
            engine = self._load()
            if path.exists():
                path.unlink()
            self._done.clear()
            engine.setProperty("rate", rate)
            engine.save_to_file(text, str(path))
            engine.runAndWait()
            if self._done.wait(SYNTH_TIMEOUT) and self._completed and _valid_wav(path) and _espeak_rate() == rate:
                return path
            log.debug("pyttsx3 did not deliver %s at rate %s; using espeak-ng", path.name, rate)
        except Exception as error:  # a broken engine must not silence the answer
            log.debug("pyttsx3 failed (%s); using espeak-ng", error)
        self.fallbacks += 1
        return self.fallback.synthesize(text, path, rate)


def _espeak_rate() -> int:
    """The rate espeak-ng is using now. pyttsx3's getProperty('rate') calls
    espeak_GetParameter without its `current` argument, so ask the library directly."""
    from pyttsx3.drivers import _espeak

    get = _espeak.dll.espeak_GetParameter
    get.argtypes, get.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return get(_espeak.RATE, 1)


def _valid_wav(path: Path) -> bool:
    try:
        with wave.open(str(path)) as w:
            return w.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False
