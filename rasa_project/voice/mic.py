"""The microphone: PyAudio (PortAudio) at 16 kHz mono, cut into utterances at pauses, half duplex
(while the assistant speaks, at most "stop" is listened for: barge_in.py)."""
from __future__ import annotations

import collections
import contextlib
import os
import threading
import time
from typing import Iterator, Optional

from rasa_project.voice.audio import RATE, WIDTH, Audio, SpeechDetector, Utterance

PAUSE_ENDS_UTTERANCE = 0.7  # seconds of non-speech after speech: the person has finished
PREROLL = 0.4  # seconds kept from before speech started: the detector needs a few frames
MAX_UTTERANCE = 20.0  # a ramble is cut here and answered, not buffered for ever
CHUNK = 480  # frames per read: 30 ms


class NoMicrophone(RuntimeError):
    """No input device, no PortAudio, or the device cannot be opened."""


@contextlib.contextmanager
def _quiet_stderr():
    """PortAudio's ALSA probe prints dozens of 'ALSA lib ...' lines on fd 2 when a device is
    absent; the person should see one line saying so, not those."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class Microphone:
    def __init__(self, pause: float = PAUSE_ENDS_UTTERANCE):
        self.pause_seconds = pause
        self._audio = None
        self._stream = None

    def open(self) -> "Microphone":
        try:
            with _quiet_stderr():
                import pyaudio

                self._audio = pyaudio.PyAudio()
                self._audio.get_default_input_device_info()  # OSError when there is none
                self._stream = self._audio.open(format=pyaudio.paInt16, channels=1, rate=RATE, input=True,
                                                frames_per_buffer=CHUNK, start=False)
        except Exception as error:  # ImportError: no PyAudio; OSError: no device or it will not open
            self.close()
            raise NoMicrophone(str(error) or type(error).__name__) from None
        return self

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if self._audio is not None:
            self._audio.terminate()
            self._audio = None

    def _read(self) -> bytes:
        return self._stream.read(CHUNK, exception_on_overflow=False)

    def pause(self) -> None:
        """Stop capturing: nothing is heard (our own voice included) until resume()."""
        self._stream.stop_stream()

    def resume(self) -> None:
        """Capture again; what the device still buffered from before is dropped."""
        self._stream.start_stream()
        available = self._stream.get_read_available()
        while available >= CHUNK:
            self._read()
            available -= CHUNK

    def utterance(self, speaker, barge_in=None) -> Utterance:
        """The next thing said: from speech start to a pause of `pause` seconds (or MAX_UTTERANCE).
        Whenever the speaker talks (an answer to typed text, a reminder), what was heard so far
        is dropped and listening starts again once it is quiet. With `barge_in`, "stop" said
        meanwhile silences the speaker; nothing else said over its voice is kept."""
        detector = SpeechDetector(self.pause_seconds)
        before = collections.deque(maxlen=max(1, int(PREROLL * RATE / CHUNK)))
        speech = bytearray()
        limit = int(MAX_UTTERANCE * RATE * WIDTH)
        while True:
            if speaker.speaking:
                if barge_in:
                    barge_in.listen(self._read, speaker)
                else:
                    self.pause()
                    speaker.wait()
                    self.resume()
                detector, speech = SpeechDetector(self.pause_seconds), bytearray()
                before.clear()
            chunk = self._read()
            ended = detector.feed(chunk)
            if not detector.heard:
                before.append(chunk)
                continue
            if not speech:
                speech += b"".join(before)
            speech += chunk
            if ended or len(speech) >= limit:
                return Utterance(Audio(bytes(speech)), ended_at=time.monotonic())


def utterances(mic: Microphone, speaker, handled: threading.Event, barge_in=None) -> Iterator[Utterance]:
    """Half duplex: after the last turn was handled (its answer queued, `handled` set), wait
    until the speaker is silent, forget what the microphone heard meanwhile, then listen.
    With `barge_in` the wait listens for "stop" (Microphone.utterance)."""
    try:
        while True:
            handled.wait()
            handled.clear()
            if barge_in is None:
                speaker.wait()
            mic.resume()
            utterance = mic.utterance(speaker, barge_in)
            mic.pause()
            yield utterance
    finally:
        mic.close()


def open_microphone(pause: float = PAUSE_ENDS_UTTERANCE) -> Optional[Microphone]:
    try:
        return Microphone(pause).open()
    except NoMicrophone:
        return None
