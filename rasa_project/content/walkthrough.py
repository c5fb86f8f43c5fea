"""The overdose walkthrough as a pure state machine: the person's state picks what is said.

Branches and items live in content/overdose_emergency.yml; this module only decides which
step comes next, so steps that do not apply are never spoken: CPR only when they are not
breathing, the recovery position only when they breathe, a second dose only after a first,
injection steps only for an injection.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Optional, Tuple

from rasa_project.content.library import Topic

# Safety-net rule ids (rasa_project/safety/patterns.yml) that mean "not breathing" on their
# own: the walkthrough goes straight to CPR without asking.
# The custom payload by which the check-in action tells a channel a check-in was scheduled
# (a smart speaker cannot speak first, so Alexa says how the check-in works there).
CHECKIN_PAYLOAD = "checkin_seconds"
CPR_CUES = frozenset({"not_breathing", "no_pulse", "gasping"})

CHECK, CPR, BREATHING = "check", "cpr", "breathing"
# The nasal-spray steps and what replaces them once the person said it is a shot.
INJECTION_FOR = {"give_naloxone_cpr": "naloxone_injection", "give_naloxone_breathing": "naloxone_injection"}


@dataclass(frozen=True)
class WalkthroughState:
    branch: Optional[str] = None  # None: no walkthrough in this conversation yet
    step: int = 0  # index in the branch
    dosed_at: Optional[float] = None  # when a naloxone step was last said (epoch seconds)
    injection: bool = False  # their naloxone is a shot, not a nasal spray

    @property
    def dosed(self) -> bool:
        return self.dosed_at is not None


@dataclass(frozen=True)
class WalkthroughTurn:
    say: Tuple[str, ...]  # item ids to speak, in order
    state: WalkthroughState  # the state afterwards
    opened: bool  # this turn started the walkthrough: "Call 911" comes first
    checkin: bool = False  # a naloxone step was said: check in 2 to 3 minutes later
    cancel_checkin: bool = False  # they breathe: the check-in is no longer needed


def advance(
    topic: Topic, intent: str, state: WalkthroughState, cues: Iterable[str] = (),
    now: float = 0.0, dose_wait: float = 0.0,
) -> WalkthroughTurn:
    """What to say for `intent` in `state`; `cues` are the safety net's rule ids. A second
    dose is said only `dose_wait` seconds or more after the last one (naloxone needs 2 to 3
    minutes to act)."""
    opened = state.branch is None
    if opened:
        state = WalkthroughState(branch=CHECK)
    waiting = state.dosed and now - state.dosed_at < dose_wait
    turn = _respond(topic, intent, state, frozenset(cues), opened, waiting)
    said_dose = bool(set(turn.say) & set(topic.dose_items))
    if said_dose:
        turn = replace(turn, state=replace(turn.state, dosed_at=now), checkin=True)
    return replace(turn, opened=opened)


def _respond(
    topic: Topic, intent: str, state: WalkthroughState, cues: frozenset, opened: bool, waiting: bool
) -> WalkthroughTurn:
    # "No" while asked whether they breathe is "not breathing"; anywhere else it repeats the step.
    asked_breathing = intent == "deny" and state.branch == CHECK and not opened
    if intent == "still_not_breathing" or asked_breathing or (intent == "overdose_emergency" and cues & CPR_CUES):
        return _not_breathing(topic, state, waiting)
    if intent == "breathing_now":
        return _breathing(topic, state)
    if intent == "no_naloxone":
        return _no_naloxone(topic, state)
    if intent == "naloxone_injection":
        state = replace(state, injection=True)
        extra = _step_items(topic, state) if state.branch == CHECK else ()
        return WalkthroughTurn(("naloxone_injection",) + extra, state, opened)
    if intent == "next_step" and not opened:
        return _move(topic, state, +1)
    if intent == "previous_step" and not opened:
        return _move(topic, state, -1)
    return WalkthroughTurn(_step_items(topic, state), state, opened)


def _not_breathing(topic: Topic, state: WalkthroughState, waiting: bool) -> WalkthroughTurn:
    if not state.dosed and state.branch != CPR:
        return _at(topic, state, CPR, None)
    if not state.dosed:
        return _at(topic, state, CPR, _current(topic, state), say=("no_naloxone_cpr",))
    start = ("start_cpr",) if state.branch != CPR else ()
    if waiting:
        return _at(topic, state, CPR, "keep_going_cpr", say=start + ("naloxone_working",))
    second = "second_dose_injection" if state.injection else "second_dose"
    return _at(topic, state, CPR, "keep_going_cpr", say=start + (second,))


def _breathing(topic: Topic, state: WalkthroughState) -> WalkthroughTurn:
    if state.dosed:
        turn = _at(topic, state, BREATHING, "stay_with_them", say=("woke_after_naloxone",))
        return replace(turn, cancel_checkin=True)
    if state.branch != BREATHING:
        return _at(topic, state, BREATHING, None)
    return WalkthroughTurn(_step_items(topic, state), state, False)


def _no_naloxone(topic: Topic, state: WalkthroughState) -> WalkthroughTurn:
    if state.branch == CPR:
        return _at(topic, state, CPR, "give_naloxone_cpr", say=("no_naloxone_cpr",))
    if state.branch == BREATHING:
        return _at(topic, state, BREATHING, "recovery_position", say=("no_naloxone_breathing",))
    return WalkthroughTurn(_step_items(topic, state), state, False)


def _move(topic: Topic, state: WalkthroughState, delta: int) -> WalkthroughTurn:
    steps = topic.branches[state.branch]
    target = state.step + delta
    if state.branch == CHECK:  # nothing to move to until they say whether they breathe
        target = 0
    if target >= len(steps):
        return WalkthroughTurn(("last_step",), state, False)
    moved = replace(state, step=max(target, 0))
    return WalkthroughTurn(_step_items(topic, moved), moved, False)


def _at(topic: Topic, state: WalkthroughState, branch: str, item: Optional[str], say: Tuple[str, ...] = ()) -> WalkthroughTurn:
    """Go to the step of `branch` holding `item` (its first step for None); say `say`, or that step."""
    steps = topic.branches[branch]
    index = next((i for i, step in enumerate(steps) if item in step), 0)
    moved = replace(state, branch=branch, step=index)
    return WalkthroughTurn(say or _step_items(topic, moved), moved, False)


def _current(topic: Topic, state: WalkthroughState) -> Optional[str]:
    steps = topic.branches[state.branch]
    return steps[min(state.step, len(steps) - 1)][0]


def _step_items(topic: Topic, state: WalkthroughState) -> Tuple[str, ...]:
    steps = topic.branches[state.branch]
    items = steps[min(max(state.step, 0), len(steps) - 1)]
    if state.injection:
        items = tuple(INJECTION_FOR.get(i, i) for i in items)
    return items
