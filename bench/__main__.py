"""Run every measurement, write results/benchmark.{md,json,png} and print a summary.

    python -m bench [--samples 30] [--conversations 50] [--load-seconds 30]
"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import yaml

from rasa_project import servers
from bench import answers, heldout, latency, load, nlu, report, serving, startup, training
from rasa_project import stack

ROOT = servers.PROJECT_ROOT
LOG_DIR = ROOT / "var" / "log" / "bench"


class Run:
    """Progress lines, and the figures of each step; a failed step is recorded, not fatal."""

    def __init__(self) -> None:
        self.began = time.monotonic()
        self.errors: Dict[str, str] = {}

    def say(self, text: str) -> None:
        print(f"[{time.monotonic() - self.began:6.1f} s] {text}", flush=True)

    def step(self, name: str, work: Callable[[], Any]) -> Optional[Any]:
        self.say(name + "...")
        try:
            return work()
        except Exception as error:  # keep going: the other figures are still worth having
            self.errors[name] = f"{type(error).__name__}: {error}"
            self.say(f"FAILED {name}: {self.errors[name]}")
            traceback.print_exc()
            return None


def measure_nlu(run: Run, tmp: Path, model: Path, train_project: bool) -> Optional[Dict]:
    examples = heldout.load_examples()
    test_file = heldout.write_nlu_yaml(examples, tmp / "heldout_nlu.yml")
    examples = heldout.read_nlu_yaml(test_file)
    leaked = heldout.leaked(examples)
    run.say(f"held-out set: {len(examples)} utterances, {len({e.intent for e in examples})} intents, "
            f"{len(leaked)} also in data/nlu")
    log = LOG_DIR / "train.log"
    config = nlu.stock_config(tmp / "stock_config.yml")
    stock = run.step("training Rasa's stock default pipeline (rasa train nlu)", lambda: training.rasa_train(
        ["train", "nlu", "--config", str(config), "--nlu", "data/nlu"], tmp / "models", "stock",
        tmp / "cache-stock", log))
    seconds = {"stock_nlu": stock.seconds if stock else None}
    if train_project:
        for kind, how in (("fresh", "empty cache"), ("cached", "same data again, cache filled")):
            done = run.step(f"timing `rasa train` of the project ({how})", lambda: training.rasa_train(
                ["train"], tmp / "models", f"project-{kind}", tmp / "cache-project", log))
            seconds[f"project_{kind}"] = done.seconds if done else None
    run.say(f"training seconds: {seconds}")
    project = run.step("classifying the held-out set with the project's model",
                       lambda: scored(examples, model))
    stock_scores = stock and run.step("classifying the held-out set with the stock model",
                                      lambda: scored(examples, stock.model))
    if not (project and stock_scores):
        return None
    return {
        "heldout": {"examples": len(examples), "intents": len({e.intent for e in examples}),
                    "leaked": len(leaked), "leaked_texts": [e.text for e in leaked]},
        "stock_pipeline": nlu.stock_pipeline(config),
        "project": project, "stock": stock_scores, "train_seconds": seconds,
    }


def scored(examples, model: Path) -> Dict:
    import rasa.core.agent  # noqa: F401  imported before timing, so load time is the model's own

    parsed, load_seconds = nlu.timed_predict(model, examples)
    return {**nlu.scores(examples, parsed), "load_seconds": load_seconds}


def measure_servers(run: Run, tmp: Path, model: Path, samples: int, conversations: int,
                    load_seconds: float) -> Dict:
    action_port, rasa_port = stack.free_port(), stack.free_port()
    actions = servers.action_server(action_port, log_dir=LOG_DIR)
    # --enable-api (no token, loopback, this run only): the voice figures use /model/parse.
    rasa = servers.rasa_server(rasa_port, model=model, endpoints=servers.endpoints_for(action_port, out_dir=tmp),
                               log_dir=LOG_DIR, extra_args=["--enable-api"])
    figures: Dict[str, Any] = {"samples": samples}
    try:
        figures["action_server_ready_s"] = stack.start_all([actions])[0].seconds_to_ready
        began = time.monotonic()
        rasa.start()
        rasa.wait_ready(timeout=600)
        figures["rasa_ready_s"] = time.monotonic() - began
        asyncio.run(latency.first_answer(rasa.url))
        figures["rasa_first_answer_s"] = time.monotonic() - began
        run.say(f"Rasa server answered after {figures['rasa_first_answer_s']:.1f} s")
        turns = dict(latency.TURNS)
        if "find_meeting" not in (yaml.safe_load((ROOT / "domain.yml").read_text()).get("intents") or []):
            turns.pop("meeting")
        figures["latency"] = run.step(f"timing {samples} turns of each kind ({', '.join(turns)})",
                                      lambda: latency.run(rasa.url, turns, samples))
        examples = heldout.load_examples()
        figures["answers"] = run.step(f"first answers to the {len(examples)} held-out utterances",
                                      lambda: answers.run(rasa.url, examples))
        figures["load"] = run.step(f"load: {conversations} conversations for {load_seconds:.0f} s",
                                   lambda: load.run(rasa.url, conversations, load_seconds))
        figures["voice"] = run.step("voice figures", lambda: voice_figures(rasa.url))
    finally:
        rasa.stop()
        actions.stop()
    return figures


def voice_figures(rasa_url: str) -> Any:
    """Per voice: WER, intent accuracy after recognition, safety answers first, latencies
    (bench/ears.py); the neural voice needs `make bench`'s extra packages."""
    from bench import ears

    result = ears.run(rasa_url)
    result["table"] = ears.table(result)
    return result


def summary(figures: Dict) -> str:
    lines = []
    n = figures.get("nlu")
    if n:
        for key in ("project", "stock"):
            s = n[key]
            lines.append(f"{key:8s} accuracy {100 * s['accuracy']:.1f}%  macro F1 {s['macro_f1']:.3f}  "
                         f"emergency recall {100 * (s['emergency_recall'] or 0):.1f}%  "
                         f"non-emergency -> emergency {s['non_emergency_to_emergency']}  "
                         f"model load {s['load_seconds']:.1f} s")
        lines.append(f"training s: {json.dumps({k: v and round(v, 1) for k, v in n['train_seconds'].items()})}")
    s = figures.get("servers") or {}
    if s.get("rasa_first_answer_s") is not None:
        lines.append(f"Rasa server first answer after {s['rasa_first_answer_s']:.1f} s")
    for name, t in (s.get("latency") or {}).items():
        lines.append(f"{name:9s} p50 {t['p50_ms']} ms  p95 {t['p95_ms']} ms")
    if s.get("answers"):
        a = s["answers"]
        lines.append(f"\"Call 911\" first: {a['emergency_call_911_first']}/{a['emergency_utterances']} emergency "
                     f"utterances, {len(a['other_call_911_first'])}/{a['other_utterances']} others")
    if s.get("load"):
        ld = s["load"]
        lines.append(f"load: {ld['conversations']} conversations, {ld['turns_per_second']} turns/s, "
                     f"p95 {ld['p95_ms']} ms, lost {ld['lost_turns']}, "
                     f"emergency not Call 911 first {ld['emergency_not_call_911_first']}")
    start = figures.get("startup")
    if start:
        lines.append(f"`make run`: ready after {start['ready_s']['median']:.1f} s (median of {len(start['runs'])}, "
                     f"max {start['ready_s']['max']:.1f}), first \"Call 911\" after {start['first_answer_s']['median']:.1f} s")
    voice = s.get("voice", "not available")
    lines.append(f"voice figures:\n{voice['table']}" if isinstance(voice, dict) and "table" in voice
                 else f"voice figures: {voice}")
    return "\n".join(lines)


def quiet_logs() -> None:
    """Rasa's structlog prints every parse at debug level (with the text) unless configured."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)


def stale_model(model: Path) -> Optional[str]:
    """The newest training input that is newer than the model, if any."""
    inputs = [ROOT / "config.yml", ROOT / "domain.yml", *(ROOT / "data").rglob("*.yml")]
    newest = max(inputs, key=lambda p: p.stat().st_mtime)
    if newest.stat().st_mtime > model.stat().st_mtime:
        return os.path.relpath(newest, ROOT)
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--model", type=Path, default=servers.DEFAULT_MODEL)
    parser.add_argument("--samples", type=int, default=30, help="timed turns per kind")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--no-train-timing", action="store_true", help="skip the timed project trainings")
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    args = parser.parse_args(argv)
    for key, value in servers.QUIET_ENV.items():
        os.environ.setdefault(key, value)
    quiet_logs()
    if not args.model.is_file():
        print(f"no trained model at {args.model}: run `make train`", file=sys.stderr)
        return 2
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    run = Run()
    figures: Dict[str, Any] = {"run": {
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(), "load_before": round(os.getloadavg()[0], 1),
        "python": platform.python_version(), "rasa": importlib.import_module("rasa").__version__,
        "model": os.path.relpath(args.model, ROOT),
    }}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        tmp = Path(folder)
        figures["nlu"] = measure_nlu(run, tmp, args.model, not args.no_train_timing)
        figures["servers"] = run.step("servers", lambda: measure_servers(
            run, tmp, args.model, args.samples, args.conversations, args.load_seconds))
        figures["serving"] = run.step("serving: human pace and saturation, 1 and 2 Rasa servers behind HAProxy; "
                                      "profile of a turn", lambda: serving.measure(args.model, tmp))
    figures["startup"] = run.step("`make run` start-up, 3 runs", startup.run)
    figures["voice"] = (figures.get("servers") or {}).get("voice", "not available")
    figures["errors"] = run.errors
    figures["run"].update(seconds=time.monotonic() - run.began, load_after=round(os.getloadavg()[0], 1),
                          model_older_than=stale_model(args.model))  # checked last: a retrain may overlap
    if figures["run"]["model_older_than"]:
        run.say(f"warning: {args.model.name} is older than {figures['run']['model_older_than']}: "
                "its figures are not those of the current data (make train)")
    paths = report.write_all(figures, args.out)
    print(summary(figures))
    print("wrote " + ", ".join(os.path.relpath(p, ROOT) for p in paths.values()))
    return 1 if run.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
