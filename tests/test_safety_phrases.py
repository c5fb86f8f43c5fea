"""Every fallback and outage phrase, in every store, leads with the 911 line (issue 12)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_project.content.library import default_library
from rasa_project.voice import phrases as voice_phrases

ROOT = Path(__file__).resolve().parents[1]


def domain_text(name: str) -> str:
    return yaml.safe_load((ROOT / "domain.yml").read_text())["responses"][name][0]["text"]


def alexa_text(name: str) -> str:
    return yaml.safe_load((ROOT / "rasa_project/channels/alexa.yml").read_text())["speech"][name]["text"]


PHRASES = {
    "domain utter_fallback": lambda: domain_text("utter_fallback"),
    "domain utter_default": lambda: domain_text("utter_default"),
    "domain utter_out_of_scope": lambda: domain_text("utter_out_of_scope"),
    "content no_content": lambda: default_library().phrase("no_content"),
    "alexa unavailable": lambda: alexa_text("unavailable"),
    "voice server_unreachable": lambda: voice_phrases.text("server_unreachable"),
    "voice didnt_catch": lambda: voice_phrases.text("didnt_catch"),
}


@pytest.mark.parametrize("where", sorted(PHRASES))
def test_fallback_and_outage_phrases_lead_with_911(where):
    first_sentence = PHRASES[where]().split(".")[0].lower()
    assert "call 911" in first_sentence, where


def test_crisis_after_taking_something_says_911_before_988():
    text = domain_text("utter_crisis_overdose")
    assert text.startswith("Call 911") and text.index("911") < text.index("988")
