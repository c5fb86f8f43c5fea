"""Sound features: n-grams of the words' phonemes, across word boundaries.

A recognizer's mistakes sound like what was said ("lend it oil" for "end it all"); letters and
words do not see that, phonemes do. Pronunciations: the project's curated file, then the CMU
dictionary in pocketsphinx's wheel (pronunciations.py); a word in neither adds no
phonemes. The vocabulary of n-grams is learnt from the training data and stored with the model.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_project.nlu import pronunciations

VOCABULARY = "phoneme_ngrams.json"


@lru_cache(maxsize=1)
def _pronunciations() -> Dict[str, str]:
    """word -> its first pronunciation (pronunciations.known, read once). Kept as one string per
    word, split when looked up: lists of phonemes for 126,000 words took 80 MB, strings 42 MB."""
    return {word: found[0] for word, found in pronunciations.known().items()}


def phonemes(word: str) -> List[str]:
    return _pronunciations().get(word.lower().strip(".,!?;:\"()"), "").split()


def ngrams(phones: List[str], low: int, high: int) -> List[str]:
    return [" ".join(phones[i:i + n]) for n in range(low, high + 1) for i in range(len(phones) - n + 1)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class PhoneticFeaturizer(SparseFeaturizer, GraphComponent):
    """Counts of phoneme n-grams: per token (its own phonemes) and per sentence (all of them)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config(), "min_ngram": 2, "max_ngram": 4}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not 1 <= config["min_ngram"] <= config["max_ngram"]:
            raise ValueError("PhoneticFeaturizer needs 1 <= min_ngram <= max_ngram")

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, vocabulary: Optional[Dict[str, int]] = None) -> None:
        SparseFeaturizer.__init__(self, execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary or {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "PhoneticFeaturizer":
        return cls(config, model_storage, resource, execution_context)

    def _ngrams(self, phones: List[str]) -> List[str]:
        return ngrams(phones, self._config["min_ngram"], self._config["max_ngram"])

    def train(self, training_data: TrainingData) -> Resource:
        seen: Dict[str, int] = {}
        for example in training_data.training_examples:
            for gram in self._ngrams([p for t in example.get(TOKENS_NAMES[TEXT], []) for p in phonemes(t.text)]):
                seen.setdefault(gram, len(seen))
        self.vocabulary = seen
        with self._model_storage.write_to(self._resource) as folder:
            (folder / VOCABULARY).write_text(json.dumps(seen), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "PhoneticFeaturizer":
        try:
            with model_storage.read_from(resource) as folder:
                vocabulary = json.loads((folder / VOCABULARY).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            vocabulary = None  # nothing was trained: no features
        if vocabulary:
            _pronunciations()  # the dictionary is read with the model, not on the first message
        return cls(config, model_storage, resource, execution_context, vocabulary)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT], [])
            if self.vocabulary and tokens:
                self.add_features_to_message(*self._features(tokens), TEXT, message)
        return messages

    def _features(self, tokens) -> Tuple[scipy.sparse.coo_matrix, scipy.sparse.coo_matrix]:
        sequence = scipy.sparse.lil_matrix((len(tokens), len(self.vocabulary)))
        sentence = scipy.sparse.lil_matrix((1, len(self.vocabulary)))
        words = [phonemes(t.text) for t in tokens]
        for row, phones in enumerate(words):
            for gram in self._ngrams(phones):
                if gram in self.vocabulary:
                    sequence[row, self.vocabulary[gram]] += 1
        for gram in self._ngrams([p for phones in words for p in phones]):
            if gram in self.vocabulary:
                sentence[0, self.vocabulary[gram]] += 1
        return sequence.tocoo(), sentence.tocoo()
