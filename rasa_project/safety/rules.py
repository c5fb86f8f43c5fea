"""The safety net's rules as data: patterns and labels (patterns.yml), and from the safety
policy (policy.yml) the intents they force and the emergency intents left alone."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from rasa_project.safety.policy import SafetyPolicy, policy as default_policy

DEFAULT_PATTERNS = Path(__file__).with_name("patterns.yml")
SPANS_KEY = "safety"


@dataclass(frozen=True)
class PatternRule:
    id: str
    label: str  # DANGER, CRISIS, INFO, PAST or NOW
    token_patterns: list


@dataclass(frozen=True)
class SafetyRules:
    overrides: dict  # label -> intent it forces
    keep_on_danger: frozenset  # classifier intents left alone on a DANGER match
    patterns: list = field(default_factory=list)


def _check_words(rule_id: str, token_patterns: list) -> None:
    # YAML reads bare no/on/yes as booleans; a word list must hold strings only.
    for pattern in token_patterns:
        for token in pattern:
            words = (token.get("LOWER") or {}).get("IN", []) if isinstance(token.get("LOWER"), dict) else []
            odd = [w for w in words if not isinstance(w, str)]
            if odd:
                raise ValueError(f"patterns.yml rule `{rule_id}`: quote these words: {odd}")


def load_rules(path: Path = DEFAULT_PATTERNS, policy: Optional[SafetyPolicy] = None) -> SafetyRules:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for p in data["patterns"]:
        _check_words(p["id"], p["token_patterns"])
    policy = policy or default_policy()
    return SafetyRules(
        overrides=dict(policy.forced_by_label),
        keep_on_danger=policy.emergency_intents,
        patterns=[
            PatternRule(p["id"], p["label"], p["token_patterns"]) for p in data["patterns"]
        ],
    )
