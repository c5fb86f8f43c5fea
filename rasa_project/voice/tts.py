"""Text to speech: pyttsx3 on espeak-ng, one sentence per file, played or kept in a folder."""
from __future__ import annotations

import logging
import os
import queue
import shutil
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from rasa_project.voice import speech_text
from rasa_project.voice.sinks import FolderSink, PlayerSink, Sink, find_player
from rasa_project.voice.synth import SYNTH_TIMEOUT, Pyttsx3Espeak, Synthesizer

log = logging.getLogger(__name__)

DEFAULT_RATE = 165  # words per minute; espeak-ng's own default (175) is brisk for someone in shock
MIN_RATE, MAX_RATE = 90, 280
RATE_STEP = 1.25  # slower() divides, faster() multiplies


@dataclass
class Spoken:
    """One answer handed to the speaker: when its first audio was ready, when it finished."""

    text: str
    rate: int = DEFAULT_RATE  # the rate when it was asked for; later changes do not touch it
    files: List[Path] = field(default_factory=list)
    first_audio_at: Optional[float] = None  # time.monotonic() when the first file was written
    first_audio: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    interrupted: bool = False


class Speaker:
    """Speaks answers in order, each completely and once, in a worker thread. Each sentence is
    synthesized and played as soon as it is ready, so "Call 9 1 1 now." starts right away."""

    def __init__(
        self,
        synthesizer: Optional[Synthesizer] = None,
        sink: Optional[Sink] = None,
        out_dir: Path = Path("var/audio"),
        rate: int = DEFAULT_RATE,
    ):
        self.synthesizer = synthesizer or Pyttsx3Espeak()
        self.sink = sink or FolderSink()
        self.out_dir = Path(out_dir)
        self.rate = rate
        self._queue: "queue.Queue[Optional[Spoken]]" = queue.Queue()
        self._generation = 0  # bumped by stop(): answers queued before it are dropped
        self._count = 0
        self._session = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{id(self) % 997:03d}"
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self._pending = 0  # answers queued or being spoken
        self._ready: Dict[Tuple[str, int], Path] = {}  # (sentence, rate) -> audio made in advance (prepare)
        self._played: deque = deque(maxlen=3)  # [sentence, when its playing ended or None] (said_lately)

    @property
    def speaking(self) -> bool:
        """Something is queued or being said (the microphone does not listen meanwhile)."""
        return self._pending > 0

    def speak(self, text: str) -> Spoken:
        return self._put(Spoken(text, self.rate))

    def _put(self, spoken: Spoken, kind: str = "say") -> Spoken:
        """Queue `spoken` for the worker: kind "say", "warm up" or "prepare"."""
        with self._lock:
            if self._thread is None:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)
                self._thread.start()
            self._pending += 1
            self._queue.put((self._generation, spoken, kind))
        return spoken

    def warm_up(self) -> None:
        """Load the speech engine now (about 0.2 s), not during the first, urgent answer."""
        self._put(Spoken(""), "warm up")

    def prepare(self, texts: Iterable[str]) -> None:
        """Make these texts' sentences now, at the current rate, so an answer that starts with
        one ("Call 911 now.") is heard without waiting for the speech engine."""
        for text in texts:
            self._put(Spoken(text, self.rate), "prepare")

    def said_lately(self, seconds: float) -> List[str]:
        """The sentences playing now or ended less than `seconds` ago: barge-in does not take the
        assistant's own "stop" for the person's."""
        now = time.monotonic()
        return [sentence for sentence, ended in list(self._played) if ended is None or now - ended < seconds]

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Until everything queued so far has been spoken."""
        marker = self.speak("")
        return marker.done.wait(timeout)

    def stop(self) -> None:
        """Interrupt the current answer and drop the queued ones."""
        with self._lock:
            self._generation += 1
        self.sink.interrupt()

    def slower(self) -> int:
        self.rate = max(MIN_RATE, round(self.rate / RATE_STEP))
        return self.rate

    def faster(self) -> int:
        self.rate = min(MAX_RATE, round(self.rate * RATE_STEP))
        return self.rate

    def close(self) -> None:
        if self._thread:
            self._queue.put(None)
            self._thread.join(timeout=SYNTH_TIMEOUT)
        for path in self._ready.values():
            path.unlink(missing_ok=True)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            generation, spoken, kind = item
            try:
                if kind == "warm up":
                    self._warm_up()
                elif kind == "prepare":
                    self._prepare(spoken)
                else:
                    self._say(generation, spoken)
            except Exception:
                log.exception("speech failed")
            finally:
                with self._lock:
                    self._pending -= 1
                spoken.first_audio.set()
                spoken.done.set()

    def _warm_up(self) -> None:
        path = self.out_dir / f".warm-up-{self._session}.wav"
        self.synthesizer.synthesize("Ready.", path, self.rate)
        path.unlink(missing_ok=True)

    def _prepare(self, spoken: Spoken) -> None:
        for sentence in speech_text.sentences(speech_text.render(spoken.text)):
            if (sentence, spoken.rate) not in self._ready:
                path = self.out_dir / f".ready-{self._session}-{len(self._ready):02d}.wav"
                self._ready[(sentence, spoken.rate)] = self.synthesizer.synthesize(sentence, path, spoken.rate)

    def _say(self, generation: int, spoken: Spoken) -> None:
        self._count += 1 if spoken.text else 0
        for part, sentence in enumerate(speech_text.sentences(speech_text.render(spoken.text)), 1):
            if generation != self._generation:
                spoken.interrupted = True
                return
            path = self._make(sentence, spoken.rate, self.out_dir / f"{self._session}-{self._count:04d}-{part:02d}.wav")
            spoken.files.append(path)
            if generation != self._generation:  # stop() came while it was being made
                spoken.interrupted = True
                return
            if spoken.first_audio_at is None:
                spoken.first_audio_at = time.monotonic()
                spoken.first_audio.set()
            playing = [sentence, None]
            self._played.append(playing)
            try:
                self.sink.play(path)
            finally:
                playing[1] = time.monotonic()

    def _make(self, sentence: str, rate: int, path: Path) -> Path:
        """The sentence's audio at `path`, which appears whole: it is made under a hidden name and
        renamed. Barge-in reads each new file in the folder as the answer to cancel, and a file
        read half-written left a sentence uncancelled (its closing "stop" stopped the answer)."""
        partial = path.with_name(f".partial-{path.stem}")
        ready = self._ready.get((sentence, rate))
        if ready and ready.is_file():
            shutil.copyfile(ready, partial)
        else:
            partial = Path(self.synthesizer.synthesize(sentence, partial, rate))
        os.replace(partial, path)
        return path


def create_speaker(out_dir: Path = Path("var/audio"), voice: str = "en-us", rate: int = DEFAULT_RATE, notice=print,
                   prepare: Iterable[str] = ()) -> Speaker:
    """A speaker for this machine: played aloud when there is a sound device, else files.
    `prepare`: texts made in advance (the urgent ones)."""
    player = find_player()
    if player is None:
        notice(f"No sound device here: answers are written as WAV files to {out_dir}/ instead.")
    sink = PlayerSink(player) if player else FolderSink()
    speaker = Speaker(Pyttsx3Espeak(voice), sink, out_dir, rate)
    prepare = list(prepare)
    if prepare:
        speaker.prepare(prepare)  # loads the engine too
    else:
        speaker.warm_up()
    return speaker
