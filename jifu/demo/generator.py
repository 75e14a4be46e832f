"""Deterministic synthetic poverty-alleviation ledgers for Gansu.

``generate(persons, counties, seed)`` builds villages under real townships and
fills them with households whose members look like the 建档立卡 registers the
system imports: citizen ID numbers, kinship, education, labour ability,
employment, training wishes, phones and bank cards. Everything is synthetic;
only the region and township codes are real.

The output depends only on the arguments: one ``random.Random(seed)`` drives
everything (no global random state, no clock). ``iter_households`` streams the
same households lazily so million-person ledgers need not sit in memory.
"""

from __future__ import annotations

import csv
import functools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from jifu.core.idnumber import make as make_id_number

from .ethnicity import ethnic_weights
from .names import _Table, _words, family_surname, person_name

__all__ = [
    "AS_OF",
    "DEEP_POVERTY_CATEGORIES",
    "OCCUPATIONS",
    "DemoData",
    "DemoHousehold",
    "DemoPerson",
    "Village",
    "deep_poverty_counties",
    "generate",
    "iter_households",
    "plan_villages",
]

# Ages and relations are consistent as of this date (end of the 2018 ledger year).
AS_OF = date(2018, 12, 31)
DEEP_POVERTY_CATEGORIES = ("两州一县", "省定深度贫困县")

OCCUPATIONS = (
    "家政服务员", "养老护理员", "育婴员", "中式烹调师", "中式面点师", "电工", "焊工",
    "挖掘机驾驶员", "汽车驾驶员", "农业技术员", "家畜饲养员", "手工编织工", "抽纱刺绣工",
    "美容师", "保安员", "快递员", "砌筑工",
)  # fmt: skip


@dataclass(slots=True)
class Village:
    """A village committee (行政村) under a real township."""

    code12: str
    name: str
    township_code9: str
    county_code6: str


@dataclass(slots=True)
class DemoPerson:
    """One household member as recorded in the poverty register."""

    id_number: str
    name: str
    gender: str  # "M" / "F"
    birth_date: date
    ethnicity: str
    relation_to_head: str
    education: str  # "" for pre-school children
    phone: str
    labour_ability: str
    employment_status: str  # "" unless of working age
    employment_place: str
    employer: str
    monthly_income: int
    wants_training: bool
    wanted_occupations: list[str]
    wants_job: bool
    wants_business: bool
    bank_account: str
    helping_cadre: str


@dataclass(slots=True)
class DemoHousehold:
    """A registered household; ``members[0]`` is the head (户主)."""

    household_no: str
    village_code12: str
    poverty_status: str
    exit_year: int | None
    resettled: bool
    address: str
    members: list[DemoPerson] = field(default_factory=list)

    @property
    def head(self) -> DemoPerson:
        """The member whose relation is 户主."""
        return next(m for m in self.members if m.relation_to_head == "户主")


@dataclass(slots=True)
class DemoData:
    """Villages plus the households living in them."""

    villages: list[Village]
    households: list[DemoHousehold]

    @property
    def persons(self) -> Iterator[DemoPerson]:
        """Iterate over every member of every household."""
        return (m for h in self.households for m in h.members)


# --- reference data ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _County:
    code: str
    name: str
    short_name: str
    prefecture_code: str
    prefecture_name: str
    poverty_category: str
    townships: tuple[tuple[str, str], ...]  # (code9, name), rural ones preferred


# Autonomous-county names are long; ledgers and employers use the short form.
_SHORT_NAMES = {
    "620525": "张家川",
    "620623": "天祝",
    "620721": "肃南",
    "620923": "肃北",
    "620924": "阿克塞",
    "622926": "东乡",
    "622927": "积石山",
}


def _read_csv(name: str) -> list[dict[str, str]]:
    path = resources.files("jifu.regions") / "data" / name
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def _counties() -> dict[str, _County]:
    regions = _read_csv("gansu_regions.csv")
    names = {r["code"]: r["name"] for r in regions}
    by_county: dict[str, list[dict[str, str]]] = {}
    for t in _read_csv("gansu_townships_2018.csv"):
        by_county.setdefault(t["county_code"], []).append(t)
    counties: dict[str, _County] = {}
    for r in regions:
        if r["level"] in ("province", "prefecture"):
            continue
        rows = sorted(by_county.get(r["code"], []), key=lambda t: t["code"])
        # Poverty households live in towns and townships, not urban subdistricts
        # or farms/development zones ("other"); fall back for all-urban districts.
        rural = [t for t in rows if t["kind"] in ("town", "township")] or rows
        if not rural:
            continue
        name = r["name"]
        short = _SHORT_NAMES.get(r["code"]) or (name[:-1] if len(name) > 2 else name)
        counties[r["code"]] = _County(
            code=r["code"],
            name=name,
            short_name=short,
            prefecture_code=r["parent_code"],
            prefecture_name=names.get(r["parent_code"], ""),
            poverty_category=r["poverty_category"],
            townships=tuple((t["code"], t["name"]) for t in rural),
        )
    return counties


def deep_poverty_counties() -> list[str]:
    """Codes of the 35 deep-poverty counties (两州一县 and 省定深度贫困县)."""
    return [c.code for c in _counties().values() if c.poverty_category in DEEP_POVERTY_CATEGORIES]


def _resolve_counties(counties: list[str] | None) -> list[_County]:
    known = _counties()
    codes = deep_poverty_counties() if counties is None else list(dict.fromkeys(counties))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"not Gansu counties with townships: {', '.join(map(str, unknown))}")
    return [known[c] for c in codes]


# --- planning villages ---------------------------------------------------------


def _apportion(total: int, weights: list[float], min_each: int = 0) -> list[int]:
    """Split ``total`` by ``weights`` with largest remainders (deterministic)."""
    n = len(weights)
    rest = total - min_each * n
    wsum = sum(weights)
    raw = [rest * w / wsum for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(n), key=lambda i: (out[i] - raw[i], i))
    for i in order[: rest - sum(out)]:
        out[i] += 1
    return [x + min_each for x in out]


_VILLAGE_FIRST = _words(
    "上 下 中 东 西 南 北 前 后 大 小 新 红 阳 阴 高 石 杨 柳 松 沙 黄 白 黑 青 金 龙 "
    "马 牛 羊 桃 杏 梨 水 泉 双 三 五 七 八"
)
_VILLAGE_SECOND = _words(
    "庄 湾 沟 坪 川 塬 岔 河 台 山 峡 坡 梁 洼 滩 堡 寨 岭 峪 泉 咀 集 岘 窑 崖"
)
_VILLAGE_WHOLE = _words(
    "红旗 团结 向阳 和平 光明 胜利 联合 新民 富民 永丰 安乐 太平 东风 前进 幸福 "
    "友好 民主 建设 兴隆 长征"
)
_VILLAGE_SURNAMES = _words("马 王 李 张 刘 杨 赵 陈 何 魏 郭 牛 苏 韩 汪 妥 祁 包 曹 石 罗 董")
# Transliterated Amdo place names for Tibetan-majority counties.
_VILLAGE_TIBETAN = _words(
    "尕秀 贡巴 唐科 加仓 阿木去乎 郎木 达久 红科 西仓 尕海 玛艾 扎油 多合尔 那吾 格萨 "
    "曲奥 采日玛 齐哈玛 欧拉 木西合 阿万仓 科才 桑科 甘加 博拉 吉仓 麻当 卡加 达麦 勒秀 "
    "完尕滩 德合茂 香告 拉仁关 佐海 俄合 角隆 达尔宗 克日 赛尔龙"
)


_CN_NUMBERS = "〇一二三四五六七八九十"


def _village_name(rng: random.Random, tibetan_share: float) -> str:
    if rng.random() < tibetan_share:
        return rng.choice(_VILLAGE_TIBETAN) + "村"
    roll = rng.random()
    if roll < 0.2:
        return rng.choice(_VILLAGE_SURNAMES) + "家村"  # 马家村
    if roll < 0.35:
        return rng.choice(_VILLAGE_SURNAMES) + "家" + rng.choice(_VILLAGE_SECOND) + "村"  # 王家湾村
    if roll < 0.45:
        return rng.choice(_VILLAGE_WHOLE) + "村"  # 红旗村
    return rng.choice(_VILLAGE_FIRST) + rng.choice(_VILLAGE_SECOND) + "村"  # 上庄村


@dataclass(slots=True)
class _PlannedVillage:
    village: Village
    quota: int  # persons to generate
    county: _County
    township_name: str


def _plan(rng: random.Random, persons: int, counties: list[_County]) -> list[_PlannedVillage]:
    if persons <= 0 or not counties:
        return []
    plan: list[_PlannedVillage] = []
    county_quota = _apportion(persons, [len(c.townships) for c in counties])
    for county, q_county in zip(counties, county_quota, strict=True):
        if q_county == 0:
            continue
        tibetan = dict(ethnic_weights(county.code)).get("藏族", 0.0) * 0.8
        # Use as many townships as a typical registered population needs.
        n_towns = min(len(county.townships), max(1, math.ceil(q_county / 1500)))
        towns = sorted(rng.sample(county.townships, n_towns))
        town_quota = _apportion(q_county, [rng.uniform(0.6, 1.4) for _ in towns], 1)
        for (town_code, town_name), q_town in zip(towns, town_quota, strict=True):
            n_villages = min(q_town, 20, max(4, round(q_town / rng.uniform(150, 400))))
            village_quota = _apportion(
                q_town, [rng.uniform(0.5, 1.5) for _ in range(n_villages)], 1
            )
            seen: set[str] = set()
            for i, quota in enumerate(village_quota):
                name = _village_name(rng, tibetan)
                for _ in range(20):
                    if name not in seen:
                        break
                    name = _village_name(rng, tibetan)
                else:
                    # Real duplicates get numbered: 红旗一村, 红旗二村 ...
                    base, k = name[:-1], 0
                    while name in seen:
                        k += 1
                        name = f"{base}{_CN_NUMBERS[k] if k < len(_CN_NUMBERS) else k}村"
                seen.add(name)
                village = Village(f"{town_code}{201 + i:03d}", name, town_code, county.code)
                plan.append(_PlannedVillage(village, quota, county, town_name))
    return plan


def plan_villages(persons: int, counties: list[str] | None = None, seed: int = 0) -> list[Village]:
    """The villages ``generate(persons, counties, seed)`` will use, without households."""
    rng = random.Random(seed)
    return [p.village for p in _plan(rng, persons, _resolve_counties(counties))]


# --- households -----------------------------------------------------------------

# Register household sizes: mean about 4.4, 1-9 members.
_SIZE = _Table(
    {str(k): w for k, w in zip(range(1, 10), (4, 10, 16, 24, 22, 13, 7, 3, 1), strict=True)}
)
_POVERTY_STATUS = _Table({"建档立卡贫困户": 42, "已脱贫户": 48, "边缘易致贫户": 6, "一般农户": 4})
_EXIT_YEAR = _Table(
    {"2014": 5, "2015": 10, "2016": 15, "2017": 20, "2018": 25, "2019": 20, "2020": 5}
)

_EDU_BY_AGE = {
    # age group -> weights for 文盲或半文盲, 小学, 初中, 高中, 中专, 大专及以上
    "60+": (55, 35, 8, 1.5, 0.5, 0),
    "40-59": (22, 40, 30, 5, 2, 1),
    "23-39": (7, 23, 45, 10, 8, 7),
    "18-22": (3, 12, 50, 15, 12, 8),
}
_EDU_LEVELS = ("文盲或半文盲", "小学", "初中", "高中", "中专", "大专及以上")
_EDU_TABLES = {k: _Table(dict(zip(_EDU_LEVELS, v, strict=True))) for k, v in _EDU_BY_AGE.items()}

_ABILITY_WORKING = _Table(
    {"普通劳动力": 68, "技能劳动力": 12, "弱劳动力或半劳动力": 13, "丧失劳动力": 7}
)
_ABILITY_61_70 = _Table(
    {"弱劳动力或半劳动力": 55, "普通劳动力": 15, "丧失劳动力": 15, "无劳动力": 15}
)
_ABILITY_OLD = _Table({"无劳动力": 60, "丧失劳动力": 25, "弱劳动力或半劳动力": 15})
_CAN_WORK = {"普通劳动力": 0.48, "技能劳动力": 0.62, "弱劳动力或半劳动力": 0.22}

_PLACE = _Table({"县内": 35, "省内县外": 30, "省外": 35})
_BRANDS = _words(
    "恒达 金源 鑫盛 华联 瑞丰 兴隆 宏远 陇原 祥和 丰泰 众诚 昌盛 永兴 嘉禾 福瑞 天成 汇通 "
    "顺达 安泰 富源"
)
_IN_PROVINCE = _words(
    "兰州{b}建筑工程有限公司 兰州新区{b}化工有限公司 酒泉{b}农业开发有限公司 "
    "张掖{b}农业科技有限公司 嘉峪关{b}物业服务有限公司 天水{b}电子有限公司 "
    "白银{b}建材有限公司 金昌{b}劳务有限公司"
)
_OUT_OF_PROVINCE = _words(
    "天津{b}电子有限公司 厦门{b}服装有限公司 青岛{b}食品有限公司 新疆{b}棉业有限公司 "
    "福州{b}鞋业有限公司 东莞{b}电子厂 宁波{b}制衣有限公司 苏州{b}电子有限公司 "
    "西宁{b}建筑工程有限公司 银川{b}物流有限公司"
)
_NOODLE_CITIES = _words("上海 北京 广州 深圳 杭州 南京 厦门 天津 成都 武汉")
_MUSLIM = frozenset(("回族", "东乡族", "撒拉族", "保安族"))

_OCC_FEMALE = _Table(
    {"家政服务员": 3, "养老护理员": 3, "育婴员": 3, "美容师": 2, "手工编织工": 2,
     "抽纱刺绣工": 2, "中式面点师": 2, "中式烹调师": 2, "农业技术员": 1, "快递员": 0.5}
)  # fmt: skip
_OCC_MALE = _Table(
    {"电工": 3, "焊工": 3, "挖掘机驾驶员": 3, "汽车驾驶员": 3, "中式烹调师": 3, "砌筑工": 2,
     "保安员": 2, "快递员": 2, "农业技术员": 2, "家畜饲养员": 2, "中式面点师": 1}
)  # fmt: skip

_MOBILE_PREFIXES = _Table(
    _words(
        "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 "
        "176 177 180 181 182 183 185 186 187 188 189 191 198 199"
    )
)
# Synthetic card ranges shaped like rural banks' debit cards (ABC, PSBC, CCB ...).
_CARD_BINS = (("622848", 19), ("622848", 19), ("622188", 19), ("622700", 19),
              ("622202", 19), ("622262", 17), ("622908", 18), ("622588", 16))  # fmt: skip

_REFERENCE_YEAR = AS_OF.year


def _luhn_complete(payload: str) -> str:
    """Append the Luhn check digit to ``payload``."""
    total = 0
    # Rightmost payload digit is doubled once the check digit is appended.
    for i, ch in enumerate(reversed(payload)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return payload + str(-total % 10)


def _structure(rng: random.Random, size: int) -> list[tuple[str, str, int]]:
    """(relation, gender, age) for each member; the head comes first."""
    if size == 1:
        # Single-person households are mostly elderly widows and widowers.
        return [("户主", "M" if rng.random() < 0.55 else "F", int(rng.triangular(30, 90, 72)))]
    head_age = int(rng.triangular(24, 82, 48))
    head_gender = "M" if rng.random() < 0.9 else "F"
    other = "F" if head_gender == "M" else "M"
    members = [("户主", head_gender, head_age)]
    slots = size - 1
    if rng.random() < 0.9:
        members.append(("配偶", other, head_age + rng.randint(-5, 5)))
        slots -= 1
    if slots and head_age <= 60 and rng.random() < 0.22:
        n_parents = 1 if slots == 1 or rng.random() < 0.55 else 2
        genders = ("M", "F") if n_parents == 2 else ("F" if rng.random() < 0.65 else "M",)
        for g in genders:
            age = head_age + rng.randint(20, 35)
            if age <= 100:
                members.append(("父亲" if g == "M" else "母亲", g, age))
                slots -= 1
    married_son: list[tuple[str, str, int]] = []
    if slots >= 3 and head_age >= 45 and rng.random() < 0.5:
        son_age = rng.randint(max(20, head_age - 40), head_age - 20)
        married_son.append(("子", "M", son_age))
        married_son.append(("儿媳", "F", max(18, son_age + rng.randint(-5, 5))))
        for _ in range(min(slots - 2, rng.randint(1, 3))):
            g = "M" if rng.random() < 0.53 else "F"
            age = rng.randint(max(0, son_age - 40), son_age - 20)
            married_son.append(("孙子" if g == "M" else "孙女", g, age))
        slots -= len(married_son)
    for _ in range(slots):
        if rng.random() < 0.02:
            # Nephews, siblings and the like.
            members.append(("其他", "M" if rng.random() < 0.5 else "F", rng.randint(5, 70)))
            continue
        g = "M" if rng.random() < 0.52 else "F"
        members.append(
            ("子" if g == "M" else "女", g, rng.randint(max(0, head_age - 40), head_age - 20))
        )
    return members + married_son


_DESCENDANTS = frozenset(("子", "女", "孙子", "孙女"))


def _family_surnames(
    rng: random.Random, structure: list[tuple[str, str, int]], ethnicities: list[str]
) -> list[str | None]:
    """Surname per member (``None``: drawn freely); descent is patrilineal."""
    head_surname = family_surname(rng, ethnicities[0])
    has_spouse = len(structure) > 1 and structure[1][0] == "配偶"
    father_line = head_surname if structure[0][1] == "M" else None
    out: list[str | None] = []
    for (relation, _, _), ethnicity in zip(structure, ethnicities, strict=True):
        if relation in ("户主", "父亲"):
            out.append(head_surname)
        elif relation in _DESCENDANTS:
            out.append(None)  # filled in below, once the father's surname is known
        else:
            own = family_surname(rng, ethnicity)
            out.append(own)
            if relation == "配偶" and structure[0][1] == "F":
                father_line = own
    if structure[0][1] == "F" and not has_spouse:
        # Widowed or divorced female head: children carry the absent father's name.
        father_line = family_surname(rng, ethnicities[0])
    return [
        father_line if rel in _DESCENDANTS else surname
        for (rel, _, _), surname in zip(structure, out, strict=True)
    ]


def _education(rng: random.Random, age: int) -> tuple[str, bool]:
    """(education, still at school) appropriate for ``age``."""
    if age < 6:
        return "", False
    if age <= 11:
        return "小学", True
    if age <= 14:
        return "初中", True
    if age <= 17:
        if rng.random() < 0.75:
            return ("高中" if rng.random() < 0.55 else "中专"), True
        return ("初中" if rng.random() < 0.9 else "小学"), False
    if age <= 22:
        if rng.random() < 0.22:
            return "大专及以上", True
        return _EDU_TABLES["18-22"].pick(rng), False
    group = "23-39" if age < 40 else "40-59" if age < 60 else "60+"
    return _EDU_TABLES[group].pick(rng), False


class _Generator:
    """Holds the RNG and the uniqueness registries for one generation run."""

    def __init__(self, rng: random.Random, all_county_codes: list[str]) -> None:
        self.rng = rng
        self.all_county_codes = all_county_codes
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.accounts: set[str] = set()
        self.birth_years: dict[int, tuple[int, int]] = {}
        self.ethnic_tables: dict[str, _Table] = {}

    # Unique identifiers ------------------------------------------------------

    def id_number(self, county: _County, birth: date, gender: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.97:
            region = county.code
        elif roll < 0.985:
            # Registered before the county code changed or at prefecture level.
            region = county.prefecture_code
        else:
            # Born or first registered in another county.
            region = rng.choice(self.all_county_codes)
        parity = 1 if gender == "M" else 0
        while True:
            number = make_id_number(region, birth, rng.randrange(500) * 2 + parity)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self) -> str:
        rng = self.rng
        while True:
            number = f"{_MOBILE_PREFIXES.pick(rng)}{rng.randrange(100_000_000):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def bank_account(self) -> str:
        rng = self.rng
        while True:
            bin6, length = _CARD_BINS[rng.randrange(len(_CARD_BINS))]
            body = rng.randrange(10 ** (length - 7))
            number = _luhn_complete(f"{bin6}{body:0{length - 7}d}")
            if number not in self.accounts:
                self.accounts.add(number)
                return number

    # Records -----------------------------------------------------------------

    def birth_date(self, age: int) -> date:
        year = _REFERENCE_YEAR - age
        start = self.birth_years.get(year)
        if start is None:
            first = date(year, 1, 1).toordinal()
            start = self.birth_years[year] = (first, date(year + 1, 1, 1).toordinal() - first)
        # Any day of that year gives exactly ``age`` on 31 December.
        return date.fromordinal(start[0] + self.rng.randrange(start[1]))

    def employer(self, place: str, county: _County, town: str, ethnicity: str, name: str) -> str:
        rng = self.rng
        brand = rng.choice(_BRANDS)
        if place == "县内":
            roll = rng.random()
            if roll < 0.25:
                return f"{town}扶贫车间"
            if roll < 0.45:
                return f"{county.short_name}{brand}农民专业合作社"
            if roll < 0.6:
                return f"{county.name}生态护林员公益性岗位"
            if roll < 0.8:
                return f"{county.short_name}{brand}建筑工程有限公司"
            return "个体经营" if roll < 0.9 else "灵活就业"
        if place == "省内县外":
            return rng.choice(_IN_PROVINCE).format(b=brand)
        if ethnicity in _MUSLIM and rng.random() < 0.45:
            # Lanzhou beef-noodle restaurants employ many Linxia Hui and Dongxiang.
            return f"{rng.choice(_NOODLE_CITIES)}{name[0]}家兰州牛肉拉面馆"
        return rng.choice(_OUT_OF_PROVINCE).format(b=brand)

    def person(
        self,
        relation: str,
        gender: str,
        age: int,
        ethnicity: str,
        surname: str | None,
        planned: _PlannedVillage,
        cadre: str,
    ) -> DemoPerson:
        rng = self.rng
        county = planned.county
        birth = self.birth_date(age)
        name = person_name(rng, ethnicity, gender, birth_year=birth.year, surname=surname)
        education, at_school = _education(rng, age)

        if age < 16 or at_school:
            ability = "无劳动力"
        elif age <= 60:
            ability = _ABILITY_WORKING.pick(rng)
        elif age <= 70:
            ability = _ABILITY_61_70.pick(rng)
        else:
            ability = _ABILITY_OLD.pick(rng)

        status = place = employer = ""
        income = 0
        training = job = business = False
        occupations: list[str] = []
        p_employed = _CAN_WORK.get(ability)
        if 16 <= age <= 60 and p_employed is not None:
            # Labour force: only these people get employment and wish fields.
            if rng.random() < p_employed:
                status = "已就业"
                place = _PLACE.pick(rng)
                employer = self.employer(place, county, planned.township_name, ethnicity, name)
                low, high = {"县内": (12, 35), "省内县外": (25, 50), "省外": (30, 70)}[place]
                income = rng.randint(low, high) * 100
                if ability == "技能劳动力":
                    income = income * 6 // 5 // 100 * 100
            else:
                status = "未就业"
            training = rng.random() < 0.40
            job = rng.random() < (0.15 if status == "已就业" else 0.43)
            business = rng.random() < 0.08
            if training or (job and rng.random() < 0.5):
                table = _OCC_MALE if gender == "M" else _OCC_FEMALE
                occupations.append(table.pick(rng))
                if training and rng.random() < 0.3:
                    extra = table.pick(rng)
                    if extra not in occupations:
                        occupations.append(extra)
        elif 16 <= age <= 60 and ability == "丧失劳动力":
            status = "无法就业"

        if age < 16:
            has_phone = False
        elif age < 18:
            has_phone = rng.random() < 0.5
        elif age < 70:
            has_phone = rng.random() < 0.92
        else:
            has_phone = rng.random() < 0.45

        return DemoPerson(
            id_number=self.id_number(county, birth, gender),
            name=name,
            gender=gender,
            birth_date=birth,
            ethnicity=ethnicity,
            relation_to_head=relation,
            education=education,
            phone=self.phone() if has_phone else "",
            labour_ability=ability,
            employment_status=status,
            employment_place=place,
            employer=employer,
            monthly_income=income,
            wants_training=training,
            wanted_occupations=occupations,
            wants_job=job,
            wants_business=business,
            bank_account=self.bank_account() if age >= 18 and rng.random() < 0.9 else "",
            helping_cadre=cadre,
        )

    def village_households(self, planned: _PlannedVillage) -> Iterator[DemoHousehold]:
        rng = self.rng
        county = planned.county
        village = planned.village
        table = self.ethnic_tables.get(county.code)
        if table is None:
            table = self.ethnic_tables[county.code] = _Table(dict(ethnic_weights(county.code)))
        prefix = f"{county.prefecture_name}{county.name}{planned.township_name}"
        remaining = planned.quota
        serial = 0
        cadre, cadre_left = "", 0
        while remaining > 0:
            size = min(int(_SIZE.pick(rng)), remaining)
            remaining -= size
            serial += 1
            if cadre_left == 0:
                # Each 帮扶责任人 (helping cadre) is paired with a handful of households.
                cadre = person_name(rng, "汉族", "M" if rng.random() < 0.6 else "F")
                cadre_left = rng.randint(3, 8)
            cadre_left -= 1

            status = _POVERTY_STATUS.pick(rng)
            exit_year = int(_EXIT_YEAR.pick(rng)) if status == "已脱贫户" else None
            resettled = rng.random() < 0.08
            if resettled:
                address = (
                    f"{prefix}易地扶贫搬迁集中安置点{rng.randint(1, 12)}号楼"
                    f"{rng.randint(1, 6)}{rng.randint(1, 4):02d}室"
                )
            else:
                address = f"{prefix}{village.name}{rng.randint(1, 12)}社{rng.randint(1, 120)}号"

            head_ethnicity = table.pick(rng)
            structure = _structure(rng, size)
            # Spouses and daughters-in-law sometimes come from another group.
            ethnicities = [
                table.pick(rng)
                if relation in ("配偶", "儿媳") and rng.random() < 0.05
                else head_ethnicity
                for relation, _, _ in structure
            ]
            surnames = _family_surnames(rng, structure, ethnicities)
            members = [
                self.person(relation, gender, age, ethnicity, surname, planned, cadre)
                for (relation, gender, age), ethnicity, surname in zip(
                    structure, ethnicities, surnames, strict=True
                )
            ]

            # Some households list one phone for two members (an elder uses a child's).
            if rng.random() < 0.05:
                holders = [m for m in members if m.phone]
                if len(holders) >= 2:
                    holders[-1].phone = holders[0].phone

            yield DemoHousehold(
                household_no=f"{village.code12}{serial:06d}",
                village_code12=village.code12,
                poverty_status=status,
                exit_year=exit_year,
                resettled=resettled,
                address=address,
                members=members,
            )


def _run(
    persons: int, counties: list[str] | None, seed: int
) -> tuple[list[_PlannedVillage], Iterator[DemoHousehold]]:
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 0:
        raise ValueError(f"persons must be a non-negative int: {persons!r}")
    chosen = _resolve_counties(counties)
    rng = random.Random(seed)
    plan = _plan(rng, persons, chosen)
    gen = _Generator(rng, list(_counties()))

    def households() -> Iterator[DemoHousehold]:
        for planned in plan:
            yield from gen.village_households(planned)

    return plan, households()


def iter_households(
    persons: int, counties: list[str] | None = None, seed: int = 0
) -> Iterator[DemoHousehold]:
    """Lazily yield the households of ``generate(persons, counties, seed)``.

    Villages are planned up front (see :func:`plan_villages`); households are
    produced one at a time so very large ledgers can be streamed to a file.
    """
    _, households = _run(persons, counties, seed)
    return households


def generate(persons: int, counties: list[str] | None = None, seed: int = 0) -> DemoData:
    """Build a synthetic population of exactly ``persons`` people.

    ``counties`` are 6-digit Gansu county codes; ``None`` means the 35
    deep-poverty counties. The result depends only on the arguments.
    """
    plan, households = _run(persons, counties, seed)
    return DemoData(villages=[p.village for p in plan], households=list(households))
