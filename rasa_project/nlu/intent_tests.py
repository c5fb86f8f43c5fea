"""The held-out intent tests, tests/intents/<language>/<intent>.yml, read with one schema.

Every reader (validator, tests, benchmarks, scaffold) goes through `load`, so a misspelled
key ("first_word:") is an error instead of a check that silently never runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEST_DIR = PROJECT_ROOT / "tests" / "intents" / "en"  # tests/intents/<language>/


class IntentTestError(ValueError):
    """A tests/intents file that does not follow the schema; the message names the file."""


@dataclass(frozen=True)
class IntentTest:
    path: Path
    intent: str  # the intent every utterance must be classified as (the file's stem)
    utterances: Tuple[str, ...]  # new phrasings, never training examples
    also_accept: Tuple[str, ...] = ()  # other intents that lead to the same first answer
    first_words: str = ""  # what the spoken answer must begin with, e.g. "Call 911"


@dataclass(frozen=True)
class Example:
    text: str
    intent: str


FIELDS = {"intent": str, "utterances": list, "also_accept": list, "first_words": str}
REQUIRED = ("intent", "utterances")


def load(path: Path) -> IntentTest:
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise IntentTestError(f"{path.name}: must be a mapping with {', '.join(REQUIRED)}")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise IntentTestError(f"{path.name}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    for key in REQUIRED:
        if key not in data:
            raise IntentTestError(f"{path.name}: `{key}` is missing")
    for key, kind in FIELDS.items():
        if key in data and not isinstance(data[key], kind):
            raise IntentTestError(f"{path.name}: `{key}` must be a {kind.__name__}")
    return IntentTest(
        path=path,
        intent=data["intent"],
        utterances=tuple(str(u) for u in data["utterances"]),
        also_accept=tuple(str(i) for i in data.get("also_accept") or ()),
        first_words=data.get("first_words") or "",
    )


def load_all(folder: Path = TEST_DIR) -> List[IntentTest]:
    return [load(path) for path in sorted(Path(folder).glob("*.yml"))]


def examples_of(tests: List[IntentTest]) -> List[Example]:
    return [Example(text, test.intent) for test in tests for text in test.utterances]
