"""Voice test fixtures: a domain model built once, the decoders loaded once, espeak-ng audio."""
from __future__ import annotations

from pathlib import Path

import pytest

from .voice_support import FIXTURE_NLU, espeak


@pytest.fixture(scope="session")
def domain_model(tmp_path_factory) -> Path:
    from rasa_project.voice import build_lm

    out = tmp_path_factory.mktemp("voice") / "model"
    build_lm.build(out, FIXTURE_NLU)
    return out


@pytest.fixture(scope="session")
def recognizer(domain_model):
    """Domain + general pocketsphinx decoders, loaded once for all tests (as the loop does)."""
    from rasa_project.voice.stt import SphinxRecognizer

    r = SphinxRecognizer(domain_model, FIXTURE_NLU)
    r.load()
    return r


@pytest.fixture
def wav(tmp_path):
    """wav("text", voice=...) -> a WAV file spoken by espeak-ng."""
    count = iter(range(1000))

    def make(text: str, voice: str = "en-us", rate: int = 175) -> Path:
        return espeak(text, tmp_path / f"say-{next(count)}.wav", voice, rate)

    return make
