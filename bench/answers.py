"""The first answer to every held-out utterance through the running server: who hears "Call 911"."""
from __future__ import annotations

import asyncio
import uuid
from typing import Dict, List

import aiohttp

from bench.heldout import Example
from bench.latency import say
from bench.nlu import EMERGENCY

CALL_911 = "Call 911"


async def first_answers(url: str, examples: List[Example], timeout: float = 60) -> List[str]:
    """Each utterance in a new conversation, one at a time."""
    answers = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        for example in examples:
            messages = await say(session, url, f"bench-{uuid.uuid4().hex[:12]}", example.text)
            answers.append(next((m["text"] for m in messages if m.get("text")), ""))
    return answers


def run(url: str, examples: List[Example]) -> Dict:
    answers = asyncio.run(first_answers(url, examples))
    emergencies = [(e, a) for e, a in zip(examples, answers) if e.intent == EMERGENCY]
    others = [(e, a) for e, a in zip(examples, answers) if e.intent != EMERGENCY]
    return {
        "emergency_utterances": len(emergencies),
        "emergency_call_911_first": sum(a.startswith(CALL_911) for _, a in emergencies),
        "emergency_without_call_911_first": [{"text": e.text, "answer": a[:80]}
                                             for e, a in emergencies if not a.startswith(CALL_911)],
        "other_utterances": len(others),
        "other_call_911_first": [{"text": e.text, "intent": e.intent}
                                 for e, a in others if a.startswith(CALL_911)],
    }
