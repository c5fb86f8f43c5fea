"""The cached check of action server replies accepts and refuses exactly what Rasa's does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from rasa_project.channels import action_schema

GOOD = {"events": [{"event": "slot", "name": "emergency_active", "value": True},
                   {"event": "reminder", "intent": "EXTERNAL_naloxone_checkin",
                    "date_time": "2026-12-01T10:00:00", "name": "x", "kill_on_user_msg": False}],
        "responses": [{"text": "Call 911 now."}]}
BAD = [{"events": [{"event": "slot", "value": True}]},  # a slot event without its name
       {"events": "not a list"},
       {"responses": [{"text": "hi"}, "not an object"]}]


@pytest.fixture
def action():
    yield RemoteAction("action_emergency_step", EndpointConfig("http://127.0.0.1:1/webhook"))
    RemoteAction._validate_action_result = action_schema._ORIGINAL


def test_valid_replies_pass_both_ways(action):
    assert action._validate_action_result(GOOD)
    action_schema.install()
    assert action._validate_action_result(GOOD)


@pytest.mark.parametrize("reply", BAD)
def test_invalid_replies_raise_the_same_error(action, reply):
    with pytest.raises(ValidationError) as before:
        action._validate_action_result(reply)
    action_schema.install()
    with pytest.raises(ValidationError) as after:
        action._validate_action_result(reply)
    assert after.value.message == before.value.message and "custom-actions" in after.value.message
