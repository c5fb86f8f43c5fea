"""The spaCy safety net on its own: which messages it forces down the emergency path."""
from __future__ import annotations

import pytest

from rasa_project.safety.matcher import DangerMatcher, decide, normalize
from rasa_project.safety.rules import load_rules


@pytest.fixture(scope="module")
def matcher():
    return DangerMatcher.load()


DANGER = [
    "someone isn't breathing",
    "hes not breathin",
    "she won't wake up and her lips are blue",
    "my friend od'd",
    "i think he's overdosing",
    "he is unresponsive",
    "his fingernails are purple",
    "she's limp",
    "he's making a gurgling noise",
    "no pulse",
    "he is barely breathing",
    "i cant wake him up",
    "o d d on fentanyl",
    "my brother took too much",
    "she is gasping",
    "he's gasping for air",
    "he has no pulse",
    "i can't find a pulse",
    "agonal breathing",
    "her breathing is weird",
    "she has not taken a single breath",
]


@pytest.mark.parametrize("text", DANGER)
def test_danger_phrases_force_the_emergency_whatever_the_classifier_said(matcher, text):
    for classifier_intent in ("greet", "withdrawal_symptoms", "nlu_fallback", None):
        assert matcher.verdict(text, classifier_intent).intent == "overdose_emergency"


@pytest.mark.parametrize(
    "text,classifier_intent",
    [
        ("what does an overdose look like", "overdose_signs"),
        ("what are the signs that someone is not breathing enough", "overdose_signs"),
        ("how do i know if someone overdosed", "overdose_signs"),
        ("my son overdosed last year how do i help him now", "help_loved_one"),
        ("hello", "greet"),
        ("how long does withdrawal last", "withdrawal_symptoms"),
    ],
)
def test_questions_and_the_past_keep_the_classifier_intent(matcher, text, classifier_intent):
    assert matcher.verdict(text, classifier_intent).intent is None


def test_a_question_that_also_says_it_is_happening_now_errs_toward_safety(matcher):
    text = "what do i do my friend is not breathing right now"
    assert matcher.verdict(text, "overdose_signs").intent == "overdose_emergency"


def test_walkthrough_intents_are_left_alone(matcher):
    assert matcher.verdict("he's still not breathing", "still_not_breathing").intent is None
    for risky in ("stop", "next_step", "breathing_now", "repeat"):
        assert matcher.verdict("he stopped breathing", risky).intent == "overdose_emergency"


@pytest.mark.parametrize("text", ["i want to kill myself", "i'm thinking about suicide", "i want to die"])
def test_crisis_phrases_force_the_crisis_intent(matcher, text):
    assert matcher.verdict(text, "greet").intent == "crisis_suicidal"


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "🙂" * 50, "<script>alert(1)</script>", "a" * 100_000])
def test_odd_input_neither_crashes_nor_triggers(matcher, text):
    assert matcher.verdict(text, "out_of_scope").intent is None


def test_danger_deep_inside_long_text_still_triggers(matcher):
    assert matcher.verdict("um " * 1000 + "he is not breathing", "out_of_scope").intent == "overdose_emergency"


def test_verdict_reports_rule_ids_not_text(matcher):
    verdict = matcher.verdict("she won't wake up", "greet")
    assert "wont_wake" in verdict.rule_ids
    assert all("wake" not in label for label in verdict.labels)


def test_normalize_straightens_quotes_and_case():
    assert normalize("He Isn\u2019t  Breathing") == "he isn't breathing"


def test_decide_crisis_beats_danger():
    rules = load_rules()
    assert decide(frozenset({"DANGER", "CRISIS"}), "greet", rules) == "crisis_suicidal"


def test_unquoted_yaml_words_are_refused(tmp_path):
    bad = tmp_path / "patterns.yml"
    bad.write_text(
        "patterns:\n  - id: x\n    label: DANGER\n    token_patterns:\n"
        "      - [{LOWER: {IN: [no]}}, {LOWER: pulse}]\n"
    )
    with pytest.raises(ValueError, match="quote these words"):
        load_rules(bad)


@pytest.mark.parametrize(
    "text", ["why is he not breathing", "how do i help him he is not breathing", "what do i do she won't wake up"]
)
def test_a_question_about_a_person_right_here_is_an_emergency(matcher, text):
    assert matcher.verdict(text, "overdose_signs").intent == "overdose_emergency"


@pytest.mark.parametrize(
    "text", ["i wish i could go to sleep and never wake up", "tonight is the night i end things"]
)
def test_crisis_beats_the_danger_words_it_contains(matcher, text):
    assert matcher.verdict(text, "nlu_fallback").intent == "crisis_suicidal"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("everyone would be better off without me", "crisis_suicidal"),
        ("i'm ready to die", "crisis_suicidal"),
        ("i can't live like this anymore", "crisis_suicidal"),
        ("the world is better without me", "crisis_suicidal"),
        ("this is goodbye for good", "crisis_suicidal"),
        ("i'm saying my goodbyes for good", "crisis_suicidal"),
        ("this is the last time you'll hear from me", "crisis_suicidal"),
        ("that was the last time you heard from me about rehab", None),
        ("i wish i would not wake up", "crisis_suicidal"),
        ("are you ready to go", None),
        ("goodbye for now", None),
        ("i don't see the point of living", "crisis_suicidal"),
        ("there is no point going to the meeting", None),
    ],
)
def test_crisis_phrases_without_the_word_suicide(matcher, text, expected):
    assert matcher.verdict(text, "nlu_fallback").intent == expected


@pytest.mark.parametrize("text", ["take it slower", "can you end it there", "take it easy"])
def test_everyday_phrases_are_not_a_crisis(matcher, text):
    assert matcher.verdict(text, "slower").intent is None


@pytest.mark.parametrize("text", ["i want to end it all", "i'm going to take my own life", "i keep hurting myself"])
def test_crisis_phrases(matcher, text):
    assert matcher.verdict(text, "nlu_fallback").intent == "crisis_suicidal"


def test_the_net_runs_after_the_fallback_so_it_has_the_last_word():
    import yaml

    from conftest import ROOT

    names = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    assert names[-1] == "rasa_project.safety.component.DangerSignClassifier"
    assert names.index("FallbackClassifier") == len(names) - 2


def test_cant_get_him_to_wake_up(matcher):
    assert matcher.verdict("i can't get him to wake up", "nlu_fallback").intent == "overdose_emergency"


@pytest.mark.parametrize(
    "text,rule",
    [("she is gasping", "gasping"), ("he has no pulse", "no_pulse"), ("agonal breathing", "gasping"),
     ("he stopped breathing", "not_breathing"), ("her breathing is weird", "abnormal_breathing")],
)
def test_the_rule_that_matched_tells_the_walkthrough_how_they_breathe(matcher, text, rule):
    assert rule in matcher.verdict(text, "greet").rule_ids


@pytest.mark.parametrize(
    "text",
    [
        "i took all my pills i want to die",
        "i just swallowed a whole bottle, i want to kill myself",
        "i took 40 pills because i want to end it all",
        "my friend took all her pills and wants to die",
        "i overdosed on purpose",
        "i've welcomed a model of sleeping pills to kill myself",  # Whisper's hearing of "swallowed a bottle"
        "i overdose on purpose",  # Whisper's hearing of "i overdosed on purpose"
        "she took a load so she could end it all",
        "i swallowed something because i want to be dead",
        "i talk everything i have so i can end it all",  # Whisper's hearing of "i took everything i had so ..."
        "i found all my meds because i wanted to be dead",  # a hearing of "i downed all my meds because i want ..."
        "i now dwell my medicine because i want to be dead",  # espeak en-gb, Whisper's second guess of the same
        "i have all my medicine right here and i want to die",
    ],
)
def test_talk_of_suicide_after_taking_something_gets_911_before_988(matcher, text):
    for classifier_intent in ("crisis_suicidal", "greet", "nlu_fallback"):
        assert matcher.verdict(text, classifier_intent).intent == "crisis_overdose"


@pytest.mark.parametrize("text", ["i'm thinking about overdosing on purpose", "i want to die", "i want to kill myself",
                                  "i want to overdose on purpose", "it took me years to say it but i want to die",
                                  "i took a long time to decide, i want to end it all",
                                  "i talk to my sponsor because i want to die", "i talk a lot because i want to die"])
def test_talk_of_suicide_with_nothing_taken_stays_988_first(matcher, text):
    assert matcher.verdict(text, "greet").intent == "crisis_suicidal"
