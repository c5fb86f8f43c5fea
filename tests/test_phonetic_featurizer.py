"""Sound features (rasa_project/nlu/phonetic.py) with Rasa's real tokenizer and model storage:
a misheard sentence that sounds like a training sentence shares its phoneme n-grams; the
vocabulary is stored and loaded; words no dictionary knows, and empty text, add nothing."""
from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_project.nlu.phonetic import PhoneticFeaturizer, phonemes

TRAINING = ["he wants to end it all", "where is a meeting tonight", "is naloxone safe"]


@pytest.fixture()
def parts(tmp_path):
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(graph_schema=None, node_name="phonetic")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    data = TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in TRAINING])
    tokenizer.process_training_data(data)
    config = PhoneticFeaturizer.get_default_config()
    trained = PhoneticFeaturizer.create(config, storage, Resource("phonetic"), context)
    trained.train(data)
    trained.process_training_data(data)

    def featurize(featurizer, *texts):
        messages = [Message(data={TEXT: t}) for t in texts]
        tokenizer.process(messages)
        return featurizer.process(messages)

    return storage, context, config, trained, featurize


def sentence_grams(featurizer, message) -> set:
    sequence, sentence = message.get_sparse_features(TEXT)
    names = {i: g for g, i in featurizer.vocabulary.items()}
    return {names[i] for i in sentence.features.tocoo().col}


def test_words_get_their_dictionary_phonemes():
    assert phonemes("end") == ["EH", "N", "D"]
    assert phonemes("Naloxone,") == ["N", "AH", "L", "AA", "K", "S", "OW", "N"]  # the curated file
    assert phonemes("qzxv") == []


def test_a_misheard_sentence_shares_the_sounds_of_what_was_said(parts):
    _, _, _, featurizer, featurize = parts
    said, misheard, other = featurize(featurizer, "he wants to end it all", "he wants to lend it oil",
                                      "where is a meeting tonight")
    shared = sentence_grams(featurizer, said) & sentence_grams(featurizer, misheard)
    assert {"EH N D IH", "N D IH T"} <= shared  # across the word boundary of "end it"
    assert not sentence_grams(featurizer, misheard) & sentence_grams(featurizer, other) - sentence_grams(featurizer, said)


def test_one_row_per_token_and_the_vocabulary_is_stored(parts):
    storage, context, config, trained, featurize = parts
    loaded = PhoneticFeaturizer.load(config, storage, Resource("phonetic"), context)
    assert loaded.vocabulary == trained.vocabulary and loaded.vocabulary
    before, = featurize(trained, "is narcan safe tonight")
    after, = featurize(loaded, "is narcan safe tonight")
    for b, a in zip(before.get_sparse_features(TEXT), after.get_sparse_features(TEXT)):
        assert (b.features != a.features).nnz == 0
    sequence, sentence = after.get_sparse_features(TEXT)
    assert sequence.features.shape == (4, len(loaded.vocabulary)) and sentence.features.shape[0] == 1


def test_unknown_words_and_empty_text_add_nothing(parts):
    _, _, _, featurizer, featurize = parts
    unknown, empty = featurize(featurizer, "qzxv blorptz", "")
    for message in (unknown, empty):
        assert message.get_sparse_features(TEXT)[1].features.nnz == 0


def test_an_untrained_model_loads_and_adds_nothing(tmp_path):
    (tmp_path / "s").mkdir()
    context = ExecutionContext(graph_schema=None, node_name="phonetic")
    loaded = PhoneticFeaturizer.load(PhoneticFeaturizer.get_default_config(), LocalModelStorage(tmp_path / "s"),
                                     Resource("never-trained"), context)
    message = Message(data={TEXT: "end it all"})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    assert loaded.process([message])[0].get_sparse_features(TEXT) == (None, None)
