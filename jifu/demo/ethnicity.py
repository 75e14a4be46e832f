"""Ethnic composition of Gansu counties, for synthetic demo data.

Shares are rounded approximations of the rural registered population
(census-style figures), good enough to make demo ledgers look like the real
ones: Dongxiang households are mostly 东乡族, Gannan pastoral counties mostly
藏族, and so on. They are not statistics to quote.
"""

from __future__ import annotations

__all__ = ["ETHNIC_WEIGHTS", "ethnic_weights"]

# Keyed by region-code prefix; the longest matching prefix wins, "62" is the
# provincial default. Values need not sum to 1 (they are normalized).
ETHNIC_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    "62": (("汉族", 0.965), ("回族", 0.03), ("藏族", 0.003), ("东乡族", 0.002)),
    # Zhangjiachuan Hui Autonomous County.
    "620525": (("回族", 0.69), ("汉族", 0.31)),
    # Tianzhu Tibetan Autonomous County: Han majority, sizeable Tibetan and some Tu.
    "620623": (("藏族", 0.30), ("汉族", 0.64), ("土族", 0.04), ("回族", 0.02)),
    # Sunan Yugur Autonomous County.
    "620721": (("裕固族", 0.28), ("汉族", 0.45), ("藏族", 0.20), ("蒙古族", 0.05), ("土族", 0.02)),
    # Subei Mongol and Aksay Kazakh autonomous counties.
    "620923": (("蒙古族", 0.38), ("汉族", 0.58), ("藏族", 0.02), ("回族", 0.02)),
    "620924": (("哈萨克族", 0.35), ("汉族", 0.60), ("回族", 0.03), ("蒙古族", 0.02)),
    # Linxia Hui Autonomous Prefecture; counties below refine the prefecture default.
    "6229": (("回族", 0.42), ("东乡族", 0.08), ("汉族", 0.49), ("撒拉族", 0.01)),
    "622901": (("回族", 0.45), ("东乡族", 0.05), ("汉族", 0.50)),  # Linxia city
    "622921": (("回族", 0.38), ("东乡族", 0.10), ("汉族", 0.52)),  # Linxia county
    "622922": (("回族", 0.55), ("东乡族", 0.03), ("汉族", 0.42)),  # Kangle
    "622923": (("回族", 0.30), ("东乡族", 0.07), ("汉族", 0.62), ("保安族", 0.01)),  # Yongjing
    "622924": (("回族", 0.55), ("东乡族", 0.40), ("汉族", 0.05)),  # Guanghe
    "622925": (("回族", 0.42), ("东乡族", 0.12), ("汉族", 0.46)),  # Hezheng
    "622926": (("东乡族", 0.87), ("汉族", 0.08), ("回族", 0.05)),  # Dongxiang
    # Jishishan Bao'an, Dongxiang and Salar Autonomous County.
    "622927": (
        ("汉族", 0.43),
        ("回族", 0.33),
        ("东乡族", 0.12),
        ("保安族", 0.07),
        ("撒拉族", 0.05),
    ),
    # Gannan Tibetan Autonomous Prefecture: pastoral counties are almost all
    # Tibetan; Lintan (many Hui) and Zhouqu are much more mixed.
    "6230": (("藏族", 0.55), ("汉族", 0.35), ("回族", 0.10)),
    "623001": (("藏族", 0.75), ("汉族", 0.17), ("回族", 0.08)),  # Hezuo
    "623021": (("藏族", 0.25), ("汉族", 0.50), ("回族", 0.25)),  # Lintan
    "623022": (("藏族", 0.65), ("汉族", 0.33), ("回族", 0.02)),  # Jone
    "623023": (("藏族", 0.42), ("汉族", 0.57), ("回族", 0.01)),  # Zhouqu
    "623024": (("藏族", 0.80), ("汉族", 0.19), ("回族", 0.01)),  # Têwo
    "623025": (("藏族", 0.90), ("汉族", 0.07), ("回族", 0.03)),  # Maqu
    "623026": (("藏族", 0.88), ("汉族", 0.08), ("回族", 0.04)),  # Luqu
    "623027": (("藏族", 0.80), ("汉族", 0.13), ("回族", 0.07)),  # Xiahe
}

_CACHE: dict[str, list[tuple[str, float]]] = {}


def ethnic_weights(county_code6: str) -> list[tuple[str, float]]:
    """Return ``[(ethnic group, share), ...]`` for a county; shares sum to 1.

    The most specific prefix of ``county_code6`` found in :data:`ETHNIC_WEIGHTS`
    wins; codes outside Gansu fall back to the provincial default.
    """
    cached = _CACHE.get(county_code6)
    if cached is None:
        table = ETHNIC_WEIGHTS["62"]
        for length in range(len(county_code6), 1, -1):
            found = ETHNIC_WEIGHTS.get(county_code6[:length])
            if found is not None:
                table = found
                break
        total = sum(w for _, w in table)
        cached = [(name, w / total) for name, w in table]
        _CACHE[county_code6] = cached
    return list(cached)
