"""Pronunciations for recognizer words: curated file, then CMU dictionary (both read by
rasa_project/nlu/pronunciations.py), then espeak-ng guesses."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from rasa_project.nlu import pronunciations as known_words

# espeak-ng's en-us phoneme mnemonics (`espeak-ng -x --sep=_`) -> CMU ARPAbet.
_ESPEAK_TO_ARPABET: Dict[str, Tuple[str, ...]] = {
    "p": ("P",), "b": ("B",), "t": ("T",), "d": ("D",), "k": ("K",), "g": ("G",),
    "f": ("F",), "v": ("V",), "T": ("TH",), "D": ("DH",), "s": ("S",), "z": ("Z",),
    "S": ("SH",), "Z": ("ZH",), "h": ("HH",), "m": ("M",), "n": ("N",), "N": ("NG",),
    "l": ("L",), "r": ("R",), "w": ("W",), "j": ("Y",), "tS": ("CH",), "dZ": ("JH",),
    "t#": ("T",), "?": ("T",), "r-": (), "n-": ("AH", "N"), "l-": ("AH", "L"), "m-": ("AH", "M"),
    "a": ("AE",), "aa": ("AE",), "a#": ("AH",), "A:": ("AA",), "A@": ("AA", "R"),
    "0": ("AA",), "O:": ("AO",), "O": ("AO",), "O2": ("AA",), "O@": ("AO", "R"),
    "o@": ("AO", "R"), "V": ("AH",), "@": ("AH",), "@2": ("AH",), "@5": ("AH",),
    "@L": ("AH", "L"), "3": ("ER",), "3:": ("ER",), "E": ("EH",), "e@": ("EH", "R"),
    "I": ("IH",), "I2": ("IH",), "I#": ("IH",), "i": ("IY",), "i:": ("IY",),
    "i@": ("IH", "R"), "i@3": ("IH", "R"), "U": ("UH",), "u:": ("UW",), "U@": ("UH", "R"),
    "aI": ("AY",), "aU": ("AW",), "eI": ("EY",), "oU": ("OW",), "OI": ("OY",),
    "aI@": ("AY", "ER"), "aU@": ("AW", "ER"), "aI3": ("AY", "ER"), "aU3": ("AW", "ER"),
}
def espeak_guess(word: str, voice: str = "en-us") -> Optional[str]:
    """ARPAbet for a word, from espeak-ng's letter-to-sound rules; None if a phoneme is unknown."""
    out = subprocess.run(
        ["espeak-ng", "-q", "-x", "--sep=_", "-v", voice, word.replace("-", " ")],
        capture_output=True, text=True, check=True,
    ).stdout
    phones: List[str] = []
    for token in re.split(r"[_\s]+", re.sub(r"[',;%=]", "", out)):
        if not token:
            continue
        if token not in _ESPEAK_TO_ARPABET:
            return None
        for phone in _ESPEAK_TO_ARPABET[token]:
            if not phones or phones[-1] != phone:  # "nar-anon": A@ then r, one R
                phones.append(phone)
    return " ".join(phones) or None


@dataclass
class Lexicon:
    known: Dict[str, List[str]]  # word -> pronunciations, curated before CMU
    guessed: Dict[str, str] = field(default_factory=dict)  # words pronounced by espeak-ng

    @classmethod
    def load(cls, curated: Path = known_words.CURATED_FILE, general: Optional[Path] = None) -> "Lexicon":
        return cls(known_words.known(curated, general))

    def pronunciations(self, word: str) -> List[str]:
        """Curated first; a hyphenated word falls back to its parts; last, an espeak-ng guess."""
        found = self.known.get(word)
        if found:
            return found
        if "-" in word:
            parts = [self.pronunciations(p) for p in word.split("-") if p]
            if parts and all(parts):
                return [" ".join(p[0] for p in parts)]
        guess = espeak_guess(word)
        if guess:
            self.guessed[word] = guess
            return [guess]
        return []

    def dictionary(self, words: Iterable[str]) -> Tuple[List[str], List[str]]:
        """Dictionary lines for the words, and the words that could not be pronounced."""
        lines: List[str] = []
        missing: List[str] = []
        for word in sorted(set(words)):
            prons = self.pronunciations(word)
            if not prons:
                missing.append(word)
            for i, phones in enumerate(prons):
                lines.append(f"{word} {phones}" if i == 0 else f"{word}({i + 1}) {phones}")
        return lines, missing
