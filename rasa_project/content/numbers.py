"""Numbers a caller must hear exactly: which text is a phone number or a service code, and
how its digits are grouped. Plain speech (voice/speech_text.py), SSML (content/ssml.py),
the meeting lookup (meetings/speak.py) and the style check all read these."""
from __future__ import annotations

import re
from typing import List

# North American numbers: 1-800-662-4357, (612) 555-0100, 612.555.0100, +1 800 662 4357, 8006624357.
PHONE = re.compile(
    r"(?<![\w$-])(?:\+?(?P<country>1)[-. ]?)?\(?(?P<area>\d{3})\)?[-. ]?\s?(?P<exchange>\d{3})[-. ]?(?P<line>\d{4})(?![\w-])"
)
# Service codes said digit by digit ("nine one one"), never as a quantity.
SHORT_CODE = re.compile(r"(?<![\w$.,-])(?:911|988|211|9-1-1|9-8-8|2-1-1)(?![\w-]|[.,]\d)")


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def spaced(number: str) -> str:
    """'4357' -> '4 3 5 7'."""
    return " ".join(digits_of(number))


def threes(digits: str) -> List[str]:
    return [digits[i : i + 3] for i in range(0, len(digits), 3)]


def phone_groups(number: str, with_country: bool = True) -> List[str]:
    """The groups a person dials: '1-800-662-4357' -> ['1800', '662', '4357'] (or ['800', ...]);
    a number that is not ten digits falls back to threes."""
    digits = digits_of(number)
    country = ""
    if len(digits) == 11 and digits.startswith("1"):
        country, digits = "1", digits[1:]
    if len(digits) != 10:
        return threes(country + digits)
    return [(country if with_country else "") + digits[:3], digits[3:6], digits[6:]]


def said(groups: List[str]) -> str:
    """Groups digit by digit with a pause between: ['612', '555'] -> '6 1 2, 5 5 5'."""
    return ", ".join(spaced(g) for g in groups if g)
