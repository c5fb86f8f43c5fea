"""Barge-in and the assistant's own voice, on real speech: the answer's own sentence files,
delayed and scaled as the sound server's loopback plays them back, are taken out of what the
microphone hears, and a "stop" the answer itself says never stops it."""
from __future__ import annotations

import threading
import wave

import numpy
import pytest

from rasa_project.voice import barge_in, synth, tts
from rasa_project.voice.audio import RATE, WIDTH, Audio, read_wav, wav_seconds
from waiting import wait_for

from .voice_support import espeak

SENTENCE = "Keep pushing on their chest until it tells you to stop."  # ends on an end command


def rms(samples) -> float:
    return float(numpy.sqrt(numpy.mean(numpy.square(samples))))


def heard_over_the_speaker(path, delay: float = 0.12, gain: float = 0.6):
    """The last second of the sentence as the microphone hears it: later and quieter."""
    played = gain * barge_in._read_reference(path)
    heard = numpy.concatenate([numpy.zeros(int(delay * RATE)), played])
    return heard[-RATE:]


def test_the_sentence_being_played_is_cancelled_to_its_last_word(tmp_path):
    canceller = barge_in.EchoCanceller(tmp_path)  # files already there are old answers
    path = espeak(SENTENCE, tmp_path / "s-0001-08.wav")
    canceller.refresh()
    heard = heard_over_the_speaker(path)
    assert rms(heard) > barge_in.MIN_RESIDUAL_RMS
    assert rms(canceller.cancel(heard)) < 0.05 * rms(heard)


def test_a_file_first_seen_half_written_is_read_once_it_is_whole(tmp_path):
    """Seen with only its header, torn, then with its first two thirds: its last word, "stop",
    is still cancelled once the file is whole."""
    canceller = barge_in.EchoCanceller(tmp_path)
    path = tmp_path / "s-0001-08.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
    canceller.refresh()
    path.write_bytes(b"RIFF\x00")  # torn: not a WAV file yet
    canceller.refresh()
    (tmp_path / "made").mkdir()  # out of the canceller's sight
    whole = espeak(SENTENCE, tmp_path / "made" / "whole.wav").read_bytes()
    path.write_bytes(whole[: len(whole) * 2 // 3])  # its header says how long it will be
    canceller.refresh()
    path.write_bytes(whole)
    canceller.refresh()
    heard = heard_over_the_speaker(path)
    assert rms(canceller.cancel(heard)) < 0.05 * rms(heard)


class ClockSink:
    """Plays nothing and takes as long as the file lasts, like a player; stop() ends it early."""

    def __init__(self):
        self._interrupted = threading.Event()

    def play(self, path) -> None:
        self._interrupted.wait(wav_seconds(path))

    def interrupt(self) -> None:
        self._interrupted.set()


def over_the_answer(stop: Audio):
    """The microphone: a second of quiet, the word, then quiet, in 30 ms reads."""
    stream = bytes(RATE * WIDTH) + stop.pcm
    chunk = int(0.03 * RATE) * WIDTH
    for start in range(0, len(stream), chunk):
        yield stream[start : start + chunk].ljust(chunk, b"\0")
    while True:
        yield bytes(chunk)


@pytest.mark.parametrize("sentence, cut_short", [
    ("Stay with them until help arrives, and watch their breathing the whole time.", True),  # the person's stop: heard
    (SENTENCE, False),  # the same stop while the answer itself says it: its own echo
])
def test_a_stop_the_subtraction_left_over_is_not_taken_while_its_own_sentence_says_it(tmp_path, sentence, cut_short):
    """The echo canceller sees no files here (the worst case: it missed one), so the word "stop"
    reaches the spotter whole either way; only what the assistant is saying differs."""
    stop = read_wav(espeak("stop", tmp_path / "stop.wav"))
    (tmp_path / "unseen").mkdir()
    listener = barge_in.BargeIn(tmp_path / "unseen")
    listener.load()  # as barge_in.create does, before anything is said
    speaker = tts.Speaker(synth.EspeakCli(), ClockSink(), tmp_path / "audio")  # pyttsx3 keeps one engine per process
    try:
        speaker.speak(sentence)
        wait_for(lambda: speaker.said_lately(0), 30, "the sentence to start playing")
        assert listener.listen(over_the_answer(stop).__next__, speaker) is cut_short
    finally:
        speaker.stop()
        speaker.close()
