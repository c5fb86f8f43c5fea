"""Render display text for the ear: phone numbers digit by digit, no markdown or links."""
from __future__ import annotations

import re
from typing import List

from rasa_project.content import numbers
from rasa_project.text import sentences as split_sentences

# "call 211", "text 741741": a number right after a dialing verb is a number to dial.
_DIALED = re.compile(r"(?i)\b(call|dial|text|phone|number is)(\s+)(\d{3,7})\b")
# "2-3 minutes" -> "2 to 3 minutes" (espeak-ng says "two dash three").
_RANGE = re.compile(r"\b(\d+)\s*[-\u2013\u2014]\s*(\d+)(?=\s+[a-zA-Z])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*{1,2}|_{1,2}|`)(?=\S)(.+?)(?<=\S)\1")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+", re.MULTILINE)
_HEADING = re.compile(r"^\s*#+\s*", re.MULTILINE)


def digits(number: str) -> str:
    """'4357' -> '4 3 5 7'."""
    return numbers.spaced(number)


def _phone(match: re.Match) -> str:
    return numbers.said(numbers.phone_groups(match.group()))


def _dialed(match: re.Match) -> str:
    number = match.group(3)
    groups = [number] if len(number) <= 4 else [number[:3], number[3:]]
    return f"{match.group(1)}{match.group(2)}{numbers.said(groups)}"


def _lines_to_sentences(text: str) -> str:
    """A list item or line with no end punctuation still needs a pause after it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".!?:;," else line + "." for line in lines)


def render(text: str) -> str:
    """Text as it should be handed to the speech engine."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _HEADING.sub("", _BULLET.sub("", text))
    text = _EMPHASIS.sub(r"\2", text)
    text = _lines_to_sentences(text)
    text = numbers.PHONE.sub(_phone, text)
    text = _DIALED.sub(_dialed, text)
    text = numbers.SHORT_CODE.sub(lambda m: digits(m.group()), text)
    text = _RANGE.sub(r"\1 to \2", text)
    text = text.replace("&", " and ")
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> List[str]:
    """Split rendered text so the first sentence can be voiced before the rest is ready."""
    return split_sentences(text)
