"""The validator's checks of spoken content: sources, speech style, dates and reviews."""
from __future__ import annotations

import datetime
from pathlib import Path
from typing import List

from rasa_project.content import style
from rasa_project.content.library import load_library, load_topic
from rasa_project.project import PLACEHOLDER, Project, dialogue_steps

# Local facts (programs, meeting times, laws) older than this are named as warnings.
AS_OF_MAX_AGE = datetime.timedelta(days=365)


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
        for _, _, steps in dialogue_steps(project)
        for i in range(len(steps) - 1)
        if steps[i + 1].get("action") == "action_guidance" and steps[i].get("intent")
    }
    for topic in library.topics.values():
        stem = Path(topic.file).stem
        if topic.name != stem:
            problems.append(f"content/{stem}.yml: topic `{topic.name}` should be `{stem}`, the file's name")
    for intent in sorted(guidance_intents):
        if not library.topic_chunks(intent) and not (project.root / "content" / f"{intent}.yml").is_file():
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
