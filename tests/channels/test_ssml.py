"""Text -> SSML for the speaker: valid XML, escaped, numbers said exactly, under 8,000."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from rasa_project.content.ssml import BREAK, MAX_SSML_CHARS, to_ssml

from .alexa_support import spoken


def test_messages_are_spoken_in_order_with_a_pause_between():
    ssml = to_ssml(["Call 911 now.", "Give naloxone.", "Stay with them."])
    assert ssml.count(BREAK) == 2
    assert spoken(ssml) == "Call 911 now. Give naloxone. Stay with them."
    assert ssml.index("Give") < ssml.index("Stay")


def test_markup_in_text_is_escaped_not_obeyed():
    ssml = to_ssml(['<audio src="x"/> Tom & Jerry say "hi" it\'s fine'])
    root = ET.fromstring(ssml)
    assert [child.tag for child in root] == []  # no element smuggled in
    assert spoken(ssml) == '<audio src="x"/> Tom & Jerry say "hi" it\'s fine'


def test_characters_xml_forbids_and_markdown_marks_are_dropped():
    ssml = to_ssml(["**Call** 911\x00 now\x1b."])
    ET.fromstring(ssml)
    assert spoken(ssml) == "Call 911 now."


@pytest.mark.parametrize("text, markup", [
    ("Call 911.", '<say-as interpret-as="digits">911</say-as>'),
    ("Call 9-1-1.", '<say-as interpret-as="digits">911</say-as>'),
    ("Text 988 now.", '<say-as interpret-as="digits">988</say-as>'),
    ("Call 1-800-662-4357.", '<say-as interpret-as="telephone">1-800-662-4357</say-as>'),
    ("Call (800) 662-4357.", '<say-as interpret-as="telephone">(800) 662-4357</say-as>'),
])
def test_phone_numbers_are_marked_up(text, markup):
    assert markup in to_ssml([text])


@pytest.mark.parametrize("text", ["Wait 9110 seconds.", "Take 2.911 mg.", "Room 911B."])
def test_other_numbers_are_left_alone(text):
    assert "say-as" not in to_ssml([text])


def test_long_speech_is_cut_under_the_limit_at_a_sentence_end():
    texts = [" ".join(f"Sentence number {i} ends here." for i in range(400)) for _ in range(3)]
    ssml = to_ssml(texts)
    assert len(ssml) < MAX_SSML_CHARS
    assert len(ssml) > MAX_SSML_CHARS - 100  # used the room it had
    assert ssml.endswith("ends here.</speak>")
    ET.fromstring(ssml)


def test_whole_messages_fit_when_they_can():
    ssml = to_ssml(["a" * 3000 + ".", "b" * 3000 + ".", "c" * 3000 + "."])
    assert ssml.count(BREAK) == 1 and "c" not in ssml
    assert len(ssml) < MAX_SSML_CHARS


def test_one_giant_sentence_is_cut_at_a_word():
    ssml = to_ssml(["word " * 3000], max_chars=200)
    assert len(ssml) < 200
    assert ssml.endswith("word</speak>")


def test_escaping_counts_against_the_limit():
    ssml = to_ssml(["& & & &. " * 2000])
    assert len(ssml) < MAX_SSML_CHARS
    ET.fromstring(ssml)


def test_nothing_to_say_is_an_empty_speak():
    assert to_ssml([]) == "<speak></speak>"
    assert to_ssml(["   "]) == "<speak></speak>"
