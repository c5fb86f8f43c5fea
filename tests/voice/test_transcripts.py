"""Recognizer words as the training data writes them."""
import pytest

from rasa_project.voice.transcripts import normalize


@pytest.mark.parametrize("heard, words", [
    ("My friend is over dosing!", "my friend is overdosing"),
    ("He over dosed.", "he overdosed"),
    ("His heart beat is slow", "his heartbeat is slow"),
    ("What does Nalcan do?", "what does narcan do"),
    ("my brother O.D.'d", "my brother od'd"),
    ("he OD'ed last night", "he od'd last night"),
    ("how does that look so work", "how does naloxone work"),
    ("Call 9-1-1.", "call 911"),
    # left alone
    ("I can go over there", "i can go over there"),
    ("that looks so good", "that looks so good"),
    ("the heart is fine", "the heart is fine"),
])
def test_split_and_respelled_words_are_joined(heard, words):
    assert normalize(heard) == words
