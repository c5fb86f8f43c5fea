"""Serving figures: a human pace (open loop), saturation for 1 and 2 Rasa servers behind
HAProxy, and where one turn's time goes. All servers real, on loopback.

Open loop: each conversation sends a turn every `interval` seconds on a fixed schedule,
whether or not the last one was answered, and latency counts from the scheduled moment,
so a slow server cannot slow the senders down and hide its own queue.
"""
from __future__ import annotations

import asyncio
import cProfile
import pstats
import random
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

from bench import load
from bench.latency import WEBHOOK, percentile

# Turns of a walkthrough and a question, as people at a human pace would say them.
HUMAN_SCRIPT = ["someone isn't breathing", "next", "still not breathing", "how long does withdrawal last",
                "yes", "thank you"]


def _ms(value) -> float:
    return None if value is None else round(value * 1000, 1)


async def _turn(session, url, sender, text, due, seconds: List[float], lost: Counter) -> None:
    await asyncio.sleep(max(0.0, due - time.monotonic()))
    try:
        async with session.post(url + WEBHOOK, json={"sender": sender, "message": text}) as reply:
            body = await reply.json(content_type=None) if reply.status == 200 else None
            if reply.status != 200:
                lost[f"http {reply.status}"] += 1
                return
    except asyncio.TimeoutError:
        lost["timeout"] += 1
        return
    except (aiohttp.ClientError, ValueError) as error:
        lost[type(error).__name__] += 1
        return
    if not any(isinstance(m, dict) and m.get("text") for m in body or []):
        lost["empty reply"] += 1
        return
    seconds.append(time.monotonic() - due)


async def _human_pace(url: str, conversations: int, interval: float, duration: float) -> Dict:
    seconds: List[float] = []
    lost: Counter = Counter()
    rng = random.Random(17)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30),
                                     connector=aiohttp.TCPConnector(limit=0)) as session:
        start = time.monotonic() + 0.5
        tasks = []
        for _ in range(conversations):
            sender, offset = f"pace-{uuid.uuid4().hex[:10]}", rng.uniform(0, interval)
            for k in range(int(duration / interval)):
                tasks.append(_turn(session, url, sender, HUMAN_SCRIPT[k % len(HUMAN_SCRIPT)],
                                   start + offset + k * interval, seconds, lost))
        await asyncio.gather(*tasks)
    return {"conversations": conversations, "interval_s": interval, "seconds": duration,
            "turns_sent": len(tasks), "turns_answered": len(seconds),
            "p50_ms": _ms(percentile(seconds, 50)), "p95_ms": _ms(percentile(seconds, 95)),
            "p99_ms": _ms(percentile(seconds, 99)), "max_ms": _ms(max(seconds) if seconds else None),
            "lost_turns": sum(lost.values()), "lost_by_reason": dict(lost)}


def human_pace(url: str, conversations: int = 50, interval: float = 3.0, duration: float = 60.0) -> Dict:
    return asyncio.run(_human_pace(url, conversations, interval, duration))


def balanced(model: Path, folder: Path, n_rasa: int, saturation_seconds: float,
             pace_seconds: float) -> Dict:
    """Start the scale-out set with n_rasa Rasa servers; human pace, then saturation."""
    from rasa_project import stack
    from rasa_project.scale import KEEPER, ScaleSet

    credentials = stack.write_credentials(folder, {stack.SAFE_REST: None, stack.HEALTH: None,
                                                   stack.ACTION_SCHEMA: None, KEEPER: None})
    group = ScaleSet(folder / f"rasa{n_rasa}", model=model, credentials=credentials,
                     n_rasa=n_rasa, n_actions=n_rasa).start(timeout=900)
    try:
        figures = {"rasa_servers": n_rasa, "action_servers": n_rasa}
        if pace_seconds:
            figures["human_pace"] = human_pace(group.url, duration=pace_seconds)
        figures["saturation"] = load.run(group.url, 50, saturation_seconds)
        return figures
    finally:
        group.stop()


def profile_turn(model: Path, action_url: str, turns: int = 60) -> Dict:
    """One process: NLU parse alone, then whole turns (policies, actions over HTTP, tracker
    in memory) as Rasa ships and with the cached action-reply check, each with cProfile's
    top functions by cumulative time."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from rasa_project.channels import action_schema

    agent = Agent.load(str(model), action_endpoint=EndpointConfig(action_url + "/webhook"))
    texts = [HUMAN_SCRIPT[i % len(HUMAN_SCRIPT)] for i in range(turns)]

    async def parse_ms() -> float:
        began = time.perf_counter()
        for text in texts:
            await agent.parse_message(text)
        return (time.perf_counter() - began) / turns * 1000

    async def turns_profiled(tag: str):
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for i, text in enumerate(texts):
            await agent.handle_text(text, sender_id=f"profile-{tag}-{i // len(HUMAN_SCRIPT)}")
        profiler.disable()
        return (time.perf_counter() - began) / turns * 1000, _top(profiler, turns)

    async def both() -> Dict:  # one event loop: Rasa's reminder scheduler is bound to it
        figures: Dict = {"turns": turns, "nlu_parse_ms": round(await parse_ms(), 1)}
        shipped, figures["top_as_shipped"] = await turns_profiled("shipped")
        action_schema.install()
        try:
            cached, figures["top_with_cached_check"] = await turns_profiled("cached")
        finally:
            RemoteAction._validate_action_result = action_schema._ORIGINAL
        figures.update(whole_turn_ms_as_shipped=round(shipped, 1), whole_turn_ms_cached_check=round(cached, 1))
        return figures

    return asyncio.run(both())


def _top(profiler: cProfile.Profile, turns: int, count: int = 8) -> List[Dict]:
    """Project and library functions by cumulative time per turn (asyncio plumbing left out)."""
    rows = sorted(pstats.Stats(profiler).stats.items(), key=lambda item: item[1][3], reverse=True)
    whole = rows[0][1][3] if rows else 0.0
    # Below the turn's own call chain (the wrappers that hold all of it), outside asyncio.
    keep = [(key, value) for key, value in rows if value[3] < 0.6 * whole
            and "asyncio" not in key[0] and not key[0].startswith("~") and "<" not in key[2]]
    return [{"function": f"{Path(f).parent.name}/{Path(f).name}:{line} {name}",
             "cumulative_ms_per_turn": round(ct / turns * 1000, 2)}
            for (f, line, name), (_, _, _, ct, _) in keep[:count]]


def measure(model: Path, tmp: Path, pace_seconds: float = 60.0, saturation_seconds: float = 20.0) -> Dict:
    from rasa_project import servers, stack

    actions = servers.action_server(stack.free_port(), log_dir=servers.PROJECT_ROOT / "var" / "log" / "bench")
    stack.start_all([actions])
    try:
        figures: Dict = {"profile": profile_turn(model, actions.url)}
    finally:
        actions.stop()
    for n in (1, 2):
        figures[f"balanced_{n}"] = balanced(model, tmp, n, saturation_seconds, pace_seconds)
    return figures


def markdown(f: Optional[Dict]) -> List[str]:
    """The report's section (bench/report.py)."""
    if not f:
        return []
    p = f["profile"]
    lines = ["## Serving: a human pace, saturation, failover", "",
             "Rasa servers behind HAProxy (round robin, health check on `/webhooks/health/`), as many "
             "action servers, Redis tracker and lock stores (`rasa_project/scale.py`). Human pace: "
             "50 conversations, each one turn every 3 s on a fixed schedule for 60 s (open loop; "
             "latency from the scheduled moment). Saturation: 50 conversations sending back to back.", "",
             "| Rasa servers | human pace p50 / p95 / p99 ms | lost | saturation turns/s | its p95 ms | lost |",
             "| --- | --- | --- | --- | --- | --- |"]
    for n in (1, 2):
        b = f.get(f"balanced_{n}") or {}
        h, sat = b.get("human_pace") or {}, b.get("saturation") or {}
        lines.append(f"| {n} | {h.get('p50_ms')} / {h.get('p95_ms')} / {h.get('p99_ms')} | "
                     f"{h.get('lost_turns')} {h.get('lost_by_reason') or ''} | {sat.get('turns_per_second')} | "
                     f"{sat.get('p95_ms')} | {sat.get('lost_turns')} {sat.get('lost_by_reason') or ''} |")
    lines += ["", f"Where a turn's time goes (one process, {p['turns']} turns): NLU parse {p['nlu_parse_ms']} ms; "
              f"whole turn {p['whole_turn_ms_as_shipped']} ms as Rasa ships, {p['whole_turn_ms_cached_check']} ms "
              "with the action reply checked by a validator built once "
              "(`rasa_project/channels/action_schema.py`). Cumulative ms per turn, as shipped:", ""]
    lines += [f"- {row['function']}: {row['cumulative_ms_per_turn']}" for row in p["top_as_shipped"]]
    lines += ["", "With the cached check:", ""]
    lines += [f"- {row['function']}: {row['cumulative_ms_per_turn']}" for row in p["top_with_cached_check"]]
    return lines + [""]


def main() -> None:
    """python -m bench.serving: these figures alone, printed as JSON."""
    import json
    import tempfile

    from bench.__main__ import quiet_logs
    from rasa_project import servers

    quiet_logs()
    with tempfile.TemporaryDirectory(prefix="serving-") as folder:
        print(json.dumps(measure(servers.DEFAULT_MODEL, Path(folder)), indent=1))


if __name__ == "__main__":
    main()
