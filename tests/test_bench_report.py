"""results/benchmark.md from the figures of a run: load times side by side, start-up section.
(The figures here are made up; `make bench` measures the real ones.)"""
from __future__ import annotations

from bench import report


def scores(load_seconds: float) -> dict:
    return {"accuracy": 0.9, "macro_f1": 0.88, "emergency_recall": 1.0, "non_emergency_to_emergency": 0,
            "fallbacks": 3, "safety_net_fired": 5, "per_intent_f1": {"greet": 1.0}, "emergency_missed": [],
            "false_alarms": [], "load_seconds": load_seconds}


FIGURES = {
    "run": {"started": "today", "cpus": 2, "load_before": 0.1, "load_after": 0.2, "rasa": "3.6.21",
            "model": "models/assistant.tar.gz", "seconds": 100.0},
    "nlu": {"heldout": {"examples": 10, "intents": 1, "leaked": 0}, "stock_pipeline": ["DIETClassifier"],
            "project": scores(1.25), "stock": scores(14.5),
            "train_seconds": {"project_fresh": 30.0, "project_cached": 5.0, "stock_nlu": 300.0}},
    "startup": {"runs": [{}, {}, {}], "ready_s": {"median": 6.2, "max": 6.9},
                "first_answer_s": {"median": 6.4, "max": 7.1}, "exit_s": {"median": 8.3, "max": 8.5}},
    "voice": "not available",
}


def test_load_times_of_both_models_are_side_by_side():
    text = report.markdown(FIGURES, "plot.png")
    assert "| model load time, Agent.load (s) | 1.2 | 14.5 |" in text


def test_make_run_start_up_has_its_section():
    text = report.markdown(FIGURES, "plot.png")
    assert "## `make run`, typed by a person" in text
    assert "| ready to listen (\"Ready in\" printed) | 6.2 | 6.9 |" in text
    assert "3 runs" in text


def test_a_run_without_start_up_figures_still_renders():
    figures = {k: v for k, v in FIGURES.items() if k != "startup"}
    assert "typed by a person" not in report.markdown(figures, "plot.png")
