"""The progress summaries against the raw tables.

Every figure the dashboards read from ``ProgressFact`` must equal what a
hand-written GROUP BY over the raw tables gives for the same definition (the
ones in ``summaries``' docstring), for any region and window; the children of a
region must add up to it; and the figures are those of the last rebuild, not of
the live tables, until the next rebuild.

The oracle is plain SQL written here from the definitions (it does not call
``summaries.metric_rows``), portable to SQLite and PostgreSQL: dates are
compared as ISO strings and a month is ``SUBSTR(CAST(day AS TEXT), 1, 7)``; the
one vendor branch is "a date plus N days" for the employment window.

The data: the subsidy tests' ``claimable`` world (two counties, classes that
ended 30 days ago, a paid subsidy batch), and classes from 2018 to 2020 in
three counties and two prefectures, across month and year ends, in every class
status, with completions, withdrawals, applications, certificates, placements
in and out of the province, inside and just outside the outcome window, and a
trainee who has since died.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.core.testing import COUNTY_A, COUNTY_B
from jifu.planning import progress, summaries
from jifu.planning.choices import Metric
from jifu.planning.models import ProgressFact, SummaryState
from jifu.regions import services as region_services
from jifu.regions.models import Region
from jifu.registry.importers import import_persons
from jifu.registry.models import Person
from jifu.registry.tests.factories import ledger, person
from jifu.subsidies import services as subsidy_services
from jifu.subsidies.choices import PaymentStatus
from jifu.subsidies.models import Payment
from jifu.subsidies.tests.fixtures import claimable_fixture, today  # noqa: F401 - pytest fixture
from jifu.training import services as training_services
from jifu.training.choices import ClassStatus, EnrolmentSource, EnrolmentStatus
from jifu.training.models import Certificate, Enrolment, Occupation, TrainingClass
from jifu.training.tests.fixtures_public import ELECTRICIAN, HOUSEKEEPING, WELDER, make_class

pytestmark = pytest.mark.django_db

PROVINCE = "620000000000"
DABAN = ("东乡族自治县", "达板镇", "达板测试村")  # county A, another township
HANJI = ("临夏县", "韩集镇", "韩集测试村")  # another county of A's prefecture
DABAN_CODE, HANJI_CODE = "622926101201", "622921100201"

# The monthly metrics (wanting_untrained is a snapshot, coverage a share of two figures).
MONTHLY = [
    Metric.TRAINEES,
    Metric.COMPLETIONS,
    Metric.CERTIFICATES,
    Metric.EMPLOYED_AFTER_TRAINING,
    Metric.TRANSFER_EMPLOYMENT,
    Metric.SUBSIDIES_PAID,
    Metric.TRAINED_PERSONS,
]

# Prefixes: province, prefectures, counties, townships (one with no data), and everything.
PREFIXES = ["62", "6229", "6201", "622926", "620121", "622921", "622926100", "622926101"]
PREFIXES += ["622926102", ""]
# (prefix, length of its children's prefix) for by_child.
CHILDREN = [("62", 4), ("6229", 6), ("622926", 9), ("620121", 9), ("622921", 9)]


def windows():
    """(label, start, end) — whole action, whole years, "as of" mid-2019, odd days, now."""
    now = today()
    return [
        ("action 2018–2020", date(2018, 1, 1), date(2020, 12, 31)),
        ("year 2018", date(2018, 1, 1), date(2018, 12, 31)),
        ("year 2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("year 2020", date(2020, 1, 1), date(2020, 12, 31)),
        ("as of 2019-06-15", date(2018, 1, 1), date(2019, 6, 15)),
        ("2019 to 2019-06-15", date(2019, 1, 1), date(2019, 6, 15)),
        ("mid-month to mid-month", date(2019, 3, 15), date(2019, 7, 2)),
        ("one month 2019-07", date(2019, 7, 1), date(2019, 7, 31)),
        ("this year", date(now.year, 1, 1), now),
        ("everything", date(2000, 1, 1), now + timedelta(days=400)),
    ]


# --- the oracle: hand-written SQL over the raw tables -----------------------------------------


def _month_bounds(start: date, end: date) -> tuple[str, str]:
    """ISO first day of ``start``'s month and last day of ``end``'s: figures are by whole months."""
    last = calendar.monthrange(end.year, end.month)[1]
    return start.replace(day=1).isoformat(), end.replace(day=last).isoformat()


def _plus_days(column: str, days: int) -> str:
    if connection.vendor == "sqlite":
        return f"DATE({column}, '+{int(days)} days')"
    return f"({column} + {int(days)})"  # PostgreSQL: date + integer is a date


TRAINED = "('enrolled', 'completed')"
HELD = "('approved', 'running', 'completed', 'assessed')"


def _raw_sources() -> dict[str, tuple[str, str, str, str]]:
    """metric → (FROM … WHERE, village column, day column, value expression)."""
    deadline = _plus_days("c.end_date", settings.JIFU_OUTCOME_DAYS)
    completed = (
        "training_enrolment e JOIN training_trainingclass c ON c.id = e.training_class_id "
        "WHERE e.status = 'completed' AND c.status IN ('completed', 'assessed')"
    )
    first_training = (
        "registry_person p JOIN ("
        "  SELECT e.person_id, MIN(c.start_date) AS first_day"
        "  FROM training_enrolment e JOIN training_trainingclass c ON c.id = e.training_class_id"
        f"  WHERE e.status IN {TRAINED} AND c.status IN {HELD}"
        "  GROUP BY e.person_id"
        ") f ON f.person_id = p.id WHERE 1 = 1"
    )
    return {
        Metric.TRAINEES: (
            "training_enrolment e JOIN training_trainingclass c ON c.id = e.training_class_id "
            f"WHERE e.status IN {TRAINED} AND c.status IN {HELD}",
            "e.village_code",
            "c.start_date",
            "COUNT(*)",
        ),
        Metric.COMPLETIONS: (completed, "e.village_code", "c.end_date", "COUNT(*)"),
        Metric.CERTIFICATES: (
            "training_certificate t WHERE 1 = 1",
            "t.village_code",
            "t.issued_on",
            "COUNT(*)",
        ),
        Metric.EMPLOYED_AFTER_TRAINING: (
            completed + " AND EXISTS (SELECT 1 FROM employment_placement p"
            " WHERE p.person_id = e.person_id AND p.start_date >= c.end_date"
            f" AND p.start_date <= {deadline})",
            "e.village_code",
            "c.end_date",
            "COUNT(*)",
        ),
        Metric.TRANSFER_EMPLOYMENT: (
            "employment_placement p WHERE p.place IN ('in_province', 'out_of_province')",
            "p.village_code",
            "p.start_date",
            "COUNT(*)",
        ),
        Metric.SUBSIDIES_PAID: (
            "subsidies_payment y WHERE y.status = 'paid' AND y.paid_on IS NOT NULL",
            "y.village_code",
            "y.paid_on",
            "SUM(y.amount)",
        ),
        Metric.TRAINED_PERSONS: (first_training, "p.village_code", "f.first_day", "COUNT(*)"),
    }


def _number(value) -> Decimal:
    if value is None:
        return Decimal("0")
    return Decimal(str(value)).quantize(Decimal("0.01"))


def raw_grouped(metric, prefix: str, child_length: int, lo: str | None, hi: str):
    """{(child prefix, 'YYYY-MM'): value} of one metric under ``prefix`` with lo ≤ day ≤ hi."""
    source, village, day, value = _raw_sources()[metric]
    sql = (
        f"SELECT SUBSTR({village}, 1, %s), SUBSTR(CAST({day} AS TEXT), 1, 7), {value} "  # noqa: S608 - our own fragments
        f"FROM {source} AND {village} LIKE %s AND {day} <= %s"
    )
    params = [child_length, prefix + "%", hi]
    if lo is not None:
        sql += f" AND {day} >= %s"
        params.append(lo)
    sql += " GROUP BY 1, 2"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(child, month): _number(v) for child, month, v in cursor.fetchall()}


def raw_wanting_untrained(prefix: str) -> Decimal:
    """Labourers (active, able, 16–60 today) who want training and never had any."""
    now = date.today()

    def years_back(years):
        try:
            return now.replace(year=now.year - years)
        except ValueError:  # 29 February
            return now.replace(year=now.year - years, day=28)

    sql = (
        "SELECT COUNT(*) FROM registry_person p "
        "WHERE p.status = 'active' AND p.labour_ability IN ('ordinary', 'skilled', 'weak') "
        "AND p.birth_date <= %s AND p.birth_date > %s AND p.wants_training = %s "
        "AND p.village_code LIKE %s AND NOT EXISTS ("
        "  SELECT 1 FROM training_enrolment e JOIN training_trainingclass c"
        "  ON c.id = e.training_class_id WHERE e.person_id = p.id"
        f"  AND e.status IN {TRAINED} AND c.status IN {HELD})"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [years_back(16).isoformat(), years_back(61).isoformat(), True, prefix + "%"]
        )
        return _number(cursor.fetchone()[0])


def raw_figures(prefix: str, start: date, end: date) -> dict:
    lo, hi = _month_bounds(start, end)
    out = {m: sum(raw_grouped(m, prefix, 0, lo, hi).values(), Decimal("0")) for m in MONTHLY}
    trained_ever = sum(
        raw_grouped(Metric.TRAINED_PERSONS, prefix, 0, None, hi).values(), Decimal("0")
    )
    # Everyone who wanted training: trained by the end, trained since, or still waiting.
    trained_any = sum(
        raw_grouped(Metric.TRAINED_PERSONS, prefix, 0, None, "9999-12-31").values(), Decimal("0")
    )
    wanting = raw_wanting_untrained(prefix)
    out[Metric.WANTING_UNTRAINED] = wanting
    out["trained_persons_cumulative"] = trained_ever
    total = trained_any + wanting
    out[Metric.COVERAGE] = trained_ever / total if total else None
    return out


def raw_by_child(metric, prefix: str, length: int, start: date, end: date) -> dict:
    lo, hi = _month_bounds(start, end)
    out: dict[str, Decimal] = {}
    for (child, _month), v in raw_grouped(metric, prefix, length, lo, hi).items():
        out[child] = out.get(child, Decimal("0")) + v
    return out


def raw_trend(prefix: str, metric, start: date, end: date) -> list[tuple[str, Decimal]]:
    lo, hi = _month_bounds(start, end)
    found: dict[str, Decimal] = {}
    for (_child, month), v in raw_grouped(metric, prefix, 0, lo, hi).items():
        found[month] = found.get(month, Decimal("0")) + v
    months, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return [(k, found.get(k, Decimal("0"))) for k in months]


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(a) == Decimal(b)


def differences(got: dict, want: dict) -> list[str]:
    return [
        f"{k}: summaries {got.get(k)} ≠ raw {want[k]}"
        for k in want
        if not _same(got.get(k), want[k])
    ]


# --- the data ---------------------------------------------------------------------------------


@dataclass
class Data:
    world: object
    classes: dict
    enrolments: dict


def _extra_people():
    region_services.import_villages(
        f"code,name\n{DABAN_CODE},{DABAN[2]}\n{HANJI_CODE},{HANJI[2]}\n".encode()
    )
    rows = [
        person(DABAN, DABAN_CODE + "000001", "张山", date(1984, 2, 3), 61, county6="622926"),
        person(DABAN, DABAN_CODE + "000002", "李花", date(1990, 8, 1), 72, county6="622926"),
        person(DABAN, DABAN_CODE + "000003", "赵安", date(1979, 4, 5), 81, county6="622926"),
        # Wants training but is past 60: never in the labour force.
        person(DABAN, DABAN_CODE + "000004", "钱福", date(1950, 3, 3), 91, county6="622926"),
        # Trained without having asked for it.
        person(
            DABAN,
            DABAN_CODE + "000005",
            "孙秀",
            date(1995, 5, 5),
            102,
            county6="622926",
            training="否",
            occupations="",
        ),  # fmt: skip
        person(HANJI, HANJI_CODE + "000001", "何明", date(1988, 9, 9), 111, county6="622921"),
        person(HANJI, HANJI_CODE + "000002", "周平", date(1992, 1, 20), 121, county6="622921"),
    ]
    report = import_persons(ledger(rows), filename="extra.csv", today=date(2019, 6, 30))
    assert report.rejected == 0, report.errors


def _class(world, code, *, side="a", occupation=HOUSEKEEPING, start, days, status, kind, people):
    """A class declared and approved through the services, its trainees enrolled, then
    brought to ``status`` with each trainee's status set (as the training tests do)."""
    c = make_class(
        world, side, code=code, occupation=occupation, start=start, days=days, training_type=kind,
        capacity=10,
    )  # fmt: skip
    enrolments = {}
    for name, state in people.items():
        e = training_services.enrol(
            c,
            Person.objects.get(name=name),
            actor=world.user(Role.COUNTY_HRSS, side),
            source=EnrolmentSource.TOWNSHIP,
        )
        Enrolment.objects.filter(pk=e.pk).update(status=state)
        enrolments[name] = e
    TrainingClass.objects.filter(pk=c.pk).update(status=status)
    c.refresh_from_db()
    return c, enrolments


def _certificate(number, name, enrolment, issued_on):
    p = Person.objects.get(name=name)
    return Certificate.objects.create(
        number=number,
        kind="skill_level",
        person=p,
        enrolment=enrolment,
        occupation=enrolment.training_class.occupation if enrolment else Occupation.objects.first(),
        level=5,
        issuer="临夏州职业技能鉴定中心",
        issued_on=issued_on,
        village_code=p.village_code,
    )


def _pay(claimable, side, paid_on, *, fail_one=False):
    """Submit, review, verify and pay the side's class claim; the bank pays on ``paid_on``
    (one instruction failed when ``fail_one``)."""
    w = claimable.world
    claim = subsidy_services.submit_class_claim(
        actor=w.user(Role.INSTITUTION, side), training_class=claimable.classes[side]
    )
    subsidy_services.review(claim, actor=w.user(Role.COUNTY_HRSS, side))
    subsidy_services.verify(
        claim,
        actor=w.user(Role.COUNTY_FINANCE, side),
        allocation=claimable.allocations[side],
        today=today() + timedelta(days=8),
    )
    payer = account_services.create_user(
        actor=None,
        username=f"finance_{side}2",
        role=Role.COUNTY_FINANCE,
        region=w.user(Role.COUNTY_FINANCE, side).region,
        password="x" * 12,
    )
    batch = subsidy_services.create_batch([claim], actor=payer)
    from jifu.core import crypto

    rows = []
    for n, p in enumerate(batch.payments.order_by("id"), start=2):
        account = crypto.decrypt(p.account_enc, context=subsidy_services.PAYMENT_ACCOUNT_CONTEXT)
        failed = fail_one and n == 2
        rows.append(
            subsidy_services.ReturnRow(
                row=n,
                key=p.idempotency_key,
                account=account,
                amount=p.amount,
                success=not failed,
                reference=f"BANK{side}{n:05d}",
                # Two payment months within one batch: the bank pays over days.
                paid_on=None if failed else (paid_on if n % 2 else paid_on - timedelta(days=40)),
                reason="账户已销户" if failed else "",
            )
        )
    subsidy_services.apply_bank_return(batch, rows, actor=payer)
    return batch


@pytest.fixture(name="data")
def data_fixture(claimable):  # noqa: F811 - the fixture imported above
    w = claimable.world
    _extra_people()
    classes, enrolments = {}, {}
    C, E, W, A = (
        EnrolmentStatus.COMPLETED,
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.WITHDRAWN,
        EnrolmentStatus.APPLIED,
    )
    plan = [
        # code, side, occupation, start, days, class status, training type, {name: status}
        ("K1", "a", HOUSEKEEPING, date(2018, 10, 8), 20, ClassStatus.ASSESSED, "employment",
         {"马文": C, "张山": C, "李花": W, "何明": C}),
        ("K2", "a", WELDER, date(2019, 3, 4), 20, ClassStatus.COMPLETED, "upgrade",
         {"韩梅": C, "李花": E, "周平": C}),
        # Starts in June, ends in July: a trainee of June, a completion of July.
        ("K3", "a", ELECTRICIAN, date(2019, 6, 20), 20, ClassStatus.ASSESSED, "employment",
         {"马文": C, "张山": C, "孙秀": C}),
        # Across the year end.
        ("K4", "b", HOUSEKEEPING, date(2019, 12, 20), 20, ClassStatus.ASSESSED, "pre_job",
         {"王永": C}),
        ("K5", "a", HOUSEKEEPING, date(2020, 5, 11), 10, ClassStatus.RUNNING, "entrepreneurship",
         {"李花": E, "妥德": A}),
        ("K6", "a", WELDER, date(2020, 9, 1), 15, ClassStatus.APPROVED, "employment",
         {"赵安": A, "何明": E}),
        # Never held: its trainees count nowhere.
        ("K7", "a", HOUSEKEEPING, date(2020, 3, 2), 10, ClassStatus.REJECTED, "women",
         {"孙秀": E}),
        ("K8", "a", HOUSEKEEPING, date(2020, 11, 2), 10, ClassStatus.DECLARED, "women",
         {"张山": E}),
    ]  # fmt: skip
    for code, side, occupation, start, days, status, kind, people in plan:
        classes[code], enrolments[code] = _class(
            w, code, side=side, occupation=occupation, start=start, days=days, status=status,
            kind=kind, people=people,
        )  # fmt: skip
    classes.update({f"fixture-{s}": c for s, c in claimable.classes.items()})

    _certificate("ZS-2018-001", "马文", enrolments["K1"]["马文"], date(2018, 11, 15))
    _certificate("ZS-2018-002", "张山", enrolments["K1"]["张山"], date(2018, 11, 30))
    _certificate("ZS-2018-003", "何明", enrolments["K1"]["何明"], date(2018, 12, 3))
    _certificate("ZS-2019-001", "韩梅", enrolments["K2"]["韩梅"], date(2019, 4, 10))
    _certificate("ZS-2019-002", "马文", enrolments["K3"]["马文"], date(2019, 7, 25))
    _certificate("ZS-2019-003", "孙秀", enrolments["K3"]["孙秀"], date(2019, 8, 2))
    _certificate("ZS-2020-001", "王永", enrolments["K4"]["王永"], date(2020, 1, 20))
    _certificate("ZS-2019-004", "赵安", None, date(2019, 5, 6))  # an appraisal, no class

    outcome = timedelta(days=settings.JIFU_OUTCOME_DAYS)
    gd, out = {"province": "甘肃省"}, {"province": "广东省"}
    placements = [
        # Placed after K1 (in the window) and again on K3's last day (the window's first day).
        ("马文", "a", date(2018, 12, 1), "in_province", gd),
        ("马文", "a", classes["K3"].end_date, "out_of_province", out),
        # After K1's window, before K3 ended: an outcome of neither.
        ("张山", "a", date(2019, 6, 1), "out_of_province", out),
        # On the window's last day: placed; in the county: not a transfer.
        ("何明", "a", classes["K1"].end_date + outcome, "in_county", gd),
        # One day after K4's window.
        ("王永", "b", classes["K4"].end_date + outcome + timedelta(days=1), "in_province", gd),
        # Before K2 ended.
        ("韩梅", "a", classes["K2"].end_date - timedelta(days=1), "in_province", gd),
        ("周平", "a", date(2019, 5, 1), "out_of_province", out),
        # After the fixture's class that ended 30 days ago.
        ("马文", "a", today() - timedelta(days=20), "in_province", gd),
    ]
    for name, side, start, where, extra in placements:
        _place(w, name, side, start, where, extra)

    # A trainee who died since: still trained (history), no longer a labourer.
    Person.objects.filter(name="周平").update(status="dead", status_date=date(2020, 2, 1))

    _pay(claimable, "a", today(), fail_one=True)
    _pay(claimable, "b", today() - timedelta(days=3))
    return Data(world=w, classes=classes, enrolments=enrolments)


def _place(world, name, side, start, where, extra):
    from jifu.employment import services as employment_services

    return employment_services.record_placement(
        Person.objects.get(name=name),
        actor=world.user(Role.COUNTY_HRSS, side),
        employer_name="兰州某餐饮公司",
        start_date=start,
        place=where,
        location="",
        monthly_wage=3200,
        has_contract=True,
        channel="organised",
        **extra,
    )


# --- the tests --------------------------------------------------------------------------------


def test_the_data_gives_every_metric_something_to_count(data):
    everything = (date(2000, 1, 1), today() + timedelta(days=400))
    raw = raw_figures("62", *everything)
    for metric in MONTHLY:
        assert raw[metric] > 0, metric
    assert raw[Metric.WANTING_UNTRAINED] > 0
    # Failed payments and classes never held count nowhere.
    assert Payment.objects.filter(status=PaymentStatus.FAILED).exists()
    assert Enrolment.objects.filter(training_class__status=ClassStatus.REJECTED).exists()
    assert raw[Metric.SUBSIDIES_PAID] == sum(
        p.amount for p in Payment.objects.filter(status=PaymentStatus.PAID)
    )


def test_figures_equal_the_raw_group_by_everywhere(data):
    summaries.rebuild()
    problems = []
    for prefix in PREFIXES:
        for label, start, end in windows():
            got = summaries.figures(prefix, start=start, end=end)
            want = raw_figures(prefix, start, end)
            problems += [f"{prefix or '(all)'} {label}: {d}" for d in differences(got, want)]
    assert not problems, "\n".join(problems)


def test_known_values(data):
    """A few figures worked out by hand, so that the oracle itself is checked."""
    summaries.rebuild()
    mid_2019 = summaries.figures("62", start=date(2018, 1, 1), end=date(2019, 6, 15))
    # K1: 马文, 张山, 何明 (李花 withdrew); K2: 韩梅, 李花 (enrolled), 周平; K3 (starts in
    # June, a whole month counts): 马文, 张山, 孙秀.
    assert mid_2019[Metric.TRAINEES] == 9
    # K1's three; K2's 韩梅 and 周平 (李花 never completed); K3 ends in July.
    assert mid_2019[Metric.COMPLETIONS] == 5
    # 马文 (placed 2018-12-01 after K1), 何明 (on the last day of K1's window), 周平 (after K2).
    assert mid_2019[Metric.EMPLOYED_AFTER_TRAINING] == 3
    # 马文 2018-12, 韩梅 2019-03, 周平 2019-05, 张山 2019-06 (何明 stayed in the county).
    assert mid_2019[Metric.TRANSFER_EMPLOYMENT] == 4
    # 马文, 张山, 何明 (2018-10); 韩梅, 李花, 周平 (2019-03); 孙秀 (K3, 2019-06).
    assert mid_2019["trained_persons_cumulative"] == 7
    assert mid_2019[Metric.TRAINED_PERSONS] == 7
    county_a_2019 = summaries.figures("622926", start=date(2019, 1, 1), end=date(2019, 12, 31))
    # K2: 韩梅, 李花 (周平 is of 临夏县); K3: 马文, 张山, 孙秀.
    assert county_a_2019[Metric.TRAINEES] == 5


def test_children_add_up_to_their_parent(data):
    summaries.rebuild()
    problems = []
    for prefix, length in CHILDREN:
        for label, start, end in windows():
            parent = summaries.figures(prefix, start=start, end=end)
            for metric in MONTHLY:
                children = summaries.by_child(length, prefix, start=start, end=end, metric=metric)
                raw = raw_by_child(metric, prefix, length, start, end)
                if sum(children.values(), Decimal("0")) != parent[metric]:
                    problems.append(
                        f"{prefix} {label} {metric}: children {children} ≠ {parent[metric]}"
                    )
                nonzero = {k: v for k, v in children.items() if v}
                if nonzero != {k: v for k, v in raw.items() if v}:
                    problems.append(f"{prefix} {label} {metric}: by_child {children} ≠ raw {raw}")
    assert not problems, "\n".join(problems)


def test_trend_equals_the_raw_months(data):
    summaries.rebuild()
    for prefix in ("62", "622926", "622921", "622926101"):
        for metric in MONTHLY:
            for _label, start, end in windows()[:7]:
                got = summaries.trend(prefix, metric, start=start, end=end)
                assert got == raw_trend(prefix, metric, start, end), (prefix, metric, start, end)


@pytest.mark.parametrize(
    ("code", "as_of", "year"),
    [
        (PROVINCE, date(2019, 6, 15), None),
        (PROVINCE, date(2020, 12, 31), None),
        ("622900000000", date(2019, 12, 31), 2019),
        (COUNTY_A, date(2019, 9, 30), 2019),
        (COUNTY_B, date(2020, 3, 1), 2020),
    ],
)
def test_dashboard_shows_the_raw_figures(data, code, as_of, year):
    summaries.rebuild()
    region = Region.objects.get(code=code)
    board = progress.dashboard(region, as_of=as_of, year=year)
    start, end = progress.window(as_of, year)
    assert start == (date(2018, 1, 1) if year is None else date(year, 1, 1))
    want = raw_figures(region.prefix, start, end)
    assert not differences(board.figures, want), differences(board.figures, want)
    assert board.trend == raw_trend(region.prefix, Metric.TRAINEES, start, end)
    length = progress.CHILD_LEVEL[region.level][1]
    raw_children = raw_by_child(Metric.TRAINEES, region.prefix, length, start, end)
    shown = {c.region.code[:length]: c.achieved for c in board.children}
    for child, value in raw_children.items():
        assert shown.get(child) == value, (child, shown.get(child), value)
    assert sum(shown.values(), Decimal("0")) == want[Metric.TRAINEES]


def test_figures_are_those_of_the_last_rebuild(data):
    window = {"start": date(2018, 1, 1), "end": date(2020, 12, 31)}
    # Never rebuilt: nothing to show, and no "as of" time.
    assert summaries.as_of_state() is None
    assert summaries.figures("62", **window)[Metric.TRAINEES] == 0

    first = summaries.rebuild()
    before = summaries.figures("62", **window)
    assert not differences(before, raw_figures("62", **window))
    assert first.rebuilt_at is not None and first.rows == ProgressFact.objects.count() > 0

    # 赵安 applied to K6; the township confirms him: a new trainee in September 2020.
    applied = data.enrolments["K6"]["赵安"]
    applied.refresh_from_db()
    training_services.confirm_application(applied, actor=data.world.user(Role.TOWNSHIP))
    live = raw_figures("62", **window)
    assert live[Metric.TRAINEES] == before[Metric.TRAINEES] + 1
    assert live[Metric.WANTING_UNTRAINED] == before[Metric.WANTING_UNTRAINED] - 1
    # Stale until rebuilt: the dashboards still show the last rebuild's figures.
    assert summaries.figures("62", **window) == before
    assert summaries.as_of_state().rebuilt_at == first.rebuilt_at

    second = summaries.rebuild()
    after = summaries.figures("62", **window)
    assert not differences(after, live), differences(after, live)
    assert after[Metric.TRAINEES] == before[Metric.TRAINEES] + 1
    assert after["trained_persons_cumulative"] == before["trained_persons_cumulative"] + 1
    assert second.rebuilt_at > first.rebuilt_at
    assert SummaryState.objects.count() == 1
    assert summaries.as_of_state().rebuilt_at == second.rebuilt_at
    assert summaries.trend(
        "622926101", Metric.TRAINEES, start=date(2020, 9, 1), end=date(2020, 9, 30)
    ) == [("2020-09", Decimal("1"))]


def test_a_class_never_held_is_no_training_for_the_wanting(data):
    # Only reachable by writing the tables directly today (enrolling needs an approved
    # class and only a declared one can be rejected), but the definitions must agree.
    zhao = Person.objects.get(name="赵安")
    Enrolment.objects.create(
        training_class=data.classes["K7"],
        person=zhao,
        village_code=zhao.village_code,
        status=EnrolmentStatus.ENROLLED,
        source=EnrolmentSource.COUNTY,
        enrolled_on=date(2020, 2, 20),
    )
    summaries.rebuild()
    window = {"start": date(2018, 1, 1), "end": date(2020, 12, 31)}
    got, want = summaries.figures("62", **window), raw_figures("62", **window)
    assert got[Metric.TRAINEES] == want[Metric.TRAINEES]  # agreed: not a trainee
    assert got[Metric.WANTING_UNTRAINED] == want[Metric.WANTING_UNTRAINED]
