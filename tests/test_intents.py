"""One test per tests/intents/en/<intent>.yml: every utterance must classify as that intent.

Utterances listed in tests/known_failures.yml are strict expected failures: while they are
still wrong the file's test reports XFAIL (and names them); once one is right, the test
fails until it is removed from the list. The validator checks the list names real tests.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_project.nlu import intent_tests
from rasa_project.safety.policy import policy

ROOT = Path(__file__).resolve().parents[1]
INTENT_FILES = sorted(intent_tests.TEST_DIR.glob("*.yml"))
KNOWN = yaml.safe_load((ROOT / "tests" / "known_failures.yml").read_text()) or {}
SAFETY_INTENTS = policy().safety_intents


def test_known_failures_never_list_safety_intents():
    assert not (set(KNOWN) & SAFETY_INTENTS)


@pytest.mark.slow
@pytest.mark.parametrize("path", INTENT_FILES, ids=[p.stem for p in INTENT_FILES])
def test_intent_file(path, parse):
    test = intent_tests.load(path)
    known = set(KNOWN.get(test.intent, []))
    # also_accept: intents that lead to the same first answer (e.g. overdose_emergency and
    # still_not_breathing both start with "Call 911"); tests/test_e2e.py checks that answer.
    right = {test.intent, *test.also_accept}
    wrong, fixed, still_known = [], [], []
    for utterance in test.utterances:
        got = parse(utterance)["intent"]["name"]
        if utterance in known:
            (fixed if got in right else still_known).append(f"{utterance!r} -> {got}")
        elif got not in right:
            wrong.append(f"{utterance!r} -> {got}")
    assert not wrong, f"{path.name}: {len(wrong)} misclassified: " + "; ".join(wrong)
    assert not fixed, f"{path.name}: now classified right, remove from known_failures.yml: " + "; ".join(fixed)
    if still_known:
        pytest.xfail(f"{path.name}: {len(still_known)} known failure(s): " + "; ".join(still_known))


def test_known_failures_must_name_real_test_utterances(tmp_path):
    from rasa_project.validate import Project, check_known_failures

    (tmp_path / "tests" / "intents" / "en").mkdir(parents=True)
    (tmp_path / "tests" / "intents" / "en" / "greet.yml").write_text(yaml.safe_dump({"intent": "greet", "utterances": ["hello there"]}))
    known = {"greet": ["hello there", "howdy"], "ask_hours": ["when are you open"], "overdose_emergency": ["he is blue"]}
    (tmp_path / "tests" / "known_failures.yml").write_text(yaml.safe_dump(known, sort_keys=False))
    assert check_known_failures(Project(tmp_path)) == [
        "tests/known_failures.yml: `howdy` is not in tests/intents/en/greet.yml; remove it",
        "tests/known_failures.yml: intent `ask_hours` has no test file tests/intents/en/ask_hours.yml",
        "tests/known_failures.yml: lists safety intent `overdose_emergency`; its utterances must always pass",
        "tests/known_failures.yml: intent `overdose_emergency` has no test file tests/intents/en/overdose_emergency.yml",
    ]
