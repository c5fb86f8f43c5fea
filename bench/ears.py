"""Per-voice figures for the ears, on held-out sentences (tests/intents/en) spoken by espeak-ng
(en-us, en-gb) and a neural Piper voice: WER and intent accuracy after recognition on a spread
of every intent, and EVERY held-out utterance of a safety intent played as a whole turn (danger
spotter, Whisper, Rasa, answer audio): answered with its safety words first, end of speech to
the first "Call 911" audio. Also Whisper's load time and resident memory.

  python -m bench.ears --rasa-url URL [--sample N] [--compare] [--json out.json]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from bench import voice as bench
from bench.ears_voices import voices
from rasa_project.channels import hypotheses
from rasa_project.voice import phrases, sinks, spotter, stt, synth, tts
from rasa_project.voice.audio import Utterance, read_wav

SAMPLE = 120  # utterances per voice for WER and intent accuracy, spread over every intent
CALL_911 = "Call 911"
SHORT_QUIET_S = 15  # the measured alternative to the whole window (rasa_project/voice/whisper.yml)


def percentile(values: List[float], p: float) -> Optional[float]:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] if ordered else None


def safety_utterances(intents_dir: Path = bench.INTENTS_DIR) -> List[Tuple[str, str, str]]:
    """(intent, utterance, words the answer must begin with) for every held-out utterance of a
    safety intent (rasa_project/safety/policy.yml)."""
    from rasa_project.nlu import intent_tests
    from rasa_project.safety.policy import policy

    intents = policy().intents
    return [(t.intent, u, intents[t.intent].begins)
            for t in intent_tests.load_all(intents_dir) if t.intent in intents for u in t.utterances]


def other_window() -> Tuple[str, object]:
    """Whisper with the other encoder window, side by side with the shipped one: the speech and
    15 s of quiet when all 30 s ship, all 30 s when the shorter one does (whisper.yml)."""
    from dataclasses import replace

    from rasa_project.voice.whisper import Settings, WhisperRecognizer

    shipped = Settings.load()
    other = SHORT_QUIET_S if shipped.quiet_after_s is None else None
    return f"whisper, {window_name(other)}", WhisperRecognizer(replace(shipped, quiet_after_s=other))


def shipped_quiet() -> Optional[float]:
    from rasa_project.voice.whisper import Settings

    return Settings.load().quiet_after_s


def window_name(quiet_after_s: Optional[float]) -> str:
    return "30 s window" if quiet_after_s is None else f"speech + {quiet_after_s:g} s window"


def whisper_footprint() -> dict:
    """Load time and memory of Whisper alone, in a fresh process, after recognizing one spoken
    sentence. VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec."""
    code = ("import subprocess, sys, time; t = time.perf_counter(); "
            "from rasa_project.voice.whisper import WhisperRecognizer; "
            "w = WhisperRecognizer(); w.load(); s = time.perf_counter() - t; "
            "from rasa_project.voice.audio import read_wav; "
            "wav = sys.argv[1]; subprocess.run(['espeak-ng', '-w', wav, 'someone is not breathing'], check=True); "
            "w.recognize(read_wav(wav)); "
            "kb = {l.split(':')[0]: int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('Vm')}; "
            "print(s, kb['VmRSS'] / 1024, kb['VmHWM'] / 1024)")
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", code, str(Path(tmp) / "say.wav")], capture_output=True, text=True,
                             check=True).stdout.split()
    return {"load_s": float(out[0]), "rss_mb": float(out[1]), "peak_rss_mb": float(out[2])}


def turn(session_for: Callable[[str], object], wav: Path, n: int) -> Tuple[str, Optional[float], bool]:
    """One whole turn: (first line printed, seconds to the first "Call 911" audio, spotter fired)."""
    session, printed = session_for(f"ears-{time.time_ns()}-{n}")
    try:
        session.handle(Utterance(read_wav(wav), ended_at=time.monotonic()))
    finally:
        session.client.close()
    lines = [line for line in printed.getvalue().splitlines() if line]
    latency = session.call_911_latencies[0] if session.call_911_latencies else None
    return (lines[0] if lines else ""), latency, session.early_from in ("audio", "words")


def safety_turns(rasa_url: str, recognizer, danger, clips: List[Tuple[str, str, str, Path]], work: Path) -> dict:
    """Each safety utterance as the loop answers it, through Rasa's callback channel as `make
    run` uses it (falls back to REST when its port is taken)."""
    from rasa_project.voice.client import CALLBACK_PORT, RasaClient
    from rasa_project.voice.loop import Session

    speaker = tts.Speaker(synth.Pyttsx3Espeak(), sinks.FolderSink(), work / "answers")
    speaker.prepare(phrases.urgent())  # as `make run` does (it loads the engine too)

    def session_for(sender: str):
        printed = io.StringIO()
        return Session(RasaClient(rasa_url, sender_id=sender, mode="callback", callback_port=CALLBACK_PORT), speaker,
                       recognizer, danger,
                       out=printed), printed

    first_ok, spotted, latencies, misses = 0, 0, [], []
    calls = [c for c in clips if c[2].startswith(CALL_911)]
    for n, (intent, text, begins, wav) in enumerate(clips):
        first, latency, fired = turn(session_for, wav, n)
        ok = first.startswith(begins)
        first_ok += ok
        spotted += fired
        if latency is not None and begins.startswith(CALL_911):
            latencies.append(latency)
        if not ok:
            misses.append({"intent": intent, "said": text, "first": first})
        speaker.wait(30)
    speaker.close()
    return {"turns": len(clips), "first_ok": first_ok, "first_ok_pct": 100.0 * first_ok / max(1, len(clips)),
            "call_911_turns": len(calls), "spotter_fired": spotted,
            "call_911_audio_p50_s": percentile(latencies, 0.5), "call_911_audio_p95_s": percentile(latencies, 0.95),
            "call_911_audio_n": len(latencies), "misses": misses}


def recognition(recognizer, wavs: List[Path], said: List[Tuple[str, str]], rasa_url: Optional[str],
                danger=None) -> dict:
    heard = [recognizer.recognize(read_wav(p)) for p in wavs]
    hyps, seconds = [h.text for h in heard], [h.seconds for h in heard]
    figures = {"wer": bench._wer([t for _, t in said], hyps),
               "recognition_p50_s": percentile(seconds, 0.5), "recognition_p95_s": percentile(seconds, 0.95)}
    if danger:  # "Call 911 now." said early for an utterance that is no emergency or crisis
        from rasa_project.safety.policy import policy

        calm = [(h, t) for h, (i, t) in zip(heard, said) if i not in policy().intents]
        alarms = [t for h, t in calm if any(danger.words(x).danger for x in [h.text, *h.alternatives] if x)]
        figures.update(calm_utterances=len(calm), false_alarms=len(alarms), false_alarm_said=alarms)
    if rasa_url:
        # The words the server's channels send on: the best, or a wider hypothesis its NLU prefers.
        async def parsed(text: str) -> dict:
            return bench.parse(rasa_url, text)

        chosen = [asyncio.run(hypotheses.choose(parsed, h.text, h.choices)).text if h.text else "" for h in heard]
        predicted = [bench.parse_intent(rasa_url, c) if c else "" for c in chosen]
        right = [p == i for p, (i, _) in zip(predicted, said)]
        figures["intent_accuracy"] = sum(right) / len(said)
        figures["intent_best_only"] = sum((bench.parse_intent(rasa_url, h) if h else "") == i
                                          for h, (i, _) in zip(hyps, said)) / len(said)
        figures["other_hypothesis_chosen"] = sum(c != h for c, h in zip(chosen, hyps))
        figures["intent_misses"] = [{"intent": i, "said": t, "heard": h, "chosen": c, "got": p}
                                    for ok, (i, t), h, c, p in zip(right, said, hyps, chosen, predicted) if not ok]
    return figures


def run(rasa_url: Optional[str], sample: int = SAMPLE, compare: bool = False, intents_dir: Path = bench.INTENTS_DIR,
        only: Optional[List[str]] = None) -> dict:
    """Figures per voice (`only`: these voices) on the intent test files in `intents_dir`."""
    per_intent, _ = bench.intent_tests(intents_dir)
    said, source = bench.held_out_utterances(per_intent, intents_dir, at_least=sample)
    said = said[:sample]
    safety = safety_utterances(intents_dir)
    if not safety or "held-out" not in source:  # figures on training sentences would flatter the ears
        raise RuntimeError(f"no held-out intent tests with safety intents in {intents_dir}")
    other_name, other = other_window()
    recognizers = {"whisper": stt.create("whisper"), other_name: other}
    if compare:
        recognizers["sphinx"] = stt.create("sphinx")
    for recognizer in recognizers.values():
        recognizer.load()
    danger = spotter.create()
    result: dict = {"source": source, "utterances": len(said), "safety_utterances": len(safety),
                    "whisper": whisper_footprint(), "voices": {}}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for voice_name, say in voices(only).items():
            stem = voice_name.replace(" ", "-")
            wavs = [say(text, work / f"{stem}-{n}.wav") for n, (_, text) in enumerate(said)]
            clips = [(i, t, b, say(t, work / f"{stem}-safety-{n}.wav")) for n, (i, t, b) in enumerate(safety)]
            per_voice = {name: recognition(r, wavs, said, rasa_url, danger) for name, r in recognizers.items()}
            if rasa_url:
                per_voice["whisper"]["safety"] = safety_turns(rasa_url, recognizers["whisper"], danger, clips, work)
            result["voices"][voice_name] = per_voice
    return result


def table(result: dict) -> str:
    w = result["whisper"]
    rows = [f"{result['utterances']} held-out utterances per voice for WER and intent ({result['source']}); "
            f"{result['safety_utterances']} held-out safety utterances per voice as whole turns",
            f"Whisper tiny.en: loads in {w['load_s']:.2f} s, {w['rss_mb']:.0f} MB resident (peak {w['peak_rss_mb']:.0f} MB). "
            f"\"whisper\" is as shipped ({window_name(shipped_quiet())}); the other Whisper row has the other encoder "
            "window (WER and intents only; whole turns are the shipped one's)",
            "",
            "| voice | recognizer | WER | intent accuracy | safety words first | spotter fired | \"Call 911 now.\" said early "
            "for no emergency | recognition p50 / p95 s | end of speech to Call 911 audio p50 / p95 s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    fmt = lambda v: f"{v:.2f}" if isinstance(v, float) else "-"  # noqa: E731
    for voice, per in result["voices"].items():
        for name, f in per.items():
            s = f.get("safety") or {}
            first = f"{s['first_ok']}/{s['turns']} ({s['first_ok_pct']:.0f}%)" if s else "-"
            fired = f"{s['spotter_fired']}/{s['call_911_turns']}" if s else "-"
            alarms = f"{f['false_alarms']}/{f['calm_utterances']}" if "false_alarms" in f else "-"
            intent = fmt(f.get("intent_accuracy"))
            if "intent_best_only" in f:
                intent += f" (best only {f['intent_best_only']:.2f}; other hypothesis sent {f['other_hypothesis_chosen']})"
            rows.append(f"| {voice} | {name} | {f['wer']:.1%} | {intent} | {first} | {fired} | {alarms} | "
                        f"{fmt(f['recognition_p50_s'])} / {fmt(f['recognition_p95_s'])} | "
                        f"{fmt(s.get('call_911_audio_p50_s'))} / {fmt(s.get('call_911_audio_p95_s'))} |")
    return "\n".join(rows)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa-url", help="Rasa server with --enable-api, for intents and whole turns")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="utterances per voice for WER and intent accuracy")
    parser.add_argument("--compare", action="store_true", help="pocketsphinx beside Whisper (WER, intents)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    result = run(args.rasa_url, args.sample, args.compare)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
