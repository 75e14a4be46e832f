"""Demo employment records for the demo registry and its trainees: employers,
their commitments and job posts, labour brands and export programmes, the jobs
people took and their monthly follow-ups, 以工代训 months and start-ups.

The history follows the training demo (classes 2018-09 to mid-2020): trainees
find jobs after their class ends. Follow-ups are due relative to the real
``today`` (the work lists count due and overdue items against it), so a cohort
of recent placements is dated back from ``today``: the data is deterministic
for the seed and ``today``.

Consistent with the rules the services enforce: 省外 only outside Gansu,
县内/省内县外 in Gansu, no start in the future, one job at a time per person,
follow-ups after the end of a job cancelled, 以工代训 only in a month the person
was employed there as a poor labourer, start-ups employ at least as many
people as poor people. The registry's employment fields follow each person's
latest placement, written in bulk (like the training demo: one audit event).
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jifu.audit import services as audit
from jifu.core import bulk, creditcode
from jifu.employment import rules
from jifu.employment.choices import (
    Channel,
    CommitmentKind,
    EmployerKind,
    EmploymentPlace,
    JobStatus,
    LeaveReason,
    PlacementStatus,
    RecommendationStatus,
    StartupKind,
    StartupStatus,
)
from jifu.employment.models import (
    FOLLOW_UP_MONTHS,
    Commitment,
    Employer,
    FollowUp,
    JobPost,
    LabourBrand,
    LabourExportProgram,
    Placement,
    Recommendation,
    Startup,
    StartupFollowUp,
    WorkBasedTraining,
)
from jifu.regions.models import Region
from jifu.registry.choices import ABLE_TO_WORK, LABOUR_AGE, EmploymentStatus, PersonStatus
from jifu.registry.models import HouseholdStatusPeriod, Person
from jifu.training.choices import ClassStatus, EnrolmentStatus, TrainingType
from jifu.training.models import Enrolment, Occupation

from . import generator
from .names import _words, person_name
from .training_data import _common_region, _mobile, _weighted

HISTORY_FROM = date(2019, 1, 1)  # the first jobs of people without training
PERSONS_PER_UNTRAINED = 25  # about one placement without training per 25 persons
PERSONS_PER_FOUNDER = 250  # about one start-up without 创业培训 per 250 persons
RECENT_DAYS = 395  # the recent cohort starts within 13 months of today
# 以工代训 was the 2020–2021 policy (职业技能提升行动); months outside it are not claimed.
WORK_TRAINING_FROM, WORK_TRAINING_TO = date(2020, 1, 1), date(2021, 12, 1)
WITHIN_MONTHS, LATER_SHARE, WITHIN_SHARE = 183, 0.10, 0.62

_BRANDS = _words(
    "恒达 金源 鑫盛 华联 瑞丰 兴隆 宏远 祥和 丰泰 众诚 昌盛 永兴 嘉禾 福瑞 汇通 顺达 安泰 富源"
)
_MUSLIM = frozenset(("回族", "东乡族", "撒拉族", "保安族"))

# East–west cooperation partners (东西部扶贫协作): the province a county sends
# organised workers to. 东乡 pairs with Tianjin.
_PARTNER_BY_PREFECTURE = {"6229": "福建省", "6211": "福建省", "6212": "浙江省", "6204": "浙江省"}
_PARTNER_BY_COUNTY = {"622926": "天津市"}
_PARTNER_SITES = {
    "天津市": (("天津", "滨海新区", "120116"), ("天津", "西青区", "120111"), ("天津", "武清区", "120114")),
    "福建省": (("厦门", "厦门市湖里区", "350206"), ("厦门", "厦门市集美区", "350211"),
               ("福州", "福州市仓山区", "350104"), ("晋江", "晋江市", "350582")),
    "浙江省": (("宁波", "宁波市北仑区", "330206"), ("杭州", "杭州市萧山区", "330109"),
               ("义乌", "义乌市", "330782")),
}  # fmt: skip
# (industry, name ending, job posts as (title, occupation name or None))
_PARTNER_TRADES = (
    ("电子制造", "电子有限公司", (("电子装配普工", None), ("质检员", None))),
    ("服装加工", "服饰有限公司", (("缝纫工", None),)),
    ("家政服务", "家政服务有限公司", (("月嫂", "育婴员"), ("家政服务员", "家政服务员"), ("养老护理员", "养老护理员"))),
    ("物流", "物流有限公司", (("快递员", "快递员"), ("分拣员", "快件处理员"))),
    ("鞋业", "鞋业有限公司", (("制鞋工", None),)),
    ("物业服务", "物业服务有限公司", (("保安员", "保安员"),)),
)  # fmt: skip
_HALAL_TRADE = (
    "餐饮服务",
    "清真餐饮管理有限公司",
    (("拉面师傅", "中式面点师"), ("厨师", "中式烹调师")),
)
_LOCAL_TRADES = (
    ("建筑施工", "建筑工程有限公司", (("砌筑工", "砌筑工"), ("钢筋工", "钢筋工"), ("电焊工", "焊工"))),
    ("食品加工", "食品有限公司", (("面点师", "中式面点师"), ("包装工", None))),
    ("中药材加工", "中药材有限公司", (("分拣包装工", None),)),
    ("农产品加工", "农产品开发有限公司", (("种植技术员", "农艺工"),)),
    ("物业服务", "物业服务有限公司", (("保安员", "保安员"), ("保洁员", None))),
)  # fmt: skip
_COOP_TRADES = (
    ("畜牧养殖", "养殖农民专业合作社", (("饲养员", "家畜饲养员"),)),
    ("种植", "种植农民专业合作社", (("种植工", "农艺工"),)),
    ("食用菌", "食用菌农民专业合作社", (("食用菌生产工", "食用菌生产工"),)),
)  # fmt: skip
_WORKSHOP_TRADES = (
    ("民族刺绣", "刺绣", (("刺绣工", None),)), ("服装加工", "服装加工", (("缝纫工", None),)),
    ("手工编织", "藤编", (("编织工", None),)), ("香包制作", "香包", (("香包制作工", None),)),
    ("手工地毯", "地毯", (("织毯工", None),)), ("电子元件", "电子元件组装", (("组装工", None),)),
)  # fmt: skip
_LABOUR_TRADE = ("人力资源服务", "劳务服务有限公司", (("建筑工", "砌筑工"), ("普工", None)))
_IN_PROVINCE_SITES = _words(
    "兰州新区 兰州市七里河区 酒泉市肃州区 嘉峪关市 张掖市甘州区 金昌市金川区 白银市白银区"
)
# Employers elsewhere in Gansu that are not in jifu: (name, city).
_IN_PROVINCE_NAMES = (
    ("兰州{b}建筑工程有限公司", "兰州市"), ("兰州新区{b}化工有限公司", "兰州新区"),
    ("酒泉{b}农业开发有限公司", "酒泉市"), ("张掖{b}农业科技有限公司", "张掖市"),
    ("嘉峪关{b}物业服务有限公司", "嘉峪关市"), ("白银{b}建材有限公司", "白银市"),
)  # fmt: skip
# Employers outside Gansu that are not in jifu (self-found jobs): (name, province, city).
_OUT_OF_PROVINCE_NAMES = (
    ("天津{b}电子有限公司", "天津市", "天津市"), ("厦门{b}服装有限公司", "福建省", "厦门市"),
    ("青岛{b}食品有限公司", "山东省", "青岛市"), ("新疆{b}棉业有限公司", "新疆维吾尔自治区", "昌吉州"),
    ("东莞{b}电子厂", "广东省", "东莞市"), ("宁波{b}制衣有限公司", "浙江省", "宁波市"),
    ("苏州{b}电子有限公司", "江苏省", "苏州市"), ("西宁{b}建筑工程有限公司", "青海省", "西宁市"),
    ("银川{b}物流有限公司", "宁夏回族自治区", "银川市"),
)  # fmt: skip
# Lanzhou beef-noodle restaurants across China employ many Linxia Hui and Dongxiang.
_NOODLE_CITIES = (("上海", "上海市"), ("北京", "北京市"), ("广州", "广东省"), ("深圳", "广东省"),
                  ("杭州", "浙江省"), ("南京", "江苏省"), ("成都", "四川省"), ("武汉", "湖北省"))  # fmt: skip
_PUBLIC_POSTS = _words("生态护林员 乡村保洁员 农村公路护路员 村级水管员 乡村公益专岗")

_MIX = (
    ((Channel.ORGANISED, EmploymentPlace.OUT_OF_PROVINCE), 22),
    ((Channel.ORGANISED, EmploymentPlace.IN_PROVINCE), 8),
    ((Channel.ORGANISED, EmploymentPlace.IN_COUNTY), 4),
    ((Channel.SELF, EmploymentPlace.OUT_OF_PROVINCE), 15),
    ((Channel.SELF, EmploymentPlace.IN_PROVINCE), 14),
    ((Channel.SELF, EmploymentPlace.IN_COUNTY), 10),
    ((Channel.PUBLIC_WELFARE, EmploymentPlace.IN_COUNTY), 12),
    ((Channel.WORKSHOP, EmploymentPlace.IN_COUNTY), 15),
)
# Workshops near home are mostly women's work; men go further.
_MIX_BY_GENDER = {
    "F": tuple((k, w * (2 if k[0] == Channel.WORKSHOP else 1)) for k, w in _MIX),
    "M": tuple((k, w // 2 if k[0] == Channel.WORKSHOP else w) for k, w in _MIX),
}
_WAGES = {  # monthly wage ranges (元), by channel or place
    Channel.PUBLIC_WELFARE: (2000, 2400),
    Channel.WORKSHOP: (2000, 3000),
    EmploymentPlace.IN_COUNTY: (2200, 3600),
    EmploymentPlace.IN_PROVINCE: (2800, 4600),
    EmploymentPlace.OUT_OF_PROVINCE: (3500, 6000),
}
_LEAVE = (
    (LeaveReason.RESIGNED, 25), (LeaveReason.FAMILY, 18), (LeaveReason.WAGE, 12),
    (LeaveReason.SEASONAL, 12), (LeaveReason.CONTRACT_ENDED, 10), (LeaveReason.HEALTH, 6),
    (LeaveReason.DISMISSED, 5), (LeaveReason.BUSINESS, 4), (LeaveReason.OTHER, 8),
)  # fmt: skip
_STARTUP_KINDS = (
    (StartupKind.INDIVIDUAL, 50), (StartupKind.COOPERATIVE, 12), (StartupKind.FAMILY_FARM, 12),
    (StartupKind.ONLINE_SHOP, 10), (StartupKind.ENTERPRISE, 8), (StartupKind.OTHER, 8),
)  # fmt: skip
_SHOPS = (("餐饮", "清真餐厅"), ("餐饮", "牛肉面馆"), ("餐饮", "农家乐"), ("商贸", "便民超市"),
          ("商贸", "农资店"), ("养殖", "牛羊育肥场"), ("种植", "中药材种植园"), ("手工", "刺绣坊"),
          ("运输", "运输服务部"), ("维修", "汽车修理部"))  # fmt: skip
_FARMS = (("养殖", "养殖"), ("种植", "种植"), ("种植", "中药材"), ("养殖", "肉羊"))
_ONLINE = _words("土特产 花椒 手工刺绣 中药材 牛肉干 蕨麻")


@dataclass
class EmploymentResult:
    employers: int = 0
    commitments: int = 0
    brands: int = 0
    programs: int = 0
    jobs: int = 0
    recommendations: int = 0
    placements: int = 0
    follow_ups: int = 0
    work_training: int = 0
    startups: int = 0
    startup_follow_ups: int = 0
    persons_updated: int = 0
    skipped: bool = False  # the demo employers were already there


@dataclass(slots=True)
class _Person:
    pk: int
    name: str
    gender: str
    village_code: str
    household_id: int
    birth_date: date
    ethnicity: str
    wants_job: bool
    wants_business: bool
    monthly_income: Decimal | None


@dataclass(slots=True)
class _Trainee:
    person: _Person
    class_id: int
    end_date: date
    training_type: str


@dataclass
class _Employer:
    obj: Employer
    jobs: list[tuple[str, int | None]]  # (title, occupation id) it posts
    township9: str = ""  # a workshop's township


@dataclass
class _County:
    code6: str
    info: generator._County
    region: int  # the county's Region pk
    townships: list[tuple[str, str]]  # the demo's townships here: (code9, name)
    employers: dict[str, list[_Employer]] = field(default_factory=lambda: defaultdict(list))
    elsewhere: list[_Employer] = field(default_factory=list)  # other demo counties' enterprises
    programs: list[LabourExportProgram] = field(default_factory=list)

    @property
    def muslim(self) -> bool:
        return self.code6[:4] == "6229" or self.code6 == "620525"


@dataclass
class _Plan:
    """Everything to insert, built in memory first."""

    employers: list[_Employer] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    brands: list[LabourBrand] = field(default_factory=list)
    programs: list[LabourExportProgram] = field(default_factory=list)
    jobs: list[JobPost] = field(default_factory=list)
    jobs_by_employer: dict[str, list[JobPost]] = field(default_factory=lambda: defaultdict(list))
    placements: list[Placement] = field(default_factory=list)
    by_person: dict[int, list[Placement]] = field(default_factory=lambda: defaultdict(list))
    startups: list[Startup] = field(default_factory=list)
    startup_visits: list[StartupFollowUp] = field(default_factory=list)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _labourer(p: _Person, on: date) -> bool:
    return LABOUR_AGE[0] <= _age(p.birth_date, on) <= LABOUR_AGE[1]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _wage(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low // 100, high // 100) * 100)


def build(data: generator.DemoData, *, seed: int, today: date | None = None) -> EmploymentResult:
    """Add the demo's employment records (``today`` anchors the recent cohort)."""
    today = today or date.today()
    result = EmploymentResult()
    counties = sorted({v.county_code6 for v in data.villages})
    if not counties:
        return result
    rng = random.Random(f"jifu-employment-{seed}")
    known = generator._counties()
    occupations = dict(Occupation.objects.values_list("name", "pk"))
    regions = dict(
        Region.objects.filter(
            code__in=[c.ljust(12, "0") for c in counties] + ["620000000000"]
        ).values_list("code", "pk")
    )
    townships = {code9: name for c in counties for code9, name in known[c].townships}
    ctx = {
        c: _County(
            c,
            known[c],
            regions[c.ljust(12, "0")],
            sorted(
                {
                    (v.township_code9, townships[v.township_code9])
                    for v in data.villages
                    if v.county_code6 == c
                }
            ),
        )
        for c in counties
    }
    plan = _Plan()
    _employers(rng, ctx, plan, occupations, today)
    if Employer.objects.filter(
        credit_code__in=[e.obj.credit_code for e in plan.employers]
    ).exists():
        # A second run on the same database adds nothing, but its ledger import
        # has put the ledger's employment fields back: follow the placements again.
        result.skipped = True
        with transaction.atomic():
            result.persons_updated = _sync_registry(counties)
        return result
    _brands_and_programs(rng, ctx, plan, occupations, regions, today)

    persons = _persons(data)
    trainees = _trainees(persons)
    founders = _startups(rng, ctx, plan, persons, trainees, data, today)
    _placements(rng, ctx, plan, persons, trainees, founders, today)
    grace = settings.JIFU_FOLLOWUP_GRACE_DAYS

    with transaction.atomic():
        employers = [e.obj for e in plan.employers]
        for model, objs in (
            (Employer, employers),
            (Commitment, plan.commitments),
            (LabourBrand, plan.brands),
            (LabourExportProgram, plan.programs),
            (JobPost, plan.jobs),
            (Startup, plan.startups),
        ):
            _insert(model, objs)
        _insert(Placement, plan.placements)
        follow_ups = _follow_ups(rng, plan, today, grace)
        fields = [
            "placement",
            "village_code",
            "month_no",
            "due_on",
            "done_on",
            "still_employed",
            "monthly_wage",
            "leave_reason",
            "note",
            "cancelled",
        ]
        result.follow_ups = bulk.insert_rows(FollowUp, follow_ups, fields)
        work = _work_training(rng, plan, persons, today)
        result.work_training = bulk.insert_rows(
            WorkBasedTraining,
            work,
            [
                "employer",
                "person",
                "placement",
                "village_code",
                "month",
                "occupation",
                "training_hours",
                "mentor",
                "wage",
                "created_at",
            ],
        )
        _insert(StartupFollowUp, plan.startup_visits)
        recommendations = _recommendations(rng, plan, persons, today)
        Recommendation.objects.bulk_create(recommendations, batch_size=1000)
        result.persons_updated = _sync_registry(counties)

        result.employers, result.commitments = len(employers), len(plan.commitments)
        result.brands, result.programs, result.jobs = (
            len(plan.brands),
            len(plan.programs),
            len(plan.jobs),
        )
        result.recommendations, result.placements = len(recommendations), len(plan.placements)
        result.startups, result.startup_follow_ups = len(plan.startups), len(plan.startup_visits)
        audit.record(
            "create",
            object_type="employment",
            object_repr="演示就业数据",
            region_code=_common_region(counties),
            message=f"seed={seed} today={today}",
            after={k: v for k, v in vars(result).items() if k != "skipped"},
        )
    return result


def _insert(model, objs) -> None:
    """bulk_create, which fills in the keys of related rows inserted just before.

    Later rows need the keys back: PostgreSQL and SQLite ≥ 3.35 return them.
    """
    model.objects.bulk_create(objs, batch_size=1000)
    if any(o.pk is None for o in objs):
        raise RuntimeError("bulk_create returned no primary keys (SQLite ≥ 3.35 is required)")


# --- employers, brands, programmes, job posts ---------------------------------------------


def _credit_code(prefix2: str, region6: str, serials: dict, org: str = "MA") -> str:
    """A valid GB 32100 code: authority+type, region, a 9-character organisation code, check."""
    serials[region6] = serials.get(region6, 0) + 1
    return creditcode.make(f"{prefix2}{region6}{org}{serials[region6]:07d}")


def _employers(rng, ctx, plan: _Plan, occupations, today) -> None:
    """Per county: enterprises, a cooperative, workshops, a labour company, partners elsewhere."""
    serials: dict[str, int] = {}  # per region code, so partners of several counties never collide

    def add(
        county, kind, credit, name, industry, jobs, province="甘肃省", address="", township9=""
    ):
        obj = Employer(
            credit_code=credit,
            name=name,
            kind=kind,
            industry=industry,
            region_id=county.region,
            region_code=county.code6.ljust(12, "0"),
            province=province,
            address=address,
            contact_name=person_name(rng, "汉族", rng.choice("MF")),
            contact_phone=_mobile(rng),
        )
        ids = [(title, occupations.get(occ) if occ else None) for title, occ in jobs]
        e = _Employer(obj, ids, township9)
        county.employers[kind if province == rules.GANSU else "partner"].append(e)
        plan.employers.append(e)
        return e

    for county in ctx.values():
        info, short = county.info, county.info.short_name
        home = f"甘肃省{info.prefecture_name}{info.name}"
        brands = rng.sample(_BRANDS, 6)
        trades = list(_LOCAL_TRADES)
        if county.muslim:
            trades[1] = ("食品加工", "清真食品有限公司", trades[1][2])
        for brand, (industry, ending, jobs) in zip(
            brands, rng.sample(trades, rng.randint(2, 3)), strict=False
        ):
            add(
                county,
                EmployerKind.ENTERPRISE,
                _credit_code("91", county.code6, serials),
                f"{short}{brand}{ending}",
                industry,
                jobs,
                address=home,
            )
        industry, ending, jobs = rng.choice(_COOP_TRADES)
        add(
            county,
            EmployerKind.COOPERATIVE,
            _credit_code("93", county.code6, serials),
            f"{short}{brands[4]}{ending}",
            industry,
            jobs,
            address=home,
        )
        for code9, town in rng.sample(
            county.townships, min(len(county.townships), rng.randint(1, 2))
        ):
            industry, product, jobs = rng.choice(_WORKSHOP_TRADES)
            add(
                county,
                EmployerKind.WORKSHOP,
                _credit_code("92", county.code6, serials),
                f"{town}{product}扶贫车间",
                industry,
                jobs,
                address=f"{home}{town}",
                township9=code9,
            )
        industry, ending, jobs = _LABOUR_TRADE
        add(
            county,
            EmployerKind.LABOUR_SERVICE,
            _credit_code("91", county.code6, serials),
            f"{short}{brands[5]}{ending}",
            industry,
            jobs,
            address=home,
        )
        # Partners outside Gansu, registered by the county that sends workers to them.
        province = _PARTNER_BY_COUNTY.get(county.code6) or _PARTNER_BY_PREFECTURE.get(
            county.code6[:4], "天津市"
        )
        provinces = [province] + (
            ["浙江省" if province != "浙江省" else "天津市"] if rng.random() < 0.4 else []
        )
        for province in provinces:
            city, district, region6 = rng.choice(_PARTNER_SITES[province])
            industry, ending, jobs = (
                _HALAL_TRADE
                if county.muslim and rng.random() < 0.4
                else rng.choice(_PARTNER_TRADES)
            )
            add(
                county,
                EmployerKind.ENTERPRISE,
                _credit_code("91", region6, serials),
                f"{city}{rng.choice(_BRANDS)}{ending}",
                industry,
                jobs,
                province=province,
                address=f"{province}{district}" if province != "天津市" else f"天津市{district}",
            )

    for county in ctx.values():
        county.elsewhere = [
            e for c in ctx.values() if c is not county for e in c.employers[EmployerKind.ENTERPRISE]
        ]
    for e in plan.employers:
        _commitments(rng, e, plan, today)
        _job_posts(rng, e, plan, today)


def _commitments(rng, e: _Employer, plan: _Plan, today) -> None:
    obj = e.obj
    years = list(range(2019, today.year + 1))
    if e.obj.province != rules.GANSU:
        kinds = [CommitmentKind.INTERNSHIP] + (
            [CommitmentKind.ORDER_CLASS] if rng.random() < 0.3 else []
        )
    else:
        kinds = [CommitmentKind.PRIORITY_HIRING] if rng.random() < 0.5 else []
        if obj.kind == EmployerKind.ENTERPRISE and rng.random() < 0.25:
            kinds.append(CommitmentKind.SCHOLARSHIP)
    for kind in kinds:
        year = rng.choice(years[:3])
        if kind == CommitmentKind.SCHOLARSHIP:
            places, amount = rng.randint(10, 40), Decimal(rng.randint(2, 10) * 10000)
            text = "资助建档立卡贫困家庭子女就读技工院校"
        elif kind == CommitmentKind.INTERNSHIP:
            places, amount, text = rng.randint(10, 50), None, "技工院校贫困学生顶岗实习，包食宿"
        elif kind == CommitmentKind.ORDER_CLASS:
            places, amount, text = rng.randint(20, 60), None, "订单培训结业后直接录用"
        else:
            places, amount, text = rng.randint(5, 30), None, "同等条件下优先招用建档立卡贫困劳动力"
        plan.commitments.append(
            Commitment(
                employer=obj, kind=kind, year=year, places=places, amount=amount, description=text
            )
        )


def _job_posts(rng, e: _Employer, plan: _Plan, today) -> None:
    """Spring and autumn recruitment, mostly in the programme years; half have one open now."""
    obj = e.obj
    if obj.province != rules.GANSU:
        place, low, high = EmploymentPlace.OUT_OF_PROVINCE, *_WAGES[EmploymentPlace.OUT_OF_PROVINCE]
        location = obj.address
    else:
        place = EmploymentPlace.IN_COUNTY
        low, high = _WAGES[Channel.WORKSHOP if obj.kind == EmployerKind.WORKSHOP else place]
        location = obj.address.removeprefix("甘肃省")
    posts = []
    for year in range(2019, today.year + 1):
        for half in (2, 8):
            if rng.random() < (0.6 if year <= 2021 else 0.15):
                posted = date(year, half, 1) + timedelta(days=rng.randint(0, 60))
                posts.append((posted, posted + timedelta(days=rng.randint(90, 150))))
    if rng.random() < 0.5:
        posted = today - timedelta(days=rng.randint(3, 60))
        posts.append((posted, today + timedelta(days=rng.randint(15, 90))))
    for posted, closes in posts:
        if posted > today:
            continue
        title, occupation = rng.choice(e.jobs)
        wage_min = _wage(rng, low, (low + high) // 2)
        job = JobPost(
            employer=obj,
            title=title,
            occupation_id=occupation,
            wage_min=wage_min,
            wage_max=_wage(rng, int(wage_min), high),
            place=place,
            location=location,
            headcount=rng.choice((5, 10, 10, 20, 30, 50)),
            posted_on=posted,
            closes_on=closes,
            requirements=rng.choice(
                ("16—55 周岁，身体健康", "能吃苦耐劳，服从安排", "有相关培训证书者优先")
            ),
            region_code=obj.region_code,
            status=JobStatus.OPEN if closes >= today else JobStatus.CLOSED,
        )
        plan.jobs.append(job)
        plan.jobs_by_employer[obj.credit_code].append(job)


_SPECIAL_BRANDS = {  # a county's renowned workers (synthetic names)
    "622926": (("东乡手抓", "中式烹调师", "东乡手抓羊肉厨师，清真餐饮"),),
    "622921": (("临夏牛肉面师傅", "中式面点师", "兰州牛肉拉面师傅，遍布全国"),),
}
_BRAND_TEMPLATES = (
    ("{s}月嫂", "育婴员", "母婴护理、家政服务"),
    ("{s}巧手", None, "刺绣、编织等手工艺"),
    ("{s}厨师", "中式烹调师", "中式烹调"),
    ("{s}建筑工", "砌筑工", "建筑施工"),
    ("{s}焊工", "焊工", "持证电焊工"),
    ("{s}护工", "养老护理员", "养老护理"),
)


def _brands_and_programs(rng, ctx, plan: _Plan, occupations, regions, today) -> None:
    province = regions.get("620000000000")
    if province:
        for name, occupation, text in (
            ("陇原巧手", None, "全省妇女手工艺品牌"),
            ("陇原月嫂", "育婴员", "全省家政服务品牌"),
        ):
            plan.brands.append(
                LabourBrand(
                    name=name,
                    region_id=province,
                    region_code="620000000000",
                    occupation_id=occupations.get(occupation) if occupation else None,
                    description=text,
                )
            )
    for county in ctx.values():
        code12 = county.code6.ljust(12, "0")
        chosen = list(_SPECIAL_BRANDS.get(county.code6, ()))
        for template, occupation, text in rng.sample(
            _BRAND_TEMPLATES, 2 - len(chosen) if chosen else rng.randint(1, 2)
        ):
            chosen.append((template.format(s=county.info.short_name), occupation, text))
        brands = [
            LabourBrand(
                name=name,
                region_id=county.region,
                region_code=code12,
                occupation_id=occupations.get(occupation) if occupation else None,
                description=text,
            )
            for name, occupation, text in chosen
        ]
        plan.brands += brands
        # Organised transfers: to the partners outside Gansu and, by the labour company, within it.
        targets = [(e, e.obj.province, e.obj.address) for e in county.employers["partner"]]
        for e in county.employers[EmployerKind.LABOUR_SERVICE]:
            targets.append((e, rules.GANSU, rng.choice(_IN_PROVINCE_SITES)))
        for e, destination, city in targets:
            # 天津市滨海新区 keeps its municipality; 福建省厦门市湖里区 drops the province.
            city = city if destination.endswith("市") else city.removeprefix(destination)
            starts = [date(2019, 3, 1), date(2020, 3, 1)] + (
                [today - timedelta(days=300)] if rng.random() < 0.7 else []
            )
            for start in starts:
                start += timedelta(days=rng.randint(0, 45))
                end = start + timedelta(days=rng.randint(240, 330))
                program = LabourExportProgram(
                    name=f"{start.year}年{county.info.short_name}赴{city}劳务输转"[:100],
                    brand=rng.choice(brands) if rng.random() < 0.5 else None,
                    region_id=county.region,
                    region_code=code12,
                    destination_province=destination,
                    destination_city=city.removeprefix(destination) or city,
                    employer=e.obj,
                    start_date=start,
                    end_date=end if end < today else None,
                    planned_count=rng.choice((20, 30, 50, 80, 100)),
                )
                plan.programs.append(program)
                county.programs.append(program)


# --- who is there ------------------------------------------------------------------------


def _persons(data) -> dict[int, _Person]:
    """The demo villages' active labour-able people, by key (read once, in key order)."""
    villages = sorted(v.code12 for v in data.villages)
    out = {}
    for i in range(0, len(villages), 900):  # below SQLite's limit on query parameters
        rows = Person.objects.filter(
            village_code__in=villages[i : i + 900],
            status=PersonStatus.ACTIVE,
            labour_ability__in=ABLE_TO_WORK,
        ).values_list(
            "pk",
            "name",
            "gender",
            "village_code",
            "household_id",
            "birth_date",
            "ethnicity",
            "wants_job",
            "wants_business",
            "monthly_income",
        )
        for row in rows:
            out[row[0]] = _Person(*row)
    return dict(sorted(out.items()))


def _trainees(persons) -> dict[int, _Trainee]:
    """Each person's latest completed class (of classes that have ended), by person key."""
    rows = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.COMPLETED,
            training_class__status__in=[ClassStatus.COMPLETED, ClassStatus.ASSESSED],
        )
        .order_by("training_class__end_date", "training_class__code", "person_id")
        .values_list(
            "person_id",
            "training_class_id",
            "training_class__end_date",
            "training_class__training_type",
        )
    )
    out = {}
    for person_id, class_id, end, kind in rows:
        if person_id in persons:
            out[person_id] = _Trainee(persons[person_id], class_id, end, kind)
    return dict(sorted(out.items()))


# --- start-ups ---------------------------------------------------------------------------


def _startups(rng, ctx, plan: _Plan, persons, trainees, data, today) -> set[int]:
    """Some 创业培训 trainees and some who want a business start one; returns the founders."""
    villages = {v.code12: v.name for v in data.villages}
    places = dict(
        Region.objects.filter(
            code__in=list(villages) + [v.township_code9.ljust(12, "0") for v in data.villages]
        ).values_list("code", "pk")
    )
    founders: list[tuple[_Person, _Trainee | None, date]] = []
    for t in trainees.values():
        if t.training_type == TrainingType.ENTREPRENEURSHIP and rng.random() < 0.45:
            start = t.end_date + timedelta(days=rng.randint(20, 270))
            if start < today and _labourer(t.person, start):
                founders.append((t.person, t, start))
    wanting = [p for p in persons.values() if p.wants_business and p.pk not in trainees]
    for p in rng.sample(wanting, min(len(wanting), len(persons) // PERSONS_PER_FOUNDER + 1)):
        start = _day_between(rng, HISTORY_FROM, today - timedelta(days=30))
        if _labourer(p, start):
            founders.append((p, None, start))
    serials: dict[str, int] = {}
    leaders = 0
    for p, trainee, started in founders:
        county = ctx[p.village_code[:6]]
        short = county.info.short_name
        kind = _weighted(rng, _STARTUP_KINDS)
        if kind == StartupKind.COOPERATIVE:
            industry, what = rng.choice(_FARMS)
            name, prefix = f"{short}{rng.choice(_BRANDS)}{what}农民专业合作社", "93"
        elif kind == StartupKind.FAMILY_FARM:
            industry, what = rng.choice(_FARMS)
            name, prefix = f"{short}{p.name}{what}家庭农场", "92"
        elif kind == StartupKind.ONLINE_SHOP:
            industry, name, prefix = "电商", f"{p.name}的网店（{rng.choice(_ONLINE)}）", ""
        elif kind == StartupKind.ENTERPRISE:
            industry, what = rng.choice(_SHOPS)
            name, prefix = f"{short}{rng.choice(_BRANDS)}{industry}有限公司", "91"
        else:
            industry, what = rng.choice(_SHOPS)
            name, prefix = f"{short}{p.name}{what}", "92"
        village = p.village_code
        place = village if rng.random() < 0.8 else village[:9].ljust(12, "0")
        leader = rng.random() < 0.1 or not leaders  # the first is one, so that there is one
        if leader:  # 创业带头人: employs several poor labourers
            jobs = rng.randint(5, 20)
            poor = rng.randint(settings.JIFU_LEADER_MIN_POOR_JOBS, min(jobs, 12))
        else:
            jobs = rng.choice((0, 1, 1, 2, 2, 3, 4, 5))
            poor = rng.randint(0, min(jobs, 2))
        closed = None
        if not leader and rng.random() < 0.13:
            closed = started + timedelta(days=rng.randint(120, 900))
            closed = closed if closed < today else None
        leaders += leader
        startup = Startup(
            founder_id=p.pk,
            village_code=p.village_code,
            name=name[:100],
            kind=kind,
            industry=industry,
            registration_no=_credit_code(prefix, village[:6], serials, "MC") if prefix else "",
            started_on=started,
            place_id=places[place],
            place_code=place,
            address=f"{villages.get(village, '')}{rng.randint(1, 12)}社",
            training_class_id=trainee.class_id if trainee else None,
            incubated=rng.random() < 0.2,
            loan_amount=Decimal(rng.choice((30000, 50000, 80000, 100000, 150000)))
            if rng.random() < 0.4
            else None,
            subsidy_amount=Decimal(rng.choice((3000, 5000, 8000, 10000)))
            if rng.random() < 0.5
            else None,
            other_support=rng.choice(
                ("", "", "场地租金减免", "创业导师一对一指导", "电商平台入驻扶持")
            ),
            jobs_created=jobs,
            poor_jobs_created=poor,
            status=StartupStatus.CLOSED if closed else StartupStatus.OPERATING,
            closed_on=closed,
        )
        plan.startups.append(startup)
        _startup_visits(rng, startup, plan, today)
    return {s.founder_id for s in plan.startups}


def _startup_visits(rng, s: Startup, plan: _Plan, today) -> None:
    """A few visits; the last one states what the start-up shows now."""
    if s.status == StartupStatus.CLOSED:
        # The visit that found it closed: nobody is employed any more.
        s.jobs_created = s.poor_jobs_created = 0
        plan.startup_visits.append(
            StartupFollowUp(
                startup=s,
                village_code=s.village_code,
                visited_on=s.closed_on,
                operating=False,
                jobs=0,
                poor_jobs=0,
                note="已停业",
            )
        )
        return
    if rng.random() > 0.35:
        return
    first = s.started_on + timedelta(days=rng.randint(60, 240))
    if first >= today:
        return
    visits = [first]
    if rng.random() < 0.5:
        second = first + timedelta(days=rng.randint(90, 365))
        if second < today:
            visits.append(second)
    for n, on in enumerate(visits, start=1):
        last = n == len(visits)
        jobs = s.jobs_created if last else max(0, s.jobs_created - rng.randint(0, 2))
        poor = s.poor_jobs_created if last else min(jobs, s.poor_jobs_created)
        plan.startup_visits.append(
            StartupFollowUp(
                startup=s,
                village_code=s.village_code,
                visited_on=on,
                operating=True,
                jobs=jobs,
                poor_jobs=poor,
                monthly_revenue=Decimal(rng.randint(5, 80) * 1000),
            )
        )


# --- placements ----------------------------------------------------------------------------


def _placements(rng, ctx, plan: _Plan, persons, trainees, founders, today) -> None:
    """Trainees after their class, labourers without training, and new jobs after some ended."""
    latest = today - timedelta(days=1)
    for t in trainees.values():
        if t.person.pk in founders:
            continue
        roll = rng.random()
        if roll < WITHIN_SHARE:
            start = t.end_date + timedelta(days=rng.randint(3, WITHIN_MONTHS))
        elif roll < WITHIN_SHARE + LATER_SHARE:
            start = t.end_date + timedelta(days=rng.randint(WITHIN_MONTHS + 1, 540))
        else:
            continue  # not (yet) placed
        if start <= latest and _labourer(t.person, start):
            _place(rng, ctx, plan, t.person, start, today, training_class=t.class_id)

    # Labourers without training, most of them looking for work.
    pool = [p for p in persons.values() if p.pk not in trainees and p.pk not in founders]
    keyed = sorted(
        pool, key=lambda p: rng.random() ** (1 / (4 if p.wants_job else 1)), reverse=True
    )
    wanted = len(persons) // PERSONS_PER_UNTRAINED + 2
    recent_from = today - timedelta(days=RECENT_DAYS)
    recent, historic = [], []
    for p in keyed:
        if len(recent) + len(historic) >= wanted:
            break
        is_recent = rng.random() < 0.45
        if is_recent:
            start = _day_between(rng, recent_from, latest)
        else:
            start = _day_between(rng, HISTORY_FROM, recent_from)
        if _labourer(p, start):
            (recent if is_recent else historic).append((p, start))
    # Per county, someone in its first village (where the demo logins are) started a month
    # ago and has not been followed up yet: the due lists are never empty.
    grace = settings.JIFU_FOLLOWUP_GRACE_DAYS
    chosen = {p.pk for p, _ in recent + historic}
    firsts: dict[str, str] = {}
    for p in pool:
        county = p.village_code[:6]
        firsts[county] = min(firsts.get(county, p.village_code), p.village_code)
    villages, found = set(firsts.values()), {}
    for p in keyed:
        village = p.village_code
        if (
            village in villages
            and village not in found
            and p.pk not in chosen
            and _labourer(p, today)
        ):
            found[village] = p
    for county in sorted(firsts):
        if firsts[county] in found:
            days = rng.randint(0, max(0, grace - 4))  # months are short by up to 3 days
            start = today - timedelta(days=days) - relativedelta(months=1)
            recent.append((found[firsts[county]], start, True))
    for n, (p, start) in enumerate(historic):
        placement = _place(rng, ctx, plan, p, start, today)
        if n == 0:
            placement._lapse = 0  # one forgotten person: the overdue list is never empty
    for p, start, *forced in recent:
        placement = _place(rng, ctx, plan, p, start, today, can_end=not forced)
        placement._force_due = bool(forced)

    # Some who left a job found another.
    for placement in list(plan.placements):
        if (
            placement.end_date
            and len(plan.by_person[placement.person_id]) == 1
            and rng.random() < 0.4
        ):
            start = placement.end_date + timedelta(days=rng.randint(10, 200))
            p = persons[placement.person_id]
            if start <= latest and _labourer(p, start):
                _place(rng, ctx, plan, p, start, today, end_share=0.2)


def _place(
    rng,
    ctx,
    plan: _Plan,
    p: _Person,
    start: date,
    today,
    *,
    training_class=None,
    can_end=True,
    end_share=0.33,
) -> Placement:
    county = ctx[p.village_code[:6]]
    channel, place = _weighted(rng, _MIX_BY_GENDER.get(p.gender, _MIX))
    employer, name, province, location, program = _where(rng, ctx, county, p, channel, place, start)
    job = None
    if employer is not None:
        open_then = [
            j
            for j in plan.jobs_by_employer[employer.credit_code]
            if j.posted_on <= start <= j.closes_on
        ]
        if open_then and rng.random() < 0.6:
            job = rng.choice(open_then)
    if job is not None:
        wage = _wage(rng, int(job.wage_min), int(job.wage_max))
    else:
        wage = _wage(rng, *_WAGES.get(channel, _WAGES[place]))
    contract = {Channel.ORGANISED: 0.85, Channel.WORKSHOP: 0.7, Channel.PUBLIC_WELFARE: 1.0}.get(
        channel, 0.35
    )
    placement = Placement(
        person_id=p.pk,
        village_code=p.village_code,
        employer=employer,
        employer_name=(employer.name if employer else name)[:100],
        job=job,
        export_program=program,
        training_class_id=training_class,
        start_date=start,
        place=place,
        province=province,
        location=location[:100],
        monthly_wage=wage,
        has_contract=rng.random() < contract,
        channel=channel,
    )
    assert rules.place_problem(place, province) is None, (place, province)
    end = start + timedelta(days=rng.randint(20, 600))
    if can_end and rng.random() < end_share and end < today:
        placement.end_date, placement.status = end, PlacementStatus.LEFT
        reason = _weighted(rng, _LEAVE)
        if reason == LeaveReason.SEASONAL and place != EmploymentPlace.IN_COUNTY:
            reason = LeaveReason.CONTRACT_ENDED
        placement.leave_reason = reason
    placement._lapse = 3 + rng.randint(0, 9) if rng.random() < 0.08 else None  # follow-ups stopped
    placement._discovered = rng.random() < 0.6  # the end was found by a follow-up
    placement._force_due = False
    plan.placements.append(placement)
    plan.by_person[p.pk].append(placement)
    return placement


def _where(rng, ctx, county: _County, p: _Person, channel, place, start):
    """(employer, employer name, province, location, programme) of a job by channel and place."""
    short, employers, elsewhere = county.info.short_name, county.employers, county.elsewhere
    town = next((n for c9, n in county.townships if c9 == p.village_code[:9]), county.info.name)
    if channel == Channel.ORGANISED and place == EmploymentPlace.OUT_OF_PROVINCE:
        programs = [
            g for g in county.programs if g.destination_province != rules.GANSU and _runs(g, start)
        ]
        if programs:
            g = rng.choice(programs)
            return g.employer, "", g.employer.province, g.employer.address, g
        e = rng.choice(employers["partner"]).obj
        return e, "", e.province, e.address, None
    if channel == Channel.ORGANISED and place == EmploymentPlace.IN_PROVINCE:
        if elsewhere and rng.random() < 0.4:
            e = rng.choice(elsewhere).obj
            return e, "", rules.GANSU, e.address.removeprefix("甘肃省"), None
        programs = [
            g for g in county.programs if g.destination_province == rules.GANSU and _runs(g, start)
        ]
        g = rng.choice(programs) if programs else None
        e = g.employer if g else rng.choice(employers[EmployerKind.LABOUR_SERVICE]).obj
        return e, "", rules.GANSU, g.destination_city if g else rng.choice(_IN_PROVINCE_SITES), g
    if channel == Channel.WORKSHOP:
        shops = employers[EmployerKind.WORKSHOP]
        near = [w for w in shops if w.township9 == p.village_code[:9]]
        e = rng.choice(near or shops).obj
        return e, "", rules.GANSU, e.address.removeprefix("甘肃省"), None
    if channel == Channel.PUBLIC_WELFARE:
        return (
            None,
            f"{county.info.name}{rng.choice(_PUBLIC_POSTS)}公益性岗位",
            rules.GANSU,
            town,
            None,
        )
    if place == EmploymentPlace.IN_COUNTY:
        local = employers[EmployerKind.ENTERPRISE] + employers[EmployerKind.COOPERATIVE]
        if channel == Channel.ORGANISED or rng.random() < 0.5:
            e = rng.choice(local).obj
            return e, "", rules.GANSU, e.address.removeprefix("甘肃省"), None
        name = rng.choice(("个体经营", "灵活就业", f"{short}{rng.choice(_BRANDS)}商贸有限公司"))
        return None, name, rules.GANSU, town, None
    if place == EmploymentPlace.IN_PROVINCE:
        if elsewhere and rng.random() < 0.3:
            e = rng.choice(elsewhere).obj
            return e, "", rules.GANSU, e.address.removeprefix("甘肃省"), None
        name, city = rng.choice(_IN_PROVINCE_NAMES)
        return None, name.format(b=rng.choice(_BRANDS)), rules.GANSU, city, None
    if p.ethnicity in _MUSLIM and rng.random() < 0.45:
        city, province = rng.choice(_NOODLE_CITIES)
        return None, f"{city}{p.name[0]}家兰州牛肉拉面馆", province, f"{city}市", None
    name, province, city = rng.choice(_OUT_OF_PROVINCE_NAMES)
    return None, name.format(b=rng.choice(_BRANDS)), province, city, None


def _runs(program: LabourExportProgram, on: date) -> bool:
    return program.start_date <= on and (program.end_date is None or on <= program.end_date)


# --- follow-ups, 以工代训, recommendations -----------------------------------------------------


def _delay(rng) -> int:
    return rng.randint(0, 8) if rng.random() < 0.85 else rng.randint(9, 30)


@dataclass(slots=True)
class _FollowUpRow:
    """A follow-up for ``bulk.insert_rows``: the columns only (model instances are slow to make)."""

    placement_id: int
    village_code: str
    month_no: int
    due_on: date
    done_on: date | None = None
    still_employed: bool | None = None
    monthly_wage: Decimal | None = None
    leave_reason: str = ""
    note: str = ""
    cancelled: bool = False


def _follow_ups(rng, plan: _Plan, today, grace) -> list[_FollowUpRow]:
    """Twelve per placement: past ones mostly done; recent due ones mostly still waiting."""
    out = []
    for p in plan.placements:
        found = False  # the follow-up that found the person gone
        for n in range(1, FOLLOW_UP_MONTHS + 1):
            due = p.start_date + relativedelta(months=n)
            fu = _FollowUpRow(p.pk, p.village_code, n, due)
            lapsed = p._lapse is not None and n > p._lapse
            if p.end_date and due > p.end_date:
                if p._discovered and not found and due <= today and not lapsed:
                    found = True
                    fu.done_on = min(today, due + timedelta(days=_delay(rng)))
                    fu.still_employed, fu.leave_reason = False, p.leave_reason
                else:
                    fu.cancelled = True
            elif due <= today and not lapsed:
                age = (today - due).days
                chance = 0.3 if age <= grace else 0.93 if age > 365 else 0.85
                if p._force_due and age <= grace:
                    chance = 0.0
                if rng.random() < chance:
                    fu.done_on = min(today, p.end_date or today, due + timedelta(days=_delay(rng)))
                    fu.still_employed, fu.monthly_wage = True, p.monthly_wage
            out.append(fu)
    return out


def _work_training(rng, plan: _Plan, persons, today) -> list[WorkBasedTraining]:
    """以工代训 months of some poor employees of workshops and Gansu enterprises."""
    share = {
        EmployerKind.WORKSHOP: 0.7,
        EmployerKind.ENTERPRISE: 0.4,
        EmployerKind.COOPERATIVE: 0.3,
    }
    chosen = []
    for p in plan.placements:
        e = p.employer
        if e is None or e.province != rules.GANSU:
            continue
        if rng.random() < share.get(e.kind, 0):
            chosen.append(p)
    households = sorted({persons[p.person_id].household_id for p in chosen})
    periods = defaultdict(list)
    for i in range(0, len(households), 900):
        for hid, status, start, end in HouseholdStatusPeriod.objects.filter(
            household_id__in=households[i : i + 900]
        ).values_list("household_id", "status", "valid_from", "valid_to"):
            periods[hid].append((start, end, status))

    def poor_on(hid, day):
        current = [(s, st) for s, e, st in periods[hid] if s <= day and (e is None or e >= day)]
        return bool(current) and max(current)[1] in rules.POOR_STATUSES

    now = timezone.now()
    seen, rows = set(), []
    for p in chosen:
        person = persons[p.person_id]
        first = p.start_date.replace(day=1) + relativedelta(
            months=0 if p.start_date.day <= 15 else 1
        )
        occupation = p.job.occupation_id if p.job else None
        mentor = person_name(rng, "汉族", rng.choice("MF"))
        for k in range(rng.randint(1, 6)):
            month = first + relativedelta(months=k)
            month_end = month + relativedelta(months=1, days=-1)
            key = (p.employer.pk, p.person_id, month)
            if (
                not WORK_TRAINING_FROM <= month <= WORK_TRAINING_TO
                or month > today
                or p.start_date > month_end
                or (p.end_date and p.end_date < month)
                or key in seen
                or not _labourer(person, month)
                or not poor_on(person.household_id, month)
            ):
                continue
            seen.add(key)
            rows.append(
                WorkBasedTraining(
                    employer_id=p.employer.pk,
                    person_id=p.person_id,
                    placement_id=p.pk,
                    village_code=p.village_code,
                    month=month,
                    occupation_id=occupation,
                    training_hours=rng.choice((16, 20, 24, 32, 40)),
                    mentor=mentor,
                    wage=p.monthly_wage,
                    created_at=now,
                )
            )
    return rows


def _recommendations(rng, plan: _Plan, persons, today) -> list[Recommendation]:
    """Hired for the placements that came through a post; a few waiting on the open posts."""
    out, seen = [], set()
    for p in plan.placements:
        if p.job is not None and (p.job.pk, p.person_id) not in seen:
            seen.add((p.job.pk, p.person_id))
            on = max(p.job.posted_on, p.start_date - timedelta(days=rng.randint(3, 20)))
            out.append(
                Recommendation(
                    job_id=p.job.pk,
                    person_id=p.person_id,
                    village_code=p.village_code,
                    recommended_on=on,
                    status=RecommendationStatus.HIRED,
                )
            )
    working = {p.person_id for p in plan.placements if p.end_date is None}
    looking = defaultdict(list)
    for p in persons.values():
        if p.wants_job and p.pk not in working and _labourer(p, today):
            looking[p.village_code[:6]].append(p)
    for job in plan.jobs:
        if job.status != JobStatus.OPEN:
            continue
        pool = looking.get(job.employer.region_code[:6], [])
        for p in rng.sample(pool, min(len(pool), rng.randint(0, 3))):
            if (job.pk, p.pk) in seen:
                continue
            seen.add((job.pk, p.pk))
            declined = rng.random() < 0.3
            out.append(
                Recommendation(
                    job_id=job.pk,
                    person_id=p.pk,
                    village_code=p.village_code,
                    recommended_on=_day_between(rng, job.posted_on, today),
                    status=RecommendationStatus.DECLINED
                    if declined
                    else RecommendationStatus.RECOMMENDED,
                    note="本人暂不考虑该岗位" if declined else "",
                )
            )
    return out


def _sync_registry(counties: list[str]) -> int:
    """The registry's employment fields follow the latest job or start-up (as in services).

    Read back from the database, so that a second run, whose ledger import puts the
    ledger's employment fields back, brings the registry in step again.
    """
    in_demo = Q()
    for county in counties:
        in_demo |= Q(village_code__startswith=county)
    values: dict[int, tuple] = {}
    for founder, status, name, place_code, village, income in (
        Startup.objects.filter(in_demo)
        .order_by("started_on", "id")
        .values_list(
            "founder_id", "status", "name", "place_code", "village_code", "founder__monthly_income"
        )
    ):
        if status == StartupStatus.OPERATING:
            place = (
                EmploymentPlace.IN_COUNTY
                if place_code[:6] == village[:6]
                else EmploymentPlace.IN_PROVINCE
            )
            # As record_startup: the founder's own income stays.
            values[founder] = (EmploymentStatus.EMPLOYED, place, name[:100], income)
        else:
            values[founder] = (EmploymentStatus.UNEMPLOYED, "", "", None)
    for person, end, place, employer, wage in (
        Placement.objects.filter(in_demo)
        .order_by("start_date", "id")
        .values_list("person_id", "end_date", "place", "employer_name", "monthly_wage")
    ):  # the latest wins
        if end is None:
            values[person] = (EmploymentStatus.EMPLOYED, place, employer[:100], wage)
        else:
            values[person] = (EmploymentStatus.UNEMPLOYED, "", "", None)
    keys = sorted(values)
    now = timezone.now()
    columns = ("employment_status", "employment_place", "employer", "monthly_income")
    for i, column in enumerate(columns):
        bulk.update_column(Person, column, [(pk, values[pk][i]) for pk in keys])
    bulk.update_column(Person, "updated_at", [(pk, now) for pk in keys])
    return len(keys)
