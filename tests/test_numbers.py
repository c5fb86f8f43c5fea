"""One home for phone numbers and service codes (rasa_project/content/numbers.py): plain
speech, SSML and the meeting lookup find and group them alike."""
from __future__ import annotations

import pytest

from rasa_project.content import numbers, ssml
from rasa_project.meetings.speak import phone_digits
from rasa_project.voice.speech_text import render


@pytest.mark.parametrize("written", ["1-800-662-4357", "(800) 662-4357", "800.662.4357", "8006624357", "+1 800 662 4357"])
def test_every_way_of_writing_a_phone_number_is_found_by_all_three(written):
    assert numbers.PHONE.search(f"Call {written} now.")
    assert "8 0 0, 6 6 2, 4 3 5 7" in render(f"Call {written} now.")
    assert 'interpret-as="telephone"' in ssml.render_sentence(f"Call {written} now.")
    assert phone_digits(written) == "8 0 0, 6 6 2, 4 3 5 7"


@pytest.mark.parametrize("text", ["Call 911 now.", "Text 988.", "Dial 9-1-1."])
def test_service_codes_are_digits_in_speech_and_ssml(text):
    code = numbers.digits_of(numbers.SHORT_CODE.search(text).group())
    assert numbers.spaced(code) in render(text)
    assert f'<say-as interpret-as="digits">{code}</say-as>' in ssml.render_sentence(text)


def test_quantities_are_not_numbers_to_dial():
    assert not numbers.SHORT_CODE.search("It lasts 911.5 hours") and not numbers.PHONE.search("in 2018 and 2019")
