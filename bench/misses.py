"""List the held-out utterances the trained model gets wrong: tests/known_failures.yml.

    python -m bench.misses [--write]    (make known-failures)

Without --write it prints the misses. With --write it rewrites tests/known_failures.yml,
unless an emergency or crisis utterance is missed: those are never listed, they must be
fixed (exit status 1).
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Dict, List

import yaml

from rasa_project import servers
from bench import nlu
from rasa_project.nlu import intent_tests
from rasa_project.nlu.intent_tests import TEST_DIR
from rasa_project.safety.policy import policy

OUT = servers.PROJECT_ROOT / "tests" / "known_failures.yml"
HEADER = """\
# Utterances the model still gets wrong. They run as expected failures (strict): one that
# starts passing fails the build until it is removed from this list. Shrink it; never
# add an emergency utterance here.
# Format: <intent>: [utterance, ...]
# Written by `make known-failures` from the model trained on {day} (see results/benchmark.md).
"""


def misses(model: Path, folder: Path = TEST_DIR) -> Dict[str, List[str]]:
    """{intent: [utterance, ...]} for utterances not classified as their intent (or also_accept)."""
    tests = intent_tests.load_all(folder)
    examples = intent_tests.examples_of(tests)
    accepted = {t.intent: {t.intent, *t.also_accept} for t in tests}
    found: Dict[str, List[str]] = {}
    for example, parsed in zip(examples, nlu.predict(model, examples)):
        if parsed["intent"]["name"] not in accepted[example.intent]:
            found.setdefault(example.intent, []).append(example.text)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.misses")
    parser.add_argument("--model", type=Path, default=servers.DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help=f"rewrite {OUT.relative_to(servers.PROJECT_ROOT)}")
    args = parser.parse_args(argv)
    for key, value in servers.QUIET_ENV.items():
        os.environ.setdefault(key, value)
    found = misses(args.model)
    for intent, texts in found.items():
        for text in texts:
            print(f"{intent}: {text}")
    print(f"{sum(map(len, found.values()))} missed")
    unsafe = sorted(policy().safety_intents & set(found))
    if unsafe:
        print(f"not written: {', '.join(unsafe)} utterances are missed; fix the training data "
              "or rasa_project/safety/patterns.yml", file=sys.stderr)
        return 1
    if args.write:
        OUT.write_text(HEADER.format(day=date.today().isoformat())
                       + yaml.safe_dump(found, sort_keys=True, allow_unicode=True), encoding="utf-8")
        print(f"wrote {OUT.relative_to(servers.PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
