"""Unified social credit codes (统一社会信用代码) per GB 32100-2015.

18 characters: registration authority (1), organisation type (1), 6-digit
region code, 9-character organisation code, and a check character computed
modulo 31 over the alphabet below (which omits I, O, S, V and Z).
"""

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CreditCodeError(ValueError):
    def __init__(self, message_zh: str, message_en: str):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(raw) -> str:
    """Upper-cased, half-width, trimmed and validated; raises ``CreditCodeError``."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(" ", "").upper()
    if len(text) != 18:
        raise CreditCodeError(
            f"统一社会信用代码“{text}”应为 18 位", f"credit code {text!r} must have 18 characters"
        )
    bad = [ch for ch in text if ch not in ALPHABET]
    if bad:
        raise CreditCodeError(
            f"统一社会信用代码含有无效字符“{bad[0]}”",
            f"credit code has an invalid character {bad[0]!r}",
        )
    if not text[2:8].isdigit():
        raise CreditCodeError(
            "统一社会信用代码第 3–8 位应为区划代码", "characters 3–8 must be a region code"
        )
    if check_character(text[:17]) != text[17]:
        raise CreditCodeError(
            "统一社会信用代码校验位不正确", "the credit code's check character is wrong"
        )
    return text


def make(first17: str) -> str:
    """A valid code from its first 17 characters (for synthetic test and demo data)."""
    return first17 + check_character(first17)
