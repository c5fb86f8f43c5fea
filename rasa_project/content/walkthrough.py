"""The hands-free overdose walkthrough as a pure state machine over content steps."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from rasa_project.content.library import Topic

# Intents that answer with a named item and may move to another step (content `jumps:`).
SITUATION_INTENTS = ("still_not_breathing", "breathing_now", "no_naloxone")


@dataclass(frozen=True)
class Turn:
    say: Tuple[str, ...]  # item ids to speak, in order
    step: int  # the step the person is on afterwards
    opened: bool  # True when this turn started the emergency (say "Call 911" first)


def advance(topic: Topic, intent: str, step: Optional[int]) -> Turn:
    """What to say for `intent` when the person is on `step` (None: no walkthrough yet)."""
    steps = topic.steps
    last = len(steps) - 1
    if step is None:
        # The domain already said "Call 911" (steps[0]); begin with what comes next.
        first = min(1, last)
        if intent in SITUATION_INTENTS:
            return _situation(topic, intent, first, opened=True)
        return Turn((steps[first],), first, opened=True)
    current = int(min(max(step, 0), last))
    if intent == "next_step":
        if current >= last:
            return Turn(("last_step",), current, opened=False)
        return Turn((steps[current + 1],), current + 1, opened=False)
    if intent == "previous_step":
        return Turn((steps[max(current - 1, 0)],), max(current - 1, 0), opened=False)
    if intent in SITUATION_INTENTS:
        return _situation(topic, intent, current, opened=False)
    return Turn((steps[current],), current, opened=False)


def _situation(topic: Topic, intent: str, current: int, opened: bool) -> Turn:
    target = topic.jumps.get(intent)
    step = topic.steps.index(target) if target in topic.steps else current
    return Turn((intent,), step, opened)
