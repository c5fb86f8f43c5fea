"""A speech recognizer's close second guesses: the words the NLU is surest of go on.

A front end that hears speech may send, beside its best transcript, the other hypotheses of
its beam in the message metadata: {"metadata": {"hypotheses": ["...", "..."]}}. The server
parses each and sends on the one whose intent the NLU is surest of. "where is the nearest
meting" loses to "where is the nearest meeting" when the NLU knows the second far better.

Three rules keep this from touching safety (rasa_project/safety/policy.yml):
- when the best transcript is a safety intent (an emergency, a crisis), it is kept;
- a hypothesis that is a safety intent is never chosen over the best: escalating on a
  second guess is the danger rules' job, with their own narrower margin (voice/whisper.yml);
- when the NLU could not place the best words (the fallback, whose answer leads with the
  911 reminder) and a second guess is answered instead, the channel says the reminder
  first (`Choice.remind`): "my cousin just od'd" heard as "... talked in the bathroom",
  second guess "... told him that my room", answered as a loved one's question.
Nothing of what was said is logged.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa_project.channels.user_text import neutralize

log = logging.getLogger(__name__)

KEY = "hypotheses"  # in the message metadata
MAX_HYPOTHESES = 4
FALLBACK = "nlu_fallback"

Parse = Callable[[str], Awaitable[Dict[str, Any]]]


@dataclass(frozen=True)
class Choice:
    text: str  # the words to send on
    remind: bool = False  # a second guess replaced words the NLU could not place: 911 reminder first


def reminder() -> str:
    from rasa_project.safety.fallbacks import fallback_text

    return fallback_text("voice_second_guess")


def offered(metadata: Any, best: str) -> List[str]:
    """The other hypotheses a front end sent, cleaned like the message itself, best left out."""
    found = metadata.get(KEY) if isinstance(metadata, dict) else None
    if not isinstance(found, list):
        return []
    cleaned = (neutralize(text) for text in found[:MAX_HYPOTHESES] if isinstance(text, str))
    return [text for text in dict.fromkeys(cleaned) if text and text != best]


async def choose(parse: Parse, best: str, others: List[str], safety: Optional[set] = None) -> Choice:
    """`best`, or the hypothesis among `others` whose intent the NLU is surest of (see above)."""
    if not others:
        return Choice(best)
    if safety is None:
        from rasa_project.safety.policy import policy

        safety = set(policy().intents)
    try:
        chosen, (intent, confidence) = best, _intent(await parse(best))
        if intent in safety:
            return Choice(best)
        unplaced = intent == FALLBACK
        surest = 0.0 if unplaced else confidence
        for n, text in enumerate(others, start=2):
            intent, confidence = _intent(await parse(text))
            if intent not in safety and intent != FALLBACK and confidence > surest:
                chosen, surest = text, confidence
                log.debug("hypothesis %d chosen (%s, %.2f)", n, intent, confidence)
        return Choice(chosen, remind=unplaced and chosen != best)
    except Exception:  # a parse that fails must not cost the turn: the best goes on
        log.exception("choosing among hypotheses failed: the best goes on")
        return Choice(best)


def agent_parse(app: Any) -> Optional[Parse]:
    """The running server's NLU, or None while no model is loaded."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    ready = getattr(agent, "is_ready", None)
    if not callable(ready) or not ready():
        return None
    return agent.parse_message


async def words_to_send(app: Any, best: str, metadata: Any) -> Choice:
    """What a channel hands on as the person's words: `best`, or a hypothesis the NLU prefers."""
    others = offered(metadata, best)
    parse = agent_parse(app) if others else None
    return await choose(parse, best, others) if parse else Choice(best)


def _intent(parsed: Dict[str, Any]) -> Tuple[str, float]:
    intent = parsed.get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
