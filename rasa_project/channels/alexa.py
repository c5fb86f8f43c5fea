"""A Rasa input channel for an Alexa custom skill: POST /webhooks/alexa/webhook."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_project.channels import alexa_turn as turns
from rasa_project.channels.deadline import TurnLog, run_turn
from rasa_project.channels.verify import (
    AlexaVerifier,
    UrllibFetcher,
    VerificationError,
    check_skill_id,
    parse_envelope,
)

logger = logging.getLogger(__name__)

VERIFY_OFF_WARNING = (
    "ALEXA REQUEST VERIFICATION IS OFF (verify: false). Anyone who can reach "
    "/webhooks/alexa/webhook can talk to the assistant. Use this only for local testing."
)
TURN_LOG = TurnLog(logger, slow="Assistant slower than %.1f s; answering with what it said so far",
                   failed="Assistant failed on an Alexa turn: %s", late="Late assistant turn ended with %s")
MAX_REMEMBERED_ANSWERS = 1000  # conversations whose last answer RepeatIntent can replay


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"  # "${ALEXA_VERIFY}" arrives as text
    raise ValueError(f"alexa: {name} must be true or false, not {value!r}")


@dataclass(frozen=True)
class AlexaSettings:
    """The channel's section of credentials.yml."""

    skill_id: str = ""  # amzn1.ask.skill...; requests for any other skill get HTTP 400
    verify: bool = True  # false only for local tests: skips Amazon's signature checks
    invocation_name: str = ""  # what people say to open the skill; read by alexa_model
    cert_fetch_timeout: float = 3.0  # seconds to download Amazon's certificate chain
    reply_timeout: float = 6.0  # seconds to wait for Rasa; Alexa gives up at about 8
    trust_store: Optional[str] = None  # PEM bundle of roots; None = certifi/system

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "AlexaSettings":
        raw = dict(credentials or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"alexa: unknown settings {unknown}; known: {sorted(known)}")
        settings = cls(
            skill_id=str(raw.get("skill_id") or "").strip(),
            verify=_flag(raw.get("verify", True), "verify"),
            invocation_name=str(raw.get("invocation_name") or "").strip(),
            cert_fetch_timeout=float(raw.get("cert_fetch_timeout", 3.0)),
            reply_timeout=float(raw.get("reply_timeout", 6.0)),
            trust_store=str(raw["trust_store"]) if raw.get("trust_store") else None,
        )
        if settings.verify and not settings.skill_id:
            raise ValueError("alexa: skill_id is required when verify is true")
        return settings


class AlexaInput(InputChannel):
    """Speaks the Alexa Skills Kit custom-skill JSON; every request verified first."""

    @classmethod
    def name(cls) -> str:
        return "alexa"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "AlexaInput":
        return cls(AlexaSettings.from_credentials(credentials))

    def __init__(
        self, settings: AlexaSettings, verifier: Optional[AlexaVerifier] = None
    ) -> None:
        self.settings = settings
        self.verifier = verifier
        if settings.verify and verifier is None:
            self.verifier = AlexaVerifier(
                skill_id=settings.skill_id,
                fetcher=UrllibFetcher(timeout=settings.cert_fetch_timeout),
                trust_store_path=settings.trust_store,
            )
        if not settings.verify:
            logger.warning(VERIFY_OFF_WARNING)
        self._last_answers: "OrderedDict[str, List[str]]" = OrderedDict()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        alexa_webhook = Blueprint("alexa_webhook", __name__)

        @alexa_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @alexa_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return alexa_webhook

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        # One deadline from arrival: the certificate download counts against reply_timeout.
        deadline = asyncio.get_running_loop().time() + self.settings.reply_timeout
        try:
            envelope = await self._checked_envelope(request, deadline)
        except VerificationError as error:
            logger.warning("Alexa request refused (HTTP 400): %s", error)
            return response.json({"error": "request refused"}, status=400)
        except asyncio.TimeoutError:
            # Not yet verified, so the assistant must not hear it; the fixed phrase (call
            # 911 if someone is in danger) is all that is said. The download goes on and
            # fills the cache for the next request.
            logger.warning("Alexa verification slower than %.1f s", self.settings.reply_timeout)
            return response.json(turns.speech_response([turns.unavailable_text()], False))
        except Exception as error:  # a broken fetcher or trust store must fail closed
            logger.error("Alexa request refused (HTTP 400): %s", type(error).__name__)
            return response.json({"error": "request refused"}, status=400)

        turn = turns.plan_turn(envelope)
        sender = turns.sender_id(envelope)
        logger.info("Alexa %s for conversation %s", turn.kind, sender)
        if turn.text is None:
            return response.json(turns.silent_response())

        message = UserMessage(
            turn.text,
            CollectingOutputChannel(),
            sender,
            input_channel=self.name(),
            metadata=turns.metadata(envelope),
        )
        messages = await self._ask(on_new_message, message, deadline)
        texts = turns.spoken_texts(messages)
        if not texts and turn.repeat:
            texts = list(self._last_answers.get(sender, []))
        end_session = turn.end_session or turns.asks_to_end(messages)
        if not texts and not end_session:
            texts = [turns.unavailable_text()]
        elif texts:
            self._remember(sender, texts)
        return response.json(turns.speech_response(texts, end_session, turns.card_of(messages)))

    async def _checked_envelope(self, request: Request, deadline: float) -> Dict[str, Any]:
        body = request.body or b""
        if self.verifier is not None:
            loop = asyncio.get_running_loop()
            # The first request downloads Amazon's chain: keep the event loop free.
            work = loop.run_in_executor(None, self.verifier.verify, request.headers, body)
            work.add_done_callback(lambda done: done.cancelled() or done.exception())  # read, not raised
            return await asyncio.wait_for(asyncio.shield(work), max(0.0, deadline - loop.time()))
        logger.warning(VERIFY_OFF_WARNING)
        envelope = parse_envelope(body)
        if self.settings.skill_id:
            check_skill_id(envelope, self.settings.skill_id)
        return envelope

    async def _ask(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage,
        deadline: float,
    ) -> List[Dict[str, Any]]:
        """Run the turn; at the deadline, speak what the assistant has said so far."""
        left = max(0.0, deadline - asyncio.get_running_loop().time())
        await run_turn(on_new_message, message, left, TURN_LOG)
        return list(message.output_channel.messages)

    def _remember(self, sender: str, texts: List[str]) -> None:
        self._last_answers[sender] = texts
        self._last_answers.move_to_end(sender)
        while len(self._last_answers) > MAX_REMEMBERED_ANSWERS:
            self._last_answers.popitem(last=False)
