"""Rasa's callback channel (the voice front end's way in), with the same input cleaning as
every other channel: the person's words pass through channels/user_text.neutralize here,
on the server, so no front end has to remember to do it. The recognizer's other hypotheses
(metadata "hypotheses") are weighed as on the REST channel (channels/hypotheses.py).

credentials.yml:
    rasa_project.channels.safe_callback.SafeCallbackInput:
      url: "http://127.0.0.1:5034/bot"
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.callback import CallbackInput
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_project.channels import hypotheses
from rasa_project.channels.safe_rest import FALLBACK_TRIGGER
from rasa_project.channels.user_text import neutralize


class SafeCallbackInput(CallbackInput):
    """POST {"sender": ..., "message": ..., "metadata": {...}} to /webhooks/callback/webhook;
    the answers go to `url`."""

    @classmethod
    def name(cls) -> Text:
        return "callback"  # replaces Rasa's own `callback:`, same URL

    def _extract_message(self, req: Request) -> Optional[Text]:
        return neutralize(super()._extract_message(req)) or FALLBACK_TRIGGER

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's callback blueprint, with the words chosen among the hypotheses sent."""
        webhook = Blueprint("safe_callback_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            choice = hypotheses.Choice(self._extract_message(request))
            if choice.text != FALLBACK_TRIGGER:
                choice = await hypotheses.words_to_send(request.app, choice.text, self.get_metadata(request))
            collector = self.get_output_channel()
            if choice.remind:  # said (called back) before the answer
                await collector.send_text_message(sender_id, hypotheses.reminder())
            await on_new_message(UserMessage(choice.text, collector, sender_id, input_channel=self.name()))
            return response.text("success")

        return webhook
