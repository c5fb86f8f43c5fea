"""Danger spotter: the safety net's own danger rules on the recognizer's words and its close
second guesses, and, with more than two CPUs, a fast first listen beside Whisper (pocketsphinx
domain model, about 0.15 s) so "Call 911" can be said before Whisper finishes.

On two CPUs the first listen is off by default: pocketsphinx and Whisper slow each other down
(end of speech to "Call 911" audio, 36 spoken emergencies: p95 0.58 s with it, 0.39 s without)
and it found no emergency Whisper's hypotheses missed (en-us 36/36 and en-gb 34/36 either way)."""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from rasa_project.voice import build_lm
from rasa_project.voice.audio import Audio, has_speech

log = logging.getLogger(__name__)
# The classifier's intent is not known yet. A name that is no intent makes the safety net
# treat questions and past events ("what does an overdose look like") as questions.
_UNKNOWN_INTENT = "voice_spotter"


@dataclass
class Spot:
    danger: bool  # the danger rules fired on what the spotter heard
    heard: str = ""  # the spotter's words (kept private: printed only with --verbose)
    seconds: float = 0.0


class DangerSpotter:
    """Decodes with the domain model only (no general fallback: speed matters more here) and
    asks rasa_project.safety's DangerMatcher, the same rules the NLU pipeline runs."""

    def __init__(self, model_dir: Path = build_lm.DEFAULT_OUT, nlu_dir: Path = build_lm.DEFAULT_NLU, matcher=None,
                 listens: bool = True):
        from rasa_project.voice.stt import SphinxRecognizer

        self.listens = listens  # False: the rules on words only, spot() hears nothing
        self._sphinx = SphinxRecognizer(model_dir, nlu_dir, fallback=False)
        self._matcher = matcher

    def load(self) -> None:
        if self.listens:
            self._sphinx.load()
        if self._matcher is None:
            from rasa_project.safety.matcher import DangerMatcher

            self._matcher = DangerMatcher.load()
            self._matcher.verdict("warm up")  # spaCy's first call pays its own set-up

    def spot(self, audio: Audio) -> Spot:
        self.load()
        started = time.perf_counter()
        if not self.listens or not has_speech(audio):
            return Spot(False, seconds=time.perf_counter() - started)
        heard = self._sphinx.decode_with("domain", audio).text
        return Spot(self.danger_in(heard), heard, time.perf_counter() - started)

    def words(self, text: str) -> Spot:
        """The same rules on the main recognizer's words, the moment they are ready: "Call 911"
        need not wait for the Rasa round trip when the spotter's own listen missed."""
        self.load()
        started = time.perf_counter()
        return Spot(self.danger_in(text), text, time.perf_counter() - started)

    def danger_in(self, text: str) -> bool:
        """The rules force the emergency, or a crisis with something already taken: both are
        answered "Call 911" first."""
        verdict = self._matcher.verdict(text, _UNKNOWN_INTENT) if text else None
        return bool(verdict and verdict.intent in call_911_first())


@lru_cache(maxsize=1)
def call_911_first() -> frozenset:
    """The intents the safety policy answers "Call 911" first (rasa_project/safety/policy.yml)."""
    from rasa_project.safety.policy import policy

    return frozenset(name for name, rule in policy().intents.items() if rule.begins.startswith("Call 911"))


def listens_by_default() -> bool:
    """The first listen beside Whisper only where there are CPUs for both (see above)."""
    return (os.cpu_count() or 1) > 2


def create(model_dir: Path = build_lm.DEFAULT_OUT, nlu_dir: Path = build_lm.DEFAULT_NLU,
           listens: Optional[bool] = None) -> Optional[DangerSpotter]:
    """A loaded spotter, or None (with a warning) when its models cannot load. `listens`:
    None decides by the number of CPUs."""
    try:
        spotter = DangerSpotter(model_dir, nlu_dir, listens=listens_by_default() if listens is None else listens)
        spotter.load()
        return spotter
    except Exception as error:  # no domain model or no safety pipeline: Whisper alone still works
        log.warning("voice: danger spotter off (%s); run `make setup`", error)
        return None
