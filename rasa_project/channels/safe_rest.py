"""Rasa's REST channel, hardened for a public front end, at the same URL /webhooks/rest/webhook.

What it changes, and why:
- user words pass through channels/user_text.neutralize: no leading "/" (which
  would skip NLU and the safety net), no control characters, bounded length with the
  danger cues of a long text kept;
- a speech front end's other hypotheses (metadata "hypotheses") may replace its best
  transcript when the NLU is surer of one (channels/hypotheses.py);
- empty or missing text goes to the fallback ("call 911" reminder) instead of NLU;
- the answer comes after at most `reply_timeout` seconds with what the assistant has
  said so far: "Call 911" comes from the domain before any custom action runs, so a
  hung action server (Rasa waits 5 minutes for it) cannot hold it back;
- a malformed body gets HTTP 400, and no log line ever quotes the user's words.

credentials.yml:
    rasa_project.channels.safe_rest.SafeRestInput:
      reply_timeout: 8   # optional, seconds
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_project.channels import hypotheses
from rasa_project.channels.deadline import TurnLog, run_turn
from rasa_project.safety.fallbacks import fallback_text
from rasa_project.channels.user_text import neutralize

logger = logging.getLogger(__name__)

FALLBACK_TRIGGER = "/nlu_fallback"  # the only "/" message this channel builds itself
DEFAULT_REPLY_TIMEOUT = 8.0
TURN_LOG = TurnLog(logger, slow="Turn slower than %.1f s; answering with what was said so far",
                   failed="Turn failed on the rest channel: %s", late="Late turn ended with %s")


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
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
        text = neutralize(body.get("message"))
        choice = await hypotheses.words_to_send(request.app, text, metadata) if text else hypotheses.Choice(FALLBACK_TRIGGER)
        if str(request.args.get("stream", "")).lower() == "true":
            # Streamed messages reach the client as they are said: no timeout needed. A second
            # guess that needs the reminder in front is not taken here: the fallback says it.
            text = text if choice.remind else choice.text
            return response.stream(
                self.stream_response(on_new_message, text, sender, self.name(), metadata),
                content_type="text/event-stream",
            )
        text = choice.text
        collector = CollectingOutputChannel()
        if choice.remind:
            await collector.send_text_message(sender, hypotheses.reminder())
        message = UserMessage(
            text, collector, None if sender is None else str(sender),
            input_channel=self.name(), metadata=metadata,
        )
        await run_turn(on_new_message, message, self.reply_timeout, TURN_LOG)
        return response.json(collector.messages or [self._unavailable(sender)])

    @staticmethod
    def _unavailable(sender: Any) -> Dict[str, Any]:
        return {"recipient_id": sender, "text": fallback_text("channel_unavailable")}


