"""Build the Alexa skill package (interaction model + manifest) from the project's files.

    python -m rasa_project.channels.alexa_model --out build/alexa

Writes the ASK CLI layout: <out>/skill-package/skill.json and
<out>/skill-package/interactionModels/custom/<locale>.json.

One intent, CatchAllIntent, hands the person's words to Rasa through an
AMAZON.SearchQuery slot. Alexa requires a carrier phrase before that slot, and the
carrier words do not reach Rasa, so the carriers are single words: the first word of
every NLU example ("my friend is not breathing" -> "my {utterance}").
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import yaml

from rasa_project.channels.alexa_turn import (
    BUILT_IN_TRIGGERS,
    CATCH_ALL_INTENT,
    CATCH_ALL_SLOT,
    EXTENDED_BUILT_INS,
    WALKTHROUGH_TRIGGERS,
    phrases,
)
from rasa_project.text import fold

CHANNEL_KEY = "rasa_project.channels.alexa.AlexaInput"
DEFAULT_ENDPOINT = "https://assistant.example.org/webhooks/alexa/webhook"
SSL_CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")
_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_SPOKEN_WORD = re.compile(r"^[a-z][a-z']*$")  # sample utterances: letters, apostrophes
_FORBIDDEN_IN_INVOCATION = {"alexa", "amazon", "echo", "computer", "skill", "app",
                            "launch", "ask", "tell", "load", "begin", "enable"}


def nlu_examples(nlu_dir: Path) -> List[str]:
    """Plain text of every intent example in data/nlu/*.yml, entity markup removed."""
    return [e for examples in nlu_examples_by_intent(nlu_dir).values() for e in examples]


def nlu_examples_by_intent(nlu_dir: Path) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        document = _read_yaml(path) or {}
        for block in document.get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue  # synonyms, regexes, lookups
            found.setdefault(str(block["intent"]), []).extend(_block_examples(block.get("examples")))
    return found


def intent_samples(by_intent: Dict[str, List[str]]) -> Dict[str, List[str]]:
    """Samples for the walkthrough's Alexa intents: their Rasa intent's examples, spoken
    words only, each sample in one intent only (Alexa refuses duplicates)."""
    rasa_intent = {**{name: BUILT_IN_TRIGGERS[name] for name in EXTENDED_BUILT_INS},
                   **WALKTHROUGH_TRIGGERS}
    extra = phrases().get("extra_samples") or {}
    seen: set = set()
    samples: Dict[str, List[str]] = {}
    for alexa_name, rasa_name in rasa_intent.items():
        kept = []
        for example in [*extra.get(alexa_name, []), *by_intent.get(rasa_name, [])]:
            words = fold(example).split()
            text = " ".join(words)
            if words and all(_SPOKEN_WORD.match(w) for w in words) and text not in seen:
                seen.add(text)
                kept.append(text)
        samples[alexa_name] = kept
    return samples


def _read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _block_examples(raw: Any) -> Iterable[str]:
    if isinstance(raw, str):
        lines = [line.strip() for line in raw.splitlines()]
        items = [line[1:].strip() for line in lines if line.startswith("-")]
    elif isinstance(raw, list):  # the long form: - text: "..." with metadata
        items = [str(item.get("text", "")) if isinstance(item, dict) else str(item)
                 for item in raw]
    else:
        items = []
    return [_ENTITY.sub(r"\1", item) for item in items if item]


def carrier_samples(examples: Sequence[str]) -> List[str]:
    """'<first word> {utterance}' for each distinct speakable first word."""
    carriers = set()
    for example in examples:
        words = fold(example).split()
        if len(words) > 1 and _SPOKEN_WORD.match(words[0]):
            carriers.add(words[0])
    return [f"{word} {{{CATCH_ALL_SLOT}}}" for word in sorted(carriers)]


def check_invocation_name(name: str) -> str:
    """Alexa's rules, the ones a typo breaks: lower case, two or more words, no wake words."""
    words = name.split()
    if name != name.lower() or not all(_SPOKEN_WORD.match(w) for w in words):
        raise ValueError(f"invocation name must be lower-case words: {name!r}")
    if len(words) < 2:
        raise ValueError(f"invocation name needs at least two words: {name!r}")
    if _FORBIDDEN_IN_INVOCATION & set(words):
        raise ValueError(f"invocation name uses a reserved word: {name!r}")
    return name


def invocation_from_credentials(path: Path) -> Optional[str]:
    if not path.exists():
        return None
    settings = (_read_yaml(path) or {}).get(CHANNEL_KEY)
    name = (settings or {}).get("invocation_name") if isinstance(settings, dict) else None
    # "${VAR}" is expanded by Rasa at run time, not here: fall back to the default.
    return str(name).strip() if name and "${" not in str(name) else None


def interaction_model(invocation_name: str, examples: Sequence[str],
                      walkthrough: Optional[Dict[str, List[str]]] = None) -> Dict[str, Any]:
    samples = carrier_samples(examples)
    walkthrough = walkthrough or {}
    if not samples:
        raise ValueError("no NLU examples to build CatchAllIntent's carrier phrases from")
    intents: List[Dict[str, Any]] = [{
        "name": CATCH_ALL_INTENT,
        "slots": [{"name": CATCH_ALL_SLOT, "type": "AMAZON.SearchQuery"}],
        "samples": samples,
    }]
    intents += [{"name": name, "samples": walkthrough.get(name, [])} for name in BUILT_IN_TRIGGERS]
    intents += [{"name": name, "samples": walkthrough[name]}
                for name in WALKTHROUGH_TRIGGERS if walkthrough.get(name)]
    return {"interactionModel": {"languageModel": {
        "invocationName": check_invocation_name(invocation_name),
        # LOW: send doubtful speech to CatchAllIntent (Rasa) rather than FallbackIntent.
        "modelConfiguration": {"fallbackIntentSensitivity": {"level": "LOW"}},
        "intents": intents,
        "types": [],
    }}}


def skill_manifest(invocation_name: str, endpoint: str, ssl_type: str) -> Dict[str, Any]:
    if not endpoint.startswith("https://"):
        raise ValueError("Alexa only calls https endpoints")
    if ssl_type not in SSL_CERTIFICATE_TYPES:
        raise ValueError(f"ssl certificate type must be one of {SSL_CERTIFICATE_TYPES}")
    skill = phrases()["skill"]
    locales = {
        locale: {
            "name": text["name"],
            "summary": text["summary"],
            "description": " ".join(text["description"].split()),
            "examplePhrases": [p.format(invocation=invocation_name)
                               for p in text["example_phrases"]],
            "keywords": list(text["keywords"]),
        }
        for locale, text in skill["locales"].items()
    }
    return {"manifest": {
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": locales,
            "isAvailableWorldwide": False,
            "distributionCountries": list(skill["distribution_countries"]),
            "category": skill["category"],
        },
        "privacyAndCompliance": {
            "allowsPurchases": False,
            "usesPersonalInfo": False,
            "isChildDirected": False,
            "isExportCompliant": True,
            "containsAds": False,
            "locales": {locale: {} for locale in locales},
        },
        "apis": {"custom": {
            "endpoint": {"uri": endpoint, "sslCertificateType": ssl_type},
        }},
    }}


def build(out: Path, project_dir: Path, invocation_name: Optional[str] = None,
          endpoint: str = DEFAULT_ENDPOINT, ssl_type: str = "Trusted") -> List[Path]:
    """Write the skill package; the invocation name: argument > credentials.yml > alexa.yml."""
    name = (invocation_name
            or invocation_from_credentials(project_dir / "credentials.yml")
            or phrases()["skill"]["invocation_name"])
    by_intent = nlu_examples_by_intent(project_dir / "data" / "nlu")
    examples = [e for found in by_intent.values() for e in found]
    walkthrough = intent_samples(by_intent)
    package = out / "skill-package"
    written = [package / "skill.json"]
    _write_json(written[0], skill_manifest(name, endpoint, ssl_type))
    for locale in phrases()["skill"]["locales"]:
        path = package / "interactionModels" / "custom" / f"{locale}.json"
        _write_json(path, interaction_model(name, examples, walkthrough))
        written.append(path)
    return written


def _write_json(path: Path, data: Dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/alexa"))
    parser.add_argument("--project-dir", type=Path, default=Path("."))
    parser.add_argument("--invocation-name", help="default: credentials.yml, then alexa.yml")
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT,
                        help="public https URL of /webhooks/alexa/webhook")
    parser.add_argument("--ssl-certificate-type", default="Trusted",
                        choices=SSL_CERTIFICATE_TYPES)
    args = parser.parse_args(argv)
    try:
        paths = build(args.out, args.project_dir, args.invocation_name, args.endpoint,
                      args.ssl_certificate_type)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
