"""Pronunciations of words in ARPAbet: the project's curated file (words the CMU dictionary
lacks) and the CMU dictionary that ships in pocketsphinx's wheel. Read by the sound featurizer
(phonetic.py) and by the recognizer's lexicon (rasa_project/voice/lexicon.py)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional

CURATED_FILE = Path(__file__).with_name("pronunciations.dict")
_ENTRY = re.compile(r"^(\S+?)(?:\(\d+\))?\s+(.+)$")


def read_dict(path: Path) -> Dict[str, List[str]]:
    """word -> pronunciations, from a CMU-format file (';;' comments, 'word(2)' variants)."""
    entries: Dict[str, List[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _ENTRY.match(line.strip())
        if match and not line.startswith(";;"):
            phones = match.group(2).split("#")[0].strip()
            entries.setdefault(match.group(1).lower(), []).append(phones)
    return entries


def cmu_dict_path() -> Path:
    from pocketsphinx import get_model_path  # imported here: no model lookup at import time

    return Path(get_model_path("en-us")) / "cmudict-en-us.dict"


def known(curated: Path = CURATED_FILE, general: Optional[Path] = None) -> Dict[str, List[str]]:
    """word -> pronunciations: the curated file's where it has the word, else the CMU
    dictionary's. The one place that order is decided."""
    return {**read_dict(general or cmu_dict_path()), **read_dict(curated)}
