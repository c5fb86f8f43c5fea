"""Decide, from the danger-sign rules, whether a message must take the emergency path."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from rasa_project.safety.rules import DEFAULT_PATTERNS, SPANS_KEY, SafetyRules, load_rules
from rasa_project.text import fold, squash

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PIPELINE = PROJECT_ROOT / "build" / "safety_nlp"
MAX_CHARS = 20_000


@dataclass(frozen=True)
class Verdict:
    intent: Optional[str]  # intent to force, or None to keep the classifier's
    labels: frozenset  # labels of the cues found
    rule_ids: tuple  # ids of the rules that matched (never the text)


def normalize(text: str) -> str:
    """Lower-case and straighten quotes so speech-recognition and typed text match alike."""
    return squash(fold(text))


def decide(labels: frozenset, classifier_intent: Optional[str], rules: SafetyRules) -> Optional[str]:
    if "CRISIS" in labels:
        taken = "TAKEN" in labels or {"DANGER", "NOW"} <= labels
        if taken and "CRISIS_OVERDOSE" in rules.overrides:
            return rules.overrides["CRISIS_OVERDOSE"]  # already taken something: 911, then 988
        return rules.overrides["CRISIS"]
    if "DANGER" not in labels or classifier_intent in rules.keep_on_danger:
        return None
    asks_or_past = bool(labels & {"INFO", "PAST"})
    if asks_or_past and "NOW" not in labels and classifier_intent not in (None, "nlu_fallback"):
        return None
    return rules.overrides["DANGER"]


def load_pipeline(pipeline: Path = DEFAULT_PIPELINE):
    """The project's saved spaCy pipeline, loaded once per process and folder (the NLU
    component and the channels' long-text cut share it)."""
    pipeline = Path(pipeline)
    if not pipeline.is_absolute():
        pipeline = PROJECT_ROOT / pipeline
    return _load_pipeline(pipeline.resolve())


@lru_cache(maxsize=4)
def _load_pipeline(pipeline: Path):
    import spacy

    if not (pipeline / "config.cfg").exists():
        raise FileNotFoundError(
            f"safety net pipeline not built at {pipeline}: run `make setup` "
            "(python -m rasa_project.safety.build --out build/safety_nlp)"
        )
    return spacy.load(pipeline)


class DangerMatcher:
    """Runs the saved spaCy pipeline; create with `load`, nothing happens at import."""

    def __init__(self, nlp, rules: SafetyRules):
        self._nlp = nlp
        self._rules = rules

    @classmethod
    def load(cls, pipeline: Path = DEFAULT_PIPELINE, patterns: Path = DEFAULT_PATTERNS):
        return cls(load_pipeline(pipeline), load_rules(patterns))

    def verdict(self, text: str, classifier_intent: Optional[str] = None) -> Verdict:
        # Bounded work per message; 20,000 characters is far more than anyone says.
        doc = self._nlp(normalize(text)[:MAX_CHARS])
        spans = doc.spans.get(SPANS_KEY, [])
        labels = frozenset(span.label_ for span in spans)
        rule_ids = tuple(sorted({span.id_ for span in spans}))
        return Verdict(decide(labels, classifier_intent, self._rules), labels, rule_ids)
