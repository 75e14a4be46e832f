"""The integrity rules: each a small function that asks the database one (or a
few) set-based questions and returns what it found, with its evidence.

A rule never loops over the population in Python: the SQL (GROUP BY, EXISTS,
self-joins) finds the suspicious rows, and Python only dresses up those few
rows as findings. Every rule takes ``prefix``, a region code prefix ("" for the
whole deployment), and matches persons by their village code under it.
Thresholds are settings (``JIFU_INTEGRITY_*``).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Replace, Substr, Upper

from jifu.registry.choices import ABLE_TO_WORK, PersonStatus, PovertyStatus
from jifu.registry.models import HouseholdStatusPeriod, Person
from jifu.training.choices import ClassStatus, EnrolmentStatus
from jifu.training.models import (
    Attendance,
    AttendanceSession,
    Certificate,
    Enrolment,
    Institution,
    TrainingClass,
)

from .choices import Rule, Severity, SubjectKind

# Households whose members count as registered poor labourers (已脱贫户 are still 建档立卡).
POOR = (PovertyStatus.REGISTERED, PovertyStatus.EXITED)
# Enrolments that were (or are being) trained: applications and withdrawals do not count.
TRAINED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
HELD = (ClassStatus.APPROVED, ClassStatus.RUNNING, ClassStatus.COMPLETED, ClassStatus.ASSESSED)


def setting(name: str, default):
    return getattr(settings, f"JIFU_INTEGRITY_{name}", default)


@dataclass
class Subject:
    kind: str
    key: str  # person pk, class code, credit code, certificate number, account index, line pk
    label: str  # what the UI shows: masked


@dataclass
class Found:
    rule: str
    severity: str
    detail: str
    region_code: str
    subjects: list[Subject] = field(default_factory=list)
    persons: set[int] = field(default_factory=set)
    classes: set[int] = field(default_factory=set)
    lines: set[int] = field(default_factory=set)
    # Encrypted values the operator's CLI may reveal: account key → (ciphertext, context).
    secrets: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        keys = sorted(f"{s.kind}:{s.key}" for s in self.subjects)
        return hashlib.sha256("|".join([self.rule, *keys]).encode()).hexdigest()


# --- subjects -----------------------------------------------------------------------------------


def person_subject(p) -> Subject:
    return Subject(SubjectKind.PERSON, str(p.pk), f"{p.name} {p.id_number_masked}")


def class_subject(c) -> Subject:
    return Subject(SubjectKind.CLASS, c.code, c.code)


def institution_subject(i) -> Subject:
    return Subject(SubjectKind.INSTITUTION, i.credit_code, i.name)


def _county(code: str) -> str:
    return code[:6] + "000000"


def _persons(ids) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.filter(pk__in=set(ids))}


def _classes(ids) -> dict[int, TrainingClass]:
    return {
        c.pk: c for c in TrainingClass.objects.filter(pk__in=set(ids)).select_related("institution")
    }


def _under(prefix: str, field_name: str) -> Q:
    return Q(**{f"{field_name}__startswith": prefix}) if prefix else Q()


def _date_number(path: str):
    """A date as the integer YYYYMMDD, so that whole years of age are a subtraction:
    age ≥ n on a day ⇔ day_number − birth_number ≥ n × 10000."""
    return ExtractYear(path) * Value(10000) + ExtractMonth(path) * Value(100) + ExtractDay(path)


# --- 1. overlapping enrolments -----------------------------------------------------------------


def overlapping_enrolment(prefix: str = "") -> list[Found]:
    e, c = Enrolment._meta.db_table, TrainingClass._meta.db_table
    marks = ", ".join(["%s"] * len(TRAINED))
    # Table names come from the models, every value is a parameter.
    sql = (
        "SELECT e1.person_id, e1.training_class_id, e2.training_class_id "  # noqa: S608
        f"FROM {e} e1 JOIN {e} e2 ON e2.person_id = e1.person_id AND e2.id > e1.id "
        f"JOIN {c} c1 ON c1.id = e1.training_class_id "
        f"JOIN {c} c2 ON c2.id = e2.training_class_id "
        f"WHERE e1.status IN ({marks}) AND e2.status IN ({marks}) "
        "AND c1.start_date <= c2.end_date AND c2.start_date <= c1.end_date "
        "AND e1.village_code LIKE %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*TRAINED, *TRAINED, prefix + "%"])
        pairs = cursor.fetchall()
    persons = _persons(p for p, _a, _b in pairs)
    classes = _classes([a for _p, a, _b in pairs] + [b for _p, _a, b in pairs])
    out = []
    for person_id, a, b in pairs:
        p, ca, cb = persons[person_id], classes[a], classes[b]
        out.append(
            Found(
                Rule.OVERLAPPING_ENROLMENT,
                Severity.HIGH,
                f"{p.name}同时参加 {ca.code}（{ca.start_date}—{ca.end_date}）和 "
                f"{cb.code}（{cb.start_date}—{cb.end_date}），日期重叠",
                _county(p.village_code),
                [person_subject(p), class_subject(ca), class_subject(cb)],
                persons={p.pk},
                classes={ca.pk, cb.pk},
            )
        )
    return out


# --- 2. ineligible trainees -------------------------------------------------------------------


def trainee_ineligible(prefix: str = "") -> list[Found]:
    """Too young or old at the class start, dead or moved away before it, unable
    to work, or not of a registered poor household on that day."""
    poor_then = HouseholdStatusPeriod.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("training_class__start_date")),
        household_id=OuterRef("person__household_id"),
        valid_from__lte=OuterRef("training_class__start_date"),
        status__in=POOR,
    )
    age = _date_number("training_class__start_date") - _date_number("person__birth_date")
    gone = Q(person__status__in=[PersonStatus.DEAD, PersonStatus.MOVED]) & (
        Q(person__status_date__isnull=True)
        | Q(person__status_date__lt=F("training_class__start_date"))
    )
    rows = (
        Enrolment.objects.filter(_under(prefix, "village_code"), status__in=TRAINED)
        .annotate(age_number=age, poor=Exists(poor_then))
        .filter(
            Q(age_number__lt=160000)
            | Q(age_number__gte=610000)
            | gone
            | ~Q(person__labour_ability__in=ABLE_TO_WORK)
            | Q(poor=False)
        )
        .select_related("person", "training_class")
    )
    out = []
    for e in rows:
        p, c = e.person, e.training_class
        reasons = []
        years = e.age_number // 10000
        if e.age_number < 160000 or e.age_number >= 610000:
            reasons.append(f"开班时 {years} 岁")
        if p.status in (PersonStatus.DEAD, PersonStatus.MOVED) and (
            p.status_date is None or p.status_date < c.start_date
        ):
            reasons.append(f"已于 {p.status_date or '开班前'} {p.get_status_display()}")
        if p.labour_ability not in ABLE_TO_WORK:
            reasons.append(p.get_labour_ability_display())
        if not e.poor:
            reasons.append("开班时不是建档立卡贫困户成员")
        out.append(
            Found(
                Rule.TRAINEE_INELIGIBLE,
                Severity.HIGH,
                f"{p.name}参加 {c.code}（{c.start_date} 开班）：" + "；".join(reasons),
                _county(p.village_code),
                [person_subject(p), class_subject(c)],
                persons={p.pk},
                classes={c.pk},
            )
        )
    return out


# --- 3. shared accounts and phones ----------------------------------------------------------------


def _shared(
    prefix: str, bidx: str, enc: str, masked: str, rule: str, severity: str, context: str, what: str
):
    minimum = setting("SHARED_MIN_HOUSEHOLDS", 2)
    candidates = (
        Person.objects.filter(_under(prefix, "village_code")).exclude(**{bidx: ""}).values(bidx)
    )
    groups = (
        Person.objects.filter(**{f"{bidx}__in": candidates})
        .values(bidx)
        .annotate(households=Count("household_id", distinct=True))
        .filter(households__gte=minimum)
        .values_list(bidx, flat=True)
    )
    members = defaultdict(list)
    for p in Person.objects.filter(**{f"{bidx}__in": list(groups)}).order_by("household_id", "id"):
        members[getattr(p, bidx)].append(p)
    out = []
    for key, people in members.items():
        households = {p.household_id for p in people}
        first = people[0]
        shown = getattr(first, masked)
        found = Found(
            rule,
            severity,
            f"{what} {shown} 被 {len(households)} 户 {len(people)} 人使用："
            + "、".join(p.name for p in people[:20])
            + ("……" if len(people) > 20 else ""),
            _county(first.village_code),
            [Subject(SubjectKind.ACCOUNT, key, shown), *(person_subject(p) for p in people)],
            persons={p.pk for p in people},
        )
        found.secrets[key] = (getattr(first, enc), context)
        out.append(found)
    return out


def shared_account(prefix: str = "") -> list[Found]:
    return _shared(
        prefix,
        "bank_account_bidx",
        "bank_account_enc",
        "bank_account_masked",
        Rule.SHARED_ACCOUNT,
        Severity.HIGH,
        "person.bank_account",
        "银行账号",
    )


def shared_phone(prefix: str = "") -> list[Found]:
    return _shared(
        prefix,
        "phone_bidx",
        "phone_enc",
        "phone_masked",
        Rule.SHARED_PHONE,
        Severity.MEDIUM,
        "person.phone",
        "手机号码",
    )


# --- 4. certificates -------------------------------------------------------------------------------


def certificate_anomaly(prefix: str = "") -> list[Found]:
    """Dated before the class ended; to a trainee who failed or attended too little;
    numbers that differ only in case, spaces or hyphens."""
    from jifu.training.rules import min_attendance

    share = round(min_attendance() * 100)
    rows = (
        Certificate.objects.filter(_under(prefix, "village_code"), enrolment__isnull=False)
        .filter(
            Q(issued_on__lt=F("enrolment__training_class__end_date"))
            | Q(enrolment__assessment__result="fail")
            | Q(
                enrolment__sessions_total__gt=0,
                enrolment__sessions_present__lt=F("enrolment__sessions_total") * share / 100.0,
            )
        )
        .select_related("person", "enrolment__training_class", "enrolment__assessment")
    )
    out = []
    for cert in rows:
        e, c, p = cert.enrolment, cert.enrolment.training_class, cert.person
        reasons = []
        if cert.issued_on < c.end_date:
            reasons.append(f"发证日期 {cert.issued_on} 早于结业日期 {c.end_date}")
        assessment = getattr(e, "assessment", None)
        if assessment is not None and assessment.result == "fail":
            reasons.append("结业考核不合格")
        if e.sessions_total and e.sessions_present * 100 < e.sessions_total * share:
            reasons.append(f"出勤 {e.sessions_present}/{e.sessions_total}，低于 {share}%")
        out.append(
            Found(
                Rule.CERTIFICATE_ANOMALY,
                Severity.HIGH,
                f"证书 {cert.number}（{p.name}，{c.code}）：" + "；".join(reasons),
                _county(p.village_code),
                [
                    Subject(SubjectKind.CERTIFICATE, cert.number, cert.number),
                    person_subject(p),
                    class_subject(c),
                ],
                persons={p.pk},
                classes={c.pk},
            )
        )
    normal = Upper("number")
    # Spaces (also full-width) and dashes of every width do not make a different number.
    for mark in (" ", "\u3000", "-", "－", "–", "—"):
        normal = Replace(normal, Value(mark), Value(""))
    dupes = (
        Certificate.objects.annotate(normal=normal)
        .values("normal")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("normal", flat=True)
    )
    # Groups with a member under the prefix, listed whole: a county scan must file the
    # same finding (same subjects, same fingerprint) as a province scan.
    touched = (
        Certificate.objects.annotate(normal=normal)
        .filter(normal__in=list(dupes))
        .filter(_under(prefix, "village_code"))
        .values_list("normal", flat=True)
    )
    groups = defaultdict(list)
    for cert in (
        Certificate.objects.annotate(normal=normal)
        .filter(normal__in=list(touched))
        .select_related("person")
        .order_by("number")
    ):
        groups[cert.normal].append(cert)
    for certs in groups.values():
        out.append(
            Found(
                Rule.CERTIFICATE_ANOMALY,
                Severity.HIGH,
                "证书编号实为同一号码："
                + "、".join(f"{c.number}（{c.person.name}）" for c in certs),
                _county(certs[0].village_code),
                [Subject(SubjectKind.CERTIFICATE, c.number, c.number) for c in certs]
                + [person_subject(c.person) for c in certs],
                persons={c.person_id for c in certs},
            )
        )
    return out


# --- 5. subsidy rule breaches ------------------------------------------------------------------------


def subsidy_rule_breach(prefix: str = "") -> list[Found]:
    """Live claim lines that break the eligibility rules, however they got in."""
    from jifu.subsidies.choices import LIVE_LINE_STATUSES
    from jifu.subsidies.models import ClaimLine, EligibilityRule
    from jifu.subsidies.rules import COUNTED_PER_YEAR

    live = ClaimLine.objects.filter(_under(prefix, "village_code"), status__in=LIVE_LINE_STATUSES)
    rule = EligibilityRule.objects.filter(code="max_per_year").first()
    limit = rule.limit if rule and rule.limit is not None else 3
    breaches = []  # (person_id, [line ids], detail)
    over = (
        live.filter(item__in=COUNTED_PER_YEAR)
        .values("person_id", "year")
        .annotate(n=Count("id"))
        .filter(n__gt=limit)
    )
    for row in over:
        ids = list(
            live.filter(
                person_id=row["person_id"], year=row["year"], item__in=COUNTED_PER_YEAR
            ).values_list("id", flat=True)
        )
        breaches.append(
            (
                row["person_id"],
                ids,
                f"{row['year']} 年享受培训和鉴定补贴 {row['n']} 次，超过 {limit} 次",
            )
        )
    twice = (
        live.exclude(occupation=None)
        .values("person_id", "item", "occupation_id", "level")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    for row in twice:
        ids = list(
            live.filter(
                person_id=row["person_id"],
                item=row["item"],
                occupation_id=row["occupation_id"],
                level=row["level"],
            ).values_list("id", flat=True)
        )
        breaches.append((row["person_id"], ids, f"同一职业同一等级重复享受补贴 {row['n']} 次"))
    higher_before = ClaimLine.objects.filter(
        status__in=LIVE_LINE_STATUSES,
        person_id=OuterRef("person_id"),
        item=OuterRef("item"),
        occupation_id=OuterRef("occupation_id"),
        level__lt=OuterRef("level"),
        claim__submitted_at__lt=OuterRef("claim__submitted_at"),
    )
    for line in live.exclude(occupation=None).exclude(level=None).filter(Exists(higher_before)):
        breaches.append((line.person_id, [line.pk], f"已享受较高等级补贴后又申领 {line.level} 级"))
    persons = _persons(p for p, _ids, _d in breaches)
    out = []
    for person_id, ids, detail in breaches:
        p = persons[person_id]
        out.append(
            Found(
                Rule.SUBSIDY_RULE_BREACH,
                Severity.HIGH,
                f"{p.name}：{detail}",
                _county(p.village_code),
                [
                    person_subject(p),
                    *(Subject(SubjectKind.CLAIM_LINE, str(i), f"#{i}") for i in ids),
                ],
                persons={p.pk},
                lines=set(ids),
            )
        )
    return out


# --- 6. impossible attendance ----------------------------------------------------------------------------


def impossible_attendance(prefix: str = "") -> list[Found]:
    """Sessions outside the class dates, more present than the capacity (strong);
    a long class where everyone has a perfect record (weak, reported only when the
    class already shows another sign — see ``weak_perfect_attendance``)."""
    scope = _under(prefix, "training_class__place_code")
    outside = (
        AttendanceSession.objects.filter(scope)
        .filter(
            Q(date__lt=F("training_class__start_date")) | Q(date__gt=F("training_class__end_date"))
        )
        .values("training_class_id")
        .annotate(n=Count("id"))
    )
    crowded = (
        Attendance.objects.filter(
            _under(prefix, "session__training_class__place_code"), status="present"
        )
        .values("session_id", "session__training_class_id", "session__training_class__capacity")
        .annotate(n=Count("id"))
        .filter(n__gt=F("session__training_class__capacity"))
    )
    problems = defaultdict(list)
    for row in outside:
        problems[row["training_class_id"]].append(f"{row['n']} 次课的日期在开班—结业日期之外")
    for row in crowded:
        problems[row["session__training_class_id"]].append(
            f"一次课出勤 {row['n']} 人，超过计划人数 {row['session__training_class__capacity']}"
        )
    classes = _classes(problems)
    return [
        Found(
            Rule.IMPOSSIBLE_ATTENDANCE,
            Severity.MEDIUM,
            f"{c.code}：" + "；".join(reasons),
            _county(c.place_code),
            [class_subject(c), institution_subject(c.institution)],
            classes={c.pk},
        )
        for class_id, reasons in problems.items()
        for c in [classes[class_id]]
    ]


def weak_perfect_attendance(prefix: str, flagged_classes: set[int]) -> list[Found]:
    """Every trainee present at every session of a long class that is already flagged."""
    min_days = setting("PERFECT_MIN_DAYS", 20)
    min_trainees = setting("PERFECT_MIN_TRAINEES", 5)
    if not flagged_classes:
        return []
    rows = (
        Enrolment.objects.filter(training_class_id__in=flagged_classes, status__in=TRAINED)
        .values("training_class_id")
        .annotate(
            n=Count("id"),
            imperfect=Sum(
                Case(
                    When(sessions_total__gt=0, sessions_present=F("sessions_total"), then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            ),
        )
        .filter(n__gte=min_trainees, imperfect=0)
    )
    classes = _classes(r["training_class_id"] for r in rows)
    out = []
    for r in rows:
        c = classes[r["training_class_id"]]
        if (c.end_date - c.start_date).days + 1 < min_days or not c.place_code.startswith(prefix):
            continue
        out.append(
            Found(
                Rule.IMPOSSIBLE_ATTENDANCE,
                Severity.LOW,
                f"{c.code}：{r['n']} 名学员在 {(c.end_date - c.start_date).days + 1} 天的培训中全勤，且该班已有其他疑点",
                _county(c.place_code),
                [class_subject(c), institution_subject(c.institution)],
                classes={c.pk},
            )
        )
    return out


# --- 7. institutions out of scope ---------------------------------------------------------------------------


def institution_out_of_scope(prefix: str = "") -> list[Found]:
    approved = Institution.occupations.through.objects.filter(
        institution_id=OuterRef("institution_id"), occupation_id=OuterRef("occupation_id")
    )
    rows = (
        TrainingClass.objects.filter(_under(prefix, "place_code"), status__in=HELD)
        .annotate(in_scope=Exists(approved))
        .filter(Q(in_scope=False) | Q(institution__licence_valid_until__lt=F("start_date")))
        .select_related("institution", "occupation")
    )
    out = []
    for c in rows:
        i = c.institution
        reasons = []
        if not c.in_scope:
            reasons.append(f"{c.occupation.name}不在核准职业范围内")
        if i.licence_valid_until and i.licence_valid_until < c.start_date:
            reasons.append(f"办学许可证已于 {i.licence_valid_until} 到期")
        out.append(
            Found(
                Rule.INSTITUTION_OUT_OF_SCOPE,
                Severity.HIGH,
                f"{i.name} 举办 {c.code}（{c.start_date} 开班）：" + "；".join(reasons),
                _county(c.place_code),
                [class_subject(c), institution_subject(i)],
                classes={c.pk},
            )
        )
    return out


# --- 8. placements before the training ended -----------------------------------------------------------------


def placement_before_training_end(prefix: str = "") -> list[Found]:
    from jifu.employment.models import Placement

    rows = (
        Placement.objects.filter(_under(prefix, "village_code"), training_class__isnull=False)
        .filter(start_date__lt=F("training_class__end_date"))
        .select_related("person", "training_class")
    )
    return [
        Found(
            Rule.PLACEMENT_BEFORE_TRAINING_END,
            Severity.MEDIUM,
            f"{p.person.name} {p.start_date} 入职{p.employer_name}，早于所计培训班 "
            f"{p.training_class.code} 的结业日期 {p.training_class.end_date}",
            _county(p.village_code),
            [person_subject(p.person), class_subject(p.training_class)],
            persons={p.person_id},
            classes={p.training_class_id},
        )
        for p in rows
    ]


# --- 9. trainees from elsewhere ----------------------------------------------------------------------------------


def out_of_area_trainees(prefix: str = "") -> list[Found]:
    """An institution whose trainees, in classes with no labour-export project
    behind them, come mostly from outside the class's county (weak signal)."""
    share = setting("OUT_OF_AREA_SHARE", 0.5)
    minimum = setting("OUT_OF_AREA_MIN_TRAINEES", 10)
    rows = (
        Enrolment.objects.filter(
            # Counted per county where the classes are held, and filed there: a
            # county's scan then finds (and keeps) exactly what the province's does.
            _under(prefix, "training_class__place_code"),
            status__in=TRAINED,
            training_class__project="",
        )
        .annotate(
            outside=Case(
                When(
                    Q(village_code__startswith=Substr("training_class__place_code", 1, 6)),
                    then=Value(0),
                ),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .annotate(county=Substr("training_class__place_code", 1, 6))
        .values("training_class__institution_id", "county")
        .annotate(n=Count("id"), away=Sum("outside"))
        .filter(n__gte=minimum)
    )
    rows = [r for r in rows if r["away"] > share * r["n"]]
    institutions = {
        i.pk: i
        for i in Institution.objects.filter(
            pk__in=[r["training_class__institution_id"] for r in rows]
        )
    }
    out = []
    for r in rows:
        i = institutions[r["training_class__institution_id"]]
        out.append(
            Found(
                Rule.OUT_OF_AREA_TRAINEES,
                Severity.LOW,
                f"{i.name}：在本县举办的无劳务输转项目的培训班中 {r['away']}/{r['n']} 名学员来自外县",
                _county(r["county"]),
                [institution_subject(i)],
            )
        )
    return out


RULES = [
    overlapping_enrolment,
    trainee_ineligible,
    shared_account,
    shared_phone,
    certificate_anomaly,
    subsidy_rule_breach,
    impossible_attendance,
    institution_out_of_scope,
    placement_before_training_end,
    out_of_area_trainees,
]


def run_all(prefix: str = "") -> list[Found]:
    found = []
    for rule in RULES:
        found.extend(rule(prefix))
    # The weak attendance signal counts only where a class already shows another sign.
    flagged = {c for f in found for c in f.classes}
    # A class already flagged for impossible attendance needs no weaker finding of the
    # same rule (it would name the same subjects: one finding, one fingerprint).
    strong = {c for f in found if f.rule == Rule.IMPOSSIBLE_ATTENDANCE for c in f.classes}
    found.extend(weak_perfect_attendance(prefix, flagged - strong))
    return found
