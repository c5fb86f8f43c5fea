"""Speech to text behind one protocol: Whisper (default), pocketsphinx (domain model first, general
model as fallback), or any SpeechRecognition engine."""
from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path
from typing import Optional, Protocol

from rasa_project.voice import build_lm, corpus
from rasa_project.voice.audio import RATE, WIDTH, Audio, has_speech
from rasa_project.voice.transcripts import Transcript, normalize

log = logging.getLogger(__name__)
_NOT_WORDS = {"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]"}


class Recognizer(Protocol):
    def load(self) -> None:
        """Pay the model loading cost now, before the first utterance."""

    def recognize(self, audio: Audio) -> Transcript:
        ...


class _Sphinx:
    """One pocketsphinx decoder, loaded once and reused for every utterance."""

    def __init__(self, name: str, **config):
        self.name = name
        self._config = config
        self._decoder = None

    def load(self) -> None:
        if self._decoder is None:
            from pocketsphinx import Decoder

            # dither: espeak-ng and real silence contain runs of exact zeros, which wreck the
            # energy features (WER 58% -> 30% on synthesized training sentences with it).
            # bestpath: word posteriors, used as the confidence that decides on a fallback.
            self._decoder = Decoder(dither=True, bestpath=True, loglevel="FATAL", **self._config)
            self.decode(bytes(RATE * WIDTH // 4))  # first decode pays one-time setup; not the person's

    def decode(self, pcm: bytes) -> Transcript:
        self.load()
        started = time.perf_counter()
        d = self._decoder
        d.start_utt()
        d.process_raw(pcm, full_utt=True)
        d.end_utt()
        hyp = d.hyp()
        words = [s for s in d.seg() if s.word not in _NOT_WORDS and not s.word.startswith("++")] if hyp else []
        return Transcript(
            text=corpus.written(hyp.hypstr.strip()) if hyp else "",
            model=self.name,
            confidence=statistics.mean(s.prob for s in words) if words else 0.0,
            seconds=time.perf_counter() - started,
        )


class SphinxRecognizer:
    """Domain model built from the NLU data (build_lm); the general en-US model takes over when
    the domain model is unsure (mean word posterior below min_confidence)."""

    def __init__(
        self,
        model_dir: Optional[Path] = build_lm.DEFAULT_OUT,
        nlu_dir: Path = build_lm.DEFAULT_NLU,
        fallback: bool = True,
        min_confidence: float = 0.1,  # higher sent more to the general model: worse on the bench
    ):
        self.model_dir = Path(model_dir) if model_dir else None
        self.nlu_dir = Path(nlu_dir)
        self.min_confidence = min_confidence
        self.domain: Optional[_Sphinx] = None
        self.general: Optional[_Sphinx] = _Sphinx("general") if fallback or not model_dir else None

    def load(self) -> None:
        if self.model_dir and self.domain is None:
            if not build_lm.is_current(self.model_dir, self.nlu_dir):
                log.warning("voice: building the domain language model in %s", self.model_dir)
                build_lm.build(self.model_dir, self.nlu_dir)
            self.domain = _Sphinx(
                "domain",
                lm=str(self.model_dir / build_lm.LM_FILE),
                dict=str(self.model_dir / build_lm.DICT_FILE),
            )
            self.domain.load()
        if self.general:
            self.general.load()

    def recognize(self, audio: Audio) -> Transcript:
        self.load()
        if not has_speech(audio):
            return Transcript("", heard_speech=False)
        if not self.domain:
            return self.general.decode(audio.pcm)
        first = self.domain.decode(audio.pcm)
        # An empty domain hypothesis is noise or mumbling: the general model would only find
        # words in it, slowly. A doubtful one gets a second opinion.
        if not first.text or first.confidence >= self.min_confidence or not self.general:
            return first
        second = self.general.decode(audio.pcm)
        chosen = second if second.text else first
        return Transcript(chosen.text, chosen.model, chosen.confidence, first.seconds + second.seconds, unsure=True)

    def decode_with(self, model: str, audio: Audio) -> Transcript:
        """One model only, for the benchmark's side-by-side comparison."""
        self.load()
        decoder = self.domain if model == "domain" else self.general
        return decoder.decode(audio.pcm)


class SpeechRecognitionEngine:
    """Any engine of the SpeechRecognition package, e.g. 'vosk' or 'whisper' (see its docs for
    what each needs installed): `--stt sr:whisper`."""

    def __init__(self, engine: str):
        self.engine = engine
        self._recognizer = None

    def load(self) -> None:
        if self._recognizer is None:
            import speech_recognition as sr

            self._recognizer = sr.Recognizer()

    def recognize(self, audio: Audio) -> Transcript:
        import speech_recognition as sr

        self.load()
        if not has_speech(audio):
            return Transcript("", heard_speech=False)
        started = time.perf_counter()
        method = getattr(self._recognizer, f"recognize_{self.engine}")
        try:
            text = method(sr.AudioData(audio.pcm, RATE, WIDTH))
        except sr.UnknownValueError:
            text = ""
        return Transcript(normalize(str(text)), self.engine, 1.0 if text else 0.0, time.perf_counter() - started)


RECOGNIZERS = ("whisper", "sphinx", "sphinx-general", "sr:<engine>")


def create(spec: str = "whisper", model_dir: Optional[Path] = build_lm.DEFAULT_OUT, nlu_dir: Path = build_lm.DEFAULT_NLU) -> Recognizer:
    """'whisper' (tiny.en), 'sphinx' (domain + general), 'sphinx-general', or 'sr:<engine>'."""
    if spec == "whisper":
        from rasa_project.voice.whisper import WhisperRecognizer

        return WhisperRecognizer()
    if spec == "sphinx":
        return SphinxRecognizer(model_dir, nlu_dir)
    if spec == "sphinx-general":
        return SphinxRecognizer(None)
    if spec.startswith("sr:"):
        return SpeechRecognitionEngine(spec[3:])
    raise ValueError(f"unknown recognizer {spec!r}: use {', '.join(RECOGNIZERS)}")
