"""A planted data set for the integrity rules: every rule's cases and their look-alikes.

``build_planted(world)`` adds, to the test world of ``jifu.core.testing``, people
imported through the registry importer, institutions and classes declared and
approved through the training services, placements recorded through the
employment service and subsidy claim lines, and then plants in them, per rule,

* **cases** — what the rule must find, each with the exact subjects its
  finding must name (``(kind, key)`` pairs as ``rules.Subject`` keys them:
  a person by pk, a class by code, an institution by credit code, a
  certificate by number, an account by blind index, a claim line by pk) and
  the counties it touches, so that a scan of one county can be checked;
* **look-alikes** — legitimate data that resembles a case (the issue names
  families sharing a phone, back-to-back classes, a trainee who turns 16 on
  the first day), each with the subjects that no finding of the rule may name.

Where a service refuses a planted bad row (that is the point: such rows slip in
through imports and edits), the row is written with the ORM or
``QuerySet.update``. Look-alikes go through the services wherever they accept
them, which also shows that they are legitimate data. All dates are fixed
(2024–2025), so ages and periods do not depend on the day the tests run.

People are named in Chinese (the registry wants real-looking names) and keyed
in English: ``planted.person("overlap")``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from jifu.accounts.roles import Role
from jifu.core import creditcode
from jifu.core.testing import COUNTY_A, COUNTY_B, TOWNSHIP_A, TOWNSHIP_B
from jifu.employment import services as employment_services
from jifu.integrity.choices import Rule, Severity
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.importers import import_persons
from jifu.registry.models import Person
from jifu.registry.tests.factories import VILLAGE_A, VILLAGE_B, ledger, person
from jifu.subsidies.choices import ClaimKind, ClaimStatus, LineStatus, PayeeKind
from jifu.subsidies.models import ClaimLine, SubsidyClaim, SubsidyStandard
from jifu.subsidies.tests.fixtures import set_standards
from jifu.training import services as training_services
from jifu.training.choices import ClassStatus, EnrolmentSource, EnrolmentStatus
from jifu.training.models import (
    Assessment,
    Attendance,
    AttendanceSession,
    Certificate,
    Enrolment,
    Institution,
    Occupation,
    TrainingClass,
)
from jifu.training.tests.fixtures_public import make_institution

HOUSEKEEPING = "4-10-01-06"  # 家政服务员
ELDERCARE = "4-10-01-05"  # 养老护理员
ELECTRICIAN = "6-31-01-03"  # 电工
WELDER = "6-18-02-04"  # 焊工

A, B = COUNTY_A[:6], COUNTY_B[:6]  # the two counties' prefixes: "622926", "620121"
SIDE_COUNTY = {"a": A, "b": B}

# Import "today" of the ledger: households first seen with a non-poor status are
# that status from this day (registered ones from the start of registration).
LEDGER_DAY = date(2019, 6, 30)


# --- what is planted ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A planted case: the finding the rule must make, by its exact subjects."""

    rule: str
    name: str
    subjects: frozenset
    counties: frozenset
    severity: str
    why: str = ""


@dataclass(frozen=True)
class LookAlike:
    """Legitimate data resembling a case: no finding of ``rule`` may name any of ``subjects``."""

    rule: str
    name: str
    subjects: frozenset
    why: str = ""


@dataclass
class Planted:
    world: object
    persons: dict = field(default_factory=dict)  # key → Person
    id_numbers: dict = field(default_factory=dict)  # key → full ID number (synthetic)
    institutions: dict = field(default_factory=dict)  # key → Institution
    classes: dict = field(default_factory=dict)  # code → TrainingClass
    certificates: dict = field(default_factory=dict)  # key → Certificate
    lines: dict = field(default_factory=dict)  # key → ClaimLine
    accounts: dict = field(default_factory=dict)  # key → clear number (bank account or phone)
    cases: list = field(default_factory=list)
    lookalikes: list = field(default_factory=list)

    def __repr__(self):
        return f"<Planted: {len(self.cases)} cases, {len(self.lookalikes)} look-alikes>"

    # subjects, keyed as rules.Subject keys them
    def person(self, key: str) -> tuple:
        return ("person", str(self.persons[key].pk))

    def klass(self, code: str) -> tuple:
        return ("class", code)

    def institution(self, key: str) -> tuple:
        return ("institution", self.institutions[key].credit_code)

    def certificate(self, key: str) -> tuple:
        return ("certificate", self.certificates[key].number)

    def line(self, key: str) -> tuple:
        return ("claim_line", str(self.lines[key].pk))

    def account(self, field_name: str, value: str) -> tuple:
        return ("account", registry_services.protect(field_name, value).bidx)

    # the expectations
    def case(self, rule, name, subjects, *, counties=(A,), severity=Severity.HIGH, why=""):
        self.cases.append(Case(rule, name, frozenset(subjects), frozenset(counties), severity, why))

    def lookalike(self, rule, name, subjects, why=""):
        self.lookalikes.append(LookAlike(rule, name, frozenset(subjects), why))

    def cases_of(self, rule: str, county: str | None = None) -> list[Case]:
        return [
            c for c in self.cases if c.rule == rule and (county is None or county in c.counties)
        ]

    def lookalikes_of(self, rule: str) -> list[LookAlike]:
        return [x for x in self.lookalikes if x.rule == rule]

    def case_named(self, name: str) -> Case:
        return next(c for c in self.cases if c.name == name)


# --- people ---------------------------------------------------------------------------------------

_POOL_DIGITS = "壹贰叁肆伍陆柒捌玖拾"

# key, side, name, birth, household key (None: a household of their own), ledger overrides
PEOPLE = [
    # pools of ordinary eligible trainees for the attendance and out-of-area classes
    *[
        (f"a{n:02d}", "a", f"甲{_POOL_DIGITS[n - 1]}", date(1985 + n, 3, n), None, {})
        for n in range(1, 11)
    ],
    *[
        (f"b{n:02d}", "b", f"乙{_POOL_DIGITS[n - 1]}", date(1985 + n, 5, n), None, {})
        for n in range(1, 11)
    ],
    # 1 overlapping enrolments
    ("overlap", "a", "欧重叠", date(1990, 1, 10), None, {}),
    ("back_to_back", "a", "白背靠", date(1990, 1, 11), None, {}),
    ("withdrew", "a", "王退训", date(1990, 1, 12), None, {}),
    ("overlap_b", "b", "欧永叠", date(1990, 1, 13), None, {}),
    # 2 ineligible trainees (class EL-A starts 2025-04-01)
    ("too_young", "a", "杨未满", date(2009, 4, 2), None, {}),
    ("turns_16", "a", "唐满岁", date(2009, 4, 1), None, {}),
    ("too_old", "a", "高超龄", date(1964, 4, 1), None, {}),
    ("aged_60", "a", "葛六十", date(1964, 4, 2), None, {}),
    ("dead", "a", "邓已故", date(1980, 2, 2), None, {}),
    ("died_later", "a", "丁后故", date(1980, 2, 3), None, {}),
    ("moved", "a", "莫迁出", date(1980, 2, 4), None, {}),
    ("unable", "a", "吴丧失", date(1980, 2, 5), None, {"labour": "丧失劳动力"}),
    ("not_poor", "a", "钟一般", date(1980, 2, 6), None, {"status": "一般农户"}),
    ("poor_later", "a", "蓝后纳", date(1980, 2, 7), None, {"status": "边缘易致贫户"}),
    ("poor_before", "a", "程先纳", date(1980, 2, 8), None, {"status": "边缘易致贫户"}),
    ("exited", "a", "谢脱贫", date(1980, 2, 9), None, {"status": "已脱贫户", "exit_year": "2019"}),
    ("too_old_b", "b", "贺超龄", date(1960, 7, 7), None, {}),
    # 3 shared accounts and phones (values set below)
    ("acc_1", "a", "孙共卡", date(1986, 6, 1), None, {}),
    ("acc_2", "a", "钱共卡", date(1986, 6, 2), None, {}),
    ("phone_1", "a", "周共机", date(1986, 6, 3), None, {}),
    ("phone_2", "a", "冯共机", date(1986, 6, 4), None, {}),
    ("family_head", "a", "马家主", date(1976, 6, 5), "family", {}),
    ("family_spouse", "a", "韩家妻", date(1978, 6, 6), "family", {"relation": "配偶"}),
    ("family_son", "a", "马家子", date(2001, 6, 7), "family", {"relation": "子"}),
    ("phone_b1", "b", "朱共机", date(1986, 6, 8), None, {}),
    ("phone_b2", "b", "秦共机", date(1986, 6, 9), None, {}),
    # 4 certificates (class CERT-A ends 2025-06-28)
    ("cert_early", "a", "陈早证", date(1987, 7, 1), None, {}),
    ("cert_failed", "a", "曹未过", date(1987, 7, 2), None, {}),
    ("cert_absent", "a", "柴缺勤", date(1987, 7, 3), None, {}),
    ("cert_on_end", "a", "程当日", date(1987, 7, 4), None, {}),
    ("cert_70", "a", "齐七成", date(1987, 7, 5), None, {}),
    ("cert_dup_1", "a", "杜重号", date(1987, 7, 6), None, {}),
    ("cert_dup_2", "a", "段重号", date(1987, 7, 7), None, {}),
    ("cert_space_1", "a", "宋全角", date(1987, 7, 8), None, {}),
    ("cert_space_2", "a", "石全角", date(1987, 7, 9), None, {}),
    ("cert_similar", "a", "龚相似", date(1987, 7, 10), None, {}),
    ("cert_cross_a", "a", "许跨县", date(1987, 7, 11), None, {}),
    ("cert_cross_b", "b", "徐跨县", date(1987, 7, 12), None, {}),
    # 5 subsidy rule breaches
    ("many", "a", "马多次", date(1988, 8, 1), None, {}),
    ("three", "a", "牛三次", date(1988, 8, 2), None, {}),
    ("twice", "a", "侯重复", date(1988, 8, 3), None, {}),
    ("upward", "a", "范进阶", date(1988, 8, 4), None, {}),
    ("lower", "a", "罗降级", date(1988, 8, 5), None, {}),
    ("lower_rejected", "a", "任核减", date(1988, 8, 6), None, {}),
    ("twice_b", "b", "侯永复", date(1988, 8, 7), None, {}),
    # 8 placements (class PL-A ends 2025-07-20)
    ("placed_early", "a", "裴提前", date(1989, 9, 1), None, {}),
    ("placed_on_end", "a", "彭当天", date(1989, 9, 2), None, {}),
    ("placed_after", "a", "潘之后", date(1989, 9, 3), None, {}),
    ("placed_unclaimed", "a", "庞未计", date(1989, 9, 4), None, {}),
    ("placed_early_b", "b", "鲍提前", date(1989, 9, 5), None, {}),
]

SHARED_ACCOUNT = "6228480099990001111"
SHARED_PHONE = "13990001111"
FAMILY_PHONE = "13990002222"
FAMILY_ACCOUNT = "6228480099990002222"
SHARED_PHONE_B = "13990003333"
SHARED_VALUES = {
    "acc_1": {"bank": SHARED_ACCOUNT},
    "acc_2": {"bank": SHARED_ACCOUNT},
    "phone_1": {"phone": SHARED_PHONE},
    "phone_2": {"phone": SHARED_PHONE},
    "family_head": {"phone": FAMILY_PHONE, "bank": FAMILY_ACCOUNT},
    "family_spouse": {"phone": FAMILY_PHONE, "bank": FAMILY_ACCOUNT},
    "family_son": {"phone": FAMILY_PHONE, "bank": FAMILY_ACCOUNT},
    "phone_b1": {"phone": SHARED_PHONE_B},
    "phone_b2": {"phone": SHARED_PHONE_B},
}


def _household_no(side: str, n: int) -> str:
    village = (TOWNSHIP_A if side == "a" else TOWNSHIP_B)[:9] + "201"
    return f"{village}{n:06d}"


def _ledger_rows(overrides: dict | None = None) -> tuple[list[dict], dict]:
    """Rows of the planted ledger and key → ID number. Everyone has a phone and an
    account of their own, except the planted sharers and the family."""
    rows, numbers, households = [], {}, {}
    for n, (key, side, name, birth, household, extra) in enumerate(PEOPLE, start=1):
        hh_key = household or key
        if hh_key not in households:
            households[hh_key] = _household_no(side, 100 + len(households))
        values = {
            "phone": f"1350000{n:04d}",
            "bank": f"622848001234{n:07d}",
            "relation": "户主",
            **extra,
            **SHARED_VALUES.get(key, {}),
            **(overrides or {}).get(key, {}),
        }
        row = person(
            VILLAGE_A if side == "a" else VILLAGE_B,
            households[hh_key],
            name,
            birth,
            100 + n,
            **values,
        )
        rows.append(row)
        numbers[key] = row["身份证号码"]
    return rows, numbers


# --- helpers -----------------------------------------------------------------------------------------


def _occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def _institution(world, key: str, side: str, n: int, codes, licence_until=None) -> Institution:
    county = Region.objects.get(code=COUNTY_A if side == "a" else COUNTY_B)
    return training_services.save_institution(
        actor=None,
        credit_code=creditcode.make(f"91{county.code[:6]}MP{n:06d}{side.upper()}"),
        name=f"{key}培训学校",
        kind="private",
        licence_no=f"甘人社培字P{n:03d}",
        licence_valid_until=licence_until or date(2035, 12, 31),
        occupations=list(Occupation.objects.filter(code__in=codes)),
        region=county,
    )


def _class_values(code, occupation, start, days, capacity, side, project):
    occ = _occupation(occupation)
    place = Region.objects.get(code=TOWNSHIP_A if side == "a" else TOWNSHIP_B)
    return {
        "code": code,
        "occupation": occ,
        "level": 5,
        "training_type": "employment",
        "delivery_mode": "central",
        "place": place,
        "start_date": start,
        "end_date": start + timedelta(days=days - 1),
        "theory_hours": 40,
        "practice_hours": 60,
        "safety_hours": occ.min_safety_hours,
        "capacity": capacity,
        "address": "乡镇文化站",
        "project": project,
    }


class Builder:
    def __init__(self, world):
        self.p = Planted(world=world)
        self.world = world

    # classes
    def declared(
        self,
        institution,
        code,
        *,
        side="a",
        occupation=HOUSEKEEPING,
        start,
        days=20,
        capacity=12,
        project="",
    ) -> TrainingClass:
        """A class declared and approved through the training services."""
        values = _class_values(code, occupation, start, days, capacity, side, project)
        c = training_services.declare_class(
            actor=self.world.user(Role.INSTITUTION, side), institution=institution, **values
        )
        training_services.approve_class(c, actor=self.world.user(Role.COUNTY_HRSS, side))
        c.refresh_from_db()
        self.p.classes[code] = c
        return c

    def slipped_in(
        self,
        institution,
        code,
        *,
        side="a",
        occupation=HOUSEKEEPING,
        start,
        days=20,
        capacity=12,
        status=ClassStatus.ASSESSED,
    ) -> TrainingClass:
        """A class the services would refuse (outside the licence), written by the ORM."""
        values = _class_values(code, occupation, start, days, capacity, side, "")
        c = TrainingClass.objects.create(
            institution=institution, place_code=values["place"].code, status=status, **values
        )
        self.p.classes[code] = c
        return c

    def enrol(self, c, key, *, orm=False) -> Enrolment:
        person = self.p.persons[key]
        if orm:  # the service refuses it (overlap, a dead person, a full class)
            return Enrolment.objects.create(
                training_class=c,
                person=person,
                village_code=person.village_code,
                source=EnrolmentSource.IMPORT,
                enrolled_on=c.start_date - timedelta(days=7),
                status=EnrolmentStatus.ENROLLED,
            )
        side = "a" if person.village_code.startswith(A) else "b"
        return training_services.enrol(
            c,
            person,
            actor=self.world.user(Role.VILLAGE, side),
            source=EnrolmentSource.VILLAGE,
            on=c.start_date - timedelta(days=7),
        )

    def finish(self, c, *, days_attended: int | None = None, status=ClassStatus.ASSESSED):
        """The class is over: its trainees completed it (attending every day unless told)."""
        days = (c.end_date - c.start_date).days + 1
        present = days if days_attended is None else days_attended
        c.enrolments.filter(status=EnrolmentStatus.ENROLLED).update(
            status=EnrolmentStatus.COMPLETED, sessions_present=present, sessions_total=days
        )
        TrainingClass.objects.filter(pk=c.pk).update(status=status)
        c.refresh_from_db()


# --- the data set ---------------------------------------------------------------------------------


def build_planted(world) -> Planted:
    b = Builder(world)
    p = b.p
    set_standards(world)

    # People, through the registry importer. Two edge households become registered
    # poor later, by a second import on the day of the change.
    rows, numbers = _ledger_rows()
    report = import_persons(ledger(rows), filename="planted.csv", today=LEDGER_DAY)
    assert report.rejected == 0, report.errors
    for key, day in (("poor_later", date(2025, 6, 1)), ("poor_before", date(2025, 3, 1))):
        row = next(r for r in rows if r["身份证号码"] == numbers[key])
        changed = {**row, "贫困户属性": "建档立卡贫困户"}
        report = import_persons(ledger([changed]), filename=f"{key}.csv", today=day)
        assert report.rejected == 0, report.errors
    p.id_numbers = numbers
    for key, number in numbers.items():
        p.persons[key] = Person.objects.get(
            id_number_bidx=registry_services.id_number_index(number)
        )
    p.accounts = {
        "shared_account": SHARED_ACCOUNT,
        "shared_phone": SHARED_PHONE,
        "family_phone": FAMILY_PHONE,
        "family_account": FAMILY_ACCOUNT,
        "shared_phone_b": SHARED_PHONE_B,
    }

    inst_a, inst_b = make_institution(world, "a"), make_institution(world, "b")
    p.institutions.update(a=inst_a, b=inst_b)

    _overlapping_enrolment(b, inst_a, inst_b)
    _trainee_ineligible(b, inst_a, inst_b)
    _shared(b)
    _certificates(b, inst_a)
    _subsidy_breaches(b)
    oos = _attendance_and_scope(b, inst_a, inst_b)
    _placements(b, inst_a, inst_b)
    _out_of_area(b)
    p.institutions["out_of_scope"] = oos
    for key in list(p.persons):
        p.persons[key].refresh_from_db()
    return p


def _overlapping_enrolment(b: Builder, inst_a, inst_b):
    p = b.p
    x = b.declared(inst_a, "OV-X", start=date(2025, 8, 4))  # 08-04 … 08-23
    y = b.declared(inst_a, "OV-Y", occupation=ELECTRICIAN, start=date(2025, 8, 18))
    b.enrol(x, "overlap")
    b.enrol(y, "overlap", orm=True)  # the service refuses the overlap
    b.enrol(x, "withdrew")
    withdrawn = b.enrol(y, "withdrew", orm=True)
    # back to back: BB-1 ends 08-23, BB-2 starts 08-24
    bb1 = b.declared(inst_a, "BB-1", start=date(2025, 8, 4))
    bb2 = b.declared(inst_a, "BB-2", occupation=ELECTRICIAN, start=date(2025, 8, 24))
    b.enrol(bb1, "back_to_back")
    b.enrol(bb2, "back_to_back")  # the service accepts it: the dates do not overlap
    for c in (x, y, bb1, bb2):
        b.finish(c)
    Enrolment.objects.filter(pk=withdrawn.pk).update(status=EnrolmentStatus.WITHDRAWN)
    # county B: a class shares its last day with another's first
    bx = b.declared(inst_b, "OV-BX", side="b", start=date(2025, 8, 4))
    by = b.declared(inst_b, "OV-BY", side="b", occupation=ELECTRICIAN, start=date(2025, 8, 23))
    b.enrol(bx, "overlap_b")
    b.enrol(by, "overlap_b", orm=True)
    b.finish(bx)
    b.finish(by)

    rule = Rule.OVERLAPPING_ENROLMENT
    p.case(
        rule,
        "overlap.two_classes",
        {p.person("overlap"), p.klass("OV-X"), p.klass("OV-Y")},
        why="OV-X 08-04…08-23 and OV-Y 08-18…09-06",
    )
    p.case(
        rule,
        "overlap.county_b_one_shared_day",
        {p.person("overlap_b"), p.klass("OV-BX"), p.klass("OV-BY")},
        counties=(B,),
        why="OV-BX ends 08-23, the day OV-BY starts",
    )
    p.lookalike(
        rule, "overlap.back_to_back", {p.person("back_to_back")}, "BB-1 ends, BB-2 starts next day"
    )
    p.lookalike(
        rule, "overlap.withdrawn", {p.person("withdrew")}, "withdrew from the overlapping class"
    )


def _trainee_ineligible(b: Builder, inst_a, inst_b):
    p = b.p
    start = date(2025, 4, 1)
    c = b.declared(inst_a, "EL-A", start=start, capacity=20)
    actor = b.world.user(Role.COUNTY_POVERTY)
    for key in ("too_young", "turns_16", "too_old", "aged_60", "dead", "died_later", "moved",
                "unable", "not_poor", "poor_later", "poor_before", "exited"):  # fmt: skip
        b.enrol(c, key)  # the training service checks only that the person is active
    # Deaths and moves reported after the enrolment, dated before (and after) the start.
    registry_services.set_person_status(p.persons["dead"], "dead", date(2025, 3, 15), actor=actor)
    registry_services.set_person_status(p.persons["moved"], "moved", date(2025, 2, 1), actor=actor)
    registry_services.set_person_status(
        p.persons["died_later"], "dead", date(2025, 4, 10), actor=actor
    )
    b.finish(c)
    # One trainee missed two days: a flagged 20-day class, but not every record perfect.
    c.enrolments.filter(person=p.persons["aged_60"]).update(sessions_present=18)
    cb = b.declared(inst_b, "EL-B", side="b", start=start)
    b.enrol(cb, "too_old_b")
    b.finish(cb)

    rule = Rule.TRAINEE_INELIGIBLE
    for key, why in (
        ("too_young", "15 on 2025-04-01 (16 the next day)"),
        ("too_old", "61 on the first day"),
        ("dead", "died 2025-03-15"),
        ("moved", "moved away 2025-02-01"),
        ("unable", "丧失劳动力"),
        ("not_poor", "一般农户"),
        ("poor_later", "edge household registered only from 2025-06-01"),
    ):
        p.case(rule, f"ineligible.{key}", {p.person(key), p.klass("EL-A")}, why=why)
    p.case(
        rule, "ineligible.county_b_too_old", {p.person("too_old_b"), p.klass("EL-B")}, counties=(B,)
    )
    for key, why in (
        ("turns_16", "turns 16 on the first day"),
        ("aged_60", "60 on the first day (61 the next)"),
        ("died_later", "died after the class started"),
        ("poor_before", "registered from 2025-03-01, before the class"),
        ("exited", "已脱贫户 still count"),
    ):
        p.lookalike(rule, f"ineligible.{key}", {p.person(key)}, why)
    p.lookalike(
        Rule.IMPOSSIBLE_ATTENDANCE,
        "attendance.flagged_but_one_absence",
        {p.klass("EL-A")},
        "20 days, flagged by this rule 2, 11 of 12 trainees perfect",
    )


def _shared(b: Builder):
    p = b.p
    p.case(
        Rule.SHARED_ACCOUNT,
        "shared.account_two_households",
        {p.account("bank_account", SHARED_ACCOUNT), p.person("acc_1"), p.person("acc_2")},
    )
    p.case(
        Rule.SHARED_PHONE,
        "shared.phone_two_households",
        {p.account("phone", SHARED_PHONE), p.person("phone_1"), p.person("phone_2")},
        severity=Severity.MEDIUM,
    )
    p.case(
        Rule.SHARED_PHONE,
        "shared.phone_county_b",
        {p.account("phone", SHARED_PHONE_B), p.person("phone_b1"), p.person("phone_b2")},
        counties=(B,),
        severity=Severity.MEDIUM,
    )
    family = {p.person("family_head"), p.person("family_spouse"), p.person("family_son")}
    p.lookalike(
        Rule.SHARED_PHONE,
        "shared.family_phone",
        family | {p.account("phone", FAMILY_PHONE)},
        "one household",
    )
    p.lookalike(
        Rule.SHARED_ACCOUNT,
        "shared.family_account",
        family | {p.account("bank_account", FAMILY_ACCOUNT)},
        "one household",
    )


def _certificates(b: Builder, inst_a):
    p = b.p
    c = b.declared(inst_a, "CERT-A", start=date(2025, 6, 9))  # ends 06-28
    end = c.end_date
    keys = ["cert_early", "cert_failed", "cert_absent", "cert_on_end", "cert_70",
            "cert_dup_1", "cert_dup_2", "cert_space_1", "cert_space_2", "cert_similar"]  # fmt: skip
    enrolments = {key: b.enrol(c, key) for key in keys}
    b.finish(c)
    Enrolment.objects.filter(pk=enrolments["cert_absent"].pk).update(sessions_present=13)  # 65 %
    Enrolment.objects.filter(pk=enrolments["cert_70"].pk).update(sessions_present=14)  # 70 %
    for key, e in enrolments.items():
        Assessment.objects.create(
            enrolment=e,
            result="fail" if key == "cert_failed" else "pass",
            score=50 if key == "cert_failed" else 85,
            assessed_on=end,
        )
    actor = b.world.user(Role.INSTITUTION)
    later = end + timedelta(days=7)

    def issue(key, number, on=later, *, enrolment=True, orm=False):
        person = p.persons[key]
        fields = {
            "person": person,
            "kind": "training",
            "number": number,
            "occupation": _occupation(HOUSEKEEPING),
            "level": 5,
            "issuer": "东乡县人社局",
            "issued_on": on,
            "enrolment": enrolments[key] if enrolment else None,
        }
        if orm:  # the service refuses it, or would clean the number
            cert = Certificate.objects.create(village_code=person.village_code, **fields)
        else:
            cert = training_services.issue_certificate(actor=actor, **fields)
        p.certificates[key] = cert
        return cert

    issue("cert_early", "GS2025A0101", date(2025, 6, 20))  # the service does not check the date
    issue("cert_failed", "GS2025A0102", orm=True)
    issue("cert_absent", "GS2025A0103")
    issue("cert_on_end", "GS2025A0104", end)
    issue("cert_70", "GS2025A0105")
    issue("cert_dup_1", "GS-2025-A0001")
    issue("cert_dup_2", "gs 2025 a0001", orm=True)
    issue("cert_space_1", "GS2025A0002")
    issue("cert_space_2", "GS2025\u3000A0002", orm=True)  # an ideographic (full-width) space
    issue("cert_similar", "GS2025A0010")
    # A number given twice across the two counties (certificates of appraisals, no class).
    issue("cert_cross_a", "GS-2025-X0001", enrolment=False)
    issue("cert_cross_b", "gs2025x0001", enrolment=False, orm=True)

    rule = Rule.CERTIFICATE_ANOMALY
    for key, why in (
        ("cert_early", "issued 2025-06-20, the class ended 06-28"),
        ("cert_failed", "failed the assessment"),
        ("cert_absent", "attended 13 of 20 days (65 % < 70 %)"),
    ):
        p.case(
            rule,
            f"certificate.{key.removeprefix('cert_')}",
            {p.certificate(key), p.person(key), p.klass("CERT-A")},
            why=why,
        )
    p.case(
        rule,
        "certificate.duplicate_case_spaces_hyphens",
        {p.certificate("cert_dup_1"), p.certificate("cert_dup_2")}
        | {p.person("cert_dup_1"), p.person("cert_dup_2")},
        why="GS-2025-A0001 = gs 2025 a0001",
    )
    p.case(
        rule,
        "certificate.duplicate_ideographic_space",
        {p.certificate("cert_space_1"), p.certificate("cert_space_2")}
        | {p.person("cert_space_1"), p.person("cert_space_2")},
        why="GS2025A0002 = GS2025\u3000A0002 (U+3000 is a space)",
    )
    p.case(
        rule,
        "certificate.duplicate_across_counties",
        {p.certificate("cert_cross_a"), p.certificate("cert_cross_b")}
        | {p.person("cert_cross_a"), p.person("cert_cross_b")},
        counties=(A, B),
        why="GS-2025-X0001 in A = gs2025x0001 in B",
    )
    for key, why in (
        ("cert_on_end", "issued on the day the class ended"),
        ("cert_70", "attended exactly 70 %"),
        ("cert_similar", "GS2025A0010 differs from GS2025A0001 by a digit"),
    ):
        p.lookalike(rule, f"certificate.{key.removeprefix('cert_')}", {p.certificate(key)}, why)


def _subsidy_breaches(b: Builder):
    p = b.p
    world = b.world
    standards = {s.item: s for s in SubsidyStandard.objects.all()}
    submitter = world.user(Role.INSTITUTION)
    counter = iter(range(1, 1000))

    def line(key, name, item, *, year, occupation=None, level=None, period=None,
             submitted=None, status=LineStatus.PAID):  # fmt: skip
        person = p.persons[name]
        side_code = COUNTY_A if person.village_code.startswith(A) else COUNTY_B
        n = next(counter)
        occ = _occupation(occupation) if occupation else None
        if period is None:
            period = f"{occupation}/{level}" if occupation else str(year)
        claim = SubsidyClaim.objects.create(
            number=f"PLANT{n:05d}",
            kind=ClaimKind.PERSON,
            region=Region.objects.get(code=side_code),
            region_code=person.village_code,
            status=ClaimStatus.RECONCILED if status == LineStatus.PAID else ClaimStatus.SUBMITTED,
            submitted_by=submitter,
        )
        when = submitted or datetime(year, 5, 1, 10, 0)
        SubsidyClaim.objects.filter(pk=claim.pk).update(
            submitted_at=timezone.make_aware(when + timedelta(minutes=n))
        )
        standard = standards[item]
        p.lines[key] = ClaimLine.objects.create(
            claim=claim,
            person=person,
            village_code=person.village_code,
            item=item,
            period=period,
            occupation=occ,
            level=level,
            year=year,
            amount=standard.amount,
            rule=f"planted: {item}",
            standard=standard,
            payee_kind=PayeeKind.PERSON_BANK,
            status=status,
        )
        return p.lines[key]

    # more than 3 a year: 4 counted lines in 2025 (one of them still pending)
    line("many.1", "many", "training", year=2025, occupation=HOUSEKEEPING, level=5)
    line("many.2", "many", "training", year=2025, occupation=ELECTRICIAN, level=5)
    line("many.3", "many", "appraisal", year=2025, occupation=HOUSEKEEPING, level=5)
    line(
        "many.4", "many", "startup_training", year=2025, period="startup", status=LineStatus.PENDING
    )
    # exactly 3 in 2025; a 4th that was rejected, one in 2024 and a living allowance do not count
    line("three.1", "three", "training", year=2025, occupation=HOUSEKEEPING, level=5)
    line("three.2", "three", "training", year=2025, occupation=ELECTRICIAN, level=5)
    line("three.3", "three", "appraisal", year=2025, occupation=HOUSEKEEPING, level=5)
    line("three.rejected", "three", "startup_training", year=2025, period="startup",
         status=LineStatus.REJECTED)  # fmt: skip
    line("three.2024", "three", "training", year=2024, occupation=WELDER, level=5)
    line("three.living", "three", "living", year=2025)
    # same occupation and level twice (an import wrote the period differently)
    line("twice.1", "twice", "training", year=2024, occupation=HOUSEKEEPING, level=5)
    line("twice.2", "twice", "training", year=2025, occupation=HOUSEKEEPING, level=5,
         period="4-10-01-06-5", status=LineStatus.PENDING)  # fmt: skip
    line("twice_b.1", "twice_b", "training", year=2024, occupation=HOUSEKEEPING, level=5)
    line("twice_b.2", "twice_b", "training", year=2025, occupation=HOUSEKEEPING, level=5,
         period="4-10-01-06/5/2025", status=LineStatus.APPROVED)  # fmt: skip
    # upward: level 5 then level 4; training and appraisal of one occupation and level
    line("upward.1", "upward", "training", year=2024, occupation=HOUSEKEEPING, level=5)
    line("upward.2", "upward", "training", year=2025, occupation=HOUSEKEEPING, level=4)
    line("upward.3", "upward", "appraisal", year=2025, occupation=HOUSEKEEPING, level=4)
    # a lower level after a higher one: 电工 level 3 in 2024, then level 5 in 2025
    line("lower.1", "lower", "training", year=2024, occupation=ELECTRICIAN, level=3)
    line("lower.2", "lower", "training", year=2025, occupation=ELECTRICIAN, level=5,
         status=LineStatus.PENDING)  # fmt: skip
    # ... but the higher one was rejected
    line("lower_rejected.1", "lower_rejected", "training", year=2024, occupation=WELDER, level=3,
         status=LineStatus.REJECTED)  # fmt: skip
    line("lower_rejected.2", "lower_rejected", "training", year=2025, occupation=WELDER, level=5)

    rule = Rule.SUBSIDY_RULE_BREACH
    p.case(
        rule,
        "subsidy.four_in_2025",
        {p.person("many")} | {p.line(f"many.{n}") for n in range(1, 5)},
    )
    p.case(
        rule, "subsidy.same_level_twice", {p.person("twice"), p.line("twice.1"), p.line("twice.2")}
    )
    p.case(
        rule,
        "subsidy.same_level_twice_county_b",
        {p.person("twice_b"), p.line("twice_b.1"), p.line("twice_b.2")},
        counties=(B,),
    )
    p.case(rule, "subsidy.lower_after_higher", {p.person("lower"), p.line("lower.2")})
    p.lookalike(
        rule, "subsidy.three_in_2025", {p.person("three")}, "3 counted + rejected/2024/living"
    )
    p.lookalike(rule, "subsidy.upward", {p.person("upward")}, "5 then 4; training and appraisal")
    p.lookalike(
        rule, "subsidy.higher_rejected", {p.person("lower_rejected")}, "the higher was rejected"
    )


def _attendance_and_scope(b: Builder, inst_a, inst_b) -> Institution:
    p = b.p
    pool = [f"a{n:02d}" for n in range(1, 11)]
    # 6: a session the day after the class ended (the service refuses it)
    out = b.declared(inst_a, "ATT-OUT", start=date(2025, 1, 6), days=10, capacity=5)
    for key in pool[:5]:
        b.enrol(out, key)
    b.finish(out)
    AttendanceSession.objects.create(training_class=out, date=date(2025, 1, 16))
    # 6: four present at a session of a class of three
    crowd = b.declared(inst_a, "ATT-CROWD", start=date(2025, 1, 6), days=10, capacity=3)
    crowd_enrolments = [b.enrol(crowd, key) for key in pool[5:8]]
    crowd_enrolments.append(b.enrol(crowd, pool[8], orm=True))  # the class is full
    session = AttendanceSession.objects.create(training_class=crowd, date=date(2025, 1, 8))
    Attendance.objects.bulk_create(
        [Attendance(session=session, enrolment=e, status="present") for e in crowd_enrolments]
    )
    b.finish(crowd, days_attended=9)
    # look-alike: sessions on the first and the last day, as many present as places
    edge = b.declared(inst_a, "ATT-EDGE", start=date(2025, 2, 3), days=10, capacity=3)
    edge_enrolments = [b.enrol(edge, key) for key in pool[:3]]
    hrss, inst_user = b.world.user(Role.COUNTY_HRSS), b.world.user(Role.INSTITUTION)
    training_services.open_class(edge, actor=hrss)
    for day in (edge.start_date, edge.end_date):
        training_services.record_session(
            edge, actor=inst_user, day=day, statuses={e.pk: "present" for e in edge_enrolments}
        )
    training_services.complete_class(edge, actor=hrss)
    TrainingClass.objects.filter(pk=edge.pk).update(status=ClassStatus.ASSESSED)
    # 7: an institution approved for 家政 only ...
    oos = _institution(b.world, "超范围", "a", 1, [HOUSEKEEPING])
    # ... runs a 焊工 class,
    b.slipped_in(oos, "OOS-WELD", occupation=WELDER, start=date(2025, 5, 5))
    # ... and a 30-day 电工 class where all five trainees attended every day (6, weak)
    perfect = b.slipped_in(
        oos, "ATT-PERFECT", occupation=ELECTRICIAN, start=date(2025, 3, 3), days=30, capacity=5,
        status=ClassStatus.APPROVED,
    )  # fmt: skip
    for key in pool[:5]:
        b.enrol(perfect, key)
    b.finish(perfect)
    # look-alikes: out of scope but only declared, or rejected
    b.slipped_in(oos, "OOS-DECLARED", occupation=WELDER, start=date(2025, 10, 6), status="declared")
    b.slipped_in(oos, "OOS-REJECTED", occupation=WELDER, start=date(2025, 10, 6), status="rejected")
    # look-alike: 30 days, five trainees, every one every day, and nothing else wrong
    clean = b.declared(inst_a, "ATT-PERFECT-CLEAN", start=date(2025, 3, 3), days=30, capacity=5)
    for key in pool[5:10]:
        b.enrol(clean, key)
    b.finish(clean)
    # 7: a licence that lapsed on 2025-06-30
    lapsed = _institution(b.world, "过期", "a", 2, [HOUSEKEEPING], licence_until=date(2025, 6, 30))
    p.institutions["lapsed"] = lapsed
    b.slipped_in(lapsed, "LAP-AFTER", start=date(2025, 7, 1))
    b.finish(b.declared(lapsed, "LAP-LAST-DAY", start=date(2025, 6, 30)))
    b.finish(b.declared(lapsed, "LAP-BEFORE", start=date(2025, 5, 5)))
    # county B: a class outside the dates; a class outside the licence
    b_out = b.declared(inst_b, "ATT-B-OUT", side="b", start=date(2025, 1, 6), days=10, capacity=5)
    b.enrol(b_out, "b01")
    b.finish(b_out)
    AttendanceSession.objects.create(training_class=b_out, date=date(2025, 1, 5))
    b.slipped_in(inst_b, "OOS-B", side="b", occupation=ELDERCARE, start=date(2025, 5, 5))

    inst = {"a": ("institution", inst_a.credit_code), "oos": ("institution", oos.credit_code)}
    rule = Rule.IMPOSSIBLE_ATTENDANCE
    p.case(
        rule,
        "attendance.session_after_end",
        {p.klass("ATT-OUT"), inst["a"]},
        severity=Severity.MEDIUM,
    )
    p.case(
        rule,
        "attendance.more_present_than_places",
        {p.klass("ATT-CROWD"), inst["a"]},
        severity=Severity.MEDIUM,
    )
    p.case(
        rule,
        "attendance.session_before_start_county_b",
        {p.klass("ATT-B-OUT"), ("institution", inst_b.credit_code)},
        counties=(B,),
        severity=Severity.MEDIUM,
    )
    p.case(
        rule,
        "attendance.perfect_and_flagged",
        {p.klass("ATT-PERFECT"), inst["oos"]},
        severity=Severity.LOW,
        why="weak: 30 days, 5 of 5 perfect, and out of scope (rule 7)",
    )
    p.lookalike(rule, "attendance.first_and_last_day_full", {p.klass("ATT-EDGE")})
    p.lookalike(rule, "attendance.perfect_but_nothing_else", {p.klass("ATT-PERFECT-CLEAN")})
    rule = Rule.INSTITUTION_OUT_OF_SCOPE
    p.case(rule, "scope.occupation_not_approved", {p.klass("OOS-WELD"), inst["oos"]})
    p.case(rule, "scope.perfect_class_not_approved", {p.klass("ATT-PERFECT"), inst["oos"]})
    p.case(
        rule,
        "scope.after_licence_lapsed",
        {p.klass("LAP-AFTER"), ("institution", lapsed.credit_code)},
    )
    p.case(
        rule,
        "scope.county_b_occupation_not_approved",
        {p.klass("OOS-B"), ("institution", inst_b.credit_code)},
        counties=(B,),
    )
    p.lookalike(rule, "scope.only_declared", {p.klass("OOS-DECLARED")})
    p.lookalike(rule, "scope.rejected", {p.klass("OOS-REJECTED")})
    p.lookalike(rule, "scope.started_on_last_licence_day", {p.klass("LAP-LAST-DAY")})
    p.lookalike(rule, "scope.started_before_lapse", {p.klass("LAP-BEFORE")})
    return oos


def _placements(b: Builder, inst_a, inst_b):
    p = b.p
    c = b.declared(inst_a, "PL-A", start=date(2025, 7, 1))  # ends 07-20
    for key in ("placed_early", "placed_on_end", "placed_after", "placed_unclaimed"):
        b.enrol(c, key)
    b.finish(c)
    cb = b.declared(inst_b, "PL-B", side="b", start=date(2025, 7, 1))
    b.enrol(cb, "placed_early_b")
    b.finish(cb)

    def place(key, start, training_class, side="a"):
        employment_services.record_placement(
            p.persons[key],
            actor=b.world.user(Role.VILLAGE, side),
            employer_name="兰州某家政公司",
            start_date=start,
            place="in_province",
            province="甘肃省",
            location="兰州市城关区",
            monthly_wage=3200,
            has_contract=True,
            channel="organised",
            training_class=training_class,
        )

    # The employment service does not compare the job's start with the class's end.
    place("placed_early", date(2025, 7, 10), c)
    place("placed_on_end", date(2025, 7, 20), c)
    place("placed_after", date(2025, 8, 1), c)
    place("placed_unclaimed", date(2025, 7, 10), None)
    place("placed_early_b", date(2025, 7, 5), cb, side="b")

    rule = Rule.PLACEMENT_BEFORE_TRAINING_END
    p.case(
        rule,
        "placement.before_end",
        {p.person("placed_early"), p.klass("PL-A")},
        severity=Severity.MEDIUM,
    )
    p.case(
        rule,
        "placement.before_end_county_b",
        {p.person("placed_early_b"), p.klass("PL-B")},
        counties=(B,),
        severity=Severity.MEDIUM,
    )
    p.lookalike(rule, "placement.on_the_last_day", {p.person("placed_on_end")})
    p.lookalike(rule, "placement.after_the_end", {p.person("placed_after")})
    p.lookalike(rule, "placement.not_counted_as_outcome", {p.person("placed_unclaimed")})


def _out_of_area(b: Builder):
    p = b.p
    a_pool = [f"a{n:02d}" for n in range(1, 11)]
    b_pool = [f"b{n:02d}" for n in range(1, 11)]
    # 6 of 10 from county B, no labour-export project
    ooa = _institution(b.world, "外县生源", "a", 3, [HOUSEKEEPING])
    c = b.declared(ooa, "OOA-1", start=date(2025, 9, 1))
    for key in a_pool[:4] + b_pool[:6]:
        b.enrol(c, key)
    b.finish(c)
    # 10 of 10 from county B, for a labour-export project
    export = _institution(b.world, "劳务输转", "a", 4, [HOUSEKEEPING])
    c = b.declared(export, "EXP-1", start=date(2025, 10, 1), project="东西部劳务协作·天津输转")
    for key in b_pool:
        b.enrol(c, key)
    b.finish(c)
    # exactly half from county B
    half = _institution(b.world, "半数外县", "a", 5, [HOUSEKEEPING])
    c = b.declared(half, "HALF-1", start=date(2025, 11, 3))
    for key in a_pool[:5] + b_pool[:5]:
        b.enrol(c, key)
    b.finish(c)
    # an institution of county A holds a class in county B for ten trainees from county A
    roaming = _institution(b.world, "送培下乡", "a", 6, [HOUSEKEEPING])
    c = b.declared(roaming, "ROAM-B", side="b", start=date(2025, 12, 1))
    for key in a_pool:
        b.enrol(c, key)
    b.finish(c)
    p.institutions.update(out_of_area=ooa, export=export, half=half, roaming=roaming)

    rule = Rule.OUT_OF_AREA_TRAINEES
    p.case(
        rule,
        "area.six_of_ten_from_elsewhere",
        {p.institution("out_of_area")},
        severity=Severity.LOW,
    )
    p.case(
        rule,
        "area.class_held_in_another_county",
        {p.institution("roaming")},
        counties=(B,),
        severity=Severity.LOW,
        why="county A's institution, class ROAM-B in county B, 10 of 10 trainees from A",
    )
    p.lookalike(rule, "area.labour_export_project", {p.institution("export")})
    p.lookalike(rule, "area.exactly_half", {p.institution("half")})


def finding_of(case: Case):
    """The filed finding (``integrity.Finding``) of a planted case, found by its subjects."""
    from jifu.integrity.models import Finding

    for f in Finding.objects.filter(rule=case.rule):
        if {(s["kind"], s["key"]) for s in f.subjects} == case.subjects:
            return f
    raise AssertionError(f"no finding for {case.name}")


# --- fixture -------------------------------------------------------------------------------------


@pytest.fixture(name="planted")
def planted_fixture(world) -> Planted:
    return build_planted(world)
