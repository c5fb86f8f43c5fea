"""Timed `rasa train` runs into temporary folders, each with its own cache."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List

from rasa_project import servers

PROJECT_ROOT = servers.PROJECT_ROOT


@dataclass(frozen=True)
class Trained:
    model: Path
    seconds: float


def rasa_train(args: List[str], out: Path, name: str, cache: Path, log: Path) -> Trained:
    """`rasa <args> --out out --fixed-model-name name` from the project root, timed."""
    env = {**os.environ, **servers.QUIET_ENV, "PYTHONPATH": str(PROJECT_ROOT),
           "RASA_CACHE_DIRECTORY": str(cache)}
    command = [sys.executable, "-m", "rasa", *args, "--out", str(out), "--fixed-model-name", name]
    began = time.monotonic()
    with open(log, "ab") as sink:
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=1800)
    seconds = time.monotonic() - began
    model = Path(out) / f"{name}.tar.gz"
    if done.returncode != 0 or not model.is_file():
        raise RuntimeError(f"`rasa {' '.join(args)}` failed ({done.returncode}); see {log}")
    return Trained(model, seconds)
