"""Every fallback and outage phrase the safety policy names leads with the 911 line (issue 12)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_project.safety.policy import policy
from rasa_project.validate import Project, _text_of

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.mark.parametrize("situation", sorted(policy().fallbacks))
def test_fallback_and_outage_phrases_lead_with_911(situation):
    store, _, name = policy().fallbacks[situation].partition(":")
    for text in _text_of(Project(ROOT), DOMAIN, store, name):
        assert "call 911" in text.split(".")[0].lower(), situation


def test_every_way_in_has_a_fallback():
    stores = {ref.partition(":")[0] for ref in policy().fallbacks.values()}
    assert stores == {"domain", "assistant", "voice"}


def test_crisis_after_taking_something_says_911_before_988():
    text = DOMAIN["responses"]["utter_crisis_overdose"][0]["text"]
    assert text.startswith("Call 911") and text.index("911") < text.index("988")
