"""The skill package generated from the project's NLU data and settings."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rasa_project.channels.alexa_model import (
    build, carrier_samples, check_invocation_name, main, nlu_examples,
)
from rasa_project.channels.alexa_turn import BUILT_IN_TRIGGERS, WALKTHROUGH_TRIGGERS

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE = re.compile(r"^[a-z][a-z']* \{utterance\}$")


@pytest.fixture()
def project(tmp_path):
    nlu = tmp_path / "data" / "nlu"
    nlu.mkdir(parents=True)
    (nlu / "overdose_emergency.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: overdose_emergency\n  examples: |\n'
        "    - my friend is not breathing\n    - He's turning blue\n"
        "    - [Narcan](drug) did not work\n    - 2 pills then he passed out\n"
        "    - help\n"
        "- synonym: naloxone\n  examples: |\n    - narcan spray\n"
    )
    (nlu / "withdrawal.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: withdrawal_symptoms\n  examples:\n'
        "  - text: my legs ache\n    metadata: {}\n  - text: what is withdrawal like\n"
    )
    return tmp_path


def load(out: Path):
    package = out / "skill-package"
    model = json.loads((package / "interactionModels/custom/en-US.json").read_text())
    return model["interactionModel"]["languageModel"], json.loads(
        (package / "skill.json").read_text())["manifest"]


def test_examples_are_read_without_entity_markup_or_synonyms(project):
    examples = nlu_examples(project / "data" / "nlu")
    assert "Narcan did not work" in examples
    assert "narcan spray" not in examples
    assert "my legs ache" in examples and "what is withdrawal like" in examples


def test_carriers_are_the_first_word_of_each_example(project):
    samples = carrier_samples(nlu_examples(project / "data" / "nlu"))
    assert samples == ["he's {utterance}", "my {utterance}", "narcan {utterance}",
                       "what {utterance}"]  # "2 pills" and one-word "help" give none


def test_package_has_catch_all_and_the_built_in_intents(project, tmp_path):
    build(tmp_path / "out", project)
    model, manifest = load(tmp_path / "out")
    assert model["invocationName"] == "overdose helper"
    names = [intent["name"] for intent in model["intents"]]
    assert names[0] == "CatchAllIntent"
    assert set(BUILT_IN_TRIGGERS) <= set(names)
    assert model["intents"][0]["slots"] == [{"name": "utterance", "type": "AMAZON.SearchQuery"}]
    assert manifest["apis"]["custom"]["endpoint"]["uri"].startswith("https://")
    assert "Alexa, open overdose helper" in \
        manifest["publishingInformation"]["locales"]["en-US"]["examplePhrases"]


def test_invocation_name_comes_from_credentials_then_the_argument(project, tmp_path):
    (project / "credentials.yml").write_text(
        "rest:\nrasa_project.channels.alexa.AlexaInput:\n"
        "  skill_id: amzn1.ask.skill.x\n  invocation_name: narcan guide\n")
    build(tmp_path / "a", project)
    assert load(tmp_path / "a")[0]["invocationName"] == "narcan guide"
    build(tmp_path / "b", project, invocation_name="recovery coach")
    model, manifest = load(tmp_path / "b")
    assert model["invocationName"] == "recovery coach"
    assert "Alexa, open recovery coach" in \
        manifest["publishingInformation"]["locales"]["en-US"]["examplePhrases"]


@pytest.mark.parametrize("name", ["helper", "Overdose Helper", "alexa helper", "help 4 you"])
def test_invalid_invocation_names_are_refused(name):
    with pytest.raises(ValueError):
        check_invocation_name(name)


def test_cli_writes_the_package_and_refuses_plain_http(project, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["--out", str(out), "--project-dir", str(project),
                 "--endpoint", "https://bot.example.org/webhooks/alexa/webhook"]) == 0
    assert (out / "skill-package" / "skill.json").exists()
    assert main(["--out", str(out), "--project-dir", str(project),
                 "--endpoint", "http://bot.example.org/webhooks/alexa/webhook"]) == 2
    assert "https" in capsys.readouterr().err


def test_the_projects_own_data_gives_valid_samples(tmp_path):
    if not list((PROJECT / "data" / "nlu").glob("*.yml")):
        pytest.skip("no NLU data yet")
    build(tmp_path / "real", PROJECT)
    model, _ = load(tmp_path / "real")
    samples = model["intents"][0]["samples"]
    assert samples and all(SAMPLE.match(s) for s in samples), samples
    assert len(samples) == len(set(samples))


def test_an_env_placeholder_invocation_name_falls_back_to_the_default(project, tmp_path):
    (project / "credentials.yml").write_text(
        "rasa_project.channels.alexa.AlexaInput:\n"
        "  skill_id: ${ALEXA_SKILL_ID}\n  invocation_name: ${ALEXA_INVOCATION}\n")
    build(tmp_path / "env", project)
    assert load(tmp_path / "env")[0]["invocationName"] == "overdose helper"


def test_the_walkthrough_answers_have_intents_of_their_own(tmp_path):
    """One-word answers the steps ask for cannot ride the catch-all (no carrier), and
    "not breathing" must not lose its "not" to a carrier: they are samples of intents."""
    build(tmp_path / "walk", PROJECT)
    model, _ = load(tmp_path / "walk")
    samples = {intent["name"]: intent["samples"] for intent in model["intents"]}
    assert set(WALKTHROUGH_TRIGGERS) <= set(samples)
    for said, name in [("next", "AMAZON.NextIntent"), ("next step", "AMAZON.NextIntent"),
                       ("go back", "AMAZON.PreviousIntent"),
                       ("not breathing", "StillNotBreathingIntent"),
                       ("breathing", "BreathingNowIntent"), ("no narcan", "NoNaloxoneIntent"),
                       ("injection", "NaloxoneInjectionIntent")]:
        assert said in samples[name], (said, name)
    every = [s for name, found in samples.items() if name != "CatchAllIntent" for s in found]
    assert len(every) == len(set(every))  # Alexa refuses a sample in two intents
    assert all(re.fullmatch(r"[a-z']+( [a-z']+)*", s) for s in every)


def test_links_go_on_a_card_never_into_speech():
    from rasa_project.channels import alexa_turn

    messages = [{"text": "Here are online meetings. Join on Zoom."},
                {"custom": {"links": [{"name": "Sample", "url": "https://zoom.us/j/1"}],
                            "card": {"title": "Meeting links", "text": "Sample: https://zoom.us/j/1"}}}]
    reply = alexa_turn.speech_response(alexa_turn.spoken_texts(messages), False, alexa_turn.card_of(messages))
    assert reply["response"]["card"] == {"type": "Simple", "title": "Meeting links", "content": "Sample: https://zoom.us/j/1"}
    assert "zoom.us" not in reply["response"]["outputSpeech"]["ssml"]
