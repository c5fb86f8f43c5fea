"""Rasa's Redis lock store with atomic tickets, for several Rasa servers sharing Redis.

Rasa 3.6's RedisLockStore reads a conversation's ticket lock, changes it and writes it back
in three steps. Two servers taking a turn of the same conversation at the same moment can
both read the same lock, issue the same ticket number, or write back a lock that drops the
other's ticket; both turns then run at once and one turn's events are lost from the tracker
(seen: 3 of 6 simultaneous turns kept, under load). Here every change to a lock is one
optimistic Redis transaction (WATCH, then MULTI/EXEC, retried when another server wrote
first), so tickets are unique and a cleanup never deletes a ticket issued meanwhile.

endpoints.scale.yml:
    lock_store:
      type: rasa_project.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      ...   (the same settings as Rasa's redis lock store)
"""
from __future__ import annotations

import json
from typing import Callable, Optional, Text, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs) -> None:
        # Rasa builds a lock store named by module path with the endpoint config alone.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], T], create: bool = False) -> Optional[T]:
        """Apply `change` to the stored lock in one transaction; a lock with no tickets left
        is deleted in the same transaction. None when there is no lock and `create` is False."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if raw is None and not create:
                        pipe.unwatch()
                        return None
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else TicketLock(conversation_id)
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the lock first: read it again

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}")

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # finish_serving deletes the lock in the same transaction once no ticket is left,
        # instead of Rasa's separate check-then-delete.
        self.finish_serving(conversation_id, ticket_number)
