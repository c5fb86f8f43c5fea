"""The validator's checks of the safety policy against the domain, the rules and the texts."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, List, Mapping, Tuple

from rasa_project.safety.policy import SafetyPolicy

WALKTHROUGH_SLOT = "emergency_active"
WALKTHROUGH_ACTION = "action_emergency_step"
REMINDER = "call 911"  # what every fallback's first sentence carries

# (file shown in messages, rule or story name, its steps, its condition)
Dialogue = Iterable[Tuple[str, str, list, list]]


def _needs_walkthrough(condition: list) -> bool:
    return any((c.get("slot_was_set") or [{}])[0].get(WALKTHROUGH_SLOT) is True for c in condition or [])


def check_first_responses(policy: SafetyPolicy, responses: Mapping, dialogue: Dialogue) -> List[str]:
    problems = []
    dialogue = list(dialogue)
    for intent in policy.intents.values():
        texts = [v.get("text", "") for v in responses.get(intent.first) or []]
        if not texts or not all(t.startswith(intent.begins) for t in texts):
            problems.append(f"domain.yml: response `{intent.first}` must begin with \"{intent.begins}\"")
        firsts = [
            (where, name, steps[i + 1].get("action"), condition)
            for where, name, steps, condition in dialogue
            for i, step in enumerate(steps[:-1])
            if step.get("intent") == intent.name
        ]
        if not firsts:
            problems.append(f"data/rules: no rule for `{intent.name}`")
        for where, name, action, condition in firsts:
            skips = intent.during_walkthrough and _needs_walkthrough(condition)
            if action != intent.first and not skips:
                problems.append(f"{where}: rule for `{intent.name}` does not speak {intent.first} first (\"{name}\")")
    return problems


def check_walkthrough(policy: SafetyPolicy, intents: Iterable[str], dialogue: Dialogue) -> List[str]:
    intents = set(intents)
    moved = {
        step.get("intent")
        for _, _, steps, _ in dialogue
        for i, step in enumerate(steps[:-1])
        if WALKTHROUGH_ACTION in [s.get("action") for s in steps[i + 1:]]
    }
    problems = [f"policy.yml: walkthrough intent `{i}` is not in domain.yml" for i in policy.walkthrough_intents if i not in intents]
    problems += [f"data/rules: no rule sends walkthrough intent `{i}` to {WALKTHROUGH_ACTION}"
                 for i in policy.walkthrough_intents if i in intents and i not in moved]
    return problems


def check_fallbacks(policy: SafetyPolicy, text_of: Callable[[str, str], List[str]]) -> List[str]:
    """Every fallback names a text that exists and carries the 911 reminder first."""
    problems = []
    for situation, ref in sorted(policy.fallbacks.items()):
        store, _, name = ref.partition(":")
        try:
            texts = text_of(store, name)
        except (KeyError, FileNotFoundError, TypeError, StopIteration):
            problems.append(f"policy.yml: fallback `{situation}` names {ref}, which does not exist")
            continue
        if any(REMINDER not in text.split(".")[0].lower() for text in texts):
            problems.append(f"policy.yml: fallback `{situation}` ({ref}) must say \"call 911\" in its first sentence")
    return problems


def policy_file(root: Path) -> Path:
    return root / "rasa_project" / "safety" / "policy.yml"
