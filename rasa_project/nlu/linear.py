"""A fast-loading intent classifier: Rasa's logistic regression, stored as plain arrays.

Rasa's LogisticRegressionClassifier stores its model with skops, and importing skops
costs about 5 s on this machine (it walks every loaded module), which is most of the
model's load time. This subclass keeps Rasa's training and prediction and stores the
fitted weights as a NumPy archive read with allow_pickle=False: loading takes
milliseconds and cannot run code. `C` (inverse regularization strength) is exposed
because the default (1.0) under-fits our short utterances.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message

WEIGHTS = "weights.npz"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LinearIntentClassifier(LogisticRegressionClassifier):
    """Multinomial logistic regression over the featurizers' sentence features."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "max_iter": 1000}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as folder:
            np.savez(folder / WEIGHTS, classes=np.asarray(self.clf.classes_, dtype=str),
                     coef=self.clf.coef_, intercept=self.clf.intercept_)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as folder:
                with np.load(folder / WEIGHTS, allow_pickle=False) as saved:
                    component.clf.classes_ = saved["classes"]
                    component.clf.coef_ = saved["coef"]
                    component.clf.intercept_ = saved["intercept"]
        except (ValueError, OSError):
            # Nothing was trained (no intent examples): like Rasa's own classifiers,
            # return an untrained component; process() then leaves intents unset.
            return component
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        if not hasattr(self.clf, "coef_"):
            return messages
        return super().process(messages)
