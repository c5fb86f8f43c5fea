"""The first "Call 911" of an answer is spoken the moment it exists: made in advance at start-up,
and on the callback channel (make run's) taken from Rasa as it utters it, before the action
server has answered the rest of the turn."""
from __future__ import annotations

import io
import threading

import pytest

from rasa_project.voice import sinks, synth, tts
from rasa_project.voice.audio import Audio, Utterance
from rasa_project.voice.client import RasaClient
from rasa_project.voice.loop import Session
from rasa_project.voice.transcripts import Transcript

from .fake_rasa import OTHER_ANSWER, FakeRasa
from .voice_support import free_port

pytestmark = pytest.mark.timeout(120)


class Printed(io.StringIO):
    """What the loop prints; `call_911` is set the moment a line starting "Call 911" is printed."""

    def __init__(self):
        super().__init__()
        self.call_911 = threading.Event()

    def write(self, text):
        if text.startswith("Call 911"):
            self.call_911.set()
        return super().write(text)


class Heard:
    def __init__(self, words):
        self.words = words

    def recognize(self, audio):
        return Transcript(self.words, "whisper", 0.9)


def session(rasa, port, words, tmp_path):
    speaker = tts.Speaker(synth.Pyttsx3Espeak(), sinks.FolderSink(), tmp_path / "audio")
    client = RasaClient(rasa.url, sender_id="first-words", mode="callback", callback_port=port)
    return Session(client, speaker, Heard(words), None, out=Printed())


def test_call_911_is_said_while_rasa_still_works_on_the_turn(tmp_path):
    port = free_port()
    with FakeRasa(callback_url=f"http://127.0.0.1:{port}/bot") as rasa:
        rasa.between = threading.Event()  # the rest of the turn waits, like a slow action server
        talk = session(rasa, port, "he is not breathing", tmp_path)
        turn = threading.Thread(target=talk.handle, args=(Utterance(Audio(b"\0\0" * 1600), had_speech=True),))
        turn.start()
        assert talk.out.call_911.wait(10)
        assert turn.is_alive() and "Check if they respond." not in talk.out.getvalue()  # the turn is still in flight
        rasa.between.set()
        turn.join(10)
        talk.client.close()
        talk.speaker.close()
    lines = talk.out.getvalue().splitlines()
    assert lines == ["Call 911 now, or have someone else call.", "I will guide you one step at a time.",
                     "Check if they respond."]  # said once, in order, nothing lost
    assert talk.early_from == "rasa" and len(talk.call_911_latencies) == 1


def test_an_answer_that_does_not_start_with_call_911_is_said_as_it_is(tmp_path):
    port = free_port()
    with FakeRasa(callback_url=f"http://127.0.0.1:{port}/bot") as rasa:
        talk = session(rasa, port, "where is a meeting", tmp_path)
        talk.handle(Utterance(Audio(b"\0\0" * 1600), had_speech=True))
        talk.client.close()
        talk.speaker.close()
    assert talk.out.getvalue().splitlines() == [OTHER_ANSWER] and talk.early_from is None
