"""The speech benchmark runs end to end (on a few utterances; `python -m bench.voice` does 40+)."""
from bench import voice as bench

from .fake_rasa import FakeRasa
from .voice_support import FIXTURE_NLU


def write_intents(folder):
    folder.mkdir()
    (folder / "overdose_emergency.yml").write_text(
        "intent: overdose_emergency\nfirst_words: Call 911\nutterances:\n  - someone is not breathing\n  - he will not wake up\n")
    (folder / "other.yml").write_text("intent: other\nutterances:\n  - what is suboxone\n")
    return folder


def test_bench_reports_wer_intents_and_latency(tmp_path, domain_model):
    intents = write_intents(tmp_path / "intents")
    with FakeRasa() as rasa:  # stands in for Rasa's /model/parse
        result = bench.run(rasa.url, voices=("en-us", "en-gb"), intents_dir=intents, nlu_dir=FIXTURE_NLU, model_dir=domain_model)
    assert result["samples"] == 6 and result["intents"] == 2
    assert set(result["wer"]) == {"domain", "general", "combined"}
    assert result["wer"]["domain"] < result["wer"]["general"]
    assert result["intent_accuracy"]["typed text"] == 1.0
    assert result["intent_accuracy"]["domain"] >= 0.5
    assert 0 < result["tts_first_audio_seconds"]["max"] < 1.0
    answers = result["answers"]  # spoken emergency turns, end to end through the (fake) server
    assert answers["turns"] == 4 and answers["first_words_ok"] >= 0.5
    assert answers["end_of_speech_to_answer_audio_seconds"]["max"] < 3.0
    assert "combined" in bench.table(result) and "end of speech -> answer audio" in bench.table(result)


def test_bench_says_why_intent_accuracy_is_missing(tmp_path, domain_model):
    intents = write_intents(tmp_path / "intents")
    result = bench.run("http://127.0.0.1:9", limit=1, voices=("en-us",), intents_dir=intents,
                       nlu_dir=FIXTURE_NLU, model_dir=domain_model)
    assert result["intent_accuracy"] is None and "skipped" in result["intent_note"]


def test_ears_bench_plays_every_safety_utterance_as_a_whole_turn(tmp_path):
    """bench/ears.py on one voice: every safety utterance answered through the loop (spotter,
    Whisper, the (fake) Rasa server), its first line checked against the safety policy."""
    from bench import ears

    intents = write_intents(tmp_path / "intents")
    with FakeRasa() as rasa:
        result = ears.run(rasa.url, sample=3, intents_dir=intents, only=["espeak en-us"])
    figures = result["voices"]["espeak en-us"]["whisper"]
    assert result["utterances"] == 3 and result["safety_utterances"] == 2
    assert figures["wer"] < 0.4 and figures["intent_accuracy"] == 1.0  # one word wrong of 12 is 0.08
    safety = figures["safety"]
    assert safety["turns"] == 2 and safety["first_ok"] == 2 and not safety["misses"]
    assert safety["call_911_audio_n"] == 2 and 0 < safety["call_911_audio_p95_s"] < 3.0
    assert 0 < result["whisper"]["load_s"] and 50 < result["whisper"]["rss_mb"] < 1000
    assert "| espeak en-us | whisper |" in ears.table(result)
    other_name, _ = ears.other_window()  # the other encoder window, side by side: no whole turns
    other = result["voices"]["espeak en-us"][other_name]
    assert other["wer"] < 0.4 and "safety" not in other
    assert f"| espeak en-us | {other_name} |" in ears.table(result)
