"""Benchmark speech in and out: WER and intent accuracy, domain vs general model, and latencies."""
from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple


from rasa_project.nlu import intent_tests as held_out
from rasa_project.voice import build_lm, corpus, sinks, synth, tts
from rasa_project.voice.audio import read_wav
from rasa_project.voice.stt import SphinxRecognizer

INTENTS_DIR = held_out.TEST_DIR  # tests/intents/<language>/
VOICES = ("en-us", "en-gb")
MODELS = ("domain", "general", "combined")  # combined: what the loop uses (domain, general fallback)
# Answers for the time-to-first-audio measure: the first one is what an emergency turn starts with.
ANSWERS = (
    "Call 911 now, or have someone else call. I will guide you one step at a time.",
    "Give the naloxone nasal spray. Do not prime or test it. Press the plunger firmly.",
    "The SAMHSA helpline is 1-800-662-4357. It is free and open all day and night.",
)


@dataclass
class Sample:
    intent: str
    text: str
    voice: str
    first_words: str = ""  # what the answer must start with (tests/intents/en), e.g. "Call 911"


def intent_tests(intents_dir: Path = INTENTS_DIR) -> Tuple[Dict[str, List[str]], Dict[str, str]]:
    """From the intent test files: intent -> utterances, and intent -> the words its answer
    must start with."""
    tests = held_out.load_all(intents_dir)
    return ({t.intent: list(t.utterances) for t in tests if t.utterances},
            {t.intent: t.first_words for t in tests if t.first_words})


def held_out_utterances(
    utterances: Dict[str, List[str]], intents_dir: Path = INTENTS_DIR, at_least: int = 40
) -> Tuple[List[Tuple[str, str]], str]:
    """(intent, utterance) pairs spread across intents, from the intent test files' utterances
    (held out from training). Falls back to the NLU training examples, which flatter the domain model."""
    per_intent = dict(utterances)
    source = f"held-out intent tests ({intents_dir})"
    if not per_intent:
        for example in corpus.read_nlu(build_lm.DEFAULT_NLU):
            per_intent.setdefault(example.intent, []).append(example.text)
        source = "NLU training examples (the domain model has seen these: optimistic)"
    chosen: List[Tuple[str, str]] = []
    depth = 0
    while len(chosen) < at_least and any(len(u) > depth for u in per_intent.values()):
        chosen += [(intent, u[depth]) for intent, u in sorted(per_intent.items()) if len(u) > depth]
        depth += 1
    return chosen, source


def parse(rasa_url: str, text: str) -> dict:
    """Rasa's /model/parse of `text`: intent, confidence, ranking."""
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(f"{rasa_url.rstrip('/')}/model/parse", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())


def parse_intent(rasa_url: str, text: str) -> str:
    return str((parse(rasa_url, text).get("intent") or {}).get("name"))


def _stats(values: Sequence[float]) -> Dict[str, float]:
    ordered = sorted(values)
    return {
        "mean": statistics.mean(ordered),
        "p50": ordered[len(ordered) // 2],
        "p90": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))],
        "max": ordered[-1],
    }


def _wer(refs: List[str], hyps: List[str]) -> float:
    import jiwer

    normal = lambda t: " ".join(corpus.words(t)) or "<empty>"  # noqa: E731 ("911" and "nine one one" agree)
    return jiwer.wer([normal(r) for r in refs], [normal(h) for h in hyps])


def tts_first_audio(work: Path) -> Dict[str, float]:
    speaker = tts.Speaker(synth.Pyttsx3Espeak(), sinks.FolderSink(), work / "tts")
    speaker.warm_up()
    speaker.wait()
    seconds = []
    for text in ANSWERS * 3:
        started = time.monotonic()
        spoken = speaker.speak(text)
        spoken.first_audio.wait(synth.SYNTH_TIMEOUT)
        seconds.append(spoken.first_audio_at - started)
        spoken.done.wait(synth.SYNTH_TIMEOUT)
    speaker.close()
    return _stats(seconds)


def answer_latency(rasa_url: str, recognizer, samples: List[Sample], work: Path) -> Optional[dict]:
    """The whole turn for the samples whose answer must start with given words (the emergency):
    end of the WAV -> recognized -> Rasa REST -> first answer audio written."""
    from rasa_project.voice.client import RasaClient
    from rasa_project.voice.audio import Utterance
    from rasa_project.voice.loop import Session

    chosen = [(n, s) for n, s in enumerate(samples) if s.first_words]
    if not chosen:
        return None
    speaker = tts.Speaker(synth.Pyttsx3Espeak(), sinks.FolderSink(), work / "answers")
    speaker.warm_up()
    started_right = 0
    latencies = []
    for n, sample in chosen:
        printed = io.StringIO()
        session = Session(RasaClient(rasa_url, sender_id=f"voice-bench-{n}", mode="rest"), speaker, recognizer, out=printed)
        session.handle(Utterance(read_wav(work / f"{n}.wav"), ended_at=time.monotonic()))
        latencies += session.latencies
        lines = [line for line in printed.getvalue().splitlines() if line]
        started_right += bool(lines) and lines[0].startswith(sample.first_words)
    speaker.close()
    return {
        "turns": len(chosen),
        "first_words_ok": started_right / len(chosen),
        "first_words": sorted({s.first_words for _, s in chosen}),
        "end_of_speech_to_answer_audio_seconds": _stats(latencies) if latencies else None,
    }


def run(
    rasa_url: Optional[str] = None,
    limit: Optional[int] = None,
    voices: Sequence[str] = VOICES,
    intents_dir: Path = INTENTS_DIR,
    nlu_dir: Path = build_lm.DEFAULT_NLU,
    model_dir: Path = build_lm.DEFAULT_OUT,
) -> dict:
    per_intent, must_start = intent_tests(intents_dir)
    utterances, source = held_out_utterances(per_intent, intents_dir)
    utterances = utterances[:limit] if limit else utterances
    recognizer = SphinxRecognizer(model_dir, nlu_dir)
    recognizer.load()
    hyps: Dict[str, List[str]] = {m: [] for m in MODELS}
    seconds: Dict[str, List[float]] = {m: [] for m in MODELS}
    samples = [Sample(i, t, v, must_start.get(i, "")) for i, t in utterances for v in voices]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n, sample in enumerate(samples):
            path = work / f"{n}.wav"
            subprocess.run(["espeak-ng", "-v", sample.voice, "-w", str(path), sample.text], check=True)
            audio = read_wav(path)
            for model in MODELS:
                heard = recognizer.recognize(audio) if model == "combined" else recognizer.decode_with(model, audio)
                hyps[model].append(heard.text)
                seconds[model].append(heard.seconds)
        first_audio = tts_first_audio(work)
        answers = answer_latency(rasa_url, recognizer, samples, work) if rasa_url else None
    refs = [s.text for s in samples]
    result = {
        "utterances": len(utterances),
        "samples": len(samples),
        "voices": list(voices),
        "intents": len({s.intent for s in samples}),
        "source": source,
        "wer": {m: _wer(refs, hyps[m]) for m in MODELS},
        "recognition_seconds": {m: _stats(seconds[m]) for m in MODELS},
        "tts_first_audio_seconds": first_audio,
        "answers": answers,  # spoken turns through Rasa: latency and required first words
        "intent_accuracy": None,
        "intent_note": "no rasa_url given: intent accuracy skipped",
    }
    if rasa_url:
        result.update(_intent_accuracy(rasa_url, samples, hyps))
    return result


def _intent_accuracy(rasa_url: str, samples: List[Sample], hyps: Dict[str, List[str]]) -> dict:
    try:
        predicted = {"typed text": [parse_intent(rasa_url, s.text) for s in samples]}
        for model in MODELS:
            predicted[model] = [parse_intent(rasa_url, h) if h else "" for h in hyps[model]]
    except (urllib.error.URLError, OSError, ValueError) as error:
        return {"intent_note": f"skipped: {rasa_url}/model/parse unavailable ({error}); start Rasa with --enable-api"}
    accuracy = {k: sum(p == s.intent for p, s in zip(v, samples)) / len(samples) for k, v in predicted.items()}
    return {"intent_accuracy": accuracy, "intent_note": f"Rasa /model/parse at {rasa_url}"}


def table(result: dict) -> str:
    rows = [f"{result['samples']} samples: {result['utterances']} utterances x {len(result['voices'])} voices "
            f"({', '.join(result['voices'])}), {result['intents']} intents; from {result['source']}", ""]
    rows.append(f"{'model':<10} {'WER':>6} {'intent acc':>10} {'recog mean':>11} {'p90':>6} {'max':>6}")
    accuracy = result.get("intent_accuracy") or {}
    for model in MODELS:
        rec = result["recognition_seconds"][model]
        acc = f"{accuracy[model]:.0%}" if model in accuracy else "-"
        rows.append(f"{model:<10} {result['wer'][model]:>6.1%} {acc:>10} {rec['mean']:>10.2f}s {rec['p90']:>5.2f}s {rec['max']:>5.2f}s")
    if "typed text" in accuracy:
        rows.append(f"{'typed text':<10} {'':>6} {accuracy['typed text']:>10.0%}   (NLU alone, no speech)")
    first = result["tts_first_audio_seconds"]
    rows += ["", f"TTS time to first audio: mean {first['mean'] * 1000:.0f} ms, max {first['max'] * 1000:.0f} ms",
             f"intent accuracy: {result['intent_note']}"]
    answers = result.get("answers")
    if answers and answers["end_of_speech_to_answer_audio_seconds"]:
        latency = answers["end_of_speech_to_answer_audio_seconds"]
        rows.append(f"spoken turns with required first words ({', '.join(answers['first_words'])}): {answers['turns']}, "
                    f"answer started right {answers['first_words_ok']:.0%}; end of speech -> answer audio "
                    f"mean {latency['mean']:.2f} s, p90 {latency['p90']:.2f} s, max {latency['max']:.2f} s")
    return "\n".join(rows)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", help="Rasa server with --enable-api, for intent accuracy")
    parser.add_argument("--limit", type=int, help="fewer utterances, for a quick look")
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args(argv)
    result = run(args.rasa_url, args.limit)
    print(table(result))
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
