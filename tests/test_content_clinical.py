"""Clinical review of the spoken guidance (issue 12): legal text, local dates, warnings, speech for panic.

Each test reads the content files as a clinician would hear them, and fails on the text
the review found wrong.
"""
from __future__ import annotations

import datetime
import re
import shutil

import pytest
import yaml

from conftest import ROOT
from rasa_project.content import ssml, style
from rasa_project.content.library import load_library, load_topic
from rasa_project.content.checks import AS_OF_MAX_AGE
from rasa_project.validate import warnings
from rasa_project.voice import speech_text

REGION_FILE = ROOT / "content" / "en" / "regions" / "minnesota.yml"
# Words a panicking listener may not know, and plainer ones the text uses instead.
JARGON = ["prime", "support their breathing", "receptor", "agonist", "antagonist", "paraphernalia", "administer"]


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT / "content" / "en", region="minnesota")


def region_item(item_id):
    return load_topic(REGION_FILE).items[item_id]


def all_items(library):
    topics = list(library.topics.values()) + [library.region]
    return [item for topic in topics for item in topic.items.values()] + list(library.phrases.values())


def text_of(item):
    return " ".join(item.chunks)


# Exact legal and local text


def test_steves_law_never_promises_protection_from_arrest():
    law = text_of(region_item("legal_protection"))
    for sentence in style.sentences(law):
        mentions_arrest = re.search(r"\barrest\b(?! warrant)", sentence, re.I)
        assert not mentions_arrest or re.search(r"\bnot\b", sentence), sentence
    assert re.search(r"not (stop )?an arrest", law)
    assert "charges" in law and "prosecution" in law


def test_steves_law_states_its_conditions_and_limits():
    item = region_item("legal_protection")
    law = text_of(item).lower()
    for words in ("good faith", "your name", "contact information", "stay until help arrives", "cooperate",
                  "amounts the law names", "arrest warrant", "search warrant", "lawful search",
                  "person who overdosed", "probation", "parole", "pretrial release"):
        assert words in law, words
    first = item.chunks[0].lower()  # someone who hears one chunk hears the conditions too
    for words in ("not an arrest", "your name", "stay", "cooperate"):
        assert words in first, words


def test_no_pre_2023_syringe_rule_is_stated(library):
    for item in all_items(library):
        said = text_of(item).lower()
        assert not re.search(r"\b(10|ten)\b[^.]*syringes?", said), item.id
        assert "without a prescription" not in said and "need no prescription" not in said, item.id


def test_region_items_carry_an_as_of_date():
    for item in load_topic(REGION_FILE).items.values():
        assert item.as_of_date, f"{item.id} has as_of {item.as_of!r}"


def test_old_local_facts_are_spoken_with_their_year():
    today = datetime.date.today()
    for item in load_topic(REGION_FILE).items.values():
        if today - item.as_of_date > AS_OF_MAX_AGE:
            assert str(item.as_of_date.year) in text_of(item), f"{item.id} is spoken as current"


def copy_content(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


def set_as_of(root, item_id, value):
    path = root / "content" / "en" / "regions" / "minnesota.yml"
    data = yaml.safe_load(path.read_text())
    next(i for i in data["items"] if i["id"] == item_id)["as_of"] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_validator_warns_when_a_region_item_is_over_a_year_old(tmp_path):
    root = copy_content(tmp_path)
    today = datetime.date(2026, 12, 1)
    set_as_of(root, "legal_protection", "2026-06-01")
    assert not any("`legal_protection` is as of" in w for w in warnings(root, today))
    set_as_of(root, "legal_protection", "2025-11-30")
    assert ("content/en/regions/minnesota.yml: item `legal_protection` is as of 2025-11-30, more than a year ago; "
            "check its facts against a current source and update as_of") in warnings(root, today)


# Honest review fields


def test_every_content_file_has_a_reviewed_by_field():
    for path in sorted((ROOT / "content" / "en").glob("**/*.yml")):
        assert "reviewed_by" in yaml.safe_load(path.read_text()), path.name


def test_unreviewed_content_is_listed_for_the_deployer(tmp_path):
    root = copy_content(tmp_path)
    unsigned = "content/en/withdrawal_symptoms.yml: not reviewed by a clinician (reviewed_by is empty): withdrawal_symptoms"
    assert unsigned in warnings(root)
    path = root / "content" / "en" / "withdrawal_symptoms.yml"
    data = yaml.safe_load(path.read_text())
    data["reviewed_by"] = "A. Clinician, RN"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert load_topic(path).items["withdrawal_symptoms"].reviewed_by == "A. Clinician, RN"
    assert not any(w.startswith("content/en/withdrawal_symptoms.yml") for w in warnings(root))


# Missing warnings


def test_relapse_answers_warn_about_overdose_first(library):
    for topic in ("relapse_happened", "relapse_prevention"):
        first = library.item(topic).chunks[0].lower()
        assert "overdose is a risk every time" in first, topic
        assert "do not use alone" in first and "naloxone" in first, topic


def test_lower_tolerance_after_a_break_is_warned_first_in_relapse_and_after_detox(library):
    """Issue 12: "tolerance" appeared nowhere. Relapse answers say it in their first chunk;
    withdrawal and treatment say it where they speak of using again after detox."""
    for topic in ("relapse_happened", "relapse_prevention"):
        first = library.item(topic).chunks[0].lower()
        assert "after a break from using" in first and "handles less than before" in first, topic
        assert first.index("handles less") < first.index("every time"), topic
    for topic in ("withdrawal_symptoms", "treatment_options"):
        chunk = next(c.lower() for c in library.item(topic).chunks if "detox, " in c.lower() and "use" in c.lower()
                     and "handles less" in c.lower())
        assert "can cause an overdose" in chunk and "naloxone" in chunk, topic
    for topic in ("relapse_happened", "relapse_prevention", "withdrawal_symptoms", "treatment_options"):
        assert "Overdose Prevention Toolkit, 2018" in library.item(topic).source, topic


def test_withdrawal_and_detox_carry_the_overdose_warning(library):
    for topic in ("withdrawal_symptoms", "treatment_options"):
        said = text_of(library.item(topic)).lower()
        assert "do not use alone" in said and "naloxone" in said, topic


def test_withdrawal_says_when_to_get_medical_care(library):
    early = " ".join(library.item("withdrawal_symptoms").chunks[:2]).lower()
    for words in ("get medical care", "fluids down", "pregnant", "alcohol", "benzodiazepines", "988"):
        assert words in early, words


def test_naltrexone_is_not_said_to_block_every_effect(library):
    said = text_of(library.item("treatment_options")).lower()
    assert "naltrexone" in said
    assert not re.search(r"naltrexone[^.]*\b(any|every|all)\b", said)
    assert re.search(r"naltrexone[^.]*\. start any of them with a doctor", said)


def test_medicine_comes_before_counseling(library):
    chunks = [c.lower() for c in library.item("treatment_options").chunks]
    medicine = next(i for i, c in enumerate(chunks) if "methadone" in c)
    counseling = next(i for i, c in enumerate(chunks) if "cognitive behavioral" in c)
    assert medicine == 0 and medicine < counseling
    assert not any("counseling is at the center" in c for c in chunks)


# Speech for panic


def test_no_photo_captions_or_jargon_anywhere(library):
    for item in all_items(library):
        said = text_of(item).lower()
        assert "next to a penny" not in said and "looks small" not in said, item.id
        for word in JARGON:
            assert not re.search(rf"\b{word}", said), f"{item.id}: {word}"


def test_every_long_phone_number_is_said_twice_in_its_chunk(library):
    said_any = False
    for item in all_items(library):
        for chunk in item.chunks:
            numbers = style.long_numbers(chunk)
            said_any = said_any or bool(numbers)
            for number in numbers:
                assert numbers.count(number) >= 2, f"{item.id}: {number} said once"
    assert said_any


def test_style_check_refuses_a_number_said_once():
    assert any("only once" in p for p in style.problems("Call 1-800-662-4357."))
    assert style.problems("Call 1-800-662-4357. Again, 1-800-662-4357.") == []
    assert style.problems("Call 911. If you can, text 988.") == []


def test_repeated_numbers_are_still_spoken_digit_by_digit(library):
    chunk = library.item("find_treatment").chunks[0]
    assert speech_text.render(chunk).count("1 8 0 0, 6 6 2, 4 3 5 7") == 2
    assert ssml.to_ssml([chunk]).count('<say-as interpret-as="telephone">1-800-662-4357</say-as>') == 2


def test_repeat_the_number_is_trained_and_tested_as_repeat():
    asks = ("repeat the number", "say the number again", "what was that number")
    nlu = yaml.safe_load((ROOT / "data" / "nlu" / "small_talk.yml").read_text())["nlu"]
    examples = next(b["examples"] for b in nlu if b.get("intent") == "repeat")
    trained = {line.strip("- ").strip() for line in examples.splitlines()}
    assert set(asks) <= trained
    tests = yaml.safe_load((ROOT / "tests" / "intents" / "en" / "repeat.yml").read_text())["utterances"]
    held_out = [u for u in tests if "number" in u]
    assert len(held_out) >= 5 and not set(held_out) & trained
