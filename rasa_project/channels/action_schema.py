"""Rasa checks each action server reply against one JSON schema with `jsonschema.validate`,
which first re-checks the schema itself against the JSON Schema meta-schema: about 16 ms a
call on this hardware, a third of a whole turn (bench/serving.py, "where a turn's time goes").

Listed in credentials.yml, this entry has Rasa check replies with one validator built once
from the same schema, raising the same error (jsonschema's best match, with Rasa's hint).
Not a conversation channel: it has no routes.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

_ORIGINAL = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not on every reply
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match

    if best_match(_validator().iter_errors(result)) is None:
        return True
    return _ORIGINAL(self, result)  # Rasa's own path builds and raises its error


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result


class CachedActionSchemaInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "action_schema"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        install()  # when the server builds its routes, never at import
        return Blueprint("action_schema", __name__)
