"""A checked project's files, parsed once: what the validator's checks read."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set

import yaml

PLACEHOLDER = "TODO"  # what rasa_project.scaffold writes where a person must fill in


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


def dialogue(project: Project) -> Iterator[tuple]:
    """(file, name, steps, condition) of every rule and story."""
    for path in project.files("data/rules/*.yml") + project.files("data/stories/*.yml"):
        data = project.load(path)
        for entry in (data.get("rules") or []) + (data.get("stories") or []):
            yield path, entry.get("rule") or entry.get("story"), entry.get("steps") or [], entry.get("condition") or []


def dialogue_steps(project: Project) -> Iterator[tuple]:
    """(file, name, steps) of every rule and story."""
    for path, name, steps, _ in dialogue(project):
        yield path, name, steps
