"""Whisper's beam, all of it: the best hypotheses of one 30 s window, not only the first.

faster-whisper's transcribe() returns one text. For a short utterance (one window) this asks
CTranslate2 for the beam's hypotheses directly, with the settings transcribe() uses at
temperature 0, so over the whole window the first is the text transcribe() would give unless
its fallbacks (a low average log probability or a repetitive text, re-decoded with sampling)
apply: then `usable` is False and the caller uses transcribe(). The encoder may also hear a
shorter window, the speech and some quiet after it (`quiet_after_s`): much faster, with about the
same word error rate when the quiet is long enough; measured, not shipped (whisper.yml says why).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from rasa_project.voice import transcripts

WINDOW_S = 30  # Whisper hears 30 s at a time
WINDOW_SAMPLES = WINDOW_S * 16_000
FRAMES_PER_S = 100  # mel frames
WINDOW_FRAMES = WINDOW_S * FRAMES_PER_S
LOG_PROB_THRESHOLD = -1.0  # faster-whisper's defaults for falling back to sampling
COMPRESSION_RATIO_THRESHOLD = 2.4


@dataclass(frozen=True)
class Hypothesis:
    text: str  # normalized words
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float

    @property
    def usable(self) -> bool:
        return self.avg_logprob >= LOG_PROB_THRESHOLD and self.compression_ratio <= COMPRESSION_RATIO_THRESHOLD


def window(features, quiet_after_s: Optional[float]):
    """The mel frames the encoder hears: the speech and `quiet_after_s` seconds of padding, at
    most 30 s. None: the whole 30 s window, as faster-whisper pads it."""
    from faster_whisper.audio import pad_or_trim

    if quiet_after_s is None:
        return pad_or_trim(features)
    frames = min(WINDOW_FRAMES, features.shape[-1] + round(quiet_after_s * FRAMES_PER_S))
    return pad_or_trim(features, frames + frames % 2)  # the encoder's first layer halves it


def decode(model, samples, prompt: Optional[str], beam_size: int, hypotheses: int,
           quiet_after_s: Optional[float] = None) -> List[Hypothesis]:
    """Hypotheses of a faster_whisper.WhisperModel for float32 `samples` (16 kHz), best first."""
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_compression_ratio

    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")
    features = model.feature_extractor(samples)[..., :-1]
    encoded = model.encode(window(features, quiet_after_s))
    previous = tokenizer.encode(" " + prompt.strip()) if prompt else []
    request = model.get_prompt(tokenizer, previous, without_timestamps=True)
    result = model.model.generate(
        encoded, [request], beam_size=beam_size, num_hypotheses=min(hypotheses, beam_size), return_scores=True,
        return_no_speech_prob=True, max_length=model.max_length, suppress_blank=True, suppress_tokens=[-1],
    )[0]
    found = []
    for tokens, score in zip(result.sequences_ids, result.scores):
        raw = tokenizer.decode(tokens).strip()
        found.append(Hypothesis(transcripts.normalize(raw), score * len(tokens) / (len(tokens) + 1),
                                result.no_speech_prob, get_compression_ratio(raw)))
    return found
