"""Build the recognizer's domain language model and dictionary from the NLU training data."""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field
from io import StringIO
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from rasa_project.nlu import pronunciations
from rasa_project.voice import commands, corpus
from rasa_project.voice import lexicon as lexicon_module
from rasa_project.voice.lexicon import Lexicon

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NLU = PROJECT_ROOT / "data" / "nlu"
DEFAULT_OUT = PROJECT_ROOT / "build" / "voice"
LM_FILE, DICT_FILE, CORPUS_FILE, MANIFEST_FILE = "domain.lm", "domain.dict", "corpus.txt", "manifest.json"


@dataclass
class BuildReport:
    out_dir: str
    sentences: int
    words: int
    inputs: Dict[str, str]  # file -> sha1, to tell when the model is stale
    guessed: Dict[str, str] = field(default_factory=dict)  # word -> espeak-ng guess: curate these
    dropped: List[str] = field(default_factory=list)  # sentences with an unpronounceable word


def _inputs(nlu_dir: Path) -> Dict[str, str]:
    code = [Path(m.__file__) for m in (commands, corpus, lexicon_module, pronunciations)] + [Path(__file__)]
    files = sorted(Path(nlu_dir).glob("*.yml")) + [pronunciations.CURATED_FILE] + code
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in files}


def is_current(out_dir: Path, nlu_dir: Path = DEFAULT_NLU) -> bool:
    """True when out_dir holds a model built from exactly the present inputs."""
    manifest = Path(out_dir) / MANIFEST_FILE
    if not all((Path(out_dir) / f).exists() for f in (LM_FILE, DICT_FILE, MANIFEST_FILE)):
        return False
    return json.loads(manifest.read_text()).get("inputs") == _inputs(nlu_dir)


def _arpa(lines: Sequence[str]) -> str:
    from pocketsphinx.lm import ArpaBoLM  # heavy import only when building

    model = ArpaBoLM(text="\n".join(lines), add_start=True)
    model.compute()
    out = StringIO()
    model.write(out)
    return out.getvalue()


def build(out_dir: Path = DEFAULT_OUT, nlu_dir: Path = DEFAULT_NLU) -> BuildReport:
    lexicon = Lexicon.load()
    lines = corpus.sentences(corpus.read_nlu(Path(nlu_dir), heard=False))
    lines += [" ".join(corpus.words(p)) for p in commands.phrases()]
    if not lines:
        raise SystemExit(f"no NLU examples under {nlu_dir}")
    vocabulary = {w for line in lines for w in line.split()}
    dict_lines, missing = lexicon.dictionary(vocabulary)
    kept = [line for line in lines if not set(line.split()) & set(missing)]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / CORPUS_FILE).write_text("\n".join(kept) + "\n", encoding="utf-8")
    (out_dir / LM_FILE).write_text(_arpa(kept), encoding="utf-8")
    (out_dir / DICT_FILE).write_text("\n".join(dict_lines) + "\n", encoding="utf-8")
    report = BuildReport(
        out_dir=str(out_dir),
        sentences=len(kept),
        words=len(vocabulary) - len(missing),
        inputs=_inputs(Path(nlu_dir)),
        guessed=dict(sorted(lexicon.guessed.items())),
        dropped=[line for line in lines if line not in kept],
    )
    (out_dir / MANIFEST_FILE).write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default build/voice)")
    parser.add_argument("--nlu", type=Path, default=DEFAULT_NLU, help="Rasa NLU folder (default data/nlu)")
    args = parser.parse_args(argv)
    report = build(args.out, args.nlu)
    print(f"{report.out_dir}: {report.sentences} sentences, {report.words} words")
    for word, phones in report.guessed.items():
        print(f"  guessed by espeak-ng (add to rasa_project/nlu/pronunciations.dict if wrong): {word} {phones}")
    for line in report.dropped:
        print(f"  dropped (no pronunciation): {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
