"""The speech renderer: numbers people dial are read digit by digit, nothing else changes meaning."""
import pytest

from rasa_project.voice.speech_text import render, sentences


@pytest.mark.parametrize(
    "text, spoken",
    [
        ("Call 911 now.", "Call 9 1 1 now."),
        ("Call 1-800-662-4357.", "Call 1 8 0 0, 6 6 2, 4 3 5 7."),
        ("The helpline is 1-800-662-4357", "The helpline is 1 8 0 0, 6 6 2, 4 3 5 7."),
        ("Never Use Alone: 1-800-484-3731.", "Never Use Alone: 1 8 0 0, 4 8 4, 3 7 3 1."),
        ("Call or text 988.", "Call or text 9 8 8."),
        ("Call (612) 555-0100.", "Call 6 1 2, 5 5 5, 0 1 0 0."),
        ("Text 741741.", "Text 7 4 1, 7 4 1."),
        ("Call 211 for food and housing.", "Call 2 1 1 for food and housing."),
    ],
)
def test_numbers_people_dial_are_read_digit_by_digit(text, spoken):
    assert render(text) == spoken


@pytest.mark.parametrize(
    "text, spoken",
    [
        ("Give 1 breath every 5 seconds.", "Give 1 breath every 5 seconds."),
        ("It wears off after 30 to 90 minutes.", "It wears off after 30 to 90 minutes."),
        ("Since 2015, anyone may carry it.", "Since 2015, anyone may carry it."),
        ("Wait 2-3 minutes.", "Wait 2 to 3 minutes."),
        ("Wait 2\u20133 minutes.", "Wait 2 to 3 minutes."),
    ],
)
def test_other_numbers_keep_their_value(text, spoken):
    assert render(text) == spoken


def test_markdown_and_links_are_not_read_aloud():
    assert render("**Call 911.** See [the toolkit](https://store.samhsa.gov).") == "Call 9 1 1. See the toolkit."
    assert render("Find care at https://findtreatment.gov today.") == "Find care at today."


def test_list_lines_become_sentences():
    assert render("- Call 911\n- Give naloxone") == "Call 9 1 1. Give naloxone."


def test_sentences_split_so_the_first_can_be_spoken_first():
    assert sentences(render("Call 911 now. Give naloxone! Then wait 2-3 minutes.")) == [
        "Call 9 1 1 now.",
        "Give naloxone!",
        "Then wait 2 to 3 minutes.",
    ]
