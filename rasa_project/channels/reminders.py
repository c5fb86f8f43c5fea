"""Rasa reminders that outlive the Rasa server that scheduled them (scale-out only).

Rasa keeps a reminder (the naloxone check-in) as an APScheduler job in the memory of the
process that handled the turn; the tracker in Redis holds only the ReminderScheduled
event. When that process dies, nobody fires it. Here every Rasa server publishes its
pending reminder jobs to Redis with a claim that it renews each tick; when a claim lapses
(its server is gone), another server takes the reminder over and schedules it itself.
Idle when the tracker store is not Redis (one server: nothing to take over from).

Limits: a reminder that falls due while its server is dead and unclaimed fires up to
CLAIM_SECONDS + TICK_SECONDS late. A takeover first reads the tracker and drops a reminder
whose intent already came or that a later one of the same name replaced; a server that
dies while firing (before its check-in reaches the tracker) can still make it fire twice.
"""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import datetime
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core import jobs
from rasa.core.channels.callback import CallbackOutput
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import Event, ReminderScheduled, UserUttered
from rasa.utils.endpoints import EndpointConfig
from sanic import Blueprint, response

logger = logging.getLogger(__name__)
TICK_SECONDS = 1.0
CLAIM_SECONDS = 3  # a server that has not renewed its claims this long is taken as gone


def redis_of(agent: Any) -> Optional[Any]:
    store = getattr(agent, "tracker_store", None)
    store = getattr(store, "_tracker_store", store)  # Rasa wraps it in FailSafeTrackerStore
    return (store, store.red) if hasattr(store, "red") else None


class ReminderKeeper:
    """One per Rasa server process."""

    def __init__(self, agent: Any, store: Any, red: Any) -> None:
        self.agent, self.store, self.red = agent, store, red
        self.server_id = uuid.uuid4().hex
        self.table = f"{store.key_prefix}:reminders"
        self.published: set = set()

    def _claim_key(self, entry: str) -> str:
        return f"{self.table}:claim:{entry}"

    def _publish(self, entry: str, described: Dict[str, Any]) -> None:
        self.red.hset(self.table, entry, json.dumps(described))
        self.red.set(self._claim_key(entry), self.server_id, ex=CLAIM_SECONDS)
        self.published.add(entry)

    async def tick(self) -> None:
        # One entry per (reminder, server): two servers may each hold a job of one name.
        own = {f"{job.id}@{self.server_id}": job for job in (await jobs.scheduler()).get_jobs()
               if job.args and isinstance(job.args[0], ReminderScheduled)}
        for entry, job in own.items():
            if entry not in self.published:
                self._publish(entry, _describe(job))
            self.red.set(self._claim_key(entry), self.server_id, ex=CLAIM_SECONDS)
        for entry in self.published - set(own):  # fired or cancelled here
            self.red.hdel(self.table, entry)
            self.red.delete(self._claim_key(entry))
            self.published.discard(entry)
        for raw_entry, raw in self.red.hgetall(self.table).items():
            entry = raw_entry.decode() if isinstance(raw_entry, bytes) else raw_entry
            if entry in own or self.red.exists(self._claim_key(entry)):
                continue
            if self.red.set(self._claim_key(entry), self.server_id, ex=CLAIM_SECONDS, nx=True):
                await self._take_over(json.loads(raw))
                self.red.hdel(self.table, entry)
                self.red.delete(self._claim_key(entry))

    async def _take_over(self, described: Dict[str, Any]) -> None:
        event = Event.from_parameters(described["event"])
        sender = described["sender"]
        tracker = await self.store.retrieve(sender)
        if tracker is None or not _still_due(tracker.events, event):
            return
        url = described.get("callback_url")
        output = CallbackOutput(EndpointConfig(url)) if url else CollectingOutputChannel()
        run_date = max(event.trigger_date_time, datetime.now(event.trigger_date_time.tzinfo))
        job = (await jobs.scheduler()).add_job(
            self.agent.processor.handle_reminder, "date", run_date=run_date,
            args=[event, sender, output], id=event.name, replace_existing=True,
            name=event.scheduled_job_name(sender))
        self._publish(f"{job.id}@{self.server_id}", _describe(job))
        logger.warning("Took over a reminder whose Rasa server stopped renewing it")

    async def run(self) -> None:
        while True:
            try:
                if getattr(self.agent, "processor", None) is not None:
                    await self.tick()
            except Exception as error:  # keep ticking; Redis may be back next time
                logger.error("Reminder keeper: %s", type(error).__name__)
            await asyncio.sleep(TICK_SECONDS)


def _describe(job: Any) -> Dict[str, Any]:
    event, sender, output = job.args[0], job.args[1], job.args[2]
    endpoint = getattr(output, "callback_endpoint", None)
    return {"event": event.as_dict(), "sender": sender,
            "callback_url": getattr(endpoint, "url", None)}


def _still_due(events: Any, reminder: ReminderScheduled) -> bool:
    """The tracker's latest scheduling of this name is this one, and its intent has not
    come yet (a later dose reschedules the same name; that job supersedes this one)."""
    latest, fired = None, False
    for event in events:
        if isinstance(event, ReminderScheduled) and event.name == reminder.name:
            latest, fired = event, False
        elif latest is not None and isinstance(event, UserUttered) and \
                (event.intent or {}).get("name") == reminder.intent:
            fired = True
    return latest is not None and not fired and latest.trigger_date_time == reminder.trigger_date_time


class ReminderKeeperInput(InputChannel):
    """Not a conversation channel: starts the keeper with the server, and GET /webhooks/reminders/
    says how many reminders this server holds."""

    @classmethod
    def name(cls) -> str:
        return "reminders"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        keeper_bp = Blueprint("reminder_keeper", __name__)

        @keeper_bp.listener("after_server_start")
        async def start(app: Any, _: Any) -> None:
            app.add_task(self._start_when_loaded(app))

        @keeper_bp.route("/", methods=["GET"])
        async def status(request: Any) -> Any:
            keeper = getattr(request.app.ctx, "reminder_keeper", None)
            return response.json({"active": keeper is not None,
                                  "held": len(keeper.published) if keeper else 0})

        return keeper_bp

    async def _start_when_loaded(self, app: Any) -> None:
        while getattr(app.ctx, "agent", None) is None or app.ctx.agent.processor is None:
            await asyncio.sleep(TICK_SECONDS)  # Rasa loads the model after the server starts
        found = redis_of(app.ctx.agent)
        if found is None:
            return
        app.ctx.reminder_keeper = ReminderKeeper(app.ctx.agent, *found)
        await app.ctx.reminder_keeper.run()
