"""Audio in: WAV files and WAV streams cut into utterances, as 16 kHz mono 16-bit PCM."""
from __future__ import annotations

import audioop
import struct
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Tuple, Union

RATE = 16000  # what the pocketsphinx acoustic model and the VAD expect
WIDTH = 2
SILENCE_ENDS_UTTERANCE = 1.0  # seconds of non-speech that end an utterance in a live stream
_READ = 4096


@dataclass
class Audio:
    pcm: bytes  # 16 kHz, mono, signed 16-bit little-endian

    @property
    def seconds(self) -> float:
        return len(self.pcm) / (RATE * WIDTH)


@dataclass
class Utterance:
    audio: Audio
    ended_at: float = field(default_factory=time.monotonic)  # when its end was known: latency starts here
    had_speech: bool = True  # False: the voice activity detector heard nothing


@dataclass(frozen=True)
class Format:
    rate: int
    width: int
    channels: int


class Converter:
    """Incremental conversion to 16 kHz mono 16-bit (keeps resampler state between chunks)."""

    def __init__(self, fmt: Format):
        self.fmt = fmt
        self._state = None
        self._tail = b""

    def __call__(self, data: bytes) -> bytes:
        frame = self.fmt.width * self.fmt.channels
        data = self._tail + data
        cut = len(data) - len(data) % frame
        data, self._tail = data[:cut], data[cut:]
        if self.fmt.channels > 1:
            data = audioop.tomono(data, self.fmt.width, 0.5, 0.5) if self.fmt.channels == 2 else _first_channel(data, self.fmt)
        if self.fmt.width == 1:  # 8-bit WAV is unsigned; audioop reads bytes as signed
            data = audioop.bias(data, 1, 128)
        if self.fmt.width != WIDTH:
            data = audioop.lin2lin(data, self.fmt.width, WIDTH)
        if self.fmt.rate != RATE:
            data, self._state = audioop.ratecv(data, WIDTH, 1, self.fmt.rate, RATE, self._state)
        return data


def _first_channel(data: bytes, fmt: Format) -> bytes:
    step = fmt.width * fmt.channels
    return b"".join(data[i : i + fmt.width] for i in range(0, len(data), step))


class WavReader:
    """Reads the WAVs in a binary stream one after another (`(espeak-ng --stdout a; espeak-ng
    --stdout b) | ...` concatenates them). A WAV ends at its data size, at the next RIFF
    header or at the end of the stream; each comes out as converted PCM chunks."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._pending = b""
        self._seen = 0

    def wavs(self) -> Iterator[Iterator[bytes]]:
        while True:
            header = self._header()
            if header is None:
                return
            self._seen += 1
            yield self._body(*header)

    def _read(self, n: int = _READ) -> bytes:
        if self._pending:
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        return self._stream.read(n)

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            more = self._read(n - len(data))
            if not more:
                break
            data += more
        return data

    def _header(self) -> Optional[Tuple[Format, Optional[int]]]:
        head = self._exactly(12)
        while self._seen and len(head) == 12 and head[:4] != b"RIFF":
            head = head[1:] + self._exactly(1)  # trailing chunks after a sized data chunk
        if len(head) < 12:
            return None
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise ValueError("not a WAV stream (no RIFF/WAVE header)")
        fmt: Optional[Format] = None
        while True:
            chunk = self._exactly(8)
            if len(chunk) < 8:
                return None
            name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == b"data":
                if fmt is None:
                    raise ValueError("WAV data before its fmt chunk")
                # espeak-ng --stdout and arecord cannot seek back: they write a huge size.
                return fmt, (None if size >= 0x7F000000 else size)
            body = self._exactly(size + size % 2)
            if name == b"fmt ":
                if len(body) < 16:
                    raise ValueError("WAV fmt chunk cut short")
                tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
                if tag not in (1, 0xFFFE):
                    raise ValueError(f"WAV encoding {tag} is not PCM")
                if not (channels and rate and bits in (8, 16, 24, 32)):
                    raise ValueError(f"WAV format not usable ({channels} channels, {rate} Hz, {bits} bits)")
                fmt = Format(rate=rate, width=bits // 8, channels=channels)

    def _body(self, fmt: Format, size: Optional[int]) -> Iterator[bytes]:
        convert = Converter(fmt)
        if size is not None:
            left = size
            while left > 0:
                data = self._read(min(_READ, left))
                if not data:
                    return
                left -= len(data)
                yield convert(data)
            if size % 2:
                self._exactly(1)
            return
        carry = b""
        while True:
            data = self._read()
            if not data:
                if carry:
                    yield convert(carry)
                return
            buf = carry + data
            at = _next_wav(buf)
            if at >= 0:
                self._pending = buf[at:] + self._pending
                if at:
                    yield convert(buf[:at])
                return
            # keep a possible split "RIFF....WAVE" for the next round
            carry = buf[-11:]
            if len(buf) > 11:
                yield convert(buf[:-11])


def _next_wav(buf: bytes) -> int:
    at = buf.find(b"RIFF")
    while at >= 0:
        if buf[at + 8 : at + 12] == b"WAVE":
            return at
        at = buf.find(b"RIFF", at + 1)
    return -1


def wav_chunks(stream: BinaryIO) -> Iterator[Iterator[bytes]]:
    return WavReader(stream).wavs()


def read_wav(source: Union[str, Path, BinaryIO]) -> Audio:
    """The whole of one WAV file or stream."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as f:
            return read_wav(f)
    for chunks in wav_chunks(source):
        return Audio(b"".join(chunks))
    raise ValueError("empty WAV stream")


def wav_seconds(path: Union[str, Path]) -> float:
    """A WAV file's length from its header (wave.Error, EOFError or OSError when unreadable)."""
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def has_speech(audio: Audio) -> bool:
    """Whether the voice activity detector hears any speech at all."""
    detector = SpeechDetector()
    detector.feed(audio.pcm)
    return detector.heard


class SpeechDetector:
    """WebRTC voice activity (pocketsphinx.Vad) with hysteresis: speech starts after
    START_SPEECH seconds of speech frames within START_WINDOW, and ends after `silence`
    seconds without any. (pocketsphinx.Endpointer has one window for both, so it either
    misses one-word commands or cuts sentences at every pause.)"""

    START_WINDOW = 0.3
    START_SPEECH = 0.15
    MIN_RMS = 60  # about -55 dBFS: dither and line hiss are not speech, whatever the VAD says

    def __init__(self, silence: float = SILENCE_ENDS_UTTERANCE):
        from pocketsphinx import Vad  # created on use: no native init at import

        self._vad = Vad(Vad.LOOSE, RATE)
        frame = self._vad.frame_length
        self._window = max(1, round(self.START_WINDOW / frame))
        self._needed = max(1, round(self.START_SPEECH / frame))
        self._end_after = max(1, round(silence / frame))
        self._recent: list = []
        self._quiet = 0
        self._buffer = b""
        self.in_speech = False
        self.heard = False  # speech started at least once

    def feed(self, pcm: bytes) -> int:
        """Process audio; returns how many utterances ended in it."""
        ended = 0
        self._buffer += pcm
        size = self._vad.frame_bytes
        while len(self._buffer) >= size:
            frame, self._buffer = self._buffer[:size], self._buffer[size:]
            speech = audioop.rms(frame, WIDTH) >= self.MIN_RMS and self._vad.is_speech(frame)
            if not self.in_speech:
                self._recent = (self._recent + [speech])[-self._window :]
                if sum(self._recent) >= self._needed:
                    self.in_speech = self.heard = True
                    self._quiet, self._recent = 0, []
            else:
                self._quiet = 0 if speech else self._quiet + 1
                if self._quiet >= self._end_after:
                    self.in_speech = False
                    ended += 1
        return ended


def stream_utterances(stream: BinaryIO, silence: float = SILENCE_ENDS_UTTERANCE) -> Iterator[Utterance]:
    """Utterances from a WAV stream: each WAV, cut further where the speaker paused `silence`
    seconds. A WAV in which nothing was said still yields one (empty) utterance, so that
    the person hears that they were not understood."""
    for chunks in wav_chunks(stream):
        detector = SpeechDetector(silence)
        cut = False
        whole = bytearray()
        for chunk in chunks:
            whole += chunk
            if detector.feed(chunk):
                cut = True
                yield Utterance(Audio(bytes(whole)))
                whole.clear()
        if detector.in_speech or not cut:
            yield Utterance(Audio(bytes(whole)), had_speech=detector.in_speech or detector.heard and not cut)
