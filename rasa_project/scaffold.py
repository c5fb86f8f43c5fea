"""Start a new feature under one stem: `python -m rasa_project.scaffold NAME [--action]`.

Writes data/nlu, data/rules, content, tests/intents/en (and actions/ with --action) files
named NAME, and adds the intent (and action) to domain.yml. The placeholders are marked
TODO, so `python -m rasa_project.validate` names every file still to fill in.
"""
from __future__ import annotations

import argparse
import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from rasa_project.validate import BUILTIN_INTENTS, MIN_TEST_UTTERANCES, MIN_TRAINING_EXAMPLES, names

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Stems the project already uses for something other than a feature.
RESERVED = BUILTIN_INTENTS | {"out_of_scope", "phrases"}

NLU = """\
# Training examples for `{name}`: at least {min_examples} ways people say it; aim for 15 to 30.
# Mix short and long, spoken words, slang and the mistakes speech recognition makes.
version: "3.1"
nlu:
- intent: {name}
  examples: |
    - TODO the most common way to ask this
    - TODO a short way
    - TODO a long way with more detail
"""

RULE = """\
version: "3.1"
rules:
- rule: {title}
  steps:
  - intent: {name}
  - action: {action}
"""

# An own action that offers "Want to hear more?" (speak_from) needs the yes and no that
# data/rules/more.yml gives action_guidance.
MORE_RULES = """\
- rule: Yes to "want to hear more?" after {action}
  steps:
  - action: {action}
  - intent: affirm
  - action: action_more
- rule: No to "want to hear more?" after {action}
  steps:
  - action: {action}
  - intent: deny
  - action: utter_anything_else
"""

CONTENT = """\
# Spoken guidance for {name}.
# reviewed_by: the clinician who checked every item against its source; empty until one signs.
# source: the file in /work/shared/sources and what it supports, or
# "project wording (no health facts)". Add `note:` where sources disagree.
reviewed_by: ""
topic: {name}
items:
  - id: {name}
    source: "TODO"
    chunks:
      - "TODO The first thing to say. Short sentences, the action first."
      - "TODO Said when the person asks to hear more. Delete it if one is enough."
"""

TESTS = """\
# Utterances that must be classified as `{name}`: at least {min_tests}, none copied from
# data/nlu/{name}.yml. Add first_words: to check how the answer starts.
intent: {name}
utterances:
  - TODO a new way to ask this
  - TODO another way, the way someone would say it out loud
"""

ACTION = '''\
"""Speak the {name} guidance from content/en/{name}.yml."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import speak_from
from rasa_project.content.library import default_library


class {class_name}(Action):
    def name(self) -> Text:
        return "{action}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return speak_from(dispatcher, default_library(), "{name}", 0)
'''

# What each placeholder file needs, printed after scaffolding.
TO_FILL = {
    "data/nlu/{name}.yml": f"at least {MIN_TRAINING_EXAMPLES} ways people say it (aim for 15 to 30)",
    "tests/intents/en/{name}.yml": f"at least {MIN_TEST_UTTERANCES} new phrasings, none copied from data/nlu",
    "content/en/{name}.yml": "what to say, and the source of every fact",
}


class ScaffoldError(Exception):
    """The feature cannot be created; the message says why."""


@dataclass(frozen=True)
class Feature:
    name: str
    own_action: bool = False  # True: actions/<name>.py; False: answered by action_guidance

    @property
    def action(self) -> str:
        return f"action_{self.name}" if self.own_action else "action_guidance"

    def files(self) -> Dict[str, str]:
        """Relative path -> text of every file to create."""
        values = dict(
            name=self.name,
            action=self.action,
            title=f"Speak the {self.name} guidance",
            min_examples=MIN_TRAINING_EXAMPLES,
            min_tests=MIN_TEST_UTTERANCES,
            class_name="Action" + "".join(part.capitalize() for part in self.name.split("_")),
        )
        files = {
            f"data/nlu/{self.name}.yml": NLU.format(**values),
            f"data/rules/{self.name}.yml": RULE.format(**values) + (MORE_RULES.format(**values) if self.own_action else ""),
            f"content/en/{self.name}.yml": CONTENT.format(**values),
            f"tests/intents/en/{self.name}.yml": TESTS.format(**values),
        }
        if self.own_action:
            files[f"actions/{self.name}.py"] = ACTION.format(**values)
        return files


def add_to_list(text: str, key: str, value: str) -> str:
    """Insert `- value` at the end of the top-level list `key:` in YAML text, keeping
    its comments and layout; a missing list is added at the end."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == f"{key}:"), None)
    if start is None:
        if any(line.startswith(f"{key}:") for line in lines):
            raise ScaffoldError(f"domain.yml: `{key}:` is not a block list (one `- name` a line); add {value} by hand")
        return text + ("" if text.endswith("\n") or not text else "\n") + f"{key}:\n  - {value}\n"
    last, indent = start, None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            break  # the next top-level key
        last = i
        if indent is None and line.lstrip().startswith("-"):
            indent = line[: len(line) - len(line.lstrip())]
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, f"{'  ' if indent is None else indent}- {value}\n")
    return "".join(lines)


def refusal(feature: Feature, root: Path, domain: dict) -> Optional[str]:
    """Why the feature cannot be created, or None."""
    name = feature.name
    if not SNAKE_CASE.match(name):
        return f"`{name}` is not a valid name: use snake_case, lower-case letters, digits and _ (e.g. about_project)"
    if name in RESERVED or name.startswith("utter_") or name.startswith("action_"):
        return f"`{name}` is reserved; choose another name"
    if feature.own_action and keyword.iskeyword(name):
        return f"`{name}` is a Python keyword and cannot name actions/{name}.py; choose another name"
    if name in names(domain.get("intents")):
        return f"intent `{name}` already exists in domain.yml; choose another name"
    if feature.own_action and feature.action in names(domain.get("actions")):
        return f"action `{feature.action}` already exists in domain.yml; choose another name"
    stems = [*feature.files(), f"actions/{name}.py"]  # one stem, one feature
    existing = [path for path in dict.fromkeys(stems) if (root / path).exists()]
    if existing:
        return f"`{name}` already exists: {', '.join(existing)}; choose another name"
    return None


def scaffold(name: str, root: Path = PROJECT_ROOT, own_action: bool = False) -> List[str]:
    """Create the feature's files and add it to domain.yml; return the files created."""
    root = Path(root)
    feature = Feature(name, own_action)
    domain_path = root / "domain.yml"
    domain_text = domain_path.read_text(encoding="utf-8")
    domain = yaml.safe_load(domain_text) or {}
    reason = refusal(feature, root, domain)
    if reason:
        raise ScaffoldError(reason)
    new_domain = add_to_list(domain_text, "intents", name)
    if own_action:
        new_domain = add_to_list(new_domain, "actions", feature.action)
    parsed = yaml.safe_load(new_domain) or {}
    added_actions = {feature.action} if own_action else set()
    if names(parsed.get("intents")) != names(domain.get("intents")) | {name} or \
            names(parsed.get("actions")) != names(domain.get("actions")) | added_actions:
        raise ScaffoldError("could not add to domain.yml (are `intents:` and `actions:` block lists?); nothing was written")
    files = feature.files()
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    domain_path.write_text(new_domain, encoding="utf-8")
    return list(files) + ["domain.yml"]


def report(name: str, created: List[str]) -> str:
    lines = [f"Created `{name}`:"] + [f"  {path}" for path in created]
    lines += ["", "Fill in the TODO lines:"]
    width = max(len(path.format(name=name)) for path in TO_FILL)
    lines += [f"  {path.format(name=name):<{width}}  {what}" for path, what in TO_FILL.items()]
    if f"actions/{name}.py" in created:
        lines.append(f"  {f'actions/{name}.py':<{width}}  already speaks content/en/{name}.yml; change it only to do more")
    lines += [
        "",
        "Then `make test-fast` until the project checks pass, and `make test` to retrain",
        "and check the model. CONTRIBUTING.md has the whole checklist.",
    ]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rasa_project.scaffold", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the feature's snake_case name, used as intent and file stem")
    answer = parser.add_mutually_exclusive_group()
    answer.add_argument("--action", action="store_true", help="answer with a new actions/NAME.py")
    answer.add_argument("--guidance", action="store_true", help="answer with action_guidance (the default)")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        created = scaffold(args.name, args.root, own_action=args.action)
    except ScaffoldError as error:
        print(f"scaffold: {error}", file=sys.stderr)
        return 1
    print(report(args.name, created))
    return 0


if __name__ == "__main__":
    sys.exit(main())
