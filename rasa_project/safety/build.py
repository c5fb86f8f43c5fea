"""Build the safety net's spaCy pipeline (blank English + entity_ruler) from patterns.yml."""
from __future__ import annotations

import argparse
from pathlib import Path

from rasa_project.safety.rules import DEFAULT_PATTERNS, SPANS_KEY, load_rules


def build(patterns_file: Path, out_dir: Path) -> Path:
    import spacy

    rules = load_rules(patterns_file)
    nlp = spacy.blank("en")
    # span_ruler, not entity_ruler: cues overlap ("someone isn't" NOW, "n't breathing"
    # DANGER) and entities may not.
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY})
    ruler.add_patterns(
        [
            {"label": rule.label, "id": rule.id, "pattern": pattern}
            for rule in rules.patterns
            for pattern in rule.token_patterns
        ]
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patterns", type=Path, default=DEFAULT_PATTERNS)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(f"safety net pipeline written to {build(args.patterns, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
