"""The second ear: Whisper base, joined from its two PyPI parts and checked by hash, listens
again when the first hearing (tiny.en) holds no emergency; an emergency never waits for it."""
from __future__ import annotations

import dataclasses
import io
import os

import pytest

from rasa_project.voice import phrases, second_ear, sinks, tts
from rasa_project.voice.audio import Audio, Utterance, read_wav
from rasa_project.voice.client import RasaClient
from rasa_project.voice.loop import Session
from rasa_project.voice.transcripts import Transcript
from rasa_project.voice.whisper import ModelMissing, sha256

from .fake_rasa import EMERGENCY_ANSWER, OTHER_ANSWER, FakeRasa
from .voice_support import espeak

pytestmark = pytest.mark.timeout(300)


def test_the_joined_weights_match_their_pinned_hash(tmp_path):
    settings = second_ear.Settings.load()
    folder = second_ear.model_folder(settings, out=tmp_path / "base")
    assert sha256(folder / "model.bin") == settings.sha256
    assert all((folder / name).is_file() for name in settings.files)
    assert second_ear.model_folder(settings, out=folder) == folder  # already there: checked, not joined again


@pytest.mark.parametrize("change", [{"modules": ["no_such_weights_part1"]}, {"sha256": "0" * 64}])
def test_missing_or_wrong_weights_name_the_fix_and_leave_nothing_behind(tmp_path, change):
    settings = dataclasses.replace(second_ear.Settings.load(), **change)
    with pytest.raises(ModelMissing, match="make setup"):
        second_ear.model_folder(settings, out=tmp_path / "base")
    assert not (tmp_path / "base").exists() or os.listdir(tmp_path / "base") == []


def test_the_loop_goes_on_with_the_first_hearing_when_the_second_ear_is_missing(monkeypatch):
    monkeypatch.setattr(second_ear.Settings, "load", classmethod(lambda cls, path=None: dataclasses.replace(
        REAL_SETTINGS, modules=["no_such_weights_part1"])))
    monkeypatch.setattr(second_ear, "FOLDER", second_ear.FOLDER.with_name("no-such-folder"))
    said = []
    assert second_ear.load(said.append) is None
    assert len(said) == 1 and "make setup" in said[0] and "tiny.en alone" in said[0]


REAL_SETTINGS = second_ear.Settings.load()


def test_an_emergency_never_waits_for_the_second_ear():
    listened = []
    first = Transcript("my friend is not breathing", choices=["my friend is not breeding"])
    words, level = second_ear.hear(first, lambda text: "safety", lambda level: listened.append(level))
    assert (words, level, listened) == (first, "safety", [])


def test_both_hearings_go_on_the_second_first():
    first = Transcript("where is the meting", alternatives=["where is the mating"], choices=["where is the mating", "were is the meting"])
    second = Transcript("where is the meeting", alternatives=["where is a meeting"], choices=["where is a meeting", "where is the meting"])
    words, level = second_ear.hear(first, lambda text: "placed", lambda level: second)
    assert level == "placed" and words.text == "where is the meeting"
    assert words.choices == ["where is a meeting", "where is the meting", "where is the mating", "were is the meting"]
    assert words.alternatives == ["where is a meeting", "where is the meting", "where is the mating"]
    nothing, _ = second_ear.hear(first, lambda text: "unplaced", lambda level: Transcript(""))
    assert nothing == first  # the second ear heard nothing: the first hearing goes on


@pytest.fixture(scope="module")
def base():
    ear = second_ear.create()
    ear.load()
    return ear


def test_whisper_base_hears_a_sentence(base, tmp_path):
    heard = base.recognize(read_wav(espeak("where is the nearest meeting tonight", tmp_path / "said.wav")))
    assert heard.model == "whisper-base" and "meeting" in heard.text.split()


class Heard:
    """A recognizer that heard `text` (the audio layer is tested with real recognizers elsewhere)."""

    def __init__(self, text, choices=(), fail=False):
        self.text, self.choices, self.fail, self.calls = text, list(choices), fail, 0

    def recognize(self, audio):
        self.calls += 1
        if self.fail:
            raise RuntimeError("decoder crashed")
        return Transcript(self.text, "heard", 0.7, choices=self.choices)


def turn(first, second, urgency, tmp_path):
    """What Rasa received and what was said for one utterance, heard first by `first`."""
    speaker = tts.Speaker(tts.Pyttsx3Espeak(), sinks.FolderSink(), tmp_path / "audio")
    printed = io.StringIO()
    with FakeRasa() as rasa:
        rasa.urgency = urgency
        session = Session(RasaClient(rasa.url, sender_id="ear", mode="rest"), speaker, first, None, out=printed)
        session.second_ear = second
        assert session.handle(Utterance(Audio(b"\0\0" * 1600), had_speech=True))
        sent = list(rasa.received)
    speaker.close()
    return sent, printed.getvalue().splitlines(), session


def test_calm_words_are_heard_again_and_both_hearings_go_to_rasa(tmp_path):
    second = Heard("where is the meeting tonight", ["where is a meeting tonight"])
    sent, lines, _ = turn(Heard("where is the meting tonight", ["where is the mating"]), second, "placed", tmp_path)
    assert second.calls == 1 and sent[0]["message"] == "where is the meeting tonight"
    assert sent[0]["metadata"] == {"hypotheses": ["where is a meeting tonight", "where is the meting tonight", "where is the mating"]}
    assert lines == [OTHER_ANSWER]


def test_words_the_nlu_cannot_place_get_the_911_reminder_before_the_second_hearing(tmp_path):
    second = Heard("where is the meeting tonight")
    sent, lines, session = turn(Heard("wear is the mating"), second, "unplaced", tmp_path)
    assert second.calls == 1 and lines == [phrases.text("call_911_reminder"), OTHER_ANSWER]
    assert session.early_from == "reminder" and sent[0]["message"] == "where is the meeting tonight"


def test_an_emergency_goes_on_at_once_without_the_second_ear(tmp_path):
    second = Heard("my friend is not breeding")
    sent, lines, _ = turn(Heard("my friend overdosed"), second, "placed", tmp_path)
    assert second.calls == 0 and sent[0]["message"] == "my friend overdosed" and lines[0] == EMERGENCY_ANSWER


@pytest.mark.parametrize("urgency", [None, "placed"])  # None: a server without the route (404) is "safety"
def test_a_failing_second_ear_or_an_older_server_keep_the_first_hearing(tmp_path, urgency):
    second = Heard("where is the meeting", fail=True)
    sent, lines, _ = turn(Heard("where is the meting"), second, urgency, tmp_path)
    assert second.calls == (1 if urgency else 0)
    assert sent[0]["message"] == "where is the meting" and lines == [OTHER_ANSWER]
