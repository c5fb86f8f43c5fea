"""Dependencies point one way: front ends -> servers -> actions -> content, meetings and the
safety net -> plain helpers. No module imports one above it, and the product never imports
the benchmark (bench/) or the tests. Read from the source with ast, nothing imported."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Tuple

ROOT = Path(__file__).resolve().parents[1]
# Lower numbers are lower layers; a package may import only packages in lower layers.
LAYERS = {
    "rasa_project.text": 0, "rasa_project.project": 0,
    "rasa_project.content": 1, "rasa_project.nlu": 1,
    "rasa_project.safety": 2, "rasa_project.meetings": 2,
    "actions": 3,
    "rasa_project.servers": 4,
    "rasa_project.stack": 5, "rasa_project.channels": 5, "rasa_project.voice": 5, "rasa_project.validate": 5,
    "rasa_project.serve": 5,
    "rasa_project.cli": 6, "rasa_project.scaffold": 6, "rasa_project.scale": 6,
    "bench": 7,
}
OURS = ("rasa_project", "actions", "bench", "tests")


def package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "rasa_project" else parts[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[str]:
    here = module_name(path).split(".")
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here if is_package else here[:-1]
                base = ".".join(anchor[: len(anchor) - node.level + 1] + ([node.module] if node.module else []))
            if base == "rasa_project":  # "from rasa_project import servers"
                yield from (f"rasa_project.{alias.name}" for alias in node.names)
            else:
                yield base


def edges() -> Iterator[Tuple[str, str, str]]:
    files = [*ROOT.glob("rasa_project/**/*.py"), *ROOT.glob("actions/*.py"), *ROOT.glob("bench/*.py")]
    for path in files:
        source = package(module_name(path))
        for target in imports(path):
            if target.split(".")[0] in OURS and package(target) != source:
                yield str(path.relative_to(ROOT)), source, package(target)


def test_every_package_has_a_layer():
    assert {source for _, source, _ in edges()} | {target for *_, target in edges()} <= set(LAYERS)


def test_no_module_imports_one_above_it():
    upward = [f"{path}: {source} imports {target}" for path, source, target in edges()
              if LAYERS.get(target, 99) >= LAYERS.get(source, -1)]
    assert upward == []
