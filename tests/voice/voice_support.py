"""Helpers for the voice tests: real audio from espeak-ng and sox, free loopback ports."""
from __future__ import annotations

import subprocess
from pathlib import Path

from rasa_project.stack import free_port  # noqa: F401  (the voice tests import it from here)

HERE = Path(__file__).resolve().parent
FIXTURE_NLU = HERE / "fixtures" / "nlu"  # small and frozen; the real data/nlu keeps changing


def espeak(text: str, path: Path, voice: str = "en-us", rate: int = 175) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
    return path


def sox(path: Path, *effect: str) -> Path:
    """e.g. sox(p, "synth", "2", "whitenoise") for noise, sox(p, "trim", "0", "2") for silence."""
    subprocess.run(["sox", "-n", "-r", "16000", "-b", "16", "-c", "1", str(path), *effect], check=True)
    return path


