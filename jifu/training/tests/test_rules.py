"""Each rule of training refuses what it must (and lets the rest through)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jifu.accounts.roles import Role
from jifu.registry.models import Person
from jifu.training import rules, services
from jifu.training.choices import ClassStatus, parse_level
from jifu.training.models import Enrolment

from .fixtures_workflow import END, declare, institution_for


def test_special_operation_needs_its_safety_hours(trained_world):
    c = declare(trained_world, occupation="6-31-01-03", safety_hours=8)  # 电工 requires 16
    with pytest.raises(ValidationError, match="安全课时不得少于 16"):
        services.approve_class(c, actor=trained_world.user(Role.COUNTY_HRSS))
    ok = declare(trained_world, occupation="6-31-01-03", code="BJ-2030-002", safety_hours=16)
    assert (
        services.approve_class(ok, actor=trained_world.user(Role.COUNTY_HRSS)).status
        == ClassStatus.APPROVED
    )


def test_occupation_outside_the_approved_scope_is_refused(trained_world):
    with pytest.raises(ValidationError, match="不在.*核准职业范围内"):
        declare(trained_world, occupation="4-03-02-01")  # 中式烹调师 is not approved


def test_lapsed_licence_is_refused(trained_world):
    institution = institution_for(trained_world)
    institution.licence_valid_until = date(2029, 12, 31)
    institution.save()
    with pytest.raises(ValidationError, match="办学许可证已于"):
        declare(trained_world, institution=institution)


def test_overlapping_enrolment_is_refused(approved_class, trained_world):
    ma = Person.objects.get(name="马文")
    actor = trained_world.user(Role.VILLAGE)
    services.enrol(approved_class, ma, actor=actor, source="village")
    other = declare(
        trained_world, code="BJ-2030-009", start_date=date(2030, 3, 15), end_date=date(2030, 4, 1)
    )
    services.approve_class(other, actor=trained_world.user(Role.COUNTY_HRSS))
    with pytest.raises(ValidationError, match="日期重叠"):
        services.enrol(other, ma, actor=actor, source="village")
    later = declare(
        trained_world, code="BJ-2030-010", start_date=date(2030, 3, 21), end_date=date(2030, 4, 1)
    )
    services.approve_class(later, actor=trained_world.user(Role.COUNTY_HRSS))
    assert services.enrol(later, ma, actor=actor, source="village").pk


def test_capacity_and_status(approved_class, trained_world):
    actor = trained_world.user(Role.VILLAGE)
    for name in ("马文", "韩梅"):
        services.enrol(approved_class, Person.objects.get(name=name), actor=actor, source="village")
    with pytest.raises(ValidationError, match="已满"):
        services.enrol(
            approved_class, Person.objects.get(name="妥德"), actor=actor, source="village"
        )
    declared = declare(trained_world, code="BJ-2030-003")
    with pytest.raises(ValidationError, match="不能报名"):
        services.enrol(declared, Person.objects.get(name="妥德"), actor=actor, source="village")


def _run_class(c, world, present_days):
    """Open the class, record attendance for 10 days (present on the first ``present_days``), complete it."""
    actor = world.user(Role.INSTITUTION)
    services.open_class(c, actor=actor)
    enrolment = Enrolment.objects.get(training_class=c)
    for day in range(10):
        status = "present" if day < present_days else "absent"
        services.record_session(
            c, actor=actor, day=date(2030, 3, 1 + day), statuses={enrolment.pk: status}
        )
    services.complete_class(c, actor=actor)
    enrolment.refresh_from_db()
    return enrolment


def test_attendance_threshold_blocks_the_assessment(approved_class, trained_world):
    services.enrol(
        approved_class,
        Person.objects.get(name="马文"),
        actor=trained_world.user(Role.VILLAGE),
        source="village",
    )
    enrolment = _run_class(approved_class, trained_world, present_days=6)
    assert enrolment.attendance_rate == pytest.approx(0.6)
    with pytest.raises(ValidationError, match="出勤率 60% 低于 70%"):
        services.assess(
            enrolment, actor=trained_world.user(Role.INSTITUTION), result="pass", on=END
        )


def test_attendance_outside_the_class_dates_is_refused(approved_class, trained_world):
    services.enrol(
        approved_class,
        Person.objects.get(name="马文"),
        actor=trained_world.user(Role.VILLAGE),
        source="village",
    )
    services.open_class(approved_class, actor=trained_world.user(Role.INSTITUTION))
    with pytest.raises(ValidationError, match="不在培训期间"):
        services.record_session(approved_class, actor=None, day=date(2030, 4, 1), statuses={})


def test_certificate_numbers_are_unique_and_need_a_pass(approved_class, trained_world):
    services.enrol(
        approved_class,
        Person.objects.get(name="马文"),
        actor=trained_world.user(Role.VILLAGE),
        source="village",
    )
    enrolment = _run_class(approved_class, trained_world, present_days=9)
    actor = trained_world.user(Role.INSTITUTION)
    with pytest.raises(ValidationError, match="考核合格后"):
        services.issue_certificate(
            actor=actor,
            person=enrolment.person,
            enrolment=enrolment,
            kind="training",
            number="C-1",
            occupation=approved_class.occupation,
            level=5,
            issuer="x",
            issued_on=END,
        )
    services.assess(enrolment, actor=actor, result="pass", score=88, on=END)
    enrolment.refresh_from_db()
    services.issue_certificate(
        actor=actor,
        person=enrolment.person,
        enrolment=enrolment,
        kind="training",
        number="c-1",
        occupation=approved_class.occupation,
        level=5,
        issuer="x",
        issued_on=END,
    )
    with pytest.raises(ValidationError, match="证书编号 C-1 已存在"):
        services.issue_certificate(
            actor=actor,
            person=Person.objects.get(name="韩梅"),
            kind="special",
            number=" C-1 ",
            occupation=approved_class.occupation,
            level=None,
            issuer="y",
            issued_on=END,
        )


def test_rejection_needs_a_reason(trained_world):
    c = declare(trained_world)
    with pytest.raises(ValidationError, match="理由"):
        services.reject_class(c, actor=trained_world.user(Role.COUNTY_HRSS), reason=" ")
    services.reject_class(c, actor=trained_world.user(Role.COUNTY_HRSS), reason="课时不足")
    c.refresh_from_db()
    assert (c.status, c.review_note) == ("rejected", "课时不足")
    with pytest.raises(ValidationError, match="不能进行此操作"):
        services.approve_class(c, actor=trained_world.user(Role.COUNTY_HRSS))


@pytest.mark.parametrize(
    "raw, level",
    [
        ("五级", 5),
        ("初级工", 5),
        ("五级/初级工", 5),
        ("初级", 5),
        (5, 5),
        (5.0, 5),
        ("５", 5),
        ("四级/中级工", 4),
        ("技师", 2),
        ("高级技师", 1),
        ("一级", 1),
        ("", None),
        (None, None),
    ],
)
def test_levels_written_many_ways(raw, level):
    assert parse_level(raw) == level


@pytest.mark.parametrize("raw", ["六级", "五级/中级工", 7, "特级"])
def test_bad_levels(raw):
    with pytest.raises(ValueError):
        parse_level(raw)


def test_min_attendance_is_configurable(settings):
    settings.JIFU_MIN_ATTENDANCE = 0.5
    assert rules.min_attendance() == 0.5


def test_home_work_lists(client, trained_world):
    declare(trained_world)
    client.force_login(trained_world.user(Role.COUNTY_HRSS))
    cards = {str(c["label"]): c["value"] for c in client.get("/").context["cards"]}
    assert cards["待审核培训班"] == 1
    client.force_login(trained_world.user(Role.COUNTY_HRSS, "b"))
    cards = {str(c["label"]): c["value"] for c in client.get("/").context["cards"]}
    assert cards["待审核培训班"] == 0


def test_recorded_sessions_add_to_imported_day_counts(approved_class, trained_world):
    """An enrolment imported with 5 of 6 days keeps them when sessions are recorded later."""
    enrolment = services.enrol(
        approved_class, Person.objects.get(name="马文"), actor=None, source="import"
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(sessions_present=5, sessions_total=6)
    services.open_class(approved_class, actor=None)
    services.record_session(
        approved_class, actor=None, day=date(2030, 3, 2), statuses={enrolment.pk: "present"}
    )
    enrolment.refresh_from_db()
    assert (enrolment.sessions_present, enrolment.sessions_total) == (6, 7)
    # Correcting the same session changes the counts once, not twice.
    services.record_session(
        approved_class, actor=None, day=date(2030, 3, 2), statuses={enrolment.pk: "absent"}
    )
    enrolment.refresh_from_db()
    assert (enrolment.sessions_present, enrolment.sessions_total) == (5, 7)
