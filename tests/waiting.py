"""Waiting on a condition in tests: one polling loop for every test that starts something real
(servers, sound, files) and must wait until it is ready, instead of sleeping a fixed time."""
from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float, what: str, every: float = 0.05) -> T:
    """`condition()` once it is truthy; TimeoutError after `timeout` seconds."""
    return wait_while_progressing(condition, lambda: None, timeout, what, every)


def wait_while_progressing(condition: Callable[[], T], progress: Callable[[], object], stall: float,
                           what: str, every: float = 0.05) -> T:
    """`condition()` once it is truthy, failing only when `progress()` (say, the files written so
    far) has not changed for `stall` seconds: real-time playback on a loaded machine takes as
    long as it takes, but a stuck one still fails. With no progress to watch, `stall` is the
    whole bound."""
    seen, since = progress(), time.monotonic()
    while True:
        found = condition()
        if found:
            return found
        now = progress()
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since > stall:
            last = "" if seen is None else f" (nothing new; last: {seen})"
            raise TimeoutError(f"waited {stall} s for {what}{last}")
        time.sleep(every)  # polling interval of a condition, not a fixed wait
