"""results/benchmark.md, benchmark.json and benchmark.png from the figures of one run."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

MODELS = (("project", "project (logistic regression + safety net)"), ("stock", "Rasa 3.6 stock default (DIET)"))


def write_all(figures: Dict, folder: Path) -> Dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "benchmark.json", "md": folder / "benchmark.md", "png": folder / "benchmark.png"}
    paths["json"].write_text(json.dumps(figures, indent=2, default=str) + "\n")
    plot(figures, paths["png"])
    paths["md"].write_text(markdown(figures, paths["png"].name))
    return paths


def _pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _num(value, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:,.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def markdown(f: Dict, png: str) -> str:
    run, nlu = f["run"], f.get("nlu") or {}
    lines = [
        "# Benchmark",
        "",
        f"One run of `make bench` (`python -m bench`) on {run['started']}: "
        f"{run['cpus']} CPUs, load average {run['load_before']} before and {run['load_after']} after "
        f"(other work shared the machine), Rasa {run['rasa']}, model `{run['model']}`. "
        f"Whole run: {run['seconds']:.0f} s. Figures in `benchmark.json`, plot in `{png}`.",
        "",
    ]
    if run.get("model_older_than"):
        lines += [f"**The model was older than `{run['model_older_than']}`**: its figures are not "
                  "those of the current training data.", ""]
    if nlu:
        held = nlu["heldout"]
        p, s = nlu["project"], nlu["stock"]
        lines += [
            "## Intent classification on the held-out set",
            "",
            f"{held['examples']} utterances for {held['intents']} intents from `tests/intents/en/*.yml`, "
            f"converted to Rasa NLU YAML and read back by Rasa; never in the training data "
            f"({held['leaked']} of them also appear in `data/nlu`). Both models are trained on "
            f"`data/nlu`; the stock one with Rasa's default pipeline "
            f"({', '.join(nlu['stock_pipeline'])}), DIET seeded so its figures repeat.",
            "",
            "| | " + " | ".join(title for _, title in MODELS) + " |",
            "| --- | --- | --- |",
            f"| intent accuracy | {_pct(p['accuracy'])} | {_pct(s['accuracy'])} |",
            f"| macro F1 | {p['macro_f1']:.3f} | {s['macro_f1']:.3f} |",
            f"| emergency recall (overdose_emergency) | {_pct(p['emergency_recall'])} | {_pct(s['emergency_recall'])} |",
            f"| non-emergency utterances sent down the emergency path | {p['non_emergency_to_emergency']} | {s['non_emergency_to_emergency']} |",
            f"| answered with the fallback (nlu_fallback) | {p['fallbacks']} | {s['fallbacks']} |",
            f"| safety net fired | {p['safety_net_fired']} | n/a |",
            f"| model load time, Agent.load (s) | {_num(p.get('load_seconds'))} | {_num(s.get('load_seconds'))} |",
            f"| training time (s) | {_num(nlu['train_seconds'].get('project_fresh'))} fresh, "
            f"{_num(nlu['train_seconds'].get('project_cached'))} cached (full model) | "
            f"{_num(nlu['train_seconds'].get('stock_nlu'))} (NLU only) |",
            "",
            "Emergency utterances missed: "
            + ("; ".join(f"{m['text']!r} -> {m['predicted']}" for m in p["emergency_missed"]) or "none")
            + " (project); "
            + ("; ".join(f"{m['text']!r} -> {m['predicted']}" for m in s["emergency_missed"]) or "none")
            + " (stock).",
            "",
            "Sent down the emergency path though not an emergency (project): "
            + ("; ".join(f"{a['text']!r} ({a['intent']})" for a in p["false_alarms"]) or "none") + ".",
            "",
            "| intent | project F1 | stock F1 |",
            "| --- | --- | --- |",
        ]
        for intent in sorted(p["per_intent_f1"]):
            lines.append(f"| {intent} | {p['per_intent_f1'][intent]:.2f} | {s['per_intent_f1'].get(intent, 0):.2f} |")
        lines.append("")
    serve = f.get("servers") or {}
    if serve:
        lines += [
            "## Latency through the running servers",
            "",
            f"REST webhook on 127.0.0.1 (the Rasa server started with `--enable-api` for the voice "
            f"figures), one turn at a time, each in a new conversation "
            f"({serve['samples']} timed turns per kind after 2 warm-up turns).",
            "",
            "| turn | message | p50 (ms) | p95 (ms) | max (ms) | answer starts |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name, t in (serve.get("latency") or {}).items():
            lines.append(f"| {name} | {t['text']!r} | {_num(t['p50_ms'])} | {_num(t['p95_ms'])} | "
                         f"{_num(t['max_ms'])} | {', '.join(repr(w) for w in t['first_words'])} |")
        lines += [
            "",
            f"Start-up: the action server answered its health check after {serve['action_server_ready_s']:.1f} s; "
            f"the Rasa server (loading the model) after {serve['rasa_ready_s']:.1f} s, "
            f"and gave its first answer after {serve['rasa_first_answer_s']:.1f} s.",
            "",
        ]
        heard = serve.get("answers")
        if heard:
            lines += [
                "## Who hears \"Call 911\" first",
                "",
                "Every held-out utterance through the running servers, each in a new conversation "
                "(the project's model, rules and actions; the first answer is what counts):",
                "",
                f"- emergency utterances answered \"Call 911\" first: {heard['emergency_call_911_first']} "
                f"of {heard['emergency_utterances']}"
                + "".join(f"; not: {m['text']!r} -> {m['answer']!r}" for m in heard["emergency_without_call_911_first"]),
                f"- other utterances answered \"Call 911\" first: {len(heard['other_call_911_first'])} "
                f"of {heard['other_utterances']}, by intent: "
                + (", ".join(f"{intent} {n}" for intent, n in Counter(
                    m["intent"] for m in heard["other_call_911_first"]).most_common()) or "none")
                + " (the utterances are in benchmark.json: walkthrough words in a new conversation, "
                "and guidance whose first item is the 911 step, answer this way on purpose or not: "
                "for a reviewer to judge)",
                "",
            ]
        load = serve.get("load")
        if load:
            lines += [
                "## Load",
                "",
                f"{load['conversations']} conversations at once for {load['seconds']} s, each repeating "
                "hello / withdrawal question / yes / someone isn't breathing / what's next / thank you "
                "(aiohttp against the REST webhook; a turn in flight at the end is finished, not dropped).",
                "",
                "| turns sent | answered | turns/s | p50 (ms) | p95 (ms) | max (ms) | lost turns | "
                "answered \"can't answer right now\" | emergency turns | emergency not \"Call 911\" first |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
                f"| {load['turns_sent']} | {load['turns_answered']} | {load['turns_per_second']} | "
                f"{_num(load['p50_ms'])} | {_num(load['p95_ms'])} | {_num(load['max_ms'])} | "
                f"{load['lost_turns']} {load['lost_by_reason'] or ''} | {load['answered_unavailable']} | "
                f"{load['emergency_turns']} | {load['emergency_not_call_911_first']} |",
                "",
            ]
    start = f.get("startup")
    if start:
        lines += [
            "## `make run`, typed by a person",
            "",
            f"{len(start['runs'])} runs of the README's command with nothing to rebuild (free ports, text on "
            "stdin), seconds from starting `make`:",
            "",
            "| | median | max |",
            "| --- | --- | --- |",
        ]
        for key, title in (("ready_s", "ready to listen (\"Ready in\" printed)"),
                           ("first_answer_s", "first \"Call 911\" after \"someone isn't breathing\""),
                           ("exit_s", "ended after \"stop\", servers stopped")):
            lines.append(f"| {title} | {start[key]['median']:.1f} | {start[key]['max']:.1f} |")
        lines.append("")
    from bench import serving

    lines += serving.markdown(f.get("serving"))
    lines += ["## Voice", ""]
    voice = f.get("voice")
    if isinstance(voice, dict) and "table" in voice:
        lines += ["From `bench/ears.py`: held-out sentences spoken by each voice, recognized by Whisper tiny.en, "
                  "answered by the Rasa server through the voice loop (danger spotter included). \"safety words "
                  "first\": the first line said starts as the safety policy requires (\"Call 911\", or \"Call or "
                  "text 988\" for crisis_suicidal).", "", voice["table"], ""]
        for name, per in voice.get("voices", {}).items():
            misses = (per.get("whisper", {}).get("safety") or {}).get("misses") or []
            lines += [f"- {name}, safety answer not first: " + "; ".join(
                f"\"{m['said']}\" ({m['intent']}) -> \"{m['first'][:40]}\"" for m in misses)] if misses else []
        lines.append("")
    elif isinstance(voice, dict):
        lines += ["From `bench.voice.run(rasa_url)`:", "", "```json",
                  json.dumps(_rounded(voice), indent=1), "```", ""]
    else:
        lines += [f"voice figures: {voice}", ""]
    if f.get("errors"):
        lines += ["## Steps that failed", ""] + [f"- {step}: {error}" for step, error in f["errors"].items()] + [""]
    lines += [f"![per-intent F1 and latency]({png})", ""]
    return "\n".join(lines)


def _rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def plot(f: Dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nlu, serve = f.get("nlu"), f.get("servers")
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 8), gridspec_kw={"width_ratios": [3, 2]})
    if nlu:
        intents: List[str] = sorted(nlu["project"]["per_intent_f1"])
        ys = range(len(intents))
        for offset, (key, title) in zip((-0.2, 0.2), MODELS):
            values = [nlu[key]["per_intent_f1"].get(i, 0) for i in intents]
            left.barh([y + offset for y in ys], values, height=0.4, label=title)
        left.set_yticks(list(ys))
        left.set_yticklabels(intents, fontsize=8)
        left.invert_yaxis()
        left.set_xlim(0, 1)
        left.set_xlabel("F1 on the held-out set")
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2, fontsize=8)
        left.set_title("Per-intent F1")
    if serve:
        turns = serve.get("latency") or {}
        names = list(turns) + (["load"] if serve.get("load") else [])
        p50 = [turns[n]["p50_ms"] for n in turns]
        p95 = [turns[n]["p95_ms"] for n in turns]
        if serve.get("load"):
            p50.append(serve["load"]["p50_ms"] or 0)
            p95.append(serve["load"]["p95_ms"] or 0)
        xs = range(len(names))
        right.bar([x - 0.2 for x in xs], p50, width=0.4, label="p50")
        right.bar([x + 0.2 for x in xs], p95, width=0.4, label="p95")
        right.set_xticks(list(xs))
        right.set_xticklabels(names, fontsize=8)
        right.set_ylabel("ms per turn")
        right.legend(fontsize=8)
        right.set_title("Latency (REST webhook)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
