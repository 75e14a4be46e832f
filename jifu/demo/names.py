"""Synthetic personal names for Gansu demo data.

Plain weighted lists driven by the caller's ``random.Random`` instead of
Faker: Faker's zh_CN names follow national frequencies (too few 马/牛/雒, no
Hui, Tibetan or Kazakh naming) and re-seeding it per call would cost more than
the rest of the person record. Every name is made up from common parts.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

__all__ = [
    "HAN_SURNAMES",
    "MUSLIM_SURNAMES",
    "NON_GBK_CHARS",
    "family_surname",
    "person_name",
]


def _words(text: str) -> list[str]:
    """Space-separated word list (keeps long name lists readable)."""
    return text.split()


class _Table:
    """Weighted choice via one ``rng.random()`` and a bisect (faster than rng.choices)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, weighted: dict[str, float] | list[str]) -> None:
        if isinstance(weighted, dict):
            self.items = tuple(weighted)
            weights = weighted.values()
        else:
            self.items = tuple(weighted)
            weights = [1.0] * len(self.items)
        self.cum = tuple(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect(self.cum, rng.random() * self.total)]


# Surname frequencies lean towards north-west China: 马, 牛, 魏, 雒, 巩, 令狐 ...
HAN_SURNAMES: dict[str, float] = {
    "王": 7.5, "李": 7.0, "张": 6.5, "刘": 5.0, "马": 4.5, "杨": 4.0, "赵": 3.5,
    "陈": 2.5, "魏": 1.8, "郭": 1.6, "何": 1.5, "周": 1.2, "胡": 1.2, "高": 1.2,
    "牛": 1.0, "苏": 1.0, "朱": 1.0, "冯": 1.0, "孙": 1.0, "徐": 1.0, "吴": 1.0,
    "罗": 1.0, "韩": 1.0, "曹": 0.9, "董": 0.9, "田": 0.9, "汪": 0.9, "宋": 0.8,
    "任": 0.8, "贾": 0.8, "梁": 0.8, "石": 0.7, "姚": 0.7, "吕": 0.7, "白": 0.7,
    "闫": 0.7, "付": 0.7, "唐": 0.7, "岳": 0.6, "蒲": 0.6, "潘": 0.6, "邓": 0.6,
    "谢": 0.6, "袁": 0.6, "段": 0.6, "侯": 0.6, "安": 0.6, "薛": 0.6, "常": 0.6,
    "丁": 0.6, "雷": 0.6, "许": 0.6, "包": 0.5, "巩": 0.5, "尚": 0.5, "柴": 0.5,
    "祁": 0.5, "康": 0.5, "彭": 0.5, "秦": 0.5, "卢": 0.5, "姜": 0.5, "崔": 0.5,
    "毛": 0.5, "雒": 0.4, "蔡": 0.4, "金": 0.4, "文": 0.4, "沈": 0.4, "孔": 0.4,
    "漆": 0.3, "边": 0.3, "窦": 0.3, "谭": 0.3, "展": 0.2, "令狐": 0.1,
}  # fmt: skip

# Hui, Dongxiang, Salar and Bao'an families: 马 dominates everywhere.
MUSLIM_SURNAMES: dict[str, dict[str, float]] = {
    "回族": {
        "马": 45, "韩": 6, "妥": 5, "汪": 4, "何": 5, "王": 4, "张": 3, "赵": 3,
        "冶": 3, "喇": 2, "沙": 2, "穆": 2, "锁": 2, "苏": 2, "杨": 2, "白": 2,
        "拜": 1, "海": 1, "丁": 1, "米": 1, "唐": 1, "撒": 1,
    },
    "东乡族": {
        "马": 50, "汪": 10, "妥": 8, "何": 6, "张": 5, "唐": 4, "赵": 4, "锁": 3,
        "韩": 3, "陕": 2, "白": 2,
    },
    "撒拉族": {"韩": 50, "马": 30, "沈": 5, "何": 5, "冶": 5, "妥": 3, "赵": 2},
    "保安族": {"马": 50, "何": 15, "妥": 10, "韩": 10, "赵": 5, "喇": 5, "冶": 5},
}  # fmt: skip

# Given-name parts by birth cohort (names follow fashions).
_HAN_GIVEN = {
    # (male first, male second, female first, female second)
    "old": (
        "有德福永志建国学文玉天万长金守兴占",
        "福贵才林成山海财元生荣祥仓明堂虎宝禄",
        "秀桂玉淑凤兰月金彩翠粉菊春存",
        "英兰珍梅花琴芳莲香霞娥叶芝",
    ),
    "mid": (
        "建国军志小永海文红卫宏晓玉春新立正学",
        "军平明强伟华林兵东斌刚勇峰辉龙杰鹏宁荣忠",
        "丽红小春海晓玉秀桂彩亚建",
        "霞梅琴燕娟萍芳丽红英玲艳莉敏",
    ),
    "young": (
        "子浩宇俊佳博思嘉家明天志鹏一文晨",
        "轩宇豪涛杰博辰航阳睿浩鑫磊凯瑞泽毅",
        "欣佳雨梦思语子若晓诗可婉梓紫",
        "怡琪萱涵婷妍瑶悦彤雪茹琳蕾菲欣",
    ),
}

_ISLAMIC_MALE = _Table(
    _words(
        "尔萨 伊布拉 伊布拉海 穆萨 尤素夫 哈克木 阿不都 哈比布 苏莱曼 易卜拉欣 舍木 "
        "尔里 哈山 胡赛尼 优努斯 努哈 达吾德 叶海亚 阿里 者麻力 哈伦 撒利哈 伊斯哈格 尔德"
    )
)
_ISLAMIC_FEMALE = _Table(
    _words("阿依舍 法图麦 麦尔燕 海底彻 再乃白 哈丽麦 阿米乃 鲁开雅 哈吉尔 赛麦 阿伊莎 赛乃白")
)

# Amdo Tibetan names have no surname. Parts never start with a Han surname
# character, which lets tests tell them apart from surname-style names.
_TIB_MALE = _Table(
    _words(
        "扎西 多杰 才让 索南 旦正 贡保 尕藏 洛桑 桑杰 丹增 次仁 完玛 更登 久美 东智 "
        "仁青 才旦 尼玛 道吉 公保 拉加 南杰 当智 端智 加措 昂秀"
    )
)
_TIB_NEUTRAL = _Table(_words("才让 扎西 索南 旦正 贡保 尕藏 仁青 桑吉 完玛 东智 尼玛"))
_TIB_FEMALE = _Table(_words("卓玛 拉毛 德吉 央金 卓嘎 拉姆 梅朵 娘吉 吉毛 才措 切吉 尕吉"))
_TIB_FEMALE_SUFFIX = _Table({"卓玛": 4, "吉": 3, "措": 3})

_KAZAKH_MALE = _Table(
    _words(
        "努尔兰 叶尔兰 阿斯哈尔 别克 哈力木 加肯 赛力克 叶尔波力 达吾列提 木拉提 叶尔江 "
        "巴合提 沙吾提 阿依丁 努尔别克 哈那提 叶尔肯 马合沙提 加尔肯"
    )
)
_KAZAKH_FEMALE = _Table(
    _words(
        "古丽娜尔 阿依古丽 加娜尔 古丽巴哈尔 阿依努尔 沙吾列 玛依拉 阿尔达克 努尔古丽 "
        "哈丽娜 阿依达娜 巴合提古丽"
    )
)
_MONGOL_MALE = _Table(
    _words(
        "巴特尔 额尔敦 孟克 巴图 苏和 宝音 朝鲁 那顺 布和 哈斯 毕力格 阿拉坦 巴雅尔 "
        "特木尔 额尔德尼 吉日嘎拉"
    )
)
_MONGOL_FEMALE = _Table(
    _words("其其格 乌云 斯琴 娜仁 萨仁 图雅 高娃 塔娜 乌兰 格日勒 阿拉坦其其格 娜仁花 斯琴高娃")
)

_OTHER_SURNAMES = {
    "裕固族": {"安": 20, "郎": 15, "钟": 10, "杜": 10, "贺": 8, "兰": 8, "妥": 6,
              "顾": 6, "白": 5, "赵": 5, "柯": 4},
    "土族": {"李": 25, "祁": 20, "鲁": 10, "吉": 8, "汪": 8, "星": 5, "张": 10, "王": 8},
}  # fmt: skip

# Characters outside GBK that really occur in names (䶮 as in 刘䶮, 𫖮 as in
# 王𫖮); emitted rarely so downstream exports and fonts get exercised.
NON_GBK_CHARS = ("䶮", "𠮷", "𫖮", "𬌗", "㛃")
_NON_GBK_RATE = 1 / 2000

_HAN_SURNAME_TABLE = _Table(HAN_SURNAMES)
_MUSLIM_TABLES = {k: _Table(v) for k, v in MUSLIM_SURNAMES.items()}
_OTHER_TABLES = {k: _Table(v) for k, v in _OTHER_SURNAMES.items()}


def _cohort(rng: random.Random, birth_year: int | None) -> str:
    if birth_year is None:
        return ("old", "mid", "young")[rng.randrange(3)]
    if birth_year < 1960:
        return "old"
    return "mid" if birth_year < 1990 else "young"


def _han_given(rng: random.Random, gender: str, birth_year: int | None) -> str:
    cohort = _cohort(rng, birth_year)
    m1, m2, f1, f2 = _HAN_GIVEN[cohort]
    first, second = (m1, m2) if gender == "M" else (f1, f2)
    single_share = 0.15 if cohort == "young" else 0.25
    if rng.random() < single_share:
        return rng.choice(second)
    return rng.choice(first) + rng.choice(second)


def _tibetan(rng: random.Random, gender: str) -> str:
    roll = rng.random()
    if gender == "M":
        if roll < 0.45:
            return _TIB_MALE.pick(rng)
        first = _TIB_MALE.pick(rng)
        second = _TIB_MALE.pick(rng)
        while second == first:
            second = _TIB_MALE.pick(rng)
        return first + second
    if roll < 0.35:
        return _TIB_FEMALE.pick(rng)
    if roll < 0.75:
        return _TIB_NEUTRAL.pick(rng) + _TIB_FEMALE_SUFFIX.pick(rng)
    # 拉毛草, 卓玛草, 才让草: "草" (mtsho, lake) as a feminine ending.
    base = _TIB_FEMALE if rng.random() < 0.6 else _TIB_NEUTRAL
    return base.pick(rng) + "草"


def _with_surname(rng: random.Random, surname: str, given: str) -> str:
    if rng.random() < _NON_GBK_RATE:
        given = given[:-1] + rng.choice(NON_GBK_CHARS)
    return surname + given


# Ethnic groups whose names never carry a family surname here.
_NO_SURNAME = frozenset(("藏族", "哈萨克族"))


def family_surname(rng: random.Random, ethnicity: str) -> str | None:
    """Draw a family surname for ``ethnicity``, or ``None`` if its names have none.

    Pass the result as ``surname=`` to :func:`person_name` so that children
    share their father's surname.
    """
    if ethnicity in _NO_SURNAME:
        return None
    if ethnicity == "蒙古族":
        return _HAN_SURNAME_TABLE.pick(rng) if rng.random() < 0.3 else None
    if ethnicity == "土族" and rng.random() < 0.3:
        return None
    table = _MUSLIM_TABLES.get(ethnicity) or _OTHER_TABLES.get(ethnicity) or _HAN_SURNAME_TABLE
    return table.pick(rng)


def person_name(
    rng: random.Random,
    ethnicity: str,
    gender: str,
    *,
    birth_year: int | None = None,
    surname: str | None = None,
) -> str:
    """Return a plausible synthetic name for a person of ``ethnicity`` and ``gender``.

    ``gender`` is ``"M"`` or ``"F"``; ``birth_year`` (optional) picks
    cohort-typical Han given names; ``surname`` (optional, see
    :func:`family_surname`) fixes the family name where the group uses one.
    Tibetan names carry no surname, Kazakh names mostly have the form
    ``given·father``. Roughly 1 in 2000 surname-style names contains a
    character outside GBK.
    """
    if ethnicity == "藏族":
        return _tibetan(rng, gender)
    if ethnicity == "哈萨克族":
        given = (_KAZAKH_MALE if gender == "M" else _KAZAKH_FEMALE).pick(rng)
        if rng.random() < 0.85:
            return f"{given}·{_KAZAKH_MALE.pick(rng)}"
        return given
    if surname is None:
        surname = family_surname(rng, ethnicity)
        if surname is None:
            if ethnicity == "蒙古族":
                return (_MONGOL_MALE if gender == "M" else _MONGOL_FEMALE).pick(rng)
            return _tibetan(rng, gender)  # Tu families with Tibetan-style names
    if ethnicity in _MUSLIM_TABLES and rng.random() < 0.45:
        given = (_ISLAMIC_MALE if gender == "M" else _ISLAMIC_FEMALE).pick(rng)
    else:
        given = _han_given(rng, gender, birth_year)
    return _with_surname(rng, surname, given)
