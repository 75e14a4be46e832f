"""Each rule of employment refuses what it must, with its Chinese reason, and lets
the look-alike through. The rules are plain functions: they are called directly."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from jifu.accounts.roles import Role
from jifu.core import creditcode
from jifu.employment import rules, services
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.models import Person
from jifu.training.choices import EnrolmentStatus
from jifu.training.models import Enrolment

from .fixtures import finished_fixture, place, today  # noqa: F401 - pytest fixture

# --- provinces and places ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("甘肃", "甘肃省"),
        (" 甘肃省 ", "甘肃省"),
        ("浙江", "浙江省"),
        ("天津", "天津市"),
        ("上海市", "上海市"),
        ("宁夏", "宁夏回族自治区"),
        ("新疆", "新疆维吾尔自治区"),
        ("广西壮族自治区", "广西壮族自治区"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_province(raw, expected):
    assert rules.normalise_province(raw) == expected


def test_out_of_province_in_gansu_is_refused():
    assert (
        rules.place_problem("out_of_province", "甘肃省") == "就业地点为“省外”，就业省份不能是甘肃省"
    )


def test_out_of_province_with_short_gansu_is_refused_too():
    # '甘肃' is normalised to '甘肃省' before the comparison.
    assert (
        rules.place_problem("out_of_province", "甘肃") == "就业地点为“省外”，就业省份不能是甘肃省"
    )


@pytest.mark.parametrize("province", ["天津", "天津市", "浙江省", "宁夏", "新疆维吾尔自治区"])
def test_out_of_province_elsewhere_is_accepted(province):
    assert rules.place_problem("out_of_province", province) is None


def test_in_county_outside_gansu_is_refused():
    assert (
        rules.place_problem("in_county", "浙江省")
        == "就业地点为“县内”，就业省份应为甘肃省（填写的是“浙江省”）"
    )


def test_in_province_outside_gansu_is_refused():
    assert (
        rules.place_problem("in_province", "天津")
        == "就业地点为“省内县外”，就业省份应为甘肃省（填写的是“天津”）"
    )


@pytest.mark.parametrize("place_code", ["in_county", "in_province"])
@pytest.mark.parametrize("province", ["甘肃", "甘肃省", " 甘肃省"])
def test_in_gansu_places_with_gansu_are_accepted(place_code, province):
    assert rules.place_problem(place_code, province) is None


def test_missing_place_is_refused():
    assert rules.place_problem("", "甘肃省") == "请填写就业地点（县内/省内县外/省外）"
    assert rules.place_problem("", "") == "请填写就业地点（县内/省内县外/省外）"


# --- the person -----------------------------------------------------------------------


def _person(status="active", status_date=None) -> Person:
    # The rule reads the object only; an unsaved person is enough.
    return Person(name="马文", status=status, status_date=status_date)


def test_active_person_is_accepted():
    assert rules.person_problem(_person(), date(2026, 1, 1)) is None


@pytest.mark.parametrize(("status", "label"), [("dead", "已死亡"), ("moved", "已迁出")])
def test_person_gone_before_or_on_the_date_is_refused(status, label):
    gone = _person(status, date(2026, 3, 10))
    assert rules.person_problem(gone, date(2026, 3, 11)) == f"马文的人员状态为“{label}”"
    assert rules.person_problem(gone, date(2026, 3, 10)) == f"马文的人员状态为“{label}”"


@pytest.mark.parametrize("status", ["dead", "moved"])
def test_person_gone_after_the_date_is_accepted(status):
    gone = _person(status, date(2026, 3, 10))
    assert rules.person_problem(gone, date(2026, 3, 9)) is None
    assert rules.person_problem(gone, date(2025, 12, 1)) is None


def test_person_gone_at_an_unknown_date_is_refused_on_any_date():
    assert (
        rules.person_problem(_person("dead", None), date(2000, 1, 1)) == "马文的人员状态为“已死亡”"
    )


def test_person_problem_reads_the_registry_status(finished):
    """Through the registry service: moved out on a date, refused only from that date."""
    ma = Person.objects.get(name="马文")
    moved_on = today() - timedelta(days=10)
    ma = registry_services.set_person_status(
        ma, "moved", moved_on, actor=finished.world.user(Role.VILLAGE)
    )
    assert rules.person_problem(ma, moved_on - timedelta(days=1)) is None
    assert rules.person_problem(ma, moved_on + timedelta(days=1)) == "马文的人员状态为“已迁出”"


# --- dates ----------------------------------------------------------------------------


def test_future_start_is_refused():
    assert (
        rules.start_date_problem(date(2026, 5, 2), today=date(2026, 5, 1))
        == "入职日期 2026-05-02 晚于今天，请在入职后登记"
    )


def test_start_today_or_earlier_is_accepted():
    assert rules.start_date_problem(date(2026, 5, 1), today=date(2026, 5, 1)) is None
    assert rules.start_date_problem(date(2020, 5, 1), today=date(2026, 5, 1)) is None


def test_start_date_defaults_to_the_real_today():
    assert rules.start_date_problem(today()) is None
    tomorrow = today() + timedelta(days=1)
    assert rules.start_date_problem(tomorrow) == f"入职日期 {tomorrow} 晚于今天，请在入职后登记"


# --- the training class ---------------------------------------------------------------


def test_no_class_is_accepted(finished):
    assert rules.class_problem(Person.objects.get(name="妥德"), None) is None


def test_class_not_taken_is_refused(finished):
    tuo = Person.objects.get(name="妥德")  # never enrolled in A-JY-1
    assert rules.class_problem(tuo, finished.classes["a"]) == "妥德未参加培训班 A-JY-1"


def test_class_of_the_other_county_is_refused(finished):
    ma = Person.objects.get(name="马文")  # took A-JY-1, not B-JY-1
    assert rules.class_problem(ma, finished.classes["b"]) == "马文未参加培训班 B-JY-1"


@pytest.mark.parametrize("status", [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.APPLIED])
def test_withdrawn_or_unconfirmed_enrolment_is_refused(finished, status):
    ma = Person.objects.get(name="马文")
    Enrolment.objects.filter(person=ma, training_class=finished.classes["a"]).update(status=status)
    assert rules.class_problem(ma, finished.classes["a"]) == "马文未参加培训班 A-JY-1"


@pytest.mark.parametrize("status", [EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED])
def test_enrolled_or_completed_is_accepted(finished, status):
    ma = Person.objects.get(name="马文")
    Enrolment.objects.filter(person=ma, training_class=finished.classes["a"]).update(status=status)
    assert rules.class_problem(ma, finished.classes["a"]) is None


# --- 以工代训 ---------------------------------------------------------------------------


def first_of_month(day: date, months_back: int = 0) -> date:
    return day.replace(day=1) - relativedelta(months=months_back)


def ym(month: date) -> str:
    return f"{month.year}年{month.month:02d}月"


def other_employer(world):
    """A second employer of county A, with a valid credit code of its own."""
    return services.save_employer(
        actor=world.user(Role.COUNTY_HRSS),
        credit_code=creditcode.make("91622926MA0000777"),
        region=Region.objects.get(code="622926000000"),
        name="另一家用人单位",
        kind="enterprise",
    )


def test_work_training_accepted_for_a_poor_labourer_employed_that_month(finished):
    employer = finished.employers["a"]
    start = first_of_month(today(), 5)
    place(finished.world, "马文", start=start, employer=employer)
    ma = Person.objects.get(name="马文")
    for back in range(0, 6):
        assert rules.work_training_problem(ma, employer, first_of_month(today(), back)) is None


def test_work_training_accepted_when_the_job_starts_mid_month(finished):
    employer = finished.employers["a"]
    month = first_of_month(today(), 3)
    place(finished.world, "马文", start=month + timedelta(days=14), employer=employer)
    ma = Person.objects.get(name="马文")
    assert rules.work_training_problem(ma, employer, month) is None
    before = first_of_month(today(), 4)
    assert (
        rules.work_training_problem(ma, employer, before)
        == f"{employer.name}在 {ym(before)} 没有马文的就业登记，请先登记就业"
    )


def test_work_training_refused_for_someone_not_a_labourer(finished):
    employer = finished.employers["a"]
    month = first_of_month(today(), 2)
    place(finished.world, "马小", start=first_of_month(today(), 4), employer=employer)
    xiao = Person.objects.get(name="马小")  # 无劳动力
    assert (
        rules.work_training_problem(xiao, employer, month)
        == f"马小在 {ym(month)} 不是劳动力（16—60 岁、有劳动能力、在册）"
    )


def test_work_training_refused_in_the_month_before_the_person_turns_16(finished):
    employer = finished.employers["a"]
    birthday_month = first_of_month(today(), 3)
    # 16 on the 15th of that month: still 15 when the month begins, 16 the month after.
    Person.objects.filter(name="妥德").update(
        birth_date=(birthday_month + timedelta(days=14)) - relativedelta(years=16)
    )
    place(finished.world, "妥德", start=first_of_month(today(), 5), employer=employer)
    tuo = Person.objects.get(name="妥德")
    assert (
        rules.work_training_problem(tuo, employer, birthday_month)
        == f"妥德在 {ym(birthday_month)} 不是劳动力（16—60 岁、有劳动能力、在册）"
    )
    assert rules.work_training_problem(tuo, employer, first_of_month(today(), 2)) is None


def test_work_training_refused_when_the_household_was_not_poor_that_month(finished):
    employer = finished.employers["a"]
    place(finished.world, "马文", start=first_of_month(today(), 6), employer=employer)
    ma = Person.objects.get(name="马文")
    # The household has been an ordinary one since the first of two months ago.
    ordinary_since = first_of_month(today(), 2)
    registry_services.record_status_change(ma.household, "ordinary", None, ordinary_since, "测试")
    assert (
        rules.work_training_problem(ma, employer, ordinary_since)
        == f"马文所在户在 {ym(ordinary_since)} 不是建档立卡贫困户或边缘户"
    )
    assert rules.work_training_problem(ma, employer, first_of_month(today(), 3)) is None


@pytest.mark.parametrize("status", ["exited", "edge"])
def test_work_training_accepted_for_exited_and_edge_households(finished, status):
    employer = finished.employers["a"]
    place(finished.world, "马文", start=first_of_month(today(), 6), employer=employer)
    ma = Person.objects.get(name="马文")
    since = first_of_month(today(), 2)
    registry_services.record_status_change(ma.household, status, None, since, "测试")
    assert rules.work_training_problem(ma, employer, since) is None


def test_work_training_refused_before_registration_began(finished):
    # A household first seen registered counts as registered since the national
    # registration began (2014-01-01), whatever day its ledger was imported.
    employer = finished.employers["a"]
    place(finished.world, "马文", start=date(2013, 1, 1), employer=employer)
    ma = Person.objects.get(name="马文")
    assert (
        rules.work_training_problem(ma, employer, date(2013, 12, 1))
        == "马文所在户在 2013年12月 不是建档立卡贫困户或边缘户"
    )
    assert rules.work_training_problem(ma, employer, date(2014, 1, 1)) is None
    assert rules.work_training_problem(ma, employer, date(2019, 5, 1)) is None


def test_work_training_refused_without_a_placement_with_that_employer(finished):
    employer = finished.employers["a"]
    month = first_of_month(today(), 2)
    ma = Person.objects.get(name="马文")
    message = f"{employer.name}在 {ym(month)} 没有马文的就业登记，请先登记就业"
    assert rules.work_training_problem(ma, employer, month) == message
    # A job with another employer (or a name only) covering the month does not count.
    place(finished.world, "马文", start=first_of_month(today(), 5), employer_name=employer.name)
    assert rules.work_training_problem(ma, employer, month) == message
    place(
        finished.world,
        "马文",
        start=first_of_month(today(), 4),
        employer=other_employer(finished.world),
    )
    assert rules.work_training_problem(ma, employer, month) == message


def test_work_training_refused_the_month_after_the_job_ended(finished):
    employer = finished.employers["a"]
    last_month_worked = first_of_month(today(), 3)
    placement = place(finished.world, "马文", start=first_of_month(today(), 6), employer=employer)
    services.end_placement(
        placement,
        actor=finished.world.user(Role.VILLAGE),
        end_date=first_of_month(today(), 2) - timedelta(days=1),  # last day of that month
        reason="resigned",
    )
    ma = Person.objects.get(name="马文")
    after = first_of_month(today(), 2)
    assert (
        rules.work_training_problem(ma, employer, after)
        == f"{employer.name}在 {ym(after)} 没有马文的就业登记，请先登记就业"
    )
    assert rules.work_training_problem(ma, employer, last_month_worked) is None


def test_work_training_accepted_for_a_month_before_the_person_moved_out(finished):
    """'Not a labourer in that month': someone who moved out later was one then.

    The person worked (and was trained) three months ago, and moved out of the
    registry last week; the rule must judge the month, not today's status —
    as ``person_problem`` does with ``status_date``.
    """
    employer = finished.employers["a"]
    month = first_of_month(today(), 3)
    place(finished.world, "马文", start=first_of_month(today(), 5), employer=employer)
    ma = registry_services.set_person_status(
        Person.objects.get(name="马文"),
        "moved",
        today() - timedelta(days=7),
        actor=finished.world.user(Role.VILLAGE),
    )
    assert rules.work_training_problem(ma, employer, month) is None
