"""One reply deadline from the moment a request arrives: the download of Amazon's
certificate chain counts against it (issue 17: 8.9 s answers after a slow first fetch).

The download is the one part faked here (no network): a fetcher that takes its time.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from rasa_project.channels.alexa import AlexaInput, AlexaSettings
from rasa_project.channels.alexa_turn import unavailable_text

from .alexa_pki import CERT_URL, DictFetcher, signed, verifier_for
from .alexa_support import (
    SKILL_ID, StubAgent, exchange, load_fixture, run, spoken, ssml_of,
)


@dataclass
class SlowFetcher(DictFetcher):
    seconds: float = 0.0  # how long the "download from s3.amazonaws.com" takes

    def __call__(self, url: str) -> bytes:
        time.sleep(self.seconds)  # the simulated network latency under test
        return super().__call__(url)


def timed_exchange(pki, fetch_seconds: float, turn_seconds: float, reply_timeout: float):
    verifier = verifier_for(pki)
    verifier.fetcher = SlowFetcher({CERT_URL: pki.chain}, seconds=fetch_seconds)
    channel = AlexaInput(AlexaSettings(skill_id=SKILL_ID, reply_timeout=reply_timeout), verifier)
    agent = StubAgent()
    agent.delay = turn_seconds

    async def go():
        started = asyncio.get_running_loop().time()
        result = await exchange([signed(load_fixture("catch_all"), pki.leaf_key)],
                                agent=agent, channel=channel)
        return result, asyncio.get_running_loop().time() - started

    (agent, [(status, answer, _)]), elapsed = run(go())
    return agent, status, answer, elapsed


def test_a_slow_fetch_then_a_slow_turn_is_answered_at_the_one_deadline(pki):
    # Before: fetch (0.8 s) + a full reply_timeout (1.2 s) = 2.0 s. Now: 1.2 s in all.
    agent, status, answer, elapsed = timed_exchange(pki, 0.8, 5.0, 1.2)
    assert status == 200
    assert agent.texts == ["friend is not breathing"]  # verified, so the assistant heard it
    assert spoken(ssml_of(answer)) == unavailable_text()
    assert 0.8 <= elapsed < 1.2 + 0.5, elapsed


def test_a_fetch_slower_than_the_deadline_says_the_fixed_phrase_and_not_the_assistant(pki):
    agent, status, answer, elapsed = timed_exchange(pki, 2.0, 0.0, 0.5)
    assert status == 200 and elapsed < 0.5 + 0.5, elapsed
    assert agent.messages == []  # unverified words never reach the assistant
    assert spoken(ssml_of(answer)) == unavailable_text()
    assert answer["response"]["shouldEndSession"] is False


def test_a_fast_fetch_leaves_the_turn_the_rest_of_the_time(pki):
    agent, status, answer, _ = timed_exchange(pki, 0.2, 0.3, 2.0)
    assert status == 200 and "You said: friend is not breathing" in spoken(ssml_of(answer))
