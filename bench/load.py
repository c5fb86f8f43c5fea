"""Many conversations at once against the running servers, for a fixed time."""
from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List

import aiohttp

from bench.latency import WEBHOOK, timings_ms

# Each conversation repeats this script; "someone isn't breathing" must answer "Call 911" first.
SCRIPT = [
    "hello",
    "how long does withdrawal last",
    "yes",
    "someone isn't breathing",
    "what's next",
    "thank you",
]
EMERGENCY_TEXT = "someone isn't breathing"


@dataclass
class Tally:
    seconds: List[float] = field(default_factory=list)
    lost: Counter = field(default_factory=Counter)  # reason -> turns with no answer
    emergency_turns: int = 0
    emergency_not_911_first: int = 0
    unavailable: int = 0  # answered with the channel's "can't answer right now" phrase


async def conversation(session: aiohttp.ClientSession, url: str, deadline: float, tally: Tally) -> None:
    """One user: the script in a loop until the deadline; a turn in flight is always finished."""
    from rasa_project.channels.alexa_turn import unavailable_text

    unavailable = unavailable_text()
    sender = f"load-{uuid.uuid4().hex[:12]}"
    turn = 0
    while time.monotonic() < deadline:
        text = SCRIPT[turn % len(SCRIPT)]
        turn += 1
        began = time.perf_counter()
        try:
            async with session.post(url + WEBHOOK, json={"sender": sender, "message": text}) as reply:
                body = await reply.json(content_type=None) if reply.status == 200 else None
                status = reply.status
        except asyncio.TimeoutError:
            tally.lost["timeout"] += 1
            continue
        except (aiohttp.ClientError, ValueError) as error:
            tally.lost[type(error).__name__] += 1
            continue
        tally.seconds.append(time.perf_counter() - began)
        said = [m.get("text") for m in body or [] if isinstance(m, dict) and m.get("text")]
        if status != 200:
            tally.lost[f"http {status}"] += 1
        elif not said:
            tally.lost["empty reply"] += 1
        if said and said[0] == unavailable:
            tally.unavailable += 1
        if text == EMERGENCY_TEXT:
            tally.emergency_turns += 1
            if not (said and said[0].startswith("Call 911")):
                tally.emergency_not_911_first += 1


async def run_load(url: str, conversations: int = 50, seconds: float = 30, timeout: float = 60) -> Dict:
    tally = Tally()
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        began = time.monotonic()
        await asyncio.gather(*(conversation(session, url, began + seconds, tally)
                               for _ in range(conversations)))
        elapsed = time.monotonic() - began
    answered = len(tally.seconds) - sum(n for reason, n in tally.lost.items() if reason.startswith(("http", "empty")))
    sent = len(tally.seconds) + sum(n for reason, n in tally.lost.items()
                                    if not reason.startswith(("http", "empty")))
    return {
        "conversations": conversations,
        "seconds": round(elapsed, 1),
        "turns_sent": sent,
        "turns_answered": answered,
        "turns_per_second": round(answered / elapsed, 2),
        **timings_ms(tally.seconds),
        "lost_turns": sum(tally.lost.values()),
        "lost_by_reason": dict(tally.lost),
        "answered_unavailable": tally.unavailable,
        "emergency_turns": tally.emergency_turns,
        "emergency_not_call_911_first": tally.emergency_not_911_first,
    }


def run(url: str, conversations: int, seconds: float) -> Dict:
    return asyncio.run(run_load(url, conversations, seconds))
