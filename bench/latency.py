"""Per-turn latency through the running servers' REST webhook, one turn at a time."""
from __future__ import annotations

import asyncio
import time
import uuid
from typing import Dict, List, Optional

import aiohttp

WEBHOOK = "/webhooks/rest/webhook"
# One representative message per turn kind; each is sent in a new conversation.
TURNS = {
    "emergency": "someone isn't breathing",
    "guidance": "how long does withdrawal last",
    "meeting": "where is an NA meeting in saint paul tonight",
}


def percentile(samples: List[float], q: float) -> Optional[float]:
    if not samples:
        return None
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(seconds: List[float]) -> Dict:
    return {"n": len(seconds), **timings_ms(seconds)}


def timings_ms(seconds: List[float]) -> Dict:
    """p50, p95 and max of `seconds`, in milliseconds."""
    return {
        "p50_ms": _ms(percentile(seconds, 50)),
        "p95_ms": _ms(percentile(seconds, 95)),
        "max_ms": _ms(max(seconds) if seconds else None),
    }


def _ms(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value * 1000, 1)


async def say(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> list:
    async with session.post(url + WEBHOOK, json={"sender": sender, "message": text}) as reply:
        reply.raise_for_status()
        return await reply.json()


async def time_turn(url: str, text: str, samples: int, warmup: int = 2, timeout: float = 60) -> Dict:
    """`samples` timed turns (after `warmup` untimed ones), each in a new conversation."""
    seconds, first_texts = [], []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        for i in range(warmup + samples):
            began = time.perf_counter()
            messages = await say(session, url, f"bench-{uuid.uuid4().hex[:12]}", text)
            took = time.perf_counter() - began
            if i >= warmup:
                seconds.append(took)
                first_texts.append(next((m["text"] for m in messages if m.get("text")), ""))
    result = summary(seconds)
    result["text"] = text
    result["first_words"] = sorted({" ".join(t.split()[:3]) for t in first_texts})
    return result


async def first_answer(url: str, timeout: float = 600) -> float:
    """Seconds until the webhook gives a non-empty answer (the server is really serving)."""
    began = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        while True:
            try:
                if await say(session, url, f"bench-{uuid.uuid4().hex[:12]}", "hello"):
                    return time.monotonic() - began
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            if time.monotonic() - began > timeout:
                raise TimeoutError(f"no answer from {url} after {timeout:.0f} s")
            await asyncio.sleep(0.1)  # polling interval while waiting on the condition


def run(url: str, turns: Dict[str, str], samples: int) -> Dict[str, Dict]:
    return {name: asyncio.run(time_turn(url, text, samples)) for name, text in turns.items()}
