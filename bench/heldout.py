"""The held-out test set: tests/intents/en/<intent>.yml, which the model never trains on."""
from __future__ import annotations

from pathlib import Path
from typing import List

from rasa_project.nlu.intent_tests import PROJECT_ROOT, TEST_DIR, Example, examples_of, load_all

NLU_DIR = PROJECT_ROOT / "data" / "nlu"


def load_examples(folder: Path = TEST_DIR) -> List[Example]:
    return examples_of(load_all(folder))


def write_nlu_yaml(examples: List[Example], path: Path) -> Path:
    """Rasa NLU YAML of the examples, written with Rasa's own writer (for `rasa test nlu`)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([Message(data={"text": e.text, "intent": e.intent}) for e in examples])
    Path(path).write_text(RasaYAMLWriter().dumps(data), encoding="utf-8")
    return Path(path)


def read_nlu_yaml(path: Path) -> List[Example]:
    """Read the written file back through Rasa's loader: what Rasa would evaluate on."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [Example(m.get("text"), m.get("intent")) for m in data.intent_examples]


def training_texts(nlu_dir: Path = NLU_DIR) -> set:
    from rasa.shared.nlu.training_data.loading import load_data

    return {m.get("text").strip().lower() for m in load_data(str(nlu_dir)).intent_examples}


def leaked(examples: List[Example], nlu_dir: Path = NLU_DIR) -> List[Example]:
    """Test utterances that are also training examples: they would flatter the scores."""
    seen = training_texts(nlu_dir)
    return [e for e in examples if e.text.strip().lower() in seen]
