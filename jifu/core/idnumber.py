"""Citizen identity numbers (公民身份号码) per GB 11643-1999.

Layout of the 18 characters: 6-digit region code, 8-digit birth date
(YYYYMMDD), 3-digit sequence (odd = male, even = female) and a check
character computed with ISO 7064 MOD 11-2 (``0``-``9`` or ``X``).

The functions here are pure: no Django, no database. Errors carry a stable
``code`` plus Chinese and English messages so that import screens can show
them to county staff without further translation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "IdInfo",
    "IdNumberError",
    "check_digit",
    "make",
    "mask",
    "normalize",
    "parse",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

# First two digits of every province-level code that can appear in a number,
# plus 81/82/83 used by residence permits for Hong Kong, Macao and Taiwan
# residents. Full 6-digit codes are not checked: they change over the years
# and old numbers keep their original codes.
_PROVINCE_PREFIXES = frozenset(
    str(n)
    for n in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44)
    + (45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83)
)

# How Excel-mangled numbers look once they reach us as text.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
_DECIMAL = re.compile(r"^\d+\.\d*$")
# Invisible characters that survive copy-paste from web pages and Word.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


class IdNumberError(ValueError):
    """An ID number that cannot be accepted.

    ``code`` is a short stable identifier (``"length"``, ``"checksum"``,
    ``"birth_date"``, ``"numeric_lost_digits"``, ``"region"``, ``"format"``,
    ``"empty"``, ``"type"``); ``message_zh``/``message_en`` are for people.
    """

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def __reduce__(self):
        # Keep the exception picklable (task queues, multiprocessing).
        return (type(self), (self.code, self.message_zh, self.message_en))


def _lost_digits() -> IdNumberError:
    return IdNumberError(
        "numeric_lost_digits",
        "身份证号码被 Excel 存成了数字，末几位已丢失，请将该列设为文本后重新填写",
        "the ID number was stored by Excel as a number and has lost its last digits; "
        "format the column as text and re-enter it",
    )


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character (``0``-``9`` or ``X``) for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdNumberError(
            "format",
            "计算校验位需要 17 位数字",
            "the check digit is computed from exactly 17 digits",
        )
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _clean_text(raw: str) -> str:
    # NFKC folds full-width digits/letters and turns U+3000 / NBSP into spaces.
    text = unicodedata.normalize("NFKC", raw).translate(_INVISIBLE)
    text = "".join(text.split())
    # Text cells are often forced with a leading apostrophe or wrapped in quotes.
    text = text.strip("'\"")
    return text.replace("x", "X")


def _birth_date(number: str, today: date) -> date:
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        born = date(year, month, day)
    except ValueError:
        raise IdNumberError(
            "birth_date",
            f"出生日期 {number[6:14]} 不是有效日期",
            f"birth date {number[6:14]} is not a valid date",
        ) from None
    if year < 1900:
        raise IdNumberError(
            "birth_date",
            f"出生年份 {year} 早于 1900 年",
            f"birth year {year} is before 1900",
        )
    if born > today:
        raise IdNumberError(
            "birth_date",
            f"出生日期 {number[6:14]} 晚于今天",
            f"birth date {number[6:14]} is in the future",
        )
    return born


def normalize(raw: str | int | float, *, today: date | None = None) -> str:
    """Clean and validate an ID number, returning the canonical 18-character form.

    Accepts text (full-width characters, embedded spaces, lowercase ``x`` are
    fixed), Python ints, and legacy 15-digit numbers (converted to 18 digits by
    inserting the century ``19`` and appending the check digit). Floats and
    scientific-notation text are rejected with code ``numeric_lost_digits``
    because Excel keeps only 15 significant digits of a number. ``today`` is
    the reference date for the "birth date in the future" check.

    Raises :class:`IdNumberError` describing the first problem found.
    """
    if raw is None:
        raise IdNumberError("empty", "身份证号码为空", "the ID number is empty")
    if isinstance(raw, bool):
        raise IdNumberError("type", "身份证号码格式不正确", "the ID number has the wrong type")
    if isinstance(raw, float):
        raise _lost_digits()
    if isinstance(raw, int):
        if raw < 0:
            raise IdNumberError(
                "format", "身份证号码不能为负数", "the ID number cannot be negative"
            )
        text = str(raw)
    elif isinstance(raw, str):
        text = _clean_text(raw)
    else:
        raise IdNumberError("type", "身份证号码格式不正确", "the ID number has the wrong type")

    if not text:
        raise IdNumberError("empty", "身份证号码为空", "the ID number is empty")
    if _SCIENTIFIC.match(text) or _DECIMAL.match(text):
        # "6.20102199001011E+17" or "620102199001011000.0": a number rendered as text.
        raise _lost_digits()

    if len(text) == 15:
        if not text.isdigit():
            raise IdNumberError(
                "format",
                "15 位身份证号码只能包含数字",
                "a 15-digit ID number may only contain digits",
            )
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_digit(first17)
        legacy = True
    elif len(text) == 18:
        legacy = False
    else:
        raise IdNumberError(
            "length",
            f"身份证号码应为 18 位，实际为 {len(text)} 位",
            f"the ID number must have 18 characters, got {len(text)}",
        )

    body, last = text[:17], text[17]
    if not (body.isascii() and body.isdigit()) or last not in "0123456789X":
        raise IdNumberError(
            "format",
            "身份证号码只能由 17 位数字和最后一位数字或 X 组成",
            "the ID number must be 17 digits followed by a digit or X",
        )
    if text[:2] not in _PROVINCE_PREFIXES:
        raise IdNumberError(
            "region",
            f"身份证号码前两位 {text[:2]} 不是有效的省级行政区划代码",
            f"the first two digits {text[:2]} are not a valid province code",
        )
    _birth_date(text, today or date.today())
    if not legacy and check_digit(body) != last:
        if text.endswith("000"):
            # Excel rounds to 15 significant digits, leaving "...000" behind.
            raise _lost_digits()
        raise IdNumberError(
            "checksum",
            "身份证号码校验位不正确，请核对是否输错",
            "the check digit does not match; check the number for typos",
        )
    return text


@dataclass(frozen=True)
class IdInfo:
    """Facts derived from a valid ID number."""

    number: str
    region_code: str
    birth_date: date
    gender: str  # "M" or "F"

    def age_on(self, day: date) -> int:
        """Full years of age on ``day``."""
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse(raw: str | int | float, *, today: date | None = None) -> IdInfo:
    """Normalize ``raw`` (see :func:`normalize`) and derive region, birth date and gender."""
    number = normalize(raw, today=today)
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return IdInfo(
        number=number,
        region_code=number[:6],
        birth_date=born,
        gender="M" if int(number[16]) % 2 else "F",
    )


def make(region6: str, birth: date, seq: int) -> str:
    """Build a valid 18-character number; ``seq`` is 0..999 (odd = male)."""
    if len(region6) != 6 or not region6.isascii() or not region6.isdigit():
        raise ValueError(f"region code must be 6 digits: {region6!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"sequence must be in 0..999: {seq}")
    if birth.year < 1900:
        raise ValueError(f"birth year must be 1900 or later: {birth}")
    first17 = f"{region6}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return first17 + check_digit(first17)


def mask(number: str) -> str:
    """Hide the middle of a number for display: ``6201**********1234``."""
    text = str(number).strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]
