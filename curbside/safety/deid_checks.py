"""Checks that turn a pattern match into an identifier: checksums and context tests.

A regex alone over-matches (any ten digits look like an NHS number); a checksum or a cue
word nearby is what makes a match worth removing. Every check takes the matched text and
returns True to keep it. ``deid_rules`` maps the names used in ``deid_patterns.json`` to
these functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Check = Callable[[str, str, int], bool]  # (matched value, whole text, where the value starts)

TAIWAN_LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18,
    "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27,
    "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}
NRIC_LETTERS = {"ST": "JZIHGFEDCBA", "FG": "XWUTRQPNMLK"}
CHINA_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
DATE_LIKE = re.compile(r"\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}")


def digits_of(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def taiwan_id(value: str) -> bool:
    """Taiwan national ID / resident certificate: the weighted sum must end in 0.

    The second character is 1 or 2 (citizens), 8 or 9 (new resident certificates), or a
    letter A-D (old resident certificates, which count only the last digit of its code).
    """
    first, second, rest = value[0], value[1], value[2:]
    code = TAIWAN_LETTER_CODES[first]
    second_digit = TAIWAN_LETTER_CODES[second] % 10 if second.isalpha() else int(second)
    body = [second_digit] + [int(d) for d in rest[:7]]
    total = code // 10 + (code % 10) * 9 + sum(d * w for d, w in zip(body, range(8, 0, -1))) + int(rest[7])
    return total % 10 == 0


def nhs_number(value: str) -> bool:
    """UK NHS number: ten digits, the last a mod-11 check digit (10 never occurs)."""
    digits = [int(d) for d in digits_of(value)]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    return check != 10 and (check % 11) == digits[9]


def luhn(value: str) -> bool:
    """Payment cards (13-19 digits) carry a Luhn check digit."""
    digits = [int(d) for d in reversed(digits_of(value))]
    if not 13 <= len(digits) <= 19:
        return False
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


def singapore_nric(value: str) -> bool:
    """Singapore NRIC/FIN: S/T/F/G + 7 digits + check letter. M-series: format only."""
    prefix, digits, letter = value[0], [int(d) for d in value[1:8]], value[8]
    if prefix == "M":
        return True
    total = sum(d * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2))) + (4 if prefix in "TG" else 0)
    table = NRIC_LETTERS["ST"] if prefix in "ST" else NRIC_LETTERS["FG"]
    return table[total % 11] == letter


def hong_kong_id(value: str) -> bool:
    """Hong Kong ID: 1-2 letters + 6 digits + check digit (0-9 or A) from a weighted mod 11."""
    compact = re.sub(r"[\s()]", "", value)
    letters, digits, check = compact[:-7], compact[-7:-1], compact[-1]
    codes = [36] * (2 - len(letters)) + [ord(ch) - 55 for ch in letters]  # a missing letter counts as a space (36)
    total = codes[0] * 9 + codes[1] * 8 + sum(int(d) * w for d, w in zip(digits, range(7, 1, -1)))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))


def china_resident_id(value: str) -> bool:
    """Chinese resident identity card (18 characters): ISO 7064 mod 11-2 check character."""
    total = sum(int(d) * w for d, w in zip(value[:17], CHINA_WEIGHTS))
    return "10X98765432"[total % 11] == value[17].upper()


def at_least_4_digits(value: str) -> bool:
    """A value after a cue ("MRN", "policy number") must look like a number, not a word."""
    return len(digits_of(value)) >= 4


def phone_check(min_digits: int, max_digits: int, groupings: Sequence[str],
                cue: re.Pattern[str], not_phone: re.Pattern[str], window: int) -> Check:
    """A run of digits is a phone number when its shape or its context says so.

    Accepted: an international prefix, an area code in brackets, a leading trunk 0 (nine
    digits or more, so that times like 09.30-10.15 stay), a grouping typical of numbers
    written without a prefix (3-3-4 ...), or a cue word shortly before ("call me on").
    Refused: dates, and numbers right after words such as "NDC" or "lot" (product codes).
    """
    allowed = frozenset(groupings)

    def check(value: str, text: str, start: int) -> bool:
        groups = re.findall(r"\d+", value)
        count = sum(map(len, groups))
        if not min_digits <= count <= max_digits or DATE_LIKE.fullmatch(value):
            return False
        if any(len(g) < 2 for g in groups[1:]):
            return False
        before = text[max(text.rfind("\n", 0, start) + 1, start - window):start]
        if not_phone.search(before):
            return False
        if value.startswith(("+", "00")) or "(" in value:
            return True
        if value.startswith("0") and count >= 9:
            return True
        if "-".join(str(len(g)) for g in groups) in allowed:
            return True
        return bool(cue.search(before))

    return check


def handle_check(stopwords: Sequence[str]) -> Check:
    """After "my instagram is", a plain word such as "private" is not an account name."""
    words = frozenset(w.lower() for w in stopwords)

    def check(value: str, text: str, start: int) -> bool:
        name = value.lstrip("@")
        return len(name) >= 2 and name.lower() not in words

    return check


def plain(check: Callable[[str], bool]) -> Check:
    """Adapt a value-only check to the (value, text, start) signature."""
    return lambda value, text, start: check(value)
