"""Whisper's close second guesses reach the danger rules: the beam's other hypotheses come with
each transcript, the first is what faster-whisper's transcribe() gives, and the loop says
"Call 911 now." when any close hypothesis is danger. Rasa gets the best as the message and a
wider set as metadata, to choose by its NLU (tests/channels/test_hypotheses.py)."""
from __future__ import annotations

import io

import jiwer
import numpy as np
import pytest

from rasa_project.voice import nbest, phrases, sinks, synth, tts
from rasa_project.voice.audio import Audio, Utterance, read_wav
from rasa_project.voice.client import RasaClient
from rasa_project.voice.loop import Session
from rasa_project.voice.spotter import DangerSpotter
from rasa_project.voice.transcripts import Transcript, normalize
from rasa_project.voice.whisper import WhisperRecognizer

from bench.ears import SHORT_QUIET_S

from .fake_rasa import OTHER_ANSWER, FakeRasa
from .voice_support import FIXTURE_NLU, espeak

pytestmark = pytest.mark.timeout(300)
SENTENCES = ["my friend is not breathing", "where is the nearest meeting tonight", "how long does withdrawal last"]


@pytest.fixture(scope="module")
def whisper():
    recognizer = WhisperRecognizer()
    recognizer.load()
    return recognizer


def samples(path) -> np.ndarray:
    return np.frombuffer(read_wav(path).pcm, dtype="<i2").astype(np.float32) / 32768.0


@pytest.mark.parametrize("sentence", SENTENCES)
def test_the_best_hypothesis_over_the_whole_window_is_what_transcribe_gives(whisper, sentence, tmp_path):
    audio = samples(espeak(sentence, tmp_path / "said.wav", voice="en-gb"))
    prompt = whisper.settings.initial_prompt
    found = nbest.decode(whisper._model, audio, prompt, whisper.settings.beam_size, 3, quiet_after_s=None)
    assert found[0].usable and found[0].text == whisper._transcribe(audio, prompt)[0]
    best, _, others, choices = whisper._decode(audio, prompt)
    assert best and best not in others and best not in choices
    assert set(others) <= set(choices)  # the danger rules' margin is the narrower one


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_shorter_window_hears_the_sentence_once(whisper, sentence, tmp_path):
    """The encoder may hear the speech and 15 s of quiet, not 30 s (whisper.yml, quiet_after_s;
    the bench compares it): the same words come out, once (with 3 s of quiet Whisper often
    repeats them to fill the window)."""
    audio = samples(espeak(sentence, tmp_path / "said.wav", voice="en-us"))
    assert nbest.window(np.zeros((80, 250), np.float32), SHORT_QUIET_S).shape == (80, 250 + SHORT_QUIET_S * 100)
    assert nbest.window(np.zeros((80, 2500), np.float32), SHORT_QUIET_S).shape == (80, nbest.WINDOW_FRAMES)
    short = nbest.decode(whisper._model, audio, whisper.settings.initial_prompt, whisper.settings.beam_size, 1,
                         quiet_after_s=SHORT_QUIET_S)[0].text
    assert len(short.split()) <= len(sentence.split()) + 1  # heard once, not repeated
    assert jiwer.wer(normalize(sentence), short) <= 0.4  # espeak-ng "withdrawal" may come out "we throw"


def test_close_hypotheses_come_normalized_and_bounded(whisper, tmp_path):
    heard = [whisper.recognize(read_wav(espeak(s, tmp_path / f"{n}.wav", voice="en-gb"))) for n, s in enumerate(SENTENCES)]
    for transcript in heard:
        assert len(transcript.alternatives) <= len(transcript.choices) <= whisper.settings.alternatives
        assert len(set(transcript.choices)) == len(transcript.choices)
        for other in transcript.choices:
            assert other and other == normalize(other) and other != transcript.text


def test_audio_longer_than_one_window_is_transcribed_without_alternatives(whisper, tmp_path):
    said = read_wav(espeak(SENTENCES[2], tmp_path / "said.wav")).pcm
    long = Audio(said * (1 + int(31 * 32_000 / len(said))))  # over 31 s of speech
    heard = whisper.recognize(long)
    assert "withdrawal" in heard.text and heard.alternatives == [] and heard.choices == []


class Misheard:
    """A recognizer whose best guess lost the danger words and whose second kept them."""

    def __init__(self, best, alternatives, choices=()):
        self.best, self.others, self.choices = best, alternatives, choices

    def recognize(self, audio):
        return Transcript(self.best, "whisper", 0.6, alternatives=list(self.others), choices=list(self.choices))


@pytest.mark.parametrize("best, others, danger", [
    ("stay on responsive", ["still unresponsive"], True),
    ("i took a phone lunch so i can end it all", [], True),  # something taken, with a crisis cue
    ("stay on responsive", ["stay on response"], False),
    ("where is the meeting", ["where is the meeting tonight"], False),
])
def test_the_loop_says_call_911_when_a_close_hypothesis_is_danger(best, others, danger, domain_model, tmp_path):
    sent, lines = one_turn(Misheard(best, others, choices=others), DangerSpotter(domain_model, FIXTURE_NLU), tmp_path)
    assert [m["message"] for m in sent] == [best]  # the best guess is the message
    assert (lines[0] == phrases.text("danger_heard")) is danger
    assert OTHER_ANSWER in lines


def test_rasa_is_offered_the_wider_hypotheses_as_metadata(domain_model, tmp_path):
    wider = ["where is the meeting tonight", "where is a meeting tonight"]
    sent, _ = one_turn(Misheard("where is the meting tonight", [], choices=wider), None, tmp_path)
    assert sent[0]["message"] == "where is the meting tonight"
    assert sent[0]["metadata"] == {"hypotheses": wider}
    sent, _ = one_turn(Misheard("where is the meeting tonight", []), None, tmp_path)
    assert "metadata" not in sent[0]  # nothing else heard, nothing offered


def one_turn(recognizer, spotter, tmp_path):
    """What Rasa received and what was said, for one utterance heard by `recognizer`."""
    speaker = tts.Speaker(synth.Pyttsx3Espeak(), sinks.FolderSink(), tmp_path / "audio")
    printed = io.StringIO()
    quiet = Utterance(Audio(b"\0\0" * 1600), had_speech=True)
    with FakeRasa() as rasa:
        session = Session(RasaClient(rasa.url, sender_id="nbest", mode="rest"), speaker, recognizer, None, out=printed)
        session.spotter = spotter
        assert session.handle(quiet)
        sent = list(rasa.received)
    speaker.close()
    return sent, printed.getvalue().splitlines()
