"""Barge-in's echo canceller on real speech: the answer's own sentence files, delayed and scaled
as the sound server's loopback plays them back, are taken out of what the microphone hears."""
from __future__ import annotations

import wave

import numpy

from rasa_project.voice import barge_in
from rasa_project.voice.audio import RATE

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
