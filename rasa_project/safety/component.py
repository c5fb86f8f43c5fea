"""Rasa NLU component: the danger-sign safety net, placed after the intent classifier."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_project.safety.matcher import DEFAULT_PIPELINE, DangerMatcher

SAFETY_KEY = "safety_net"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class DangerSignClassifier(GraphComponent):
    """Overwrites the intent with overdose_emergency / crisis_suicidal on danger cues."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"pipeline_path": str(DEFAULT_PIPELINE)}

    def __init__(self, matcher: DangerMatcher) -> None:
        self._matcher = matcher

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DangerSignClassifier":
        return cls(DangerMatcher.load(config["pipeline_path"]))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text: Optional[str] = message.get(TEXT)
        if not text:
            return
        current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        verdict = self._matcher.verdict(text, current)
        message.set(
            SAFETY_KEY,
            {"labels": sorted(verdict.labels), "rules": list(verdict.rule_ids),
             "forced": verdict.intent},
            add_to_output=True,
        )
        if verdict.intent is None or verdict.intent == current:
            return
        forced = {INTENT_NAME_KEY: verdict.intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [forced] + [
            r for r in message.get("intent_ranking") or [] if r.get(INTENT_NAME_KEY) != verdict.intent
        ]
        message.set(INTENT, forced, add_to_output=True)
        message.set("intent_ranking", ranking, add_to_output=True)
