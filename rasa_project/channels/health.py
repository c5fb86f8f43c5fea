"""GET /webhooks/health/: 200 when the model is loaded and the action server answers, else 503.

A load balancer or systemd watchdog asks this one URL; Rasa's own `/` says only that the
process is up, and the action server can be down behind it.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Optional

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

PROBE_TIMEOUT = 2.0  # seconds for the action server's /health


def actions_health_url(webhook_url: Optional[str]) -> Optional[str]:
    """http://host:port/webhook -> http://host:port/health (rasa_sdk's health route)."""
    if not webhook_url:
        return None
    base = webhook_url.rstrip("/")
    return (base[: -len("/webhook")] if base.endswith("/webhook") else base) + "/health"


async def probe(url: Optional[str]) -> bool:
    if url is None:
        return False
    try:
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as reply:
                return reply.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return False


class HealthInput(InputChannel):
    """Not a conversation channel: only the health route."""

    @classmethod
    def name(cls) -> str:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("health_webhook", __name__)

        @health.route("/", methods=["GET"])
        async def check(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            model = bool(agent is not None and agent.is_ready())
            endpoint = getattr(agent, "action_endpoint", None)
            actions = await probe(actions_health_url(getattr(endpoint, "url", None)))
            status = 200 if model and actions else 503
            return response.json({"model": model, "actions": actions}, status=status)

        return health
