"""The Rasa NLU component around the safety net, on real Rasa Message objects."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_project.safety.component import DangerSignClassifier
from rasa_project.safety.matcher import DangerMatcher


@pytest.fixture(scope="module")
def component():
    return DangerSignClassifier(DangerMatcher.load())


def message(text: str, intent: str, confidence: float = 0.9) -> Message:
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": confidence})
    msg.set("intent_ranking", [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.05}])
    return msg


def test_danger_overrides_a_fallback(component):
    (out,) = component.process([message("he won't wake up", "nlu_fallback", 0.3)])
    assert out.get("intent") == {"name": "overdose_emergency", "confidence": 1.0}
    assert out.get("intent_ranking")[0]["name"] == "overdose_emergency"
    assert out.get("safety_net")["forced"] == "overdose_emergency"


def test_other_messages_pass_through_unchanged(component):
    (out,) = component.process([message("how long does withdrawal last", "withdrawal_symptoms")])
    assert out.get("intent")["name"] == "withdrawal_symptoms"
    assert out.get("safety_net")["forced"] is None


def test_crisis_is_forced(component):
    (out,) = component.process([message("i want to kill myself", "help_loved_one")])
    assert out.get("intent")["name"] == "crisis_suicidal"


def test_messages_without_text_are_left_alone(component):
    msg = Message(data={})
    (out,) = component.process([msg])
    assert out.get("intent") is None
