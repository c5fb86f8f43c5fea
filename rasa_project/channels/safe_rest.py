"""Rasa's REST channel, hardened for a public front end, at the same URL /webhooks/rest/webhook.

What it changes, and why:
- user words never reach Rasa with a leading "/": Rasa reads "/greet" or
  '/intent{"slot": ...}' as a command that skips NLU (and the safety net);
- empty or missing text goes to the fallback ("call 911" reminder) instead of NLU;
- control characters are dropped (NUL breaks SQL tracker stores);
- text is bounded (featurizing and matching grow with the length, and a classifier
  such as DIET grows with its square: 10,000 characters took seconds), but danger cues
  in the part cut away are kept (the safety net must still see "<100 KB of junk> he is
  not breathing");
- the answer comes after at most `reply_timeout` seconds with what the assistant has
  said so far: "Call 911" comes from the domain before any custom action runs, so a
  hung action server (Rasa waits 5 minutes for it) cannot hold it back;
- a malformed body gets HTTP 400, and no log line ever quotes the user's words.

credentials.yml:
    rasa_project.channels.safe_rest.SafeRestInput:
      reply_timeout: 8   # optional, seconds
"""
from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

FALLBACK_TRIGGER = "/nlu_fallback"  # the only "/" message this channel builds itself
MAX_CHARS = 1000  # what NLU sees of one turn
HEAD_CHARS = 300  # kept from the start of a longer text
TAIL_CHARS = 500  # kept from the end (the latest words)
CUE_CHARS = 60  # kept either side of a danger cue found in the part cut away
MAX_CUES = 3
MAX_SCAN_CHARS = 200_000  # the part cut away that is searched for cues
CUE_LABELS = frozenset({"DANGER", "CRISIS", "NOW"})  # labels in rasa_project/safety/patterns.yml
DEFAULT_REPLY_TIMEOUT = 8.0


def neutralize(text: Any) -> str:
    """The words NLU should see: no control characters, no leading "/", bounded."""
    if not isinstance(text, str):
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    start = 0
    while start < len(text) and (text[start] == "/" or text[start].isspace()):
        start += 1
    text = text[start:].strip()
    return shorten(text) if len(text) > MAX_CHARS else text


def shorten(text: str) -> str:
    """Head, tail and any danger cues in between, within about MAX_CHARS."""
    head, middle, tail = text[:HEAD_CHARS], text[HEAD_CHARS:-TAIL_CHARS], text[-TAIL_CHARS:]
    return " ".join([head, *danger_cues(middle[:MAX_SCAN_CHARS]), tail])


def danger_cues(text: str) -> List[str]:
    """Short windows of `text` around what the safety net's rules call a danger cue."""
    from rasa_project.safety.matcher import normalize
    from rasa_project.safety.rules import SPANS_KEY

    doc = _safety_pipeline()(normalize(text))
    cues = [span for span in doc.spans.get(SPANS_KEY, []) if span.label_ in CUE_LABELS]
    return [
        doc.text[max(0, span.start_char - CUE_CHARS):span.end_char + CUE_CHARS]
        for span in cues[:MAX_CUES]
    ]


@lru_cache(maxsize=1)
def _safety_pipeline():
    import spacy

    from rasa_project.safety.matcher import DEFAULT_PIPELINE

    nlp = spacy.load(DEFAULT_PIPELINE)
    nlp.max_length = max(nlp.max_length, MAX_SCAN_CHARS * 2)
    return nlp


class SafeRestInput(RestInput):
    """POST {"sender": ..., "message": ...} to /webhooks/rest/webhook; answers a JSON list."""

    @classmethod
    def name(cls) -> Text:
        return "rest"  # replaces Rasa's own `rest:` in credentials.yml, same URL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SafeRestInput":
        raw = dict(credentials or {})
        unknown = sorted(set(raw) - {"reply_timeout"})
        if unknown:
            raise ValueError(f"rest: unknown settings {unknown}; known: ['reply_timeout']")
        return cls(float(raw.get("reply_timeout", DEFAULT_REPLY_TIMEOUT)))

    def __init__(self, reply_timeout: float = DEFAULT_REPLY_TIMEOUT) -> None:
        self.reply_timeout = reply_timeout

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            return await self.handle(request, on_new_message)

        return webhook

    async def handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        try:
            body = request.json
        except Exception:  # sanic raises on a body that is not JSON
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("message", ""), (str, type(None))):
            return response.json({"error": 'expected {"sender": "...", "message": "..."}'}, status=400)
        sender = body.get("sender")
        text = neutralize(body.get("message")) or FALLBACK_TRIGGER
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
        if str(request.args.get("stream", "")).lower() == "true":
            # Streamed messages reach the client as they are said: no timeout needed.
            return response.stream(
                self.stream_response(on_new_message, text, sender, self.name(), metadata),
                content_type="text/event-stream",
            )
        collector = CollectingOutputChannel()
        message = UserMessage(
            text, collector, None if sender is None else str(sender),
            input_channel=self.name(), metadata=metadata,
        )
        await self._run(on_new_message, message)
        return response.json(collector.messages or [self._unavailable(sender)])

    async def _run(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage) -> None:
        """Run the turn; after reply_timeout, leave it running and answer what was said."""
        task = asyncio.ensure_future(on_new_message(message))
        task.add_done_callback(_consume_exception)
        try:
            await asyncio.wait_for(asyncio.shield(task), self.reply_timeout)
        except asyncio.TimeoutError:
            logger.warning("Turn slower than %.1f s; answering with what was said so far", self.reply_timeout)
        except Exception as error:  # the type only: a traceback may quote the user
            logger.error("Turn failed on the rest channel: %s", type(error).__name__)

    @staticmethod
    def _unavailable(sender: Any) -> Dict[str, Any]:
        # The Alexa channel's phrase for the same case; it starts with the 911 reminder.
        from rasa_project.channels.alexa_turn import unavailable_text

        return {"recipient_id": sender, "text": unavailable_text()}


def _consume_exception(task: "asyncio.Future[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.debug("Late turn ended with %s", type(task.exception()).__name__)
