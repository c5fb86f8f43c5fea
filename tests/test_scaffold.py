"""`python -m rasa_project.scaffold`: a new feature is refused until filled in, then it
validates, trains and answers, in a copy of the project."""
from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from conftest import ROOT, free_port
from rasa_project import scaffold, servers
from rasa_project.content.library import load_library
from rasa_project.validate import validate

NAME = "about_project"
PLACEHOLDER_FILES = [f"data/nlu/{NAME}.yml", f"tests/intents/en/{NAME}.yml", f"content/en/{NAME}.yml"]
EXAMPLES = [
    "who made you", "who built this assistant", "who created this app", "who is behind this project",
    "who developed you", "is this open source", "who wrote this program", "who programmed you",
    "who makes this assistant", "who owns this app", "which company made you",
    "where does this project come from", "is this app free and open source",
    "who are the people behind overdose helper", "who created overdose helper",
    "who designed this app", "who wrote the code for this", "who is the developer",
    "who are your creators", "which team built you",
]
UTTERANCES = [
    "who designed you", "who put this assistant together", "which people made this app",
    "tell me who built you", "are you open source software", "who is responsible for this program",
    "who wrote your code", "who's the maker of this thing", "who created you", "is your code open source",
]
CHUNKS = [
    "I am Overdose Helper. I am an open source voice assistant for overdose and recovery.",
    "I run on this device. What you say stays here unless someone sets up a remote service.",
]


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A complete copy of the project. It carries its own rasa_project, because the content
    loader finds content/ next to that package; build/ (the safety net) is shared."""
    copy = tmp_path / "project"
    for name in ("domain.yml", "config.yml", "data", "content", "tests/intents/en", "tests/known_failures.yml",
                 "actions", "rasa_project"):
        source, target = ROOT / name, copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    (copy / "build").symlink_to(ROOT / "build")
    return copy


def run_scaffold(copy: Path, *args: str) -> int:
    return scaffold.main([*args, "--root", str(copy)])


def fill(copy: Path) -> None:
    """What a contributor writes in place of the TODO lines."""
    nlu = {"version": "3.1", "nlu": [{"intent": NAME, "examples": "".join(f"- {e}\n" for e in EXAMPLES)}]}
    (copy / f"data/nlu/{NAME}.yml").write_text(yaml.safe_dump(nlu, sort_keys=False))
    (copy / f"tests/intents/en/{NAME}.yml").write_text(yaml.safe_dump({"intent": NAME, "utterances": UTTERANCES}, sort_keys=False))
    item = {"id": NAME, "source": "project wording (no health facts)", "chunks": CHUNKS}
    (copy / f"content/en/{NAME}.yml").write_text(yaml.safe_dump({"topic": NAME, "items": [item]}, sort_keys=False))


def env_for(copy: Path) -> dict:
    return {**os.environ, **servers.QUIET_ENV, "PYTHONPATH": str(copy)}


def rasa(copy: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rasa", *args], cwd=copy, env=env_for(copy),
                          capture_output=True, text=True, timeout=timeout)


def test_refuses_invalid_and_existing_names(project_copy, capsys):
    before = (project_copy / "domain.yml").read_text()
    for name in ("AboutProject", "about-project", "greet", "phrases", "guidance", "action_x"):
        assert run_scaffold(project_copy, name) == 1, name
    errors = capsys.readouterr().err
    assert "`AboutProject` is not a valid name: use snake_case" in errors
    assert "intent `greet` already exists in domain.yml" in errors
    assert "`guidance` already exists: actions/guidance.py" in errors
    assert (project_copy / "domain.yml").read_text() == before


def test_domain_keeps_its_comments_and_gains_one_line(project_copy):
    before = (project_copy / "domain.yml").read_text().splitlines()
    assert run_scaffold(project_copy, NAME, "--action") == 0
    after = (project_copy / "domain.yml").read_text().splitlines()
    added = [line for line in after if line not in before]
    assert added == [f"  - {NAME}", f"  - action_{NAME}"]
    assert [line for line in after if line not in added] == before


def test_add_to_list_appends_to_the_block_it_names():
    text = "intents:\n- x\n- y:\n    use_entities: []\n# slots come next\nslots: {}\n"
    assert scaffold.add_to_list(text, "intents", "z") == \
        "intents:\n- x\n- y:\n    use_entities: []\n- z\n# slots come next\nslots: {}\n"
    assert scaffold.add_to_list("version: '3.1'\n", "actions", "a") == "version: '3.1'\nactions:\n  - a\n"
    with pytest.raises(scaffold.ScaffoldError, match="not a block list"):
        scaffold.add_to_list("intents: [x]\n", "intents", "z")


def test_placeholders_are_refused_then_the_filled_feature_validates(project_copy, capsys):
    assert run_scaffold(project_copy, NAME) == 0
    printed = capsys.readouterr().out
    assert all(path in printed for path in PLACEHOLDER_FILES)
    assert run_scaffold(project_copy, NAME) == 1  # a second time: it exists

    problems = validate(project_copy)
    for path in PLACEHOLDER_FILES:
        assert f"{path}: still has TODO placeholders" in problems or \
            f"{path}: content item `{NAME}` still has TODO placeholders" in problems, path
    assert f"content/en/{NAME}.yml: content item `{NAME}` has no source" in problems
    assert f"data/nlu/{NAME}.yml: intent `{NAME}` has 3 training examples; at least 10 needed" in problems
    assert all(any(p.startswith(path) for path in PLACEHOLDER_FILES) for p in problems), problems

    fill(project_copy)
    assert validate(project_copy) == []
    result = rasa(project_copy, "data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_scaffolded_action_speaks_the_content(project_copy, monkeypatch):
    assert run_scaffold(project_copy, NAME, "--action") == 0
    fill(project_copy)
    assert validate(project_copy) == []
    spec = importlib.util.spec_from_file_location("scaffolded_action", project_copy / f"actions/{NAME}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "default_library", lambda: load_library(project_copy / "content" / "en"))
    action = module.ActionAboutProject()
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, Tracker("t", {}, {}, [], False, None, {}, ""), {})
    assert action.name() == f"action_{NAME}"
    assert [m["text"] for m in dispatcher.messages][:2] == [CHUNKS[0], "Want to hear more?"]


def start_action_server(copy: Path, log_path: Path) -> servers.Server:
    """The copy's actions, reading the copy's content."""
    server = servers.action_server(free_port(), log_dir=log_path.parent)
    server.cwd = copy
    server.env["PYTHONPATH"] = str(copy)
    return server.start()


@pytest.mark.slow
def test_filled_feature_trains_and_answers(project_copy, tmp_path):
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    assert run_scaffold(project_copy, NAME, "--action") == 0  # its own action: "more" must still work
    fill(project_copy)
    started = time.monotonic()
    result = rasa(project_copy, "train", "--fixed-model-name", "t", "--out", str(tmp_path / "models"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"trained the copy in {time.monotonic() - started:.0f} s")

    actions = start_action_server(project_copy, tmp_path / "actions.log")
    try:
        actions.wait_ready(timeout=120)
        agent = Agent.load(str(tmp_path / "models" / "t.tar.gz"),
                           action_endpoint=EndpointConfig(actions.url + "/webhook"))

        async def check():
            parsed = {u: (await agent.parse_message(u))["intent"]["name"] for u in UTTERANCES}
            first = await agent.handle_text(UTTERANCES[0], sender_id="scaffold")
            return parsed, first, await agent.handle_text("yes", sender_id="scaffold")

        parsed, answer, more = asyncio.run(check())
    finally:
        actions.stop()
    assert {u: i for u, i in parsed.items() if i != NAME} == {}
    assert [m.get("text") for m in answer][:2] == [CHUNKS[0], "Want to hear more?"]
    assert [m.get("text") for m in more][:1] == [CHUNKS[1]]  # "yes" continues, not "What else?"


def test_a_content_file_whose_topic_differs_from_its_name_is_named(project_copy):
    assert run_scaffold(project_copy, NAME) == 0
    fill(project_copy)
    path = project_copy / f"content/en/{NAME}.yml"
    path.write_text(path.read_text().replace(f"topic: {NAME}", "topic: about_us"))
    assert f"content/en/{NAME}.yml: topic `about_us` should be `{NAME}`, the file's name" in validate(project_copy)
