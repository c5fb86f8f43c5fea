"""Rasa's callback channel (the voice front end's way in), with the same input cleaning as
every other channel: the person's words pass through channels/user_text.neutralize here,
on the server, so no front end has to remember to do it.

credentials.yml:
    rasa_project.channels.safe_callback.SafeCallbackInput:
      url: "http://127.0.0.1:5034/bot"
"""
from __future__ import annotations

from typing import Optional, Text

from rasa.core.channels.callback import CallbackInput
from sanic.request import Request

from rasa_project.channels.safe_rest import FALLBACK_TRIGGER
from rasa_project.channels.user_text import neutralize


class SafeCallbackInput(CallbackInput):
    """POST {"sender": ..., "message": ...} to /webhooks/callback/webhook; the answers go to `url`."""

    @classmethod
    def name(cls) -> Text:
        return "callback"  # replaces Rasa's own `callback:`, same URL

    def _extract_message(self, req: Request) -> Optional[Text]:
        return neutralize(super()._extract_message(req)) or FALLBACK_TRIGGER
