"""What one Alexa request asks of the assistant, and the Alexa JSON that answers it."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import yaml

from rasa_project.safety.fallbacks import fallback_text
from rasa_project.channels.user_text import neutralize
from rasa_project.content import library
from rasa_project.content.ssml import to_ssml
from rasa_project.content.walkthrough import CHECKIN_PAYLOAD

CATCH_ALL_INTENT = "CatchAllIntent"
CATCH_ALL_SLOT = "utterance"
PHRASES_FILE = Path(__file__).with_name("alexa.yml")
_REQUEST_TYPE = re.compile(r"[A-Za-z][A-Za-z.]{0,63}")  # what may appear in a log line

# Alexa's built-in intents -> the Rasa intent the channel triggers. Only these strings,
# built here, ever reach Rasa with a leading "/" (which skips NLU).
BUILT_IN_TRIGGERS = {
    "AMAZON.StopIntent": "goodbye",
    "AMAZON.CancelIntent": "goodbye",
    "AMAZON.HelpIntent": "help",
    "AMAZON.RepeatIntent": "repeat",
    "AMAZON.FallbackIntent": "nlu_fallback",
    "AMAZON.NavigateHomeIntent": "greet",
    # The walkthrough says "say next when you are ready": on a device a one-word "next",
    # "yes" or "more" goes to these built-ins, never to the catch-all slot.
    "AMAZON.NextIntent": "next_step",
    "AMAZON.PreviousIntent": "previous_step",
    "AMAZON.YesIntent": "affirm",
    "AMAZON.NoIntent": "deny",
    "AMAZON.MoreIntent": "more",
}
# The skill's own intents for walkthrough answers that the catch-all's one-word carrier
# would cut ("not breathing" -> "breathing"); their samples are the Rasa intent's NLU
# examples (alexa_model.py). AMAZON.StartOverIntent is not used: nothing restarts a walkthrough.
WALKTHROUGH_TRIGGERS = {
    "StillNotBreathingIntent": "still_not_breathing",
    "BreathingNowIntent": "breathing_now",
    "NoNaloxoneIntent": "no_naloxone",
    "NaloxoneInjectionIntent": "naloxone_injection",
}
# Built-in intents whose samples are extended with the Rasa intent's NLU examples.
EXTENDED_BUILT_INS = ("AMAZON.NextIntent", "AMAZON.PreviousIntent")
TRIGGERS = {**BUILT_IN_TRIGGERS, **WALKTHROUGH_TRIGGERS}
ENDS_SESSION = {"AMAZON.StopIntent", "AMAZON.CancelIntent"}


@dataclass(frozen=True)
class AlexaTurn:
    """The channel's plan for one request."""

    kind: str  # request type or Alexa intent name; safe to log (never the user's words)
    text: Optional[str]  # message for Rasa; None = answer without asking the assistant
    end_session: bool = False  # stop/cancel; an emergency never ends the session
    repeat: bool = False  # fall back to the channel's copy of the last answer


def trigger(intent: str) -> str:
    """A Rasa intent message ("/greet"): NLU is skipped, so only the channel builds these."""
    return f"/{intent}"


def _get(node: Any, *path: str) -> Any:
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def slot_value(envelope: Mapping[str, Any], slot: str = CATCH_ALL_SLOT) -> str:
    value = _get(envelope, "request", "intent", "slots", slot, "value")
    if not isinstance(value, str):
        value = _get(envelope, "request", "intent", "slots", slot, "slotValue", "value")
    return value if isinstance(value, str) else ""


def plan_turn(envelope: Mapping[str, Any]) -> AlexaTurn:
    """Map an Alexa request to one Rasa message; unknown input never drops the session."""
    request_type = _get(envelope, "request", "type")
    if request_type == "LaunchRequest":
        return AlexaTurn("LaunchRequest", trigger("greet"))
    if request_type == "IntentRequest":
        intent = _get(envelope, "request", "intent", "name")
        if intent == CATCH_ALL_INTENT:
            words = neutralize(slot_value(envelope))
            return AlexaTurn(CATCH_ALL_INTENT, words or trigger("nlu_fallback"))
        if intent in TRIGGERS:
            return AlexaTurn(
                intent,
                trigger(TRIGGERS[intent]),
                end_session=intent in ENDS_SESSION,
                repeat=intent == "AMAZON.RepeatIntent",
            )
        return AlexaTurn("UnknownIntent", trigger("nlu_fallback"))
    # SessionEndedRequest, System.ExceptionEncountered, ...: no speech is allowed.
    known = isinstance(request_type, str) and _REQUEST_TYPE.fullmatch(request_type)
    return AlexaTurn(request_type if known else "OtherRequest", None)


def sender_id(envelope: Mapping[str, Any]) -> str:
    """One Rasa conversation per Alexa session; the raw Amazon ids never leave here."""
    user = _get(envelope, "session", "user", "userId") or _get(
        envelope, "context", "System", "user", "userId"
    )
    session = _get(envelope, "session", "sessionId")
    digest = hashlib.sha256(f"alexa\x00{user or ''}\x00{session or ''}".encode()).hexdigest()
    return f"alexa-{digest[:32]}"


def metadata(envelope: Mapping[str, Any]) -> Dict[str, Any]:
    locale = _get(envelope, "request", "locale")
    return {"locale": locale} if isinstance(locale, str) else {}


@lru_cache(maxsize=1)
def phrases() -> Dict[str, Any]:
    with PHRASES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def unavailable_text() -> str:
    return fallback_text("channel_unavailable")


def _speech(texts: Sequence[str]) -> Dict[str, str]:
    return {"type": "SSML", "ssml": to_ssml(texts)}


def speech_response(texts: Sequence[str], end_session: bool, card: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """Speak every message in order; reprompt with the last one while the session is open.
    A card (links to join online meetings) is shown in the Alexa app, never read aloud."""
    body: Dict[str, Any] = {"shouldEndSession": bool(end_session)}
    if texts:
        body["outputSpeech"] = _speech(texts)
        if not end_session:
            body["reprompt"] = {"outputSpeech": _speech([texts[-1]])}
    if card and card.get("text"):
        body["card"] = {"type": "Simple", "title": str(card.get("title") or ""), "content": str(card["text"])}
    return {"version": "1.0", "sessionAttributes": {}, "response": body}


def card_of(messages: Sequence[Mapping[str, Any]]) -> Optional[Mapping[str, str]]:
    """The last `custom.card` a message of the turn carries (the meeting lookup's links)."""
    cards = [m["custom"]["card"] for m in messages if isinstance(m.get("custom"), Mapping)
             and isinstance(m["custom"].get("card"), Mapping)]
    return cards[-1] if cards else None


def silent_response() -> Dict[str, Any]:
    """The answer to SessionEndedRequest and other requests that allow no speech."""
    return {"version": "1.0", "response": {}}


def spoken_texts(messages: Sequence[Mapping[str, Any]]) -> List[str]:
    """The text of CollectingOutputChannel messages (images and buttons cannot be heard).
    A skill cannot speak first, so a scheduled naloxone check-in becomes a spoken request
    to ask again."""
    texts = [m["text"] for m in messages if isinstance(m.get("text"), str) and m["text"].strip()]
    if any(isinstance(m.get("custom"), Mapping) and CHECKIN_PAYLOAD in m["custom"] for m in messages):
        texts.append(library.phrase("alexa", "checkin"))
    return texts


def asks_to_end(messages: Sequence[Mapping[str, Any]]) -> bool:
    """A response may carry `custom: {end_session: true}` (e.g. utter_goodbye)."""
    return any(
        isinstance(m.get("custom"), Mapping) and m["custom"].get("end_session") is True
        for m in messages
    )
