"""The danger spotter: the safety net's rules on recognized words, and its own first listen
(pocketsphinx beside Whisper) only where there are CPUs for both."""
from __future__ import annotations

import pytest

from rasa_project.voice import spotter
from rasa_project.voice.audio import read_wav

from .voice_support import FIXTURE_NLU, espeak

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("cpus, listens", [(1, False), (2, False), (4, True), (None, False)])
def test_the_first_listen_is_on_only_with_more_than_two_cpus(monkeypatch, cpus, listens):
    monkeypatch.setattr(spotter.os, "cpu_count", lambda: cpus)
    assert spotter.listens_by_default() is listens


def test_a_listening_spotter_hears_danger_in_speech(domain_model, tmp_path):
    ears = spotter.create(domain_model, FIXTURE_NLU, listens=True)
    heard = ears.spot(read_wav(espeak("someone is not breathing", tmp_path / "said.wav", rate=150)))
    assert heard.danger and heard.heard


def test_a_words_only_spotter_hears_nothing_itself_but_judges_words(domain_model, tmp_path):
    rules = spotter.create(domain_model, FIXTURE_NLU, listens=False)
    assert not rules.spot(read_wav(espeak("someone is not breathing", tmp_path / "said.wav", rate=150))).danger
    assert rules.words("someone is not breathing").danger
    assert rules.words("i took all my pills and i want to die").danger  # a crisis with something taken: 911 first
    assert not rules.words("i want to die").danger  # 988 first: the assistant's answer decides
    assert not rules.words("where is the meeting tonight").danger
