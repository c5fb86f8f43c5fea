"""The project's intent classifier (rasa_project/nlu/linear.py) with Rasa's real model
storage and CountVectorsFeaturizer: train, store, load in a new component, same answers."""
from __future__ import annotations

import zipfile

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_project.nlu.linear import WEIGHTS, LinearIntentClassifier

EXAMPLES = {
    "withdrawal_symptoms": ["how long does withdrawal last", "i feel dope sick", "withdrawal symptoms",
                            "my legs ache since i quit", "what is withdrawal like"],
    "find_meeting": ["find a meeting near me", "where is an na meeting", "meetings tonight",
                     "is there a meeting in duluth", "online recovery meetings"],
    "greet": ["hello", "hi there", "good morning", "hey", "hello assistant"],
}


@pytest.fixture()
def parts(tmp_path):
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(graph_schema=None, node_name="classifier")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5},
        storage, Resource("featurizer"), ExecutionContext(graph_schema=None, node_name="featurizer"))
    data = TrainingData([Message(data={"text": t, "intent": i}) for i, texts in EXAMPLES.items() for t in texts])
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)

    def featurized(*texts):
        messages = [Message(data={"text": t}) for t in texts]
        tokenizer.process(messages)
        featurizer.process(messages)
        return messages

    return storage, context, data, featurized


def test_trains_stores_and_loads_the_same_model(parts):
    storage, context, data, featurized = parts
    resource = Resource("classifier")
    trained = LinearIntentClassifier.create({"C": 3}, storage, resource, context)
    trained.train(data)
    loaded = LinearIntentClassifier.load({"C": 3}, storage, resource, context)

    texts = ("how long will withdrawal last", "any meetings near me tonight", "hi")
    before = trained.process(featurized(*texts))
    after = loaded.process(featurized(*texts))
    assert [m.get("intent")["name"] for m in after] == ["withdrawal_symptoms", "find_meeting", "greet"]
    for b, a in zip(before, after):
        assert a.get("intent")["name"] == b.get("intent")["name"]
        assert a.get("intent")["confidence"] == pytest.approx(b.get("intent")["confidence"])
        assert len(a.get("intent_ranking")) == len(EXAMPLES)


def test_weights_are_plain_arrays_loaded_without_pickle(parts):
    storage, context, data, _ = parts
    resource = Resource("classifier")
    LinearIntentClassifier.create({}, storage, resource, context).train(data)
    with storage.read_from(resource) as folder:
        path = folder / WEIGHTS
        with zipfile.ZipFile(path) as archive:
            assert sorted(archive.namelist()) == ["classes.npy", "coef.npy", "intercept.npy"]
        with np.load(path, allow_pickle=False) as saved:  # raises if any array needed pickle
            assert sorted(saved["classes"]) == sorted(EXAMPLES)
            assert saved["coef"].shape[0] == len(EXAMPLES)


def test_stronger_regularization_gives_less_confident_answers(parts):
    storage, context, data, featurized = parts
    confidence = {}
    for c in (0.1, 10.0):
        classifier = LinearIntentClassifier.create({"C": c}, storage, Resource(f"c{c}"), context)
        classifier.train(data)
        (message,) = classifier.process(featurized("where is a meeting tonight"))
        confidence[c] = message.get("intent")["confidence"]
    assert confidence[0.1] < confidence[10.0]


def test_untrained_component_leaves_intent_unset(parts):
    storage, context, _, featurized = parts
    classifier = LinearIntentClassifier.load({}, storage, Resource("never_trained"), context)
    (message,) = classifier.process(featurized("hello"))
    assert message.get("intent") is None
