"""Barge-in: while the assistant speaks, the microphone listens for "stop" only. The answer
being played is subtracted from what the microphone hears (the speaker wrote it to a WAV file),
and what is left, when short and loud enough, goes to a pocketsphinx keyword spotter."""
from __future__ import annotations

import logging
import os
import re
import tempfile
import time
import wave
from pathlib import Path
from typing import Callable, List, Optional, Set

from rasa_project.voice import commands
from rasa_project.voice.audio import RATE, WIDTH, Converter, Format, SpeechDetector

log = logging.getLogger(__name__)

HOP = 8  # chunks of the microphone's 30 ms per echo-cancelling step: 0.24 s
WINDOW = 1.0  # seconds of microphone audio each step aligns with the answer
REFERENCES = 2  # answer files tried per step: the one playing and the one before
ECHO_LEFT = 0.25  # a hop whose residual keeps under this share of its level (-12 dB) is our own voice
MIN_RESIDUAL_RMS = 150  # and under this the person said nothing either
COMMAND_PAUSE = 0.3  # seconds of quiet after a word: the command has ended
MAX_COMMAND = 1.5  # seconds: anything longer is a sentence, not a command, and is ignored
ECHO_TAIL = 0.3  # seconds still read and dropped after the answer ends: it is still in the buffers
OWN_WORD = 1.5  # seconds after one of its own sentences with an end command in it: a stop heard is that echo
THRESHOLD = 1e-25  # keyword threshold: alone it heard 87 of 87 "stop"s said over answers (README)
PAD = bytes(int(0.3 * RATE) * WIDTH)


def _numpy():
    import numpy

    return numpy


class EchoCanceller:
    """Removes the answer being played (a delayed, scaled copy of its WAV file, as on a sound
    server's loopback) from the microphone's audio. Each step finds each candidate file's delay
    by cross-correlation, then both gains at once by least squares."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._seen: Set[str] = set(self._names())
        self._references: List = []  # float arrays at RATE, oldest first

    def _names(self) -> List[str]:
        try:
            return [p.name for p in sorted(self.folder.glob("*.wav"), key=lambda p: p.stat().st_mtime) if not p.name.startswith(".")]
        except OSError:  # a file removed while listing: next step
            return []

    def refresh(self) -> None:
        """Take in the answer files written since the last look."""
        for name in self._names():
            if name not in self._seen:
                reference = _read_reference(self.folder / name)
                if reference is not None and len(reference):  # else not written yet: next step
                    self._seen.add(name)
                    self._references = (self._references + [reference])[-REFERENCES:]

    def cancel(self, heard):
        """`heard` (floats) minus the best fit of the answer files to it."""
        np = _numpy()
        columns = [c for c in (_aligned(r, heard) for r in self._references) if c is not None]
        if not columns:
            return heard
        matrix = np.stack(columns, axis=1)
        gains, *_ = np.linalg.lstsq(matrix, heard, rcond=None)
        return heard - matrix @ gains


def _read_reference(path: Path):
    np = _numpy()
    try:
        with wave.open(str(path)) as w:
            pcm, rate, width, channels = w.readframes(w.getnframes()), w.getframerate(), w.getsampwidth(), w.getnchannels()
            if len(pcm) < w.getnframes() * width * channels:  # its header is written, not all its audio
                return None
    except (OSError, EOFError, wave.Error):  # still being written, or gone
        return None
    # audio.Converter resamples with audioop, which fits PulseAudio's output far better (-27 dB)
    # than a polyphase resampler did.
    return np.frombuffer(Converter(Format(rate, width, channels))(pcm), dtype="<i2").astype(float)


def _aligned(reference, heard):
    """The stretch of `reference` that lines up with `heard`, zero where they do not overlap."""
    np = _numpy()
    n = len(heard)
    padded = np.concatenate([np.zeros(n), reference, np.zeros(n)])
    size = 1 << int(len(padded) + n).bit_length()
    score = np.fft.irfft(np.fft.rfft(padded, size) * np.conj(np.fft.rfft(heard, size)), size)[: len(padded) - n + 1]
    if not score.any():
        return None
    # Normalized by the stretch's own energy: raw correlation favours the loud parts of the
    # answer, and got the first syllable of a sentence wrong (heard as the person's voice).
    energy = np.concatenate([[0.0], np.cumsum(padded ** 2)])
    stretch = energy[n:] - energy[:-n]
    start = int(np.argmax(np.abs(score) / np.sqrt(stretch[: len(score)] + n * 100.0 ** 2)))
    return padded[start : start + n]


# What else people say over an answer: the keyword search alone took 73 of 87 such words
# ("what", "okay", "shop", ...) said over answers for "stop"; with this choice after it, 3 of 87
# (and 45 of 87 real stops are still heard: the person may have to say it twice).
OTHER_WORDS = ("what okay wait help yes no yeah hello sorry please go again repeat next back slower faster "
               "louder thanks hey huh um oh right sure done one two three call breathing").split()


class StopSpotter:
    """pocketsphinx on one short burst at a time: a keyword search for the end commands, then a
    choice between them and OTHER_WORDS, which must pick an end command too."""

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self.ends = frozenset(phrase.split()[0] for phrase in commands.END)
        self._decoder = None

    def load(self) -> None:
        if self._decoder is None:
            from pocketsphinx import Decoder

            decoder = Decoder(lm=None, dither=True, loglevel="FATAL")
            words = sorted(self.ends)
            with tempfile.NamedTemporaryFile("w", suffix=".kws", delete=False) as listing:
                listing.writelines(f"{word} /{self.threshold:g}/\n" for word in words)
            try:
                decoder.add_kws("keyword", listing.name)
            finally:
                os.unlink(listing.name)
            choices = [w for w in dict.fromkeys(words + OTHER_WORDS) if decoder.lookup_word(w)]
            decoder.add_jsgf_string("choice", f"#JSGF V1.0;\ngrammar choice;\npublic <said> = {' | '.join(choices)};\n")
            self._decoder = decoder

    def heard_stop(self, pcm: bytes) -> bool:
        self.load()
        return bool(self._decode("keyword", pcm)) and self._decode("choice", pcm) in self.ends

    def _decode(self, search: str, pcm: bytes) -> str:
        d = self._decoder
        d.activate_search(search)
        d.start_utt()
        d.process_raw(PAD + pcm + PAD, full_utt=True)
        d.end_utt()
        hyp = d.hyp()
        return hyp.hypstr.strip() if hyp else ""


class BargeIn:
    """One listen per stretch of speech: `listen` returns when the speaker is silent, after
    stopping it if the person said "stop" meanwhile."""

    def __init__(self, folder: Path, spotter: Optional[StopSpotter] = None):
        self.echo = EchoCanceller(folder)
        self.spotter = spotter or StopSpotter()
        self.heard = 0  # stops heard over speech (tests and diagnostics)

    def load(self) -> None:
        self.spotter.load()

    def listen(self, read: Callable[[], bytes], speaker) -> bool:
        """Read the microphone until the answer ends; True when "stop" cut it short."""
        np = _numpy()
        window: List[bytes] = []
        hop: List[bytes] = []
        command = _Command()
        stopped = False
        while speaker.speaking and not stopped:
            chunk = read()
            window, hop = (window + [chunk])[-int(WINDOW * RATE * WIDTH / len(chunk)):], hop + [chunk]
            if len(hop) < HOP:
                continue
            self.echo.refresh()
            heard = np.frombuffer(b"".join(window), dtype="<i2").astype(float)
            left = self.echo.cancel(heard)[-len(b"".join(hop)) // WIDTH:]
            hop = []
            burst = command.feed(*_residual(left, heard[-len(left):]))
            if burst and self.spotter.heard_stop(burst):
                stopped = not self._its_own_word(speaker)
        if stopped:
            self.heard += 1
            speaker.stop()
            log.info("voice: stop heard while speaking; the answer was cut short")
            speaker.wait()
        _drain(read, ECHO_TAIL)
        # The end of the word itself must not become the next utterance; nor may the rest of a
        # word begun over the answer's last words: half of a "stop" was once heard as "all right".
        if stopped or _under_way(read):
            _until_quiet(read)
        return stopped

    def _its_own_word(self, speaker) -> bool:
        """The answer itself says an end command ("until it tells you to stop"): had the
        subtraction missed that word, the assistant would stop itself mid-CPR. A person's stop
        said over such a sentence is missed too; the next sentence hears it."""
        said = getattr(speaker, "said_lately", lambda seconds: [])(OWN_WORD)
        own = any(word.startswith(end) for sentence in said for word in re.findall(r"[a-z']+", sentence.lower())
                  for end in self.spotter.ends)
        if own:
            log.info("voice: stop heard over its own sentence that says it; not taken as the person's")
        return own


def _residual(left, heard):
    """The person's share of a hop as PCM, and the same gated: silence where only our own
    voice was there (the residual keeps under ECHO_LEFT of the level heard)."""
    np = _numpy()
    pcm = np.clip(left, -32768, 32767).astype("<i2").tobytes()
    level, rest = float(np.sqrt(np.mean(heard ** 2))), float(np.sqrt(np.mean(left ** 2)))
    quiet = rest < MIN_RESIDUAL_RMS or rest < ECHO_LEFT * level
    return pcm, bytes(len(pcm)) if quiet else pcm


class _Command:
    """Cuts the residual into bursts; hands back a burst short enough to be a command."""

    def __init__(self):
        self._detector = SpeechDetector(COMMAND_PAUSE)
        self._burst = bytearray()
        self._before = b""  # the hop before speech started: the detector needs a few frames

    def feed(self, pcm: bytes, gated: bytes) -> Optional[bytes]:
        """`gated` decides where speech is; the burst keeps all of `pcm` from there."""
        ended = self._detector.feed(gated)
        if self._detector.in_speech or ended:
            self._burst += (self._before if not self._burst else b"") + pcm
        self._before = pcm
        if not ended:
            return None
        burst, self._burst = bytes(self._burst), bytearray()
        return burst if len(burst) <= (MAX_COMMAND + COMMAND_PAUSE) * RATE * WIDTH else None


def _drain(read: Callable[[], bytes], seconds: float) -> None:
    got = 0
    while got < seconds * RATE * WIDTH:
        got += len(read())


def _under_way(read: Callable[[], bytes], seconds: float = 0.21) -> bool:
    """Speech already going on as the answer ends (begun over its last words or its echo)."""
    detector = SpeechDetector(COMMAND_PAUSE)
    got = 0
    while got < seconds * RATE * WIDTH:
        chunk = read()
        detector.feed(chunk)
        got += len(chunk)
    return detector.in_speech


def _until_quiet(read: Callable[[], bytes], limit: float = 3.0) -> None:
    detector = SpeechDetector(COMMAND_PAUSE)
    started = time.monotonic()
    quiet = 0
    while quiet < COMMAND_PAUSE * RATE * WIDTH and time.monotonic() - started < limit:
        chunk = read()
        detector.feed(chunk)
        quiet = 0 if detector.in_speech else quiet + len(chunk)


def create(speaker) -> Optional[BargeIn]:
    """Barge-in for this speaker, or None (half duplex as before) when it cannot run here."""
    folder = getattr(speaker, "out_dir", None)
    if folder is None:
        return None
    try:
        barge_in = BargeIn(Path(folder))
        barge_in.load()
        return barge_in
    except Exception as error:  # no numpy or no pocketsphinx model: the microphone still works
        log.warning("voice: no barge-in (%s); say stop after the answer", error)
        return None
