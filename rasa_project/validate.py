"""The project's own checks, beyond `rasa data validate`: tests, sources, speech style.

`python -m rasa_project.validate` prints one line per problem, naming the file, and
exits 1 when there is any. Warnings (content no clinician has signed, local facts more
than a year old) are printed too, for the deployer, but do not fail the build.
"""
from __future__ import annotations

import datetime
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Set

from rasa_project.content import style
from rasa_project.content.checks import (
    check_content, check_domain_responses, check_region_dates, languages, warn_old_dates, warn_unreviewed,
)
from rasa_project.content.library import load_phrases
from rasa_project.nlu import intent_tests
from rasa_project.project import PLACEHOLDER, Project, dialogue, dialogue_steps, names
from rasa_project.safety import checks
from rasa_project.safety.policy import SafetyPolicy, load_policy, policy as default_policy

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MIN_TEST_UTTERANCES = 10
# Every intent's training examples across data/nlu. The small-talk intents have 10 to 14;
# new features should aim for 15 to 30.
MIN_TRAINING_EXAMPLES = 10
KNOWN_FAILURES = "tests/known_failures.yml"
# Intents Rasa defines or that only exist as triggers; they need no test file.
BUILTIN_INTENTS = {"nlu_fallback", "session_start", "restart", "back", "out_of_scope_trigger"}
EXTERNAL_PREFIX = "EXTERNAL_"


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


def check_intent_tests(project: Project, domain: dict) -> List[str]:
    problems = []
    intents = names(domain.get("intents"))
    examples = _training_examples(project)
    tested = set()
    for path in project.files("tests/intents/en/*.yml"):
        try:
            test = intent_tests.load(path)
        except intent_tests.IntentTestError as error:
            problems.append(f"tests/intents/en/{error}")
            tested.add(path.stem)
            continue
        intent, utterances = test.intent, test.utterances
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
            problems.append(f"tests/intents/en/{intent}.yml: missing; intent `{intent}` has no test file")
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
    answered = {step.get("intent") for _, _, steps in dialogue_steps(project) for step in steps}
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
        if intent in _policy(project).safety_intents:
            problems.append(f"{KNOWN_FAILURES}: lists safety intent `{intent}`; its utterances must always pass")
        test_file = project.root / "tests" / "intents" / "en" / f"{intent}.yml"
        if not test_file.is_file():
            problems.append(f"{KNOWN_FAILURES}: intent `{intent}` has no test file tests/intents/en/{intent}.yml")
            continue
        try:
            tested = intent_tests.load(test_file).utterances
        except intent_tests.IntentTestError:
            continue  # named by check_intent_tests
        for utterance in utterances or []:
            if utterance not in tested:
                problems.append(f"{KNOWN_FAILURES}: `{utterance}` is not in tests/intents/en/{intent}.yml; remove it")
    return problems


def check_responses(project: Project, domain: dict) -> List[str]:
    problems = []
    responses = domain.get("responses") or {}
    used = set()
    for _, _, steps in dialogue_steps(project):
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


def check_safety(project: Project, domain: dict) -> List[str]:
    """The safety policy (rasa_project/safety/policy.yml) against the domain, rules and texts."""
    policy = _policy(project)
    rules = [(project.rel(path), name, steps, condition) for path, name, steps, condition in dialogue(project)]
    return (
        checks.check_first_responses(policy, domain.get("responses") or {}, rules)
        + checks.check_walkthrough(policy, names(domain.get("intents")), rules)
        + checks.check_fallbacks(policy, lambda store, name: _text_of(project, domain, store, name))
    )


def _policy(project: Project) -> SafetyPolicy:
    """The checked project's own policy; the packaged one for a partial copy without it."""
    path = checks.policy_file(project.root)
    return load_policy(path) if path.is_file() else default_policy()


def _text_of(project: Project, domain: dict, store: str, name: str) -> List[str]:
    """Every wording of the text `store:name` (one per variation or language)."""
    if store == "domain":
        return [v["text"] for v in domain["responses"][name]]
    # a phrase area: content/<language>/phrases/<store>.yml, in every language there is
    texts = [" ".join(load_phrases(store, folder)[name].chunks) for folder in languages(project)]
    if not texts:
        raise KeyError(store)
    return texts


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
        + check_safety(project, domain)
        + check_content(project)
        + check_domain_responses(project, domain)
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
