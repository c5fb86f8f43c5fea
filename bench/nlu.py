"""Intent accuracy on the held-out set, for the project's model and Rasa's stock pipeline."""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bench.heldout import Example

EMERGENCY = "overdose_emergency"
SEED = 7  # DIET seeded, so the stock figures are the same from run to run


def stock_config(path: Path) -> Path:
    """Rasa 3.6's default config (what `rasa init` trains with), DIET seeded for repeatability."""
    import rasa

    default = Path(rasa.__file__).parent / "engine" / "recipes" / "config_files" / "default_config.yml"
    config = yaml.safe_load(default.read_text())
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier":
            component["random_seed"] = SEED
    config["assistant_id"] = "bench-stock-default"
    Path(path).write_text(yaml.safe_dump(config, sort_keys=False))
    return Path(path)


def stock_pipeline(path: Path) -> List[str]:
    return [c["name"] for c in yaml.safe_load(Path(path).read_text())["pipeline"]]


def predict(model: Path, examples: List[Example]) -> List[dict]:
    """Parse every example with the model loaded in this process."""
    return timed_predict(model, examples)[0]


def timed_predict(model: Path, examples: List[Example]) -> Tuple[List[dict], float]:
    """The parses, and the seconds Agent.load took (Rasa already imported)."""
    from rasa.core.agent import Agent

    if not Path(model).is_file():  # Agent.load would quietly take another model
        raise FileNotFoundError(model)
    began = time.monotonic()
    agent = Agent.load(str(model))
    load_seconds = time.monotonic() - began

    async def parse_all() -> List[dict]:
        return [await agent.parse_message(e.text) for e in examples]

    return asyncio.run(parse_all()), load_seconds


def scores(examples: List[Example], parsed: List[dict]) -> Dict:
    from sklearn.metrics import accuracy_score, f1_score

    truth = [e.intent for e in examples]
    guess = [p["intent"]["name"] for p in parsed]
    labels = sorted(set(truth))
    per_intent = f1_score(truth, guess, labels=labels, average=None, zero_division=0)
    emergencies = [g for t, g in zip(truth, guess) if t == EMERGENCY]
    false_alarms = [
        {"text": e.text, "intent": e.intent}
        for e, g in zip(examples, guess) if g == EMERGENCY and e.intent != EMERGENCY
    ]
    missed = [{"text": e.text, "predicted": g} for e, g in zip(examples, guess)
              if e.intent == EMERGENCY and g != EMERGENCY]
    return {
        "examples": len(examples),
        "accuracy": accuracy_score(truth, guess),
        "macro_f1": f1_score(truth, guess, labels=labels, average="macro", zero_division=0),
        "per_intent_f1": {label: float(f) for label, f in zip(labels, per_intent)},
        "emergency_recall": sum(g == EMERGENCY for g in emergencies) / len(emergencies) if emergencies else None,
        "emergency_missed": missed,
        "non_emergency_to_emergency": len(false_alarms),
        "false_alarms": false_alarms,
        "fallbacks": sum(g == "nlu_fallback" for g in guess),
        "safety_net_fired": sum(bool((p.get("safety_net") or {}).get("forced")) for p in parsed),
        "confusions": Counter(f"{t} -> {g}" for t, g in zip(truth, guess) if t != g).most_common(10),
    }
