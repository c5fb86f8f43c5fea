"""The safety policy (policy.yml): safety intents, what each says first, and the fallbacks."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Mapping, Tuple

import yaml

DEFAULT_POLICY = Path(__file__).with_name("policy.yml")
KINDS = ("emergency", "crisis")


@dataclass(frozen=True)
class SafetyIntent:
    name: str
    kind: str  # "emergency" (the walkthrough, Call 911 first) or "crisis"
    first: str  # the domain response every rule for it speaks first
    begins: str  # what that response must begin with
    during_walkthrough: bool = False  # a rule needing emergency_active may skip `first`


@dataclass(frozen=True)
class SafetyPolicy:
    intents: Mapping[str, SafetyIntent]
    forced_by_label: Mapping[str, str]  # safety-net cue label -> intent it forces
    walkthrough_intents: Tuple[str, ...]
    fallbacks: Mapping[str, str]  # situation -> "store:name" of the text said

    @property
    def safety_intents(self) -> FrozenSet[str]:
        return frozenset(self.intents)

    @property
    def emergency_intents(self) -> FrozenSet[str]:
        return frozenset(n for n, i in self.intents.items() if i.kind == "emergency")

    def first_said_by_rule(self, intent: str) -> bool:
        """True when the rule for `intent` already spoke "Call 911" before the walkthrough."""
        found = self.intents.get(intent)
        return bool(found and found.kind == "emergency")


def parse_policy(data: dict) -> SafetyPolicy:
    intents: Dict[str, SafetyIntent] = {}
    for name, raw in (data.get("safety_intents") or {}).items():
        unknown = set(raw) - {"kind", "first", "begins", "during_walkthrough"}
        if unknown or raw.get("kind") not in KINDS:
            raise ValueError(f"policy.yml: safety intent `{name}` has unknown keys {sorted(unknown)} or a kind not in {KINDS}")
        intents[name] = SafetyIntent(name, raw["kind"], raw["first"], raw["begins"], bool(raw.get("during_walkthrough")))
    return SafetyPolicy(
        intents=intents,
        forced_by_label=dict(data.get("forced_by_label") or {}),
        walkthrough_intents=tuple(data.get("walkthrough_intents") or ()),
        fallbacks=dict(data.get("fallbacks") or {}),
    )


def load_policy(path: Path = DEFAULT_POLICY) -> SafetyPolicy:
    return parse_policy(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})


@lru_cache(maxsize=1)
def policy() -> SafetyPolicy:
    """The project's policy, read once on first use."""
    return load_policy()
