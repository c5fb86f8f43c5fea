"""Sentences the assistant expects to hear, from Rasa NLU training data, as recognizer words."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Iterator, List

import yaml

# [overdose](topic), [he]{"entity": "person"}: keep the words, drop the annotation.
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_ONES = "zero one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_DIGIT = "(?:zero|one|two|three|four|five|six|seven|eight|nine)"
_SPOKEN_DIGITS = re.compile(rf"\b(?:{_DIGIT} ){{2,}}{_DIGIT}\b")  # three or more: a number to dial


@dataclass(frozen=True)
class Example:
    intent: str
    text: str  # as written in the training data, annotations removed


def _examples_block(block: str) -> Iterator[str]:
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("- "):
            yield _ENTITY.sub(r"\1", line[2:].strip())


def read_nlu_file(path: Path) -> List[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: List[Example] = []
    for entry in data.get("nlu") or []:
        name = entry.get("intent") or entry.get("synonym") or entry.get("lookup")
        block = entry.get("examples")
        if name and isinstance(block, str) and "regex" not in entry:
            found.extend(Example(str(name), text) for text in _examples_block(block))
    return found


HEARD_FILE = "heard.yml"  # recognizer output of the training sentences (voice/heard.py)


def read_nlu(nlu_dir: Path, heard: bool = True) -> List[Example]:
    """Every training example; heard=False leaves out what a recognizer mis-heard: the domain
    language model should expect the sentences, not Whisper's mistakes."""
    return [e for path in sorted(Path(nlu_dir).glob("*.yml")) if heard or path.name != HEARD_FILE
            for e in read_nlu_file(path)]


def number_words(token: str) -> List[str]:
    """How a number is said: '30' -> thirty, '911' -> nine one one (3+ digits are dialed)."""
    if len(token) >= 3 or token.startswith("0") and len(token) > 1:
        return [_ONES[int(d)] for d in token]
    n = int(token)
    if n < 10:
        return [_ONES[n]]
    if n < 20:
        return [_TEENS[n - 10]]
    return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])


def words(text: str) -> List[str]:
    """Lower-case recognizer words; digits spelled out the way people say them."""
    result: List[str] = []
    for token in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        # "2mg" -> "2", "mg"; "911" -> "nine one one"
        for part in re.split(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", token):
            result.extend(number_words(part) if part.isdigit() else [part])
    return result


def written(transcript: str) -> str:
    """Undo the spelling of dialed numbers: 'call nine one one' -> 'call 911'."""
    digit = {w: str(i) for i, w in enumerate(_ONES)}
    return _SPOKEN_DIGITS.sub(lambda m: "".join(digit[w] for w in m.group(0).split()), transcript)


def sentences(examples: Iterable[Example]) -> List[str]:
    """One normalized sentence per example, duplicates removed, order kept."""
    seen: Dict[str, None] = {}
    for example in examples:
        line = " ".join(words(example.text))
        if line:
            seen.setdefault(line, None)
    return list(seen)
