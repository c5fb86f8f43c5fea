"""The project's own checks, beyond `rasa data validate`: tests, sources, speech style.

`python -m rasa_project.validate` prints one line per problem, naming the file, and
exits 1 when there is any. Warnings (content no clinician has signed, local facts more
than a year old) are printed too, for the deployer, but do not fail the build.
"""
from __future__ import annotations

import datetime
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set

import yaml

from rasa_project.content import style
from rasa_project.content.library import load_library, load_topic

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MIN_TEST_UTTERANCES = 10
# Every intent's training examples across data/nlu. The small-talk intents have 10 to 14;
# new features should aim for 15 to 30.
MIN_TRAINING_EXAMPLES = 10
PLACEHOLDER = "TODO"  # what rasa_project.scaffold writes where a person must fill in
KNOWN_FAILURES = "tests/known_failures.yml"
# Intents Rasa defines or that only exist as triggers; they need no test file.
BUILTIN_INTENTS = {"nlu_fallback", "session_start", "restart", "back", "out_of_scope_trigger"}
EXTERNAL_PREFIX = "EXTERNAL_"
# Local facts (programs, meeting times, laws) older than this are named as warnings.
AS_OF_MAX_AGE = datetime.timedelta(days=365)
# First responses that safety-critical intents must speak, and what each must begin with.
FIRST_RESPONSE = {
    "overdose_emergency": ("utter_emergency_call_911", "Call 911"),
    "crisis_suicidal": ("utter_crisis_988", "Call or text 988"),
    "crisis_overdose": ("utter_crisis_overdose", "Call 911"),
}


@dataclass
class Project:
    root: Path
    _parsed: Dict[Path, Any] = field(default_factory=dict, repr=False)  # one validate() run reads each file once

    def load(self, path: Path) -> Any:
        """A YAML file of the project, parsed once per Project ({} when empty)."""
        if path not in self._parsed:
            self._parsed[path] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return self._parsed[path]

    def yaml(self, relative: str) -> dict:
        return self.load(self.root / relative)

    def files(self, pattern: str) -> List[Path]:
        return sorted(self.root.glob(pattern))

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def shown(self, file: str) -> str:
        """A file named by the content loader, relative to this project when it is inside it."""
        path = Path(file)
        if path.is_absolute() and path.resolve().is_relative_to(self.root.resolve()):
            return str(path.resolve().relative_to(self.root.resolve()))
        return file


def names(entries: Any) -> Set[str]:
    """The names in a domain list whose entries are a name or {name: settings}."""
    return {e if isinstance(e, str) else next(iter(e)) for e in entries or []}


def _training_examples(project: Project) -> Dict[str, Set[str]]:
    examples: Dict[str, Set[str]] = {}
    for path in project.files("data/nlu/*.yml"):
        for block in project.load(path).get("nlu") or []:
            if "intent" in block:
                lines = str(block.get("examples") or "").splitlines()
                found = {re.sub(r"^\s*-\s*", "", l).strip().lower() for l in lines if l.strip()}
                examples.setdefault(block["intent"], set()).update(found)
    return examples


def _training_files(project: Project) -> Dict[str, List[Path]]:
    """The data/nlu files that hold each intent's examples."""
    files: Dict[str, List[Path]] = {}
    for path in project.files("data/nlu/*.yml"):
        for block in project.load(path).get("nlu") or []:
            if "intent" in block and path not in files.get(block["intent"], []):
                files.setdefault(block["intent"], []).append(path)
    return files


def _dialogue_steps(project: Project) -> Iterator[tuple]:
    """(file, name, steps) of every rule and story."""
    for path in project.files("data/rules/*.yml") + project.files("data/stories/*.yml"):
        data = project.load(path)
        for entry in (data.get("rules") or []) + (data.get("stories") or []):
            yield path, entry.get("rule") or entry.get("story"), entry.get("steps") or []


def check_intent_tests(project: Project, domain: dict) -> List[str]:
    problems = []
    intents = names(domain.get("intents"))
    examples = _training_examples(project)
    tested = set()
    for path in project.files("tests/intents/*.yml"):
        data = project.load(path)
        intent, utterances = data.get("intent"), data.get("utterances") or []
        tested.add(intent)
        if intent not in intents:
            problems.append(f"{project.rel(path)}: tests intent `{intent}`, which is not in domain.yml")
        if path.stem != intent:
            problems.append(f"{project.rel(path)}: file name should be {intent}.yml")
        if len(utterances) < MIN_TEST_UTTERANCES:
            problems.append(f"{project.rel(path)}: intent `{intent}` has {len(utterances)} test utterances; at least {MIN_TEST_UTTERANCES} needed")
        copied = [u for u in utterances if str(u).strip().lower() in examples.get(intent, set())]
        for utterance in copied:
            problems.append(f"{project.rel(path)}: `{utterance}` is also a training example; test with new phrasings")
        if any("TODO" in str(u) for u in utterances):
            problems.append(f"{project.rel(path)}: still has TODO placeholders")
    for intent in sorted(intents - tested - BUILTIN_INTENTS):
        if not intent.startswith(EXTERNAL_PREFIX):
            problems.append(f"tests/intents/{intent}.yml: missing; intent `{intent}` has no test file")
    for intent in sorted(intents - set(examples) - BUILTIN_INTENTS):
        if not intent.startswith(EXTERNAL_PREFIX):
            problems.append(f"data/nlu/{intent}.yml: intent `{intent}` has no training examples")
    return problems


def check_training_data(project: Project, domain: dict) -> List[str]:
    problems = []
    examples = _training_examples(project)
    for intent, paths in sorted(_training_files(project).items()):
        where = ", ".join(project.rel(p) for p in paths)
        if len(examples[intent]) < MIN_TRAINING_EXAMPLES:
            problems.append(f"{where}: intent `{intent}` has {len(examples[intent])} training examples; at least {MIN_TRAINING_EXAMPLES} needed")
    for path in project.files("data/nlu/*.yml"):
        blocks = project.load(path).get("nlu") or []
        if any(PLACEHOLDER in str(block.get("examples") or "") for block in blocks):
            problems.append(f"{project.rel(path)}: still has TODO placeholders")
    intents = names(domain.get("intents"))
    answered = {step.get("intent") for _, _, steps in _dialogue_steps(project) for step in steps}
    for intent in sorted(intents - answered - BUILTIN_INTENTS):
        if not intent.startswith(EXTERNAL_PREFIX):
            problems.append(f"data/rules/{intent}.yml: missing; intent `{intent}` has no rule or story")
    return problems


def check_known_failures(project: Project) -> List[str]:
    path = project.root / KNOWN_FAILURES
    if not path.is_file():
        return []
    problems = []
    known = project.load(path)
    for intent, utterances in known.items():
        if intent in FIRST_RESPONSE:
            problems.append(f"{KNOWN_FAILURES}: lists safety intent `{intent}`; its utterances must always pass")
        test_file = project.root / "tests" / "intents" / f"{intent}.yml"
        if not test_file.is_file():
            problems.append(f"{KNOWN_FAILURES}: intent `{intent}` has no test file tests/intents/{intent}.yml")
            continue
        tested = project.load(test_file).get("utterances") or []
        for utterance in utterances or []:
            if utterance not in tested:
                problems.append(f"{KNOWN_FAILURES}: `{utterance}` is not in tests/intents/{intent}.yml; remove it")
    return problems


def check_responses(project: Project, domain: dict) -> List[str]:
    problems = []
    responses = domain.get("responses") or {}
    used = set()
    for _, _, steps in _dialogue_steps(project):
        used.update(step["action"] for step in steps if "action" in step)
    code = "\n".join(p.read_text() for p in project.files("actions/*.py") + project.files("rasa_project/**/*.py"))
    for name, variations in responses.items():
        # utter_ask_<slot> is asked by forms; utter_default by Rasa's default fallback action.
        is_form_question = name.startswith("utter_ask_") or name == "utter_default"
        if name not in used and f'"{name}"' not in code and not is_form_question:
            problems.append(f"domain.yml: response `{name}` is never used")
        for variation in variations or []:
            if not ((variation.get("metadata") or {}).get("source")):
                problems.append(f"domain.yml: response `{name}` has no metadata.source")
            for issue in style.problems(str(variation.get("text") or "")):
                problems.append(f"domain.yml: response `{name}` {issue}")
    return problems


def check_safety_rules(project: Project, domain: dict) -> List[str]:
    problems = []
    responses = domain.get("responses") or {}
    for intent, (response, opening) in FIRST_RESPONSE.items():
        texts = [v.get("text", "") for v in responses.get(response) or []]
        if not texts or not all(t.startswith(opening) for t in texts):
            problems.append(f"domain.yml: response `{response}` must begin with \"{opening}\"")
        firsts = [
            (path, name, steps[i + 1].get("action"))
            for path, name, steps in _dialogue_steps(project)
            for i, step in enumerate(steps[:-1])
            if step.get("intent") == intent
        ]
        if not firsts:
            problems.append(f"data/rules: no rule for `{intent}`")
        for path, name, action in firsts:
            if action != response:
                problems.append(f"{project.rel(path)}: rule for `{intent}` does not speak {response} first (\"{name}\")")
    return problems


def check_content(project: Project) -> List[str]:
    problems = []
    library = load_library(project.root / "content")
    # Every region file, not only the one ASSISTANT_REGION selects.
    regions = [load_topic(path) for path in project.files("content/regions/*.yml")]
    topics = list(library.topics.values()) + regions
    for region in regions:
        for item_id in sorted(set(region.items) - set(library.topics)):
            problems.append(f"{project.shown(region.file)}: item `{item_id}` extends no topic; content/{item_id}.yml is missing")
    for topic in topics:
        for item in topic.items.values():
            where = f"{project.shown(item.file)}: content item `{item.id}`"
            if not item.source.strip() or item.source.strip() == PLACEHOLDER:
                problems.append(f"{where} has no source")
            if not item.chunks:
                problems.append(f"{where} has no text")
            if any(PLACEHOLDER in text for text in (*item.chunks, item.source, item.note or "")):
                problems.append(f"{where} still has TODO placeholders")
            for chunk in item.chunks:
                problems.extend(f"{where} {issue}" for issue in style.problems(chunk))
        for step in topic.steps:
            if step not in topic.items:
                problems.append(f"{project.shown(topic.file)}: step `{step}` has no item")
    for item in library.phrases.values():
        problems.extend(f"{project.shown(item.file)}: phrase `{item.id}` {issue}" for issue in style.problems(" ".join(item.chunks)))
    guidance_intents = {
        steps[i].get("intent")
        for _, _, steps in _dialogue_steps(project)
        for i in range(len(steps) - 1)
        if steps[i + 1].get("action") == "action_guidance" and steps[i].get("intent")
    }
    for intent in sorted(guidance_intents):
        if not library.topic_chunks(intent):
            problems.append(f"content/{intent}.yml: missing; intent `{intent}` is answered by action_guidance")
    return problems


def _content_files(project: Project) -> List[Path]:
    return project.files("content/*.yml") + project.files("content/regions/*.yml")


def check_region_dates(project: Project) -> List[str]:
    """Every region item says when its local facts were last known true."""
    problems = []
    for path in project.files("content/regions/*.yml"):
        for item in load_topic(path).items.values():
            where = f"{project.rel(path)}: item `{item.id}`"
            if not item.as_of:
                problems.append(f"{where} has no as_of date (when its local facts were last known true)")
            elif item.as_of_date is None:
                problems.append(f"{where} has as_of `{item.as_of}`; write YYYY, YYYY-MM or YYYY-MM-DD")
    return problems


def warn_old_dates(project: Project, today: datetime.date) -> List[str]:
    warnings = []
    for path in project.files("content/regions/*.yml"):
        for item in load_topic(path).items.values():
            if item.as_of_date and today - item.as_of_date > AS_OF_MAX_AGE:
                warnings.append(
                    f"{project.rel(path)}: item `{item.id}` is as of {item.as_of}, more than a year ago; "
                    "check its facts against a current source and update as_of"
                )
    return warnings


def warn_unreviewed(project: Project) -> List[str]:
    """Content no named clinician has signed (`reviewed_by:` empty), file by file."""
    warnings = []
    for path in _content_files(project):
        unsigned = [item.id for item in load_topic(path).items.values() if not item.reviewed_by]
        if unsigned:
            warnings.append(
                f"{project.rel(path)}: not reviewed by a clinician (reviewed_by is empty): " + ", ".join(unsigned)
            )
    return warnings


def warnings(root: Path = PROJECT_ROOT, today: Optional[datetime.date] = None) -> List[str]:
    """What a deployer must see but what does not fail the build."""
    project = Project(Path(root))
    return warn_unreviewed(project) + warn_old_dates(project, today or datetime.date.today())


def validate(root: Path = PROJECT_ROOT) -> List[str]:
    project = Project(Path(root))
    domain = project.yaml("domain.yml")
    return (
        check_intent_tests(project, domain)
        + check_training_data(project, domain)
        + check_known_failures(project)
        + check_responses(project, domain)
        + check_safety_rules(project, domain)
        + check_content(project)
        + check_region_dates(project)
    )


def main() -> int:
    problems = validate()
    for problem in problems:
        print(problem)
    cautions = warnings()
    for warning in cautions:
        print(f"warning: {warning}")
    print(f"{len(problems)} problem(s)" if problems else "project checks: all good", end="")
    print(f", {len(cautions)} warning(s)" if cautions else "")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
