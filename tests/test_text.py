"""The one text normalizer (rasa_project/text.py) gives what each of the six copies it
replaced gave, on typed, spoken and Alexa-style text (the old expressions are restated here
as the reference)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasa_project import text

SAMPLES = [
    "He\u2019s NOT breathing!", "Tomorrow, 7pm!", "nar-anon meeting in St. Paul", "o'brien's  place",
    "Call 9-1-1.", "`quoted` words", "  spaces\tand\nlines ", "", "MN 55104", "don't stop",
]
spoken = st.text(alphabet="abcXYZ 09'’`-.,!?\t\n", max_size=40)


def old_when(t):
    return " ".join(re.sub(r"[^a-z ]+", " ", (t or "").lower()).split())


def old_places(t):
    return re.sub(r"[^a-z0-9]+", " ", (t or "").lower().replace("'", "")).split()


def old_matcher(t):
    return " ".join(t.replace("\u2019", "'").replace("`", "'").lower().split())


@pytest.mark.parametrize("sample", SAMPLES)
def test_examples(sample):
    assert text.normalize(sample, text.LETTERS) == old_when(sample)
    assert text.tokens(sample, text.ALNUM, drop="'") == old_places(sample.replace("\u2019", "'"))
    assert text.squash(text.fold(sample)) == old_matcher(sample)


@given(spoken)
def test_same_as_the_copies_it_replaced(sample):
    assert text.normalize(sample, text.LETTERS) == old_when(sample)
    assert text.squash(text.fold(sample)) == old_matcher(sample)


def test_words_keep_apostrophes_and_hyphens_inside():
    assert text.normalize("He's NOT breathing! Nar-Anon, call 911.") == "he's not breathing nar-anon call 911"
