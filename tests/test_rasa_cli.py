"""Rasa's own checks, run as a person would: data validation and the test stories."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_rasa_data_validate_is_clean():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_stories_predict_without_errors(model_path, tmp_path):
    result = rasa(
        "test", "core", "--model", str(model_path), "--stories", "tests/stories",
        "--fail-on-prediction-errors", "--out", str(tmp_path),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
