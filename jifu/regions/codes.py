"""Statistical division codes (统计用区划代码): parsing and level arithmetic.

Codes are stored in their 12-digit form: 2 digits province, 2 prefecture,
2 county, 3 township, 3 village. Input may use the 6-digit (GB/T 2260 county)
or 9-digit (township) form, full-width digits or stray spaces.
"""

import unicodedata

from jifu.core.scoping import LEVEL_PREFIX_LENGTH

from .choices import RegionLevel


class RegionCodeError(ValueError):
    def __init__(self, message_zh: str, message_en: str):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


def clean_code(raw) -> str:
    """Normalise a code to 12 digits, or raise ``RegionCodeError``."""
    if raw is None:
        raise RegionCodeError("区划代码为空", "the region code is empty")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise RegionCodeError(
                f"区划代码“{raw}”不是整数", f"region code {raw!r} is not a whole number"
            )
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
    if not text:
        raise RegionCodeError("区划代码为空", "the region code is empty")
    if not text.isascii() or not text.isdigit():
        raise RegionCodeError(
            f"区划代码“{text}”只能由数字组成", f"region code {text!r} must be digits only"
        )
    if len(text) not in (2, 4, 6, 9, 12):
        raise RegionCodeError(
            f"区划代码“{text}”应为 6、9 或 12 位数字",
            f"region code {text!r} must have 6, 9 or 12 digits",
        )
    return text.ljust(12, "0")


def level_of(code12: str) -> str:
    """The level a 12-digit code denotes, from which of its parts are non-zero."""
    if code12[9:12] != "000":
        return RegionLevel.VILLAGE
    if code12[6:9] != "000":
        return RegionLevel.TOWNSHIP
    if code12[4:6] != "00":
        return RegionLevel.COUNTY
    if code12[2:4] != "00":
        return RegionLevel.PREFECTURE
    return RegionLevel.PROVINCE


def prefix_of(code12: str, level: str | None = None) -> str:
    return code12[: LEVEL_PREFIX_LENGTH[level or level_of(code12)]]


def parent_code_of(code12: str) -> str | None:
    """The code of the level above (None for a province)."""
    level = level_of(code12)
    order = list(LEVEL_PREFIX_LENGTH)
    idx = order.index(level)
    if idx == 0:
        return None
    return code12[: LEVEL_PREFIX_LENGTH[order[idx - 1]]].ljust(12, "0")


def short_code(code12: str) -> str:
    """The conventional short form: 6 digits for counties and above, 9 for townships."""
    level = level_of(code12)
    if level == RegionLevel.VILLAGE:
        return code12
    if level == RegionLevel.TOWNSHIP:
        return code12[:9]
    return code12[:6]
