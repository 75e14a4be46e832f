"""Demo training records for the demo registry: institutions, classes, trainees,
assessments and certificates, 2018-09 to 2020-12, as they stood on ``AS_OF``.

Deterministic for the seed (its own ``random.Random``, no clock) and consistent
with the rules the imports and screens enforce: classes only in an
institution's approved occupations with enough safety hours, trainees only
from the registry and never in two classes at once, assessments only at
sufficient attendance, certificates only for passes and with unique numbers.
Everything is inserted in bulk in one transaction with one audit event.
"""

import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from jifu.audit import services as audit
from jifu.core import creditcode
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.choices import PersonStatus
from jifu.registry.models import Person
from jifu.training import rules
from jifu.training.choices import (
    AssessmentResult,
    CertificateKind,
    ClassStatus,
    DeliveryMode,
    EnrolmentSource,
    EnrolmentStatus,
    InstitutionKind,
    InstitutionStatus,
    TrainingType,
)
from jifu.training.models import (
    Assessment,
    Certificate,
    Enrolment,
    Institution,
    Occupation,
    TrainingClass,
)

from . import generator
from .names import _words, person_name

AS_OF = date(2020, 6, 30)  # the demo shows the programme at mid-2020
FIRST_DAY, LAST_DAY = date(2018, 9, 1), date(2020, 12, 31)
LICENCE_UNTIL = date(2021, 12, 31)
PERSONS_PER_ENROLMENT = 8  # the default: about one enrolment per 8 registry persons
RECENTLY_ENDED = 30  # days after its end a class is still waiting for its assessment

_BRANDS = _words("陇原 恒达 金源 鑫盛 华联 瑞丰 兴隆 宏远 祥和 丰泰 众诚 昌盛 嘉禾 福瑞 天成")
# Wishes the catalogue has no occupation for, mapped to the nearest ones it has.
_NEAREST = {"农业技术员": ("农艺工", "园艺工", "食用菌生产工")}
_DAYS_BY_GROUP = {"农业实用技术": (5, 10), "建筑施工": (10, 20), "建筑与设备": (20, 30)}
_SOURCES = (
    (EnrolmentSource.VILLAGE, 40), (EnrolmentSource.TOWNSHIP, 25), (EnrolmentSource.INSTITUTION, 20),
    (EnrolmentSource.PUBLIC, 10), (EnrolmentSource.COUNTY, 5),
)  # fmt: skip
_MODES = (
    (DeliveryMode.CENTRAL, 50), (DeliveryMode.TO_VILLAGE, 25), (DeliveryMode.CARAVAN, 10),
    (DeliveryMode.WORKSHOP, 8), (DeliveryMode.MENTOR, 7),
)  # fmt: skip
_TYPES = (
    (TrainingType.EMPLOYMENT, 70), (TrainingType.PRE_JOB, 10), (TrainingType.WOMEN, 8),
    (TrainingType.UPGRADE, 7), (TrainingType.ENTREPRENEURSHIP, 5),
)  # fmt: skip


@dataclass
class TrainingResult:
    institutions: int = 0
    classes: int = 0
    enrolments: int = 0
    assessments: int = 0
    certificates: int = 0
    wanted: int = 0  # the enrolments asked for
    skipped: bool = False  # the demo institutions were already there


@dataclass
class _Candidate:
    pk: int
    name: str
    village_code: str
    wanted: list[int]  # occupation ids, most wanted first


@dataclass
class _Class:
    obj: TrainingClass
    county6: str
    room: int
    taken: int = 0


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _short_prefecture(name: str) -> str:
    return name[:2] + "州" if name.endswith("自治州") else name


def build(data: generator.DemoData, *, seed: int, enrolments: int | None = None) -> TrainingResult:
    """Add the demo's training records; ``enrolments`` defaults to one per 8 persons."""
    persons = sum(len(h.members) for h in data.households)
    wanted = persons // PERSONS_PER_ENROLMENT if enrolments is None else enrolments
    result = TrainingResult(wanted=wanted)
    counties = sorted({v.county_code6 for v in data.villages})
    if not counties:
        return result
    rng = random.Random(f"jifu-training-{seed}")
    occupations = list(Occupation.objects.filter(active=True).order_by("code"))
    if not occupations:
        return result
    by_name = {o.name: o for o in occupations}
    known = generator._counties()

    institutions, approved = _institutions(rng, counties, known, occupations)
    if Institution.objects.filter(credit_code__in=[i.credit_code for i in institutions]).exists():
        result.skipped = True  # a second run on the same database adds nothing
        return result

    candidates = _candidates(data, by_name)
    quotas = generator._apportion(
        min(wanted, 2 * sum(len(c) for c in candidates.values())),
        [len(candidates.get(c, ())) or 0.001 for c in counties],
    )
    classes: list[_Class] = []
    rows: list[tuple[_Candidate, _Class]] = []
    for county6, quota in zip(counties, quotas, strict=True):
        pool = candidates.get(county6, [])
        if not quota or not pool:
            continue
        mine = [i for i in institutions if i.region_code.startswith(county6)]
        school = next(i for i in institutions if i.region_code == county6[:4] + "00000000")
        county_classes = _classes(rng, county6, quota, pool, mine, school, approved, occupations)
        rows += _assign(rng, quota, pool, county_classes)
        # A class that has started has trainees; an empty one is dropped.
        kept = [c for c in county_classes if c.taken or c.obj.status == ClassStatus.APPROVED]
        _number(county6, kept)
        classes += kept

    with transaction.atomic():
        Institution.objects.bulk_create(institutions, batch_size=500)
        _with_pks(Institution, institutions, lambda o: o.credit_code, "credit_code")
        through = Institution.occupations.through
        through.objects.bulk_create(
            [
                through(institution_id=i.pk, occupation_id=o)
                for i in institutions
                for o in approved[i.credit_code]
            ],
            batch_size=1000,
        )
        class_objs = [c.obj for c in classes]
        TrainingClass.objects.bulk_create(class_objs, batch_size=500)
        _with_pks(TrainingClass, class_objs, lambda o: o.code, "code")
        enrolment_objs, assessments, certificates = _records(rng, rows)
        result.institutions, result.classes = len(institutions), len(class_objs)
        result.enrolments = len(enrolment_objs)
        result.assessments, result.certificates = len(assessments), len(certificates)
        audit.record(
            "create",
            object_type="training",
            object_repr="演示培训数据",
            region_code=_common_region(counties),
            message=f"seed={seed}",
            after={k: v for k, v in vars(result).items() if k != "skipped"},
        )
    return result


def _common_region(counties: list[str]) -> str:
    prefixes = {c[:4] for c in counties}
    return (next(iter(prefixes)) + "00" if len(prefixes) == 1 else "62").ljust(12, "0")


def _with_pks(model, objs, key, field) -> None:
    """bulk_create returns keys on PostgreSQL and SQLite ≥ 3.35; look them up elsewhere."""
    missing = [o for o in objs if o.pk is None]
    if missing:
        pks = dict(
            model.objects.filter(**{f"{field}__in": [key(o) for o in missing]}).values_list(
                field, "pk"
            )
        )
        for o in missing:
            o.pk = pks[key(o)]


# --- institutions ---------------------------------------------------------------------


def _institutions(rng, counties, known, occupations):
    """One technical school per prefecture and 1–3 private schools per county."""
    names = dict(
        Region.objects.filter(code__in={c[:4] + "00000000" for c in counties}).values_list(
            "code", "name"
        )
    )
    everyday = [o.pk for o in occupations if not o.is_special_operation]
    institutions, approved = [], {}
    for prefecture in sorted({c[:4] for c in counties}):
        code12 = prefecture + "00000000"
        school = Institution(
            credit_code=creditcode.make(f"12{prefecture}00MB{int(prefecture):07d}"),
            name=f"{_short_prefecture(names.get(code12, prefecture))}技工学校",
            kind=InstitutionKind.TECHNICAL_SCHOOL,
            licence_no=f"甘人社技字{prefecture}001号",
            licence_valid_until=LICENCE_UNTIL,
            region_id=Region.objects.get(code=code12).pk,
            region_code=code12,
            contact_name=person_name(rng, "汉族", rng.choice("MF")),
            contact_phone=_mobile(rng),
            status=InstitutionStatus.ACTIVE,
        )
        institutions.append(school)
        approved[school.credit_code] = [o.pk for o in occupations]  # it teaches the whole catalogue
    county_regions = dict(
        Region.objects.filter(code__in=[c.ljust(12, "0") for c in counties]).values_list(
            "code", "pk"
        )
    )
    for county6 in counties:
        brands = rng.sample(_BRANDS, rng.randint(1, 3))
        for n, brand in enumerate(brands, start=1):
            institution = Institution(
                credit_code=creditcode.make(f"52{county6}MJ{n:07d}"),
                name=f"{known[county6].short_name}县{brand}职业培训学校"
                if not known[county6].name.endswith(("区", "市"))
                else f"{known[county6].name}{brand}职业培训学校",
                kind=InstitutionKind.PRIVATE,
                licence_no=f"人社民{county6}{n:05d}号",
                licence_valid_until=LICENCE_UNTIL,
                region_id=county_regions[county6.ljust(12, "0")],
                region_code=county6.ljust(12, "0"),
                contact_name=person_name(rng, "汉族", rng.choice("MF")),
                contact_phone=_mobile(rng),
                status=InstitutionStatus.ACTIVE,
            )
            institutions.append(institution)
            # Private schools teach a handful of everyday occupations; special operations stay with the school.
            approved[institution.credit_code] = sorted(
                rng.sample(everyday, min(len(everyday), rng.randint(4, 7)))
            )
    return institutions, approved


# --- who wants training -----------------------------------------------------------------


def _candidates(data, by_name) -> dict[str, list[_Candidate]]:
    """Registry labourers who want training, by county, in the generator's order."""
    wishes = {}
    for household in data.households:
        for p in household.members:
            if p.wants_training:
                ids = []
                for name in p.wanted_occupations:
                    for nearest in (name, *_NEAREST.get(name, ())):
                        if nearest in by_name and by_name[nearest].pk not in ids:
                            ids.append(by_name[nearest].pk)
                wishes[registry_services.id_number_index(p.id_number)] = ids
    found: dict[str, Person] = {}
    keys = list(wishes)
    for i in range(0, len(keys), 900):  # below SQLite's limit on query parameters
        for person in Person.objects.filter(
            id_number_bidx__in=keys[i : i + 900], status=PersonStatus.ACTIVE
        ).only("pk", "name", "village_code", "id_number_bidx"):
            found[person.id_number_bidx] = person
    out: dict[str, list[_Candidate]] = {}
    for bidx, ids in wishes.items():
        person = found.get(bidx)
        if person is not None:
            out.setdefault(person.village_code[:6], []).append(
                _Candidate(person.pk, person.name, person.village_code, ids)
            )
    return out


# --- classes -----------------------------------------------------------------------------------


def _status_on(start: date, end: date) -> str:
    if end < AS_OF:
        return (
            ClassStatus.COMPLETED if (AS_OF - end).days <= RECENTLY_ENDED else ClassStatus.ASSESSED
        )
    return ClassStatus.RUNNING if start <= AS_OF else ClassStatus.APPROVED


def _classes(rng, county6, quota, pool, mine, school, approved, occupations) -> list[_Class]:
    """Enough classes for the county's quota, in the occupations its people want."""
    by_pk = {o.pk: o for o in occupations}
    demand = Counter(pk for c in pool for pk in c.wanted[:1])
    townships = Counter(c.village_code[:9] for c in pool)
    count = max(1, min(max(2, round(quota / 25)), quota // 5))  # classes of 5 or more
    out = []
    for _ in range(count):
        occupation = by_pk[rng.choices(list(by_pk), [demand.get(pk, 0) * 4 + 1 for pk in by_pk])[0]]
        teaching = [i for i in mine if occupation.pk in approved[i.credit_code]]
        institution = rng.choice(teaching) if teaching else school
        low, high = _DAYS_BY_GROUP.get(occupation.group, (7, 15))
        days = rng.randint(low, high)
        start = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days - days))
        end = start + timedelta(days=days - 1)
        hours = days * 8
        safety = (
            max(occupation.min_safety_hours, 16)
            if occupation.is_special_operation
            else rng.choice((0, 4, 8))
        )
        theory = round(hours * rng.uniform(0.25, 0.4))
        agriculture = occupation.group == "农业实用技术"
        township = rng.choices(list(townships), list(townships.values()))[0]
        status = _status_on(start, end)
        obj = TrainingClass(
            code="",
            institution=institution,
            occupation=occupation,
            level=None if agriculture or rng.random() < 0.3 else 5,
            training_type=TrainingType.AGRICULTURE if agriculture else _weighted(rng, _TYPES),
            delivery_mode=DeliveryMode.CENTRAL
            if occupation.is_special_operation
            else _weighted(rng, _MODES),
            place_id=None,
            place_code=township.ljust(12, "0"),
            start_date=start,
            end_date=end,
            theory_hours=theory,
            practice_hours=hours - theory - safety,
            safety_hours=safety,
            capacity=rng.randint(30, 45),
            status=status,
        )
        assert rules.safety_hours_problem(occupation, safety) is None
        out.append(_Class(obj, county6, obj.capacity))
    places = dict(
        Region.objects.filter(code__in={c.obj.place_code for c in out}).values_list("code", "pk")
    )
    for c in out:
        c.obj.place_id = places[c.obj.place_code]
    return out


def _number(county6: str, classes: list[_Class]) -> None:
    """Class codes in order of start: PX + county + year + serial (PX62292620190003)."""
    serial: Counter = Counter()
    for c in sorted(
        classes, key=lambda c: (c.obj.start_date, c.obj.occupation_id, c.obj.place_code)
    ):
        year = c.obj.start_date.year
        serial[year] += 1
        c.obj.code = f"PX{county6}{year}{serial[year]:04d}"


def _assign(rng, quota, pool, classes) -> list[tuple[_Candidate, _Class]]:
    """Put people in classes: their wanted occupation first, their township first, never two at once."""
    order = pool[:]
    rng.shuffle(order)
    taken: dict[int, list[_Class]] = {}
    rows = []
    by_occupation: dict[int, list[_Class]] = {}
    for c in classes:
        by_occupation.setdefault(c.obj.occupation_id, []).append(c)

    def free(person, c):
        return c.taken < c.room and all(
            o.obj.end_date < c.obj.start_date or o.obj.start_date > c.obj.end_date
            for o in taken.get(person.pk, ())
        )

    for _round in range(2):  # a second class for some when there are more places than people
        for person in order:
            if len(rows) >= quota:
                return rows
            wanted = [c for pk in person.wanted for c in by_occupation.get(pk, ())]
            options = [c for c in wanted if free(person, c)] or (
                [c for c in classes if free(person, c)] if rng.random() < 0.6 or _round else []
            )
            if not options:
                continue
            near = [c for c in options if c.obj.place_code[:9] == person.village_code[:9]]
            chosen = rng.choice(near or options)
            chosen.taken += 1
            taken.setdefault(person.pk, []).append(chosen)
            rows.append((person, chosen))
    return rows


# --- trainees, assessments, certificates ---------------------------------------------------


def _attendance(rng, total: int, withdrawn: bool) -> int:
    if not total:
        return 0
    roll = rng.random()
    if withdrawn:
        rate = rng.uniform(0.1, 0.5)
    elif roll < 0.05:
        rate = rng.uniform(0.3, 0.69)  # a few below the threshold
    elif roll < 0.12:
        rate = rng.uniform(0.7, 0.8)
    else:
        rate = rng.uniform(0.8, 1.0)  # most attend at least 80%
    present = min(total, round(total * rate))
    if not withdrawn and roll >= 0.05:
        present = max(present, math.ceil(total * rules.min_attendance()))
    return present


class _CertificateSerials:
    """CERT-2019-000123: numbered per year of issue, after any the database already has."""

    def __init__(self):
        self.last: dict[int, int] = {}

    def next(self, year: int) -> str:
        if year not in self.last:
            prefix = f"CERT-{year}-"
            numbers = Certificate.objects.filter(number__startswith=prefix).values_list(
                "number", flat=True
            )
            self.last[year] = max(
                (int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0
            )
        self.last[year] += 1
        return f"CERT-{year}-{self.last[year]:06d}"


def _records(rng, rows):
    """Enrolments (inserted here), then their assessments and certificates."""
    enrolments = []
    seen_in_class: Counter = Counter()
    for person, c in rows:
        cls = c.obj
        first = seen_in_class[cls.pk] == 0
        seen_in_class[cls.pk] += 1
        withdrawn = not first and cls.status != ClassStatus.APPROVED and rng.random() < 0.02
        if cls.status in (ClassStatus.COMPLETED, ClassStatus.ASSESSED):
            status, total = EnrolmentStatus.COMPLETED, (cls.end_date - cls.start_date).days + 1
        elif cls.status == ClassStatus.RUNNING:
            status, total = EnrolmentStatus.ENROLLED, (AS_OF - cls.start_date).days + 1
        else:
            status, total = (
                (EnrolmentStatus.APPLIED if rng.random() < 0.3 else EnrolmentStatus.ENROLLED),
                0,
            )
        enrolments.append(
            Enrolment(
                training_class=cls,
                person_id=person.pk,
                village_code=person.village_code,
                status=EnrolmentStatus.WITHDRAWN if withdrawn else status,
                source=_weighted(rng, _SOURCES),
                enrolled_on=min(AS_OF, cls.start_date - timedelta(days=rng.randint(3, 25))),
                sessions_present=_attendance(rng, total, withdrawn),
                sessions_total=total,
            )
        )
    Enrolment.objects.bulk_create(enrolments, batch_size=1000)
    if any(e.pk is None for e in enrolments):
        pks = {
            (c, p): pk
            for c, p, pk in Enrolment.objects.filter(
                training_class_id__in={e.training_class_id for e in enrolments}
            ).values_list("training_class_id", "person_id", "pk")
        }
        for e in enrolments:
            e.pk = pks[(e.training_class_id, e.person_id)]

    assessments, certificates, serial = [], [], _CertificateSerials()
    for e in enrolments:
        cls = e.training_class
        if cls.status != ClassStatus.ASSESSED or e.status != EnrolmentStatus.COMPLETED:
            continue
        if rules.attendance_problem(e):
            continue  # below the threshold: not assessed
        passed = rng.random() < 0.88
        score = round(rng.uniform(60, 98), 1) if passed else round(rng.uniform(35, 59.5), 1)
        on = min(AS_OF, cls.end_date + timedelta(days=rng.randint(1, 7)))
        assessments.append(
            Assessment(
                enrolment=e,
                result=AssessmentResult.PASS if passed else AssessmentResult.FAIL,
                score=score,
                assessor=f"{cls.institution.name}考核组",
                assessed_on=on,
            )
        )
        issued = on + timedelta(days=rng.randint(7, 30))
        if not passed or issued > AS_OF:
            continue  # failed, or the certificate is still being printed
        if cls.level and rng.random() < 0.5:
            kind, level = CertificateKind.SKILL_LEVEL, cls.level
        elif cls.occupation.group in ("家政服务", "农业实用技术") and rng.random() < 0.2:
            kind, level = CertificateKind.SPECIAL, None
        else:
            kind, level = CertificateKind.TRAINING, None
        certificates.append(
            Certificate(
                number=serial.next(issued.year),
                kind=kind,
                person_id=e.person_id,
                enrolment=e,
                occupation=cls.occupation,
                level=level,
                issuer=cls.institution.name,
                issued_on=issued,
                village_code=e.village_code,
            )
        )
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    Certificate.objects.bulk_create(certificates, batch_size=1000)
    return enrolments, assessments, certificates
