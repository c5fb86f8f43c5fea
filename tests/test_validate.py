"""The project validator: it passes on this project and names what is wrong on a broken one."""
from __future__ import annotations

import shutil

import pytest
import yaml

from conftest import ROOT
from rasa_project.validate import main, validate, warnings


def test_project_passes_its_own_checks():
    assert validate(ROOT) == []


@pytest.fixture
def copy(tmp_path):
    for name in ("domain.yml", "data", "content", "tests/intents/en", "actions", "rasa_project/safety/policy.yml"):
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return tmp_path


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_missing_test_file_is_named(copy):
    (copy / "tests/intents/en/help_loved_one.yml").unlink()
    assert "tests/intents/en/help_loved_one.yml: missing; intent `help_loved_one` has no test file" in validate(copy)


def test_too_few_utterances_are_counted(copy):
    edit_yaml(copy / "tests/intents/en/greet.yml", lambda d: d.update(utterances=d["utterances"][:4]))
    assert "tests/intents/en/greet.yml: intent `greet` has 4 test utterances; at least 10 needed" in validate(copy)


def test_unused_response_is_named(copy):
    edit_yaml(copy / "domain.yml", lambda d: d["responses"].update(
        utter_never=[{"text": "Never said.", "metadata": {"source": "project wording"}}]))
    assert "domain.yml: response `utter_never` is never used" in validate(copy)


def test_response_without_source_is_named(copy):
    edit_yaml(copy / "domain.yml", lambda d: d["responses"]["utter_greet"][0].pop("metadata"))
    assert "domain.yml: response `utter_greet` has no metadata.source" in validate(copy)


def test_content_without_source_is_named(copy):
    edit_yaml(copy / "content/en/withdrawal_symptoms.yml", lambda d: d["items"][0].update(source=""))
    assert "content/en/withdrawal_symptoms.yml: content item `withdrawal_symptoms` has no source" in validate(copy)


def test_crisis_rule_that_does_not_speak_988_first_is_refused(copy):
    path = copy / "data/rules/crisis_suicidal.yml"
    edit_yaml(path, lambda d: d["rules"][0]["steps"].pop(1))
    problems = validate(copy)
    assert any("rule for `crisis_suicidal` does not speak utter_crisis_988 first" in p for p in problems)


def test_emergency_response_must_begin_with_call_911(copy):
    edit_yaml(copy / "domain.yml", lambda d: d["responses"]["utter_emergency_call_911"][0].update(
        text="Stay calm. Call 911 now."))
    assert 'domain.yml: response `utter_emergency_call_911` must begin with "Call 911"' in validate(copy)


def test_text_not_written_for_the_ear_is_refused(copy):
    edit_yaml(copy / "content/en/withdrawal_symptoms.yml", lambda d: d["items"][0]["chunks"].append(
        "See https://example.org (details) for more, e.g. the **timeline**."))
    problems = [p for p in validate(copy) if "withdrawal_symptoms" in p]
    for expected in ("URL", "markdown", "parentheses", "abbreviation"):
        assert any(expected in p for p in problems), expected


def test_phone_number_said_once_is_refused(copy):
    edit_yaml(copy / "content/en/find_treatment.yml", lambda d: d["items"][0]["chunks"].append(
        "Call the National Helpline at 1-800-662-4357."))
    assert any("content item `find_treatment` says the phone number 1-800-662-4357 only once" in p
               for p in validate(copy))


def test_region_item_without_an_as_of_date_is_refused(copy):
    edit_yaml(copy / "content/en/regions/minnesota.yml", lambda d: d["items"][0].pop("as_of"))
    assert ("content/en/regions/minnesota.yml: item `find_treatment` has no as_of date "
            "(when its local facts were last known true)") in validate(copy)
    edit_yaml(copy / "content/en/regions/minnesota.yml", lambda d: d["items"][0].update(as_of="last spring"))
    assert ("content/en/regions/minnesota.yml: item `find_treatment` has as_of `last spring`; "
            "write YYYY, YYYY-MM or YYYY-MM-DD") in validate(copy)


def test_old_dates_and_unreviewed_files_warn_but_do_not_fail(copy):
    edit_yaml(copy / "content/en/regions/minnesota.yml", lambda d: d["items"][0].update(as_of="2001-01-01"))
    found = warnings(copy)
    assert any("item `find_treatment` is as of 2001-01-01, more than a year ago" in w for w in found)
    assert any(w.startswith("content/en/withdrawal_symptoms.yml: not reviewed by a clinician") for w in found)
    assert not any("as of" in p or "not reviewed" in p for p in validate(copy))


def test_the_command_prints_warnings_for_the_deployer(capsys):
    main()
    out = capsys.readouterr().out
    assert "warning: content/en/regions/minnesota.yml: not reviewed by a clinician" in out
    assert "warning(s)" in out.splitlines()[-1]


def test_a_fallback_without_the_911_line_fails(copy):
    edit_yaml(copy / "domain.yml", lambda d: d["responses"]["utter_out_of_scope"][0].update(text="Sorry, I cannot help with that."))
    assert any("fallback `out_of_scope` (domain:utter_out_of_scope) must say" in p for p in validate(copy))


def test_a_fallback_the_policy_names_must_exist(copy):
    path = copy / "rasa_project/safety/policy.yml"
    edit_yaml(path, lambda d: d["fallbacks"].update(voice_unreachable="voice:no_such_phrase"))
    assert any("names voice:no_such_phrase, which does not exist" in p for p in validate(copy))


def test_still_not_breathing_may_skip_call_911_only_during_the_walkthrough(copy):
    path = copy / "data/rules/overdose_emergency.yml"
    def drop_condition(data):
        for rule in data["rules"]:
            if rule.get("condition"):
                del rule["condition"]
    edit_yaml(path, drop_condition)
    assert any("rule for `still_not_breathing` does not speak utter_emergency_call_911 first" in p for p in validate(copy))


def test_a_walkthrough_intent_without_a_rule_is_named(copy):
    path = copy / "data/rules/overdose_emergency.yml"
    edit_yaml(path, lambda d: d.update(rules=[r for r in d["rules"] if r["steps"][0].get("intent") != "naloxone_injection"]))
    problems = validate(copy)
    assert "data/rules: no rule sends walkthrough intent `naloxone_injection` to action_emergency_step" in problems


def test_a_misspelled_key_in_an_intent_test_is_an_error(copy):
    path = copy / "tests/intents/en/crisis_suicidal.yml"
    edit_yaml(path, lambda d: d.update(first_word=d.pop("first_words")))
    assert any("crisis_suicidal.yml: unknown key(s) first_word" in p for p in validate(copy))


def test_a_domain_response_that_differs_from_its_content_home_fails(copy):
    edit_yaml(copy / "domain.yml", lambda d: d["responses"]["utter_thanks"][0].update(text="You're welcome!"))
    assert "domain.yml: response `utter_thanks` says something other than content/en/phrases/responses.yml" in validate(copy)
