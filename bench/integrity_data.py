"""Synthetic registry, training, employment and subsidy data for the integrity-scan
benchmark (``bench/integrity_scan.py``), written fast and with known planted cases.

Everything goes in with PostgreSQL ``COPY`` (through Django's connection), with
primary keys assigned here so that no row has to be looked up again; sequences
are moved past them at the end. One ``random.Random(seed)`` drives it all.

What the rules look at is modelled; the rest is filled plausibly and cheaply:

* households (35 deep-poverty counties, the demo generator's village plan)
  with status periods since 2014 (registered, then exited in the exit year);
* persons with birth dates, status (a few dead or moved), labour ability by
  age, village codes, ID numbers, phones and bank cards encrypted with the
  configured key ring (SM4-GCM by default; one ``encrypt`` + ``blind_index`` per
  distinct value, as ``registry.services.protect`` does). A household shares a
  phone (5 %) or the head's bank card (10 %) among its members, as real
  households do: that is not a finding;
* institutions (a technical school per prefecture, private schools per
  county) with approved occupations and licences; classes of 5–30 days from
  2018-09 to 2020-12 with statuses as of 2020-06-30; enrolments of eligible
  labourers of the class's county (10 % of trainees take a second,
  non-overlapping class in another occupation); attendance sessions and
  records for 8 % of finished classes; assessments and certificates; one
  subsidy claim per assessed class with a training line per qualified
  trainee (and a living-allowance line for some); placements after training.

The normal data breaks no rule. Then ``K = max(6, persons // 10,000)`` cases are
planted per rule (fewer or more where noted), each designed to make exactly one
finding, and counted in ``Built.planted`` — the number of findings the scan
should report for that rule.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from psycopg.types.json import Jsonb

from jifu.demo.names import _words

SCALES = {
    "small": (20_000, 8_000),
    "1m": (1_000_000, 400_000),
    "5m": (5_000_000, 2_000_000),
}

AS_OF = date(2020, 6, 30)  # statuses of classes and enrolments as of this day
BIRTH_AS_OF = 2018  # ages are drawn as of the end of the 2018 ledger year
FIRST_DAY, LAST_DAY = date(2018, 9, 1), date(2020, 12, 31)
REGISTERED_FROM = date(2014, 1, 1)
LICENCE_UNTIL = date(2021, 12, 31)
# Eligible trainees: 16..60 on every possible class start (2018-09-01 … 2020-12-31).
ELIGIBLE_BORN_AFTER, ELIGIBLE_BORN_BY = date(1960, 1, 1), date(2002, 9, 1)
ATTENDANCE_SHARE = 0.08  # finished classes with session-by-session attendance
SECOND_CLASS_SHARE = 0.10  # enrolments that are a trainee's second class
NOW = datetime(2020, 7, 1, 8, 0, tzinfo=UTC)

RULE_NAMES = (
    "overlapping_enrolment",
    "trainee_ineligible",
    "shared_account",
    "shared_phone",
    "certificate_anomaly",
    "subsidy_rule_breach",
    "impossible_attendance",
    "institution_out_of_scope",
    "placement_before_training_end",
    "out_of_area_trainees",
    "weak_perfect_attendance",
)

_SURNAMES = _words(
    "王 李 张 刘 马 杨 赵 陈 魏 郭 何 周 胡 高 牛 苏 朱 冯 罗 韩 曹 董 田 汪 妥 祁 包 雒 巩"
)
_GIVEN = _words(
    "文 明 华 强 军 伟 芳 英 兰 梅 花 秀 霞 红 玉 海 山 平 安 福 贵 成 忠 德 才 林 宁 春 燕 丽 娟 珍 "
    "虎 龙 勇 刚 志 国 建 学 小 有 存 永 生"
)
_ETHNIC = (("汉族", 80), ("回族", 12), ("东乡族", 4), ("藏族", 3), ("保安族", 1))
_SIZE = ((1, 4), (2, 10), (3, 16), (4, 24), (5, 22), (6, 13), (7, 7), (8, 3), (9, 1))
_POVERTY = (("registered", 42), ("exited", 48), ("edge", 6), ("ordinary", 4))
_EXIT_YEARS = ((2014, 5), (2015, 10), (2016, 15), (2017, 20), (2018, 25), (2019, 20), (2020, 5))
_EDU = ("illiterate", "primary", "junior", "senior", "vocational", "college")
_EDU_W = {
    "60+": (55, 35, 8, 1.5, 0.5, 0),
    "40-59": (22, 40, 30, 5, 2, 1),
    "23-39": (7, 23, 45, 10, 8, 7),
    "18-22": (3, 12, 50, 15, 12, 8),
}
_ABILITY_WORKING = (("ordinary", 68), ("skilled", 12), ("weak", 13), ("lost", 7))
_ABILITY_61_70 = (("weak", 55), ("ordinary", 15), ("lost", 15), ("none", 15))
_ABILITY_OLD = (("none", 60), ("lost", 25), ("weak", 15))
ABLE = frozenset(("ordinary", "skilled", "weak"))
_PLACES = (("in_county", 35), ("in_province", 30), ("out_of_province", 35))
_SOURCES = (("village", 40), ("township", 25), ("institution", 20), ("public", 10), ("county", 5))
_MODES = (("central", 50), ("to_village", 25), ("caravan", 10), ("workshop", 8), ("mentor", 7))
_TYPES = (
    ("employment", 70),
    ("pre_job", 10),
    ("women", 8),
    ("upgrade", 7),
    ("entrepreneurship", 5),
)
_BRANDS = _words("陇原 恒达 金源 鑫盛 华联 瑞丰 兴隆 宏远 祥和 丰泰 众诚 昌盛 嘉禾 福瑞 天成")


class _Weighted:
    """Weighted choice with one rng.random() and a bisect-free linear scan (few items)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        self.items = [p[0] for p in pairs]
        self.cum, acc = [], 0.0
        for _item, w in pairs:
            acc += w
            self.cum.append(acc)
        self.total = acc

    def pick(self, rng: random.Random):
        x = rng.random() * self.total
        for item, c in zip(self.items, self.cum, strict=True):
            if x < c:
                return item
        return self.items[-1]


SIZE, POVERTY, EXIT_YEAR = _Weighted(_SIZE), _Weighted(_POVERTY), _Weighted(_EXIT_YEARS)
ETHNIC = _Weighted(_ETHNIC)
EDU = {k: _Weighted(list(zip(_EDU, v, strict=True))) for k, v in _EDU_W.items()}
ABILITY_WORKING, ABILITY_61_70 = _Weighted(_ABILITY_WORKING), _Weighted(_ABILITY_61_70)
ABILITY_OLD, PLACES = _Weighted(_ABILITY_OLD), _Weighted(_PLACES)
SOURCES, MODES, TYPES = _Weighted(_SOURCES), _Weighted(_MODES), _Weighted(_TYPES)


def _luhn(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return payload + str(-total % 10)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# --- COPY --------------------------------------------------------------------------------------


class Copier:
    """COPY rows into a model's table, naming the fields; checks that every NOT NULL
    column without a default is given (Django puts defaults in Python, not the table)."""

    def __init__(self):
        self.counts: Counter = Counter()

    def columns(self, model, fields: list[str]) -> list[str]:
        meta = model._meta
        given = set(fields)
        missing = [
            f.name
            for f in meta.concrete_fields
            if not f.null and f.name not in given and not f.primary_key
        ]
        if missing:
            raise ValueError(f"{meta.label}: no value for NOT NULL {missing}")
        return [meta.get_field(name).column for name in fields]

    def copy(self, model, fields: list[str], rows) -> int:
        columns = ", ".join(f'"{c}"' for c in self.columns(model, fields))
        n = 0
        sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        self.counts[model._meta.label] += n
        return n


# --- the in-memory model of what was generated ----------------------------------------------------


@dataclass(slots=True)
class Klass:
    id: int
    code: str
    institution: int
    occupation: int
    level: int | None
    county6: str
    place_code: str
    place_id: int
    start: date
    end: date
    capacity: int
    status: str
    project: str
    fill: int
    taken: int = 0
    sessions: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(slots=True)
class Enrol:
    id: int
    klass: Klass
    person: int
    village_code: str
    household: int
    status: str
    present: int
    total: int
    source: str
    enrolled_on: date


@dataclass
class Built:
    persons: int = 0
    households: int = 0
    planted: dict = field(default_factory=lambda: dict.fromkeys(RULE_NAMES, 0))
    rows: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


class Builder:
    def __init__(self, persons: int, enrolments: int, seed: int, log=print):
        self.n_persons, self.n_enrolments, self.seed = persons, enrolments, seed
        self.rng = random.Random(seed)
        self.k = max(6, persons // 10_000)
        self.log = log
        self.copier = Copier()
        self.built = Built()
        from jifu.core import crypto

        self.ring = crypto.get_keyring()
        self.mask = {
            "id": crypto.mask_id_number,
            "phone": crypto.mask_phone,
            "bank": crypto.mask_bank_account,
        }
        from jifu.registry.services import name_initials

        self.initials = name_initials

    # --- helpers ---------------------------------------------------------------------------

    def protect(self, kind: str, context: str, value: str) -> tuple[str, str, str]:
        if not value:
            return ("", "", "")
        ring = self.ring
        return (
            ring.encrypt(value, context),
            ring.blind_index(value, context),
            self.mask[kind](value),
        )

    def name(self, rng) -> str:
        given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(_SURNAMES) + given

    # --- regions ---------------------------------------------------------------------------

    def regions(self):
        from jifu.demo import generator
        from jifu.regions.models import Region

        plan = generator._plan(
            random.Random(self.seed), self.n_persons, generator._resolve_counties(None)
        )
        self.plan = plan
        self.region_pk = dict(Region.objects.values_list("code", "pk"))
        missing = [p.village.code12 for p in plan if p.village.code12 not in self.region_pk]
        if missing:
            raise RuntimeError(f"{len(missing)} planned villages are not in the database")
        self.counties = sorted({p.county.code for p in plan})
        self.prefecture_of = {p.county.code: p.county.prefecture_code for p in plan}
        self.short_name = {p.county.code: p.county.short_name for p in plan}
        self.townships = defaultdict(list)
        for p in plan:
            t = p.village.township_code9
            if t not in self.townships[p.county.code]:
                self.townships[p.county.code].append(t)

    # --- 1. households and persons ----------------------------------------------------------

    def registry(self):
        from jifu.core.idnumber import make as make_id
        from jifu.registry.models import Household, HouseholdStatusPeriod, Person

        rng = self.rng
        hh_fields = [
            "id", "household_no", "village_code", "village", "poverty_status", "exit_year",
            "head", "address", "resettled", "helping_cadre", "created_at", "updated_at",
        ]  # fmt: skip
        period_fields = ["household", "status", "valid_from", "valid_to", "source"]
        person_fields = [
            "id", "household", "village_code", "name", "name_initials", "id_number_enc",
            "id_number_bidx", "id_number_masked", "gender", "birth_date", "ethnicity",
            "relation_to_head", "education", "phone_enc", "phone_bidx", "phone_masked",
            "health", "labour_ability", "employment_status", "employment_place", "employer",
            "monthly_income", "wants_training", "wanted_occupations", "wants_job",
            "wants_business", "bank_account_enc", "bank_account_bidx", "bank_account_masked",
            "status", "status_date", "created_at", "updated_at",
        ]  # fmt: skip
        # Planted cross-household shares: the head of a chosen household lists the
        # previous household's head's card (or phone). Never two chosen in a row.
        approx_households = max(10, int(self.n_persons / 4.6))
        share_acc = set(rng.sample(range(1, approx_households, 2), self.k))
        share_phone = set(rng.sample(range(2, approx_households, 2), self.k))
        self.pool: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
        id_serial: Counter = Counter()
        pid = hid = 0
        prev_head_bank = prev_head_phone = None
        hh_rows, period_rows, person_rows = [], [], []

        def flush():
            with transaction.atomic():
                self.copier.copy(Household, hh_fields, hh_rows)
                self.copier.copy(Person, person_fields, person_rows)
                self.copier.copy(HouseholdStatusPeriod, period_fields, period_rows)
            hh_rows.clear(), period_rows.clear(), person_rows.clear()

        for planned in self.plan:
            village = planned.village
            code12, county6 = village.code12, planned.county.code
            village_pk = self.region_pk[code12]
            remaining, serial = planned.quota, 0
            while remaining > 0:
                size = min(SIZE.pick(rng), remaining)
                remaining -= size
                serial += 1
                hid += 1
                status = POVERTY.pick(rng)
                exit_year = EXIT_YEAR.pick(rng) if status == "exited" else None
                if status == "exited":
                    period_rows.append(
                        (hid, "registered", REGISTERED_FROM, date(exit_year, 12, 31), "bench")
                    )
                    period_rows.append((hid, "exited", date(exit_year + 1, 1, 1), None, "bench"))
                else:
                    period_rows.append((hid, status, REGISTERED_FROM, None, "bench"))
                poor = status in ("registered", "exited")
                members = self._structure(rng, size)
                head_id = pid + 1
                heads_bank = heads_phone = None
                share_bank = rng.random() < 0.10
                share_ph = rng.random() < 0.05
                phone_holders = []
                for relation, gender, age in members:
                    pid += 1
                    birth_year = BIRTH_AS_OF - age
                    birth = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
                    region6 = county6
                    id_serial[(region6, birth, gender)] += 1
                    seq = (id_serial[(region6, birth, gender)] - 1) * 2 + (gender == "M")
                    id_number = make_id(region6, birth, seq)
                    name = self.name(rng)
                    if age < 16:
                        ability = "none"
                    elif age <= 60:
                        ability = ABILITY_WORKING.pick(rng)
                    elif age <= 70:
                        ability = ABILITY_61_70.pick(rng)
                    else:
                        ability = ABILITY_OLD.pick(rng)
                    if age < 6:
                        education = ""
                    elif age < 18:
                        education = "primary" if age < 12 else "junior"
                    else:
                        group = (
                            "18-22"
                            if age <= 22
                            else "23-39"
                            if age < 40
                            else "40-59"
                            if age < 60
                            else "60+"
                        )
                        education = EDU[group].pick(rng)
                    emp_status = place = employer = ""
                    income = None
                    training = job = business = False
                    wanted = ""
                    if 16 <= age <= 60 and ability in ABLE:
                        if rng.random() < 0.45:
                            emp_status, place = "employed", PLACES.pick(rng)
                            employer = f"{self.short_name[county6]}{rng.choice(_BRANDS)}有限公司"
                            income = rng.randint(12, 60) * 100
                        else:
                            emp_status = "unemployed"
                        training, job = rng.random() < 0.4, rng.random() < 0.3
                        business = rng.random() < 0.08
                        wanted = "|电工|" if training else ""
                    elif 16 <= age <= 60:
                        emp_status = "unable"
                    roll = rng.random()
                    p_status, status_date = "active", None
                    if roll < 0.008:
                        p_status = "dead"
                        status_date = date(2015, 1, 1) + timedelta(days=rng.randrange(2000))
                    elif roll < 0.012:
                        p_status = "moved"
                        status_date = date(2015, 1, 1) + timedelta(days=rng.randrange(2000))
                    # Phones and cards: unique numbers by construction.
                    phone = bank = None
                    if age >= 16 and rng.random() < (0.92 if age < 70 else 0.45):
                        phone = f"1{3 + pid % 6}{(pid * 7919 + 12345) % 10**9:09d}"
                    if age >= 18 and rng.random() < 0.9:
                        bank = _luhn(f"622848{(pid * 104729 + 99) % 10**12:012d}")
                    bank_t = self.protect("bank", "person.bank_account", bank)
                    phone_t = self.protect("phone", "person.phone", phone)
                    if relation == "head":
                        if hid in share_acc and prev_head_bank and bank:
                            bank_t = prev_head_bank
                            self.built.planted["shared_account"] += 1
                        if hid in share_phone and prev_head_phone and phone:
                            phone_t = prev_head_phone
                            self.built.planted["shared_phone"] += 1
                        heads_bank = bank_t if bank else None
                        heads_phone = phone_t if phone else None
                    elif relation == "spouse" and share_bank and heads_bank and bank:
                        bank_t = heads_bank  # one card for the household
                    if phone:
                        phone_holders.append(len(person_rows))
                    idn = self.protect("id", "person.id_number", id_number)
                    person_rows.append(
                        [
                            pid, hid, code12, name, self.initials(name), idn[0], idn[1], idn[2],
                            gender, birth, ETHNIC.pick(rng), relation, education,
                            phone_t[0], phone_t[1], phone_t[2], "healthy", ability, emp_status,
                            place, employer, income, training, wanted, job, business,
                            bank_t[0], bank_t[1], bank_t[2], p_status, status_date, NOW, NOW,
                        ]
                    )  # fmt: skip
                    if (
                        poor
                        and p_status == "active"
                        and ability in ABLE
                        and ELIGIBLE_BORN_AFTER < birth <= ELIGIBLE_BORN_BY
                    ):
                        self.pool[county6].append((pid, code12, hid))
                if share_ph and len(phone_holders) >= 2:
                    first, last = person_rows[phone_holders[0]], person_rows[phone_holders[-1]]
                    if last[0] != head_id:  # the head's own phone may be a planted share
                        last[13:16] = first[13:16]
                prev_head_bank, prev_head_phone = heads_bank, heads_phone
                hh_rows.append(
                    (
                        hid, f"{code12}{serial:06d}", code12, village_pk, status, exit_year,
                        head_id, f"{village.name}{rng.randint(1, 12)}社{rng.randint(1, 120)}号",
                        rng.random() < 0.08, "", NOW, NOW,
                    )
                )  # fmt: skip
            if len(person_rows) >= 50_000:
                flush()
                self.log(f"    … {pid:,} persons")
        flush()
        self.built.persons, self.built.households = pid, hid

    @staticmethod
    def _structure(rng, size):
        if size == 1:
            return [("head", "M" if rng.random() < 0.55 else "F", int(rng.triangular(30, 90, 72)))]
        head_age = int(rng.triangular(24, 82, 48))
        head_gender = "M" if rng.random() < 0.9 else "F"
        members = [("head", head_gender, head_age)]
        if rng.random() < 0.9:
            members.append(
                ("spouse", "F" if head_gender == "M" else "M", head_age + rng.randint(-5, 5))
            )
        if len(members) < size and head_age <= 60 and rng.random() < 0.2:
            g = "F" if rng.random() < 0.65 else "M"
            members.append(("mother" if g == "F" else "father", g, head_age + rng.randint(20, 32)))
        while len(members) < size:
            g = "M" if rng.random() < 0.52 else "F"
            age = rng.randint(max(0, head_age - 40), max(0, head_age - 18))
            members.append(("son" if g == "M" else "daughter", g, age))
        return members

    # --- 2. institutions and classes ---------------------------------------------------------

    def institutions(self):
        from jifu.core import creditcode
        from jifu.training.models import Institution, Occupation

        rng = self.rng
        occupations = list(Occupation.objects.filter(active=True).order_by("code"))
        self.occupation_code = {o.pk: o.code for o in occupations}
        everyday = [o.pk for o in occupations if not o.is_special_operation]
        self.all_occupations = [o.pk for o in occupations]
        rows, approved = [], {}
        self.schools, self.privates = {}, defaultdict(list)
        self.institution_rows = rows
        iid = 0
        per_county = Counter()
        for pool in self.pool.values():
            for _pid, code12, _hid in pool:
                per_county[code12[:6]] += 1
        total_pool = sum(per_county.values()) or 1
        for prefecture in sorted({self.prefecture_of[c][:4] for c in self.counties}):
            iid += 1
            code12 = prefecture + "00000000"
            rows.append(
                self._institution(
                    iid, creditcode.make(f"12{prefecture}00MB{int(prefecture):07d}"),
                    f"{prefecture}技工学校", "technical_school", code12, LICENCE_UNTIL,
                )
            )  # fmt: skip
            approved[iid] = list(self.all_occupations)
            self.schools[prefecture] = iid
        for county6 in self.counties:
            share = per_county[county6] / total_pool * self.n_enrolments
            n = max(2, round(share / 1500))
            for k in range(1, n + 1):
                iid += 1
                rows.append(
                    self._institution(
                        iid, creditcode.make(f"52{county6}MJ{k:07d}"),
                        f"{self.short_name[county6]}{rng.choice(_BRANDS)}职业培训学校{k}",
                        "private", county6.ljust(12, "0"), LICENCE_UNTIL,
                    )
                )  # fmt: skip
                approved[iid] = sorted(rng.sample(everyday, min(len(everyday), rng.randint(4, 7))))
                self.privates[county6].append(iid)
        self.approved = approved
        self.next_institution = iid
        self.Institution = Institution

    def _institution(self, iid, credit, name, kind, code12, until):
        return [
            iid, credit, name, kind, f"许可{iid:06d}", until, self.region_pk[code12], code12,
            "", "", "", "active", "", "", "",
        ]  # fmt: skip

    def classes(self):
        """Classes per county enough for its share of the enrolments; a class's fill is
        how many trainees it gets (never above its capacity)."""
        rng = self.rng
        total_pool = sum(len(p) for p in self.pool.values()) or 1
        self.klasses: list[Klass] = []
        self.by_county: dict[str, list[Klass]] = defaultdict(list)
        serial: Counter = Counter()
        span = (LAST_DAY - FIRST_DAY).days
        kid = 0
        for county6 in self.counties:
            pool = self.pool.get(county6, [])
            target = round(self.n_enrolments * len(pool) / total_pool)
            planned = 0
            while planned < target:
                kid += 1
                roll = rng.random()
                days = (
                    rng.randint(5, 15)
                    if roll < 0.6
                    else rng.randint(16, 25)
                    if roll < 0.85
                    else rng.randint(26, 30)
                )
                start = FIRST_DAY + timedelta(days=rng.randrange(span - days))
                end = start + timedelta(days=days - 1)
                if end < AS_OF:
                    status = "completed" if (AS_OF - end).days <= 30 else "assessed"
                else:
                    status = "running" if start <= AS_OF else "approved"
                if rng.random() < 0.15:
                    inst = self.schools[self.prefecture_of[county6][:4]]
                else:
                    inst = rng.choice(self.privates[county6])
                occupation = rng.choice(self.approved[inst])
                capacity = rng.randint(30, 45)
                fill = min(capacity, rng.randint(capacity - 14, capacity), target - planned)
                township = rng.choice(self.townships[county6])
                serial[(county6, start.year)] += 1
                k = Klass(
                    kid, f"PX{county6}{start.year}{serial[(county6, start.year)]:05d}", inst,
                    occupation, 5 if rng.random() < 0.6 else None, county6,
                    township + "000", self.region_pk[township + "000"], start, end, capacity,
                    status, "劳务输转项目" if rng.random() < 0.1 else "", fill,
                )  # fmt: skip
                planned += fill
                self.klasses.append(k)
                self.by_county[county6].append(k)

    # --- 3. enrolments -------------------------------------------------------------------------

    def enrolments(self):
        """First pass: each pool member at most once. Second pass: some take a second
        class in another occupation that does not overlap the first."""
        rng = self.rng
        self.enrols: list[Enrol] = []
        self.by_person: dict[int, list[Enrol]] = defaultdict(list)
        total = sum(k.fill for k in self.klasses)
        second_share = SECOND_CLASS_SHARE
        for county6 in self.counties:
            pool = self.pool.get(county6, [])
            rng.shuffle(pool)
            classes = self.by_county[county6]
            want_second = int(sum(k.fill for k in classes) * second_share)
            first_slots = [k for k in classes for _ in range(k.fill)]
            rng.shuffle(first_slots)
            first_slots = first_slots[: max(0, len(first_slots) - want_second)]
            i = 0
            for k in first_slots:
                if i >= len(pool):
                    break
                self._enrol(rng, k, pool[i])
                i += 1
            # Second classes: pick among those enrolled once, another occupation, no overlap.
            open_classes = [k for k in classes if k.taken < k.fill]
            tries = 0
            j = 0
            while open_classes and j < i and tries < 4 * want_second:
                tries += 1
                person = pool[j]
                j += 1
                first = self.by_person[person[0]][0].klass
                k = open_classes[rng.randrange(len(open_classes))]
                if k.occupation == first.occupation or not (
                    k.end < first.start or k.start > first.end
                ):
                    continue
                self._enrol(rng, k, person)
                if k.taken >= k.fill:
                    open_classes.remove(k)
        self.log(f"    {len(self.enrols):,} enrolments ({total:,} places planned)")

    def _enrol(self, rng, k: Klass, person, status: str | None = None) -> Enrol:
        pid, code12, hid = person
        first = k.taken == 0
        k.taken += 1
        withdrawn = not first and k.status != "approved" and rng.random() < 0.02
        if k.status in ("completed", "assessed"):
            st, total = "completed", k.days
        elif k.status == "running":
            st, total = "enrolled", (AS_OF - k.start).days + 1
        else:
            st, total = ("applied" if rng.random() < 0.3 else "enrolled"), 0
        if withdrawn:
            st = "withdrawn"
        if status:
            st, withdrawn = status, False
        present = self._attendance(rng, total, withdrawn)
        e = Enrol(
            len(self.enrols) + 1, k, pid, code12, hid, st, present, total, SOURCES.pick(rng),
            min(AS_OF, k.start - timedelta(days=rng.randint(3, 25))),
        )  # fmt: skip
        self.enrols.append(e)
        self.by_person[pid].append(e)
        return e

    @staticmethod
    def _attendance(rng, total: int, withdrawn: bool) -> int:
        if not total:
            return 0
        roll = rng.random()
        if withdrawn:
            rate = rng.uniform(0.1, 0.5)
        elif roll < 0.05:
            rate = rng.uniform(0.3, 0.69)
        else:
            rate = rng.uniform(0.75, 0.99)
        present = min(total, round(total * rate))
        if not withdrawn and roll >= 0.05:
            present = max(present, math.ceil(total * 0.7))
        return present

    # --- 4. planting ---------------------------------------------------------------------------

    def plant(self):
        """The planted cases, chosen among single-class trainees and untouched classes."""
        rng, k = self.rng, self.k
        planted = self.built.planted
        trained = ("enrolled", "completed")
        self.used_p: set[int] = set()
        self.used_c: set[int] = set()
        singles = [
            e for e in self.enrols if e.status in trained and len(self.by_person[e.person]) == 1
        ]
        rng.shuffle(singles)
        it = iter(singles)

        def take(cond=lambda e: True):
            for e in it:
                if e.person not in self.used_p and e.klass.id not in self.used_c and cond(e):
                    self.used_p.add(e.person)
                    return e
            raise RuntimeError("ran out of single-class trainees to plant cases on")

        # Attendance recorded session by session for some finished classes.
        finished = [
            c for c in self.klasses if c.status in ("completed", "assessed") and c.taken >= 8
        ]
        for c in rng.sample(finished, max(k, int(len(finished) * ATTENDANCE_SHARE))):
            c.sessions = True

        # Out of scope: an occupation the institution is not approved for (the first
        # fifth long and all-perfect: the weak attendance signal), or an expired licence.
        privates = [c for c in self.klasses if c.institution not in self.schools.values()]
        scope = []
        # Long, already started classes: their trainees have sessions to be perfect in.
        long_ones = [
            c
            for c in privates
            if c.days >= 20
            and c.taken >= 8
            and not c.sessions
            and c.status in ("running", "completed", "assessed")
        ]
        for c in rng.sample(long_ones, k // 5):
            scope.append(c)
        weak = list(scope)
        rest = [c for c in privates if c not in weak and not c.sessions]
        scope += rng.sample(rest, k - len(scope))
        for c in scope:
            others = [o for o in self.all_occupations if o not in self.approved[c.institution]]
            c.occupation = rng.choice(others)
            self.used_c.add(c.id)
        # A trainee's second class must still be in another occupation.
        for c in scope:
            for e in self._class_enrols(c):
                if len(self.by_person[e.person]) > 1:
                    occs = [x.klass.occupation for x in self.by_person[e.person]]
                    if len(set(occs)) < len(occs):
                        e.status = "withdrawn"  # not trained, no line: keeps the data clean
        for c in weak:
            for e in self._class_enrols(c):
                if e.status in trained:
                    e.present = e.total
        planted["weak_perfect_attendance"] = sum(
            1 for c in weak if sum(1 for e in self._class_enrols(c) if e.status in trained) >= 5
        )
        expired_inst = rng.sample(
            sorted({c.institution for c in privates if c.id not in self.used_c}), max(1, k // 50)
        )
        self.expired = {i: date(2020, 3, 31) for i in expired_inst}
        expired_classes = {
            c.id
            for c in self.klasses
            if c.institution in self.expired and c.start > date(2020, 3, 31)
        }
        planted["institution_out_of_scope"] = len({c.id for c in scope} | expired_classes)
        self.used_c |= expired_classes

        # Overlapping: a single-class trainee also in an overlapping class of the county.
        def overlapping(e):
            a = e.klass
            return [
                c
                for c in self.by_county[a.county6]
                if c.id != a.id
                and c.id not in self.used_c
                and not c.sessions
                and c.occupation != a.occupation
                and c.start <= a.end
                and a.start <= c.end
            ]

        for _ in range(k):
            e = take(lambda e: bool(overlapping(e)))
            c = rng.choice(overlapping(e))
            status = "enrolled" if c.status in ("running", "approved") else "completed"
            self._enrol(rng, c, (e.person, e.village_code, e.household), status=status)
            planted["overlapping_enrolment"] += 1

        # Ineligible trainees: too young, too old, dead before, unable, not poor then.
        self.person_updates: list[tuple[str, object, int]] = []
        self.not_poor: list[tuple[int, date]] = []
        hh_trained = Counter(e.household for e in self.enrols if e.status in trained)
        kinds = ["young", "old", "dead", "unable", "not_poor"]
        for i in range(k):
            kind = kinds[i % len(kinds)]
            one_trainee = (lambda e: hh_trained[e.household] == 1) if kind == "not_poor" else None
            e = take(one_trainee) if one_trainee else take()
            start = e.klass.start
            if kind == "young":
                self.person_updates.append(
                    ("birth_date", _years_before(start, 15) - timedelta(days=40), e.person)
                )
            elif kind == "old":
                self.person_updates.append(("birth_date", _years_before(start, 62), e.person))
            elif kind == "dead":
                self.person_updates.append(("status", "dead", e.person))
                self.person_updates.append(("status_date", start - timedelta(days=90), e.person))
            elif kind == "unable":
                self.person_updates.append(("labour_ability", "lost", e.person))
            else:
                self.not_poor.append((e.household, start + timedelta(days=30)))
            self.used_c.add(e.klass.id)  # its other trainees stay clean
            planted["trainee_ineligible"] += 1

        # Out of area: a new institution in another county takes over two classes.
        self.moved_institutions = []
        n_area = max(2, k // 25)
        candidates = [
            c
            for c in self.klasses
            if c.id not in self.used_c
            and not c.sessions
            and c.project == ""
            and c.taken >= 10
            and c.status in ("running", "completed", "assessed")
        ]
        rng.shuffle(candidates)
        for i in range(n_area):
            a, b = candidates[2 * i], candidates[2 * i + 1]
            home = rng.choice([c for c in self.counties if c not in (a.county6, b.county6)])
            self.next_institution += 1
            iid = self.next_institution
            from jifu.core import creditcode

            self.institution_rows.append(
                self._institution(
                    iid, creditcode.make(f"52{home}WX{iid:07d}"), f"外县招生培训学校{iid}",
                    "private", home.ljust(12, "0"), LICENCE_UNTIL,
                )
            )  # fmt: skip
            self.approved[iid] = sorted({a.occupation, b.occupation})
            township = rng.choice(self.townships[home])
            for c in (a, b):
                c.institution = iid
                c.place_code, c.place_id = township + "000", self.region_pk[township + "000"]
                self.used_c.add(c.id)
            planted["out_of_area_trainees"] += 1

    def _class_enrols(self, c: Klass):
        if not hasattr(self, "_by_class"):
            self._by_class = defaultdict(list)
            for e in self.enrols:
                self._by_class[e.klass.id].append(e)
        return self._by_class[c.id]

    # --- 5. writing training, attendance, certificates, claims, placements -------------------

    def write_training(self):
        from jifu.training.models import (
            Assessment,
            Attendance,
            AttendanceSession,
            Certificate,
            Enrolment,
            Institution,
            TrainingClass,
        )

        rng, k = self.rng, self.k
        planted = self.built.planted
        self.__dict__.pop("_by_class", None)
        for row in self.institution_rows:
            if row[0] in self.expired:
                row[5] = self.expired[row[0]]
        with transaction.atomic():
            self.copier.copy(
                Institution,
                [
                    "id", "credit_code", "name", "kind", "licence_no", "licence_valid_until",
                    "region", "region_code", "address", "contact_name", "contact_phone", "status",
                    "bank_name", "bank_account_enc", "bank_account_masked",
                ],
                self.institution_rows,
            )  # fmt: skip
            through = Institution.occupations.through
            self.copier.copy(
                through,
                ["institution", "occupation"],
                ((i, o) for i, occs in self.approved.items() for o in occs),
            )
            self.copier.copy(
                TrainingClass,
                [
                    "id", "code", "institution", "occupation", "level", "training_type",
                    "delivery_mode", "place", "place_code", "address", "start_date", "end_date",
                    "theory_hours", "practice_hours", "safety_hours", "capacity", "teachers",
                    "project", "status", "review_note", "created_at",
                ],
                (
                    (
                        c.id, c.code, c.institution, c.occupation, c.level, TYPES.pick(rng),
                        MODES.pick(rng), c.place_id, c.place_code, "", c.start, c.end,
                        c.days * 3, c.days * 5, 0, c.capacity, "", c.project, c.status, "", NOW,
                    )
                    for c in self.klasses
                ),
            )  # fmt: skip
        self.log(f"    {len(self.klasses):,} classes")

        # Attendance sessions and records, with two planted kinds of impossible record.
        by_class = defaultdict(list)
        for e in self.enrols:
            by_class[e.klass.id].append(e)
        session_classes = [c for c in self.klasses if c.sessions]
        rng.shuffle(session_classes)
        outside = [c for c in session_classes if c.id not in self.used_c][: k // 2]
        crowded = [c for c in session_classes if c.id not in self.used_c and c not in outside][
            : k - k // 2
        ]
        for c in outside + crowded:
            self.used_c.add(c.id)
        sid = 0

        def sessions():
            nonlocal sid
            for c in session_classes:
                for d in range(c.days):
                    sid += 1
                    yield (sid, c.id, c.start + timedelta(days=d), 1, "roster")
                if c in outside:
                    sid += 1
                    yield (sid, c.id, c.end + timedelta(days=3), 1, "roster")
                    planted["impossible_attendance"] += 1

        def records():
            s = 0
            for c in session_classes:
                enrols = by_class[c.id]
                for d in range(c.days):
                    s += 1
                    for e in enrols:
                        if e.total:
                            yield (s, e.id, "present" if d < e.present else "absent")
                if c in outside:
                    s += 1
                if c in crowded:
                    most = max(
                        sum(1 for e in enrols if e.total and d < e.present) for d in range(c.days)
                    )
                    c.capacity = most - 1
                    planted["impossible_attendance"] += 1

        # Certificates, with planted anomalies; assessments before them.
        cert_plants = {"early": [], "failed": [], "absent": []}
        candidates = [
            e
            for e in self.enrols
            if e.klass.status == "assessed"
            and e.status == "completed"
            and e.present >= math.ceil(e.total * 0.7)
        ]
        passed = {e.id for e in candidates if rng.random() < 0.88}
        certified = [e for e in candidates if e.id in passed]
        pickable = [
            e for e in certified if e.person not in self.used_p and e.klass.id not in self.used_c
        ]
        rng.shuffle(pickable)
        per = k // 4
        for kind, n in (("early", per), ("failed", per), ("absent", per)):
            for _ in range(n):
                e = pickable.pop()
                self.used_p.add(e.person)
                cert_plants[kind].append(e.id)
        early, failed, absent = (set(cert_plants[x]) for x in ("early", "failed", "absent"))
        for e in certified:
            if e.id in absent:
                e.present = e.total // 2
        planted["certificate_anomaly"] += len(early) + len(failed) + len(absent)

        with transaction.atomic():
            self.copier.copy(
                Enrolment,
                [
                    "id", "training_class", "person", "village_code", "status", "source",
                    "enrolled_on", "applicant_phone_enc", "applicant_phone_masked",
                    "sessions_present", "sessions_total",
                ],
                (
                    (
                        e.id, e.klass.id, e.person, e.village_code, e.status, e.source,
                        e.enrolled_on, "", "", e.present, e.total,
                    )
                    for e in self.enrols
                ),
            )  # fmt: skip
            # The records COPY sets the crowded classes' capacity as it goes: sessions first.
            self.copier.copy(
                AttendanceSession,
                ["id", "training_class", "date", "seq", "sign_in_method"],
                sessions(),
            )
            self.copier.copy(Attendance, ["session", "enrolment", "status"], records())
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE training_trainingclass SET capacity = %s WHERE id = %s",
                    [(c.capacity, c.id) for c in crowded],
                )
            self.copier.copy(
                Assessment,
                ["enrolment", "score", "result", "assessor", "assessed_on"],
                (
                    (
                        e.id,
                        70.0 if (e.id in passed and e.id not in failed) else 45.0,
                        "pass" if (e.id in passed and e.id not in failed) else "fail",
                        "考核组",
                        e.klass.end + timedelta(days=3),
                    )
                    for e in candidates
                ),
            )
            serial: Counter = Counter()
            self.certificates = []
            rows = []
            for e in certified:
                c = e.klass
                issued = (
                    c.end - timedelta(days=2)
                    if e.id in early
                    else c.end + timedelta(days=rng.randint(7, 30))
                )
                serial[issued.year] += 1
                number = f"CERT-{issued.year}-{serial[issued.year]:07d}"
                rows.append(
                    (
                        number, "skill_level" if c.level else "training", e.person, e.id,
                        c.occupation, c.level, "职业培训学校", issued, e.village_code,
                    )
                )  # fmt: skip
                self.certificates.append((number, e))
            # Numbers that are the same number written differently, held by another person.
            clean = [
                (n, e)
                for n, e in self.certificates
                if e.id not in early | failed | absent and e.person not in self.used_p
            ]
            others = [p for pool in self.pool.values() for p in pool[-(k * 2) :]]
            for i, (number, e) in enumerate(rng.sample(clean, k - 3 * per)):
                pid, code12, _hid = others[i]
                twin = number.lower().replace("-", " ", 1)
                rows.append(
                    (
                        twin,
                        "training",
                        pid,
                        None,
                        e.klass.occupation,
                        None,
                        "外地培训机构",
                        e.klass.end,
                        code12,
                    )
                )
                self.used_p.update((pid, e.person))
                planted["certificate_anomaly"] += 1
            cert_fields = [
                "number", "kind", "person", "enrolment", "occupation", "level", "issuer",
                "issued_on", "village_code",
            ]  # fmt: skip
            self.copier.copy(Certificate, cert_fields, rows)
        self.log(
            f"    {len(self.enrols):,} enrolments, {sid:,} sessions, "
            f"{self.copier.counts['training.Attendance']:,} attendance records, "
            f"{len(candidates):,} assessments, {len(rows):,} certificates"
        )

    def write_subsidies(self):
        from jifu.subsidies.models import ClaimLine, SubsidyClaim, SubsidyStandard

        rng, k = self.rng, self.k
        planted = self.built.planted
        province = "620000000000"
        with transaction.atomic():
            standards = {}
            for item, unit, amount in (
                ("training", "person", 1200),
                ("living", "day", 30),
                ("appraisal", "person", 150),
            ):
                standards[item] = SubsidyStandard.objects.create(
                    item=item, region_id=self.region_pk[province], region_code=province,
                    amount=amount, unit=unit, effective_from=date(2018, 1, 1),
                ).pk  # fmt: skip
        claim_rows, line_rows = [], []
        certified = {e.id for _n, e in self.certificates}
        by_class = defaultdict(list)
        for e in self.enrols:
            if e.id in certified:
                by_class[e.klass.id].append(e)
        living_seen = set()
        cid = 0
        self.training_lines = defaultdict(
            list
        )  # person → [(claim id, submitted, occupation, level)]
        for c in self.klasses:
            enrols = by_class.get(c.id)
            if not enrols:
                continue
            cid += 1
            submitted = datetime.combine(c.end + timedelta(days=40), datetime.min.time(), UTC)
            claim_rows.append(
                (
                    cid, f"BT{c.county6}{cid:08d}", "class", self.region_pk[c.county6.ljust(12, "0")],
                    c.county6.ljust(12, "0"), c.institution, c.id, "paid", submitted, [],
                )
            )  # fmt: skip
            code = self.occupation_code[c.occupation]
            for e in enrols:
                line_rows.append(
                    (cid, e.person, e.village_code, "training", f"{code}/{c.level or '-'}",
                     c.occupation, c.level, c.end.year, 1200, standards["training"], e.id, "paid")
                )  # fmt: skip
                self.training_lines[e.person].append((cid, submitted, c.occupation, c.level, c))
                if (e.person, c.end.year) not in living_seen and rng.random() < 0.4:
                    living_seen.add((e.person, c.end.year))
                    line_rows.append(
                        (cid, e.person, e.village_code, "living", str(c.end.year), None, None,
                         c.end.year, c.days * 30, standards["living"], e.id, "paid")
                    )  # fmt: skip
        # Planted breaches, each on its own person, in personal claims.
        singles = [
            (p, lines[0])
            for p, lines in self.training_lines.items()
            if len(lines) == 1 and lines[0][3] == 5 and p not in self.used_p
        ]
        rng.shuffle(singles)
        village_of = {e.person: e.village_code for e in self.enrols}
        per = k // 3
        kinds = ["over"] * per + ["twice"] * per + ["lower"] * (k - 2 * per)
        for kind, (person, (_claim, submitted, occ, _level, c)) in zip(
            kinds, singles, strict=False
        ):
            self.used_p.add(person)
            cid += 1
            when = submitted + (timedelta(days=-60) if kind == "lower" else timedelta(days=30))
            claim_rows.append(
                (
                    cid, f"GR{c.county6}{cid:08d}", "person", self.region_pk[c.county6.ljust(12, "0")],
                    c.county6.ljust(12, "0"), None, None, "submitted", when, [],
                )
            )  # fmt: skip
            vc = village_of[person]
            if kind == "over":
                occs = rng.sample([o for o in self.all_occupations if o != occ], 3)
                for o in occs:
                    line_rows.append(
                        (cid, person, vc, "appraisal", f"{self.occupation_code[o]}/5", o, 5,
                         c.end.year, 150, standards["appraisal"], None, "pending")
                    )  # fmt: skip
            elif kind == "twice":
                line_rows.append(
                    (cid, person, vc, "training", f"{self.occupation_code[occ]}/5#2", occ, 5,
                     c.end.year, 1200, standards["training"], None, "pending")
                )  # fmt: skip
            else:
                line_rows.append(
                    (cid, person, vc, "training", f"{self.occupation_code[occ]}/3", occ, 3,
                     c.end.year, 1200, standards["training"], None, "pending")
                )  # fmt: skip
            planted["subsidy_rule_breach"] += 1
        with transaction.atomic():
            self.copier.copy(
                SubsidyClaim,
                [
                    "id", "number", "kind", "region", "region_code", "institution",
                    "training_class", "status", "submitted_at", "refusals", "note", "review_note",
                ],
                ((*r[:9], Jsonb(r[9]), "", "") for r in claim_rows),
            )  # fmt: skip
            self.copier.copy(
                ClaimLine,
                [
                    "claim", "person", "village_code", "item", "period", "occupation", "level",
                    "year", "amount", "standard", "enrolment", "status", "rule", "payee_kind",
                    "quantity", "note",
                ],
                ((*r, "标准", "institution", 1, "") for r in line_rows),
            )  # fmt: skip
        self.log(f"    {len(claim_rows):,} claims, {len(line_rows):,} claim lines")

    def write_placements(self):
        from jifu.employment.models import Placement

        rng, k = self.rng, self.k
        planted = self.built.planted
        seen = set()
        rows = []
        for e in self.enrols:
            if e.status != "completed" or rng.random() >= 0.3:
                continue
            start = e.klass.end + timedelta(days=rng.randint(5, 150))
            if (e.person, start) in seen:
                continue
            seen.add((e.person, start))
            rows.append(self._placement(rng, e.person, e.village_code, e.klass.id, start))
        # Placements with no class, for people who found work by themselves.
        for pool in self.pool.values():
            for pid, code12, _hid in pool[::20]:
                start = date(2019, 1, 1) + timedelta(days=rng.randrange(700))
                if (pid, start) not in seen:
                    seen.add((pid, start))
                    rows.append(self._placement(rng, pid, code12, None, start))
        choices = [
            e
            for e in self.enrols
            if e.status == "completed"
            and e.person not in self.used_p
            and e.klass.id not in self.used_c
        ]
        for e in rng.sample(choices, k):
            start = e.klass.end - timedelta(days=rng.randint(1, 5))
            if (e.person, start) in seen:
                continue
            seen.add((e.person, start))
            self.used_p.add(e.person)
            rows.append(self._placement(rng, e.person, e.village_code, e.klass.id, start))
            planted["placement_before_training_end"] += 1
        with transaction.atomic():
            self.copier.copy(
                Placement,
                [
                    "person", "village_code", "employer_name", "training_class", "start_date",
                    "place", "province", "location", "monthly_wage", "has_contract", "channel",
                    "status", "leave_reason", "created_at",
                ],
                rows,
            )  # fmt: skip
        self.log(f"    {len(rows):,} placements")

    @staticmethod
    def _placement(rng, pid, code12, class_id, start):
        return (
            pid, code12, "兰州恒达建筑工程有限公司", class_id, start, PLACES.pick(rng), "甘肃省",
            "", rng.randint(20, 60) * 100, rng.random() < 0.6, "organised", "employed", "", NOW,
        )  # fmt: skip

    def apply_person_plants(self):
        from jifu.registry.models import HouseholdStatusPeriod

        with transaction.atomic(), connection.cursor() as cursor:
            for column, value, pid in self.person_updates:
                cursor.execute(
                    f'UPDATE registry_person SET "{column}" = %s WHERE id = %s',  # noqa: S608
                    [value, pid],
                )
            for hid, since in self.not_poor:
                HouseholdStatusPeriod.objects.filter(household_id=hid).delete()
                HouseholdStatusPeriod.objects.create(
                    household_id=hid, status="registered", valid_from=since, source="新识别"
                )

    def finish(self):
        """Move every sequence past the ids given here."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, a.attname, pg_get_serial_sequence(c.relname, a.attname) "
                "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace "
                "AND a.attname = 'id' AND pg_get_serial_sequence(c.relname, a.attname) IS NOT NULL"
            )
            for table, column, seq in cursor.fetchall():
                cursor.execute(
                    f'SELECT setval(%s, COALESCE((SELECT max("{column}") FROM "{table}"), 0) + 1, false)',  # noqa: S608
                    [seq],
                )

    def build(self) -> Built:
        import time

        steps = [
            ("regions", self.regions),
            ("households and persons", self.registry),
            ("institutions", self.institutions),
            ("classes", self.classes),
            ("enrolments", self.enrolments),
            ("planting", self.plant),
            ("training records", self.write_training),
            ("subsidies", self.write_subsidies),
            ("placements", self.write_placements),
            ("planted persons", self.apply_person_plants),
            ("sequences", self.finish),
        ]
        for name, step in steps:
            t0 = time.perf_counter()
            self.log(f"  {name} …")
            step()
            self.built.seconds[name] = round(time.perf_counter() - t0, 1)
        self.built.rows = dict(self.copier.counts)
        return self.built
