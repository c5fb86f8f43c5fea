"""The validator's checks of spoken content: sources, speech style, dates and reviews."""
from __future__ import annotations

import datetime
from pathlib import Path
from typing import List

from rasa_project.content import style
from rasa_project.content.library import DEFAULT_LANGUAGE, load_library, load_phrases, load_topic
from rasa_project.project import PLACEHOLDER, Project, dialogue_steps

# Local facts (programs, meeting times, laws) older than this are named as warnings.
AS_OF_MAX_AGE = datetime.timedelta(days=365)
RESPONSES = "responses"  # phrases/responses.yml: the home of domain.yml's responses


def languages(project: Project) -> List[Path]:
    """content/<language>/ folders; each is checked alike."""
    return sorted(p for p in (project.root / "content").glob("*") if p.is_dir())


def check_content(project: Project) -> List[str]:
    problems = []
    for folder in languages(project):
        problems += _check_language(project, folder)
    return problems


def _check_language(project: Project, folder: Path) -> List[str]:
    problems = []
    shown = project.rel(folder)
    library = load_library(folder)
    # Every region file, not only the one ASSISTANT_REGION selects.
    regions = [load_topic(path) for path in sorted(folder.glob("regions/*.yml"))]
    phrase_books = [load_topic(path) for path in _phrase_files(folder) if "items" in project.load(path)]
    for region in regions:
        for item_id in sorted(set(region.items) - set(library.topics)):
            problems.append(f"{project.shown(region.file)}: item `{item_id}` extends no topic; {shown}/{item_id}.yml is missing")
    for topic in list(library.topics.values()) + regions + phrase_books:
        for item in topic.items.values():
            problems += _item_problems(project, item)
        for step in topic.steps:
            if step not in topic.items:
                problems.append(f"{project.shown(topic.file)}: step `{step}` has no item")
    for path in _phrase_files(folder):
        if "templates" in project.load(path):
            problems += _template_problems(project, path)
    guidance_intents = {
        steps[i].get("intent")
        for _, _, steps in dialogue_steps(project)
        for i in range(len(steps) - 1)
        if steps[i + 1].get("action") == "action_guidance" and steps[i].get("intent")
    }
    for topic in library.topics.values():
        stem = Path(topic.file).stem
        if topic.name != stem:
            problems.append(f"{shown}/{stem}.yml: topic `{topic.name}` should be `{stem}`, the file's name")
    for intent in sorted(guidance_intents):
        if not library.topic_chunks(intent) and not (folder / f"{intent}.yml").is_file():
            problems.append(f"{shown}/{intent}.yml: missing; intent `{intent}` is answered by action_guidance")
    return problems


def _item_problems(project: Project, item) -> List[str]:
    problems = []
    where = f"{project.shown(item.file)}: content item `{item.id}`"
    if not item.source.strip() or item.source.strip() == PLACEHOLDER:
        problems.append(f"{where} has no source")
    if not item.chunks:
        problems.append(f"{where} has no text")
    if any(PLACEHOLDER in text for text in (*item.chunks, item.source, item.note or "")):
        problems.append(f"{where} still has TODO placeholders")
    for chunk in item.chunks:
        problems.extend(f"{where} {issue}" for issue in style.problems(chunk))
    return problems


def _template_problems(project: Project, path: Path) -> List[str]:
    """A template file has one source; every fragment obeys the speech rules that apply
    to a part of a sentence."""
    data = project.load(path)
    problems = [] if str(data.get("source") or "").strip() else [f"{project.rel(path)}: templates have no source"]
    for key, text in _leaves(data["templates"]):
        problems.extend(f"{project.rel(path)}: template `{key}` {issue}" for issue in style.fragment_problems(text))
    return problems


def _leaves(node, prefix: str = ""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, f"{prefix}[{i}]")
    else:
        yield prefix, str(node)


def _phrase_files(folder: Path) -> List[Path]:
    return sorted(folder.glob("phrases/*.yml"))


def _content_files(project: Project) -> List[Path]:
    return [path for folder in languages(project)
            for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("regions/*.yml")) + _phrase_files(folder)]


def _region_files(project: Project) -> List[Path]:
    return [path for folder in languages(project) for path in sorted(folder.glob("regions/*.yml"))]


def check_region_dates(project: Project) -> List[str]:
    """Every region item says when its local facts were last known true."""
    problems = []
    for path in _region_files(project):
        for item in load_topic(path).items.values():
            where = f"{project.rel(path)}: item `{item.id}`"
            if not item.as_of:
                problems.append(f"{where} has no as_of date (when its local facts were last known true)")
            elif item.as_of_date is None:
                problems.append(f"{where} has as_of `{item.as_of}`; write YYYY, YYYY-MM or YYYY-MM-DD")
    return problems


def warn_old_dates(project: Project, today: datetime.date) -> List[str]:
    warnings = []
    for path in _region_files(project):
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
        data = project.load(path)
        if "templates" in data:
            unsigned = [] if str(data.get("reviewed_by") or "").strip() else ["templates"]
        else:
            unsigned = [item.id for item in load_topic(path).items.values() if not item.reviewed_by]
        if unsigned:
            warnings.append(
                f"{project.rel(path)}: not reviewed by a clinician (reviewed_by is empty): " + ", ".join(unsigned)
            )
    return warnings


def check_domain_responses(project: Project, domain: dict) -> List[str]:
    """domain.yml keeps only what must work without the action server; its home for review
    is content/<default language>/phrases/responses.yml, and the two must say the same."""
    home = f"content/{DEFAULT_LANGUAGE}/phrases/{RESPONSES}.yml"
    items = load_phrases(RESPONSES, project.root / "content" / DEFAULT_LANGUAGE)
    responses = domain.get("responses") or {}
    problems = [f"{home}: `{name}` is not a response in domain.yml" for name in sorted(set(items) - set(responses))]
    for name, variations in responses.items():
        item = items.get(name)
        if item is None:
            problems.append(f"domain.yml: response `{name}` has no home in {home}")
            continue
        for variation in variations or []:
            if variation.get("text") != " ".join(item.chunks):
                problems.append(f"domain.yml: response `{name}` says something other than {home}")
            if (variation.get("metadata") or {}).get("source") != item.source:
                problems.append(f"domain.yml: response `{name}` names another source than {home}")
    return problems
