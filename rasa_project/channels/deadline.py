"""One assistant turn under a deadline, shared by the REST and Alexa channels.

The turn runs as its own task: after `timeout` seconds the channel answers with what the
assistant has said so far (the domain's "Call 911" comes before any custom action), and the
turn is left to finish; its late error is read, never raised. Logs name the error type
only: a traceback may quote the user.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage


@dataclass(frozen=True)
class TurnLog:
    logger: logging.Logger
    slow: str  # %-format, given the timeout in seconds
    failed: str  # %-format, given the error's type name
    late: str  # %-format, given the error's type name (a turn that outlived the timeout)


async def run_turn(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage,
                   timeout: float, log: TurnLog) -> None:
    task = asyncio.ensure_future(on_new_message(message))
    task.add_done_callback(partial(_consume_exception, log))
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    except asyncio.TimeoutError:
        log.logger.warning(log.slow, timeout)
    except Exception as error:  # the type only: a traceback may quote the user
        log.logger.error(log.failed, type(error).__name__)


def _consume_exception(log: TurnLog, task: "asyncio.Future[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.logger.debug(log.late, type(task.exception()).__name__)
