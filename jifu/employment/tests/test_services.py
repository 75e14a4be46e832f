"""Employment services: what each write does to employment, to the registry (the
five lists), to follow-ups, to scoping — and that it is audited with its actor."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core import creditcode
from jifu.core.testing import COUNTY_A, TOWNSHIP_A, TOWNSHIP_B
from jifu.employment import services
from jifu.employment.models import (
    Employer,
    FollowUp,
    Placement,
    Recommendation,
    Startup,
    StartupFollowUp,
    WorkBasedTraining,
)
from jifu.regions import services as region_services
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.models import Person
from jifu.training import services as training_services
from jifu.training.choices import ClassStatus, EnrolmentSource, EnrolmentStatus
from jifu.training.models import Enrolment, TrainingClass
from jifu.training.tests.fixtures_public import fresh_rate_limits_fixture  # noqa: F401

from .fixtures import (  # noqa: F401 - pytest fixture
    finished_fixture,
    id_numbers,
    make_class,
    place,
    today,
)

# --- helpers ------------------------------------------------------------------------------


def audit_mark() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def events_since(mark: int, obj=None, action: str | None = None):
    qs = AuditEvent.objects.filter(seq__gt=mark)
    if obj is not None:
        qs = qs.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("seq"))


def assert_audited(mark: int, obj, actor, action: str, message: str | None = None):
    """At least one event on ``obj`` since ``mark``, by ``actor``, with that action."""
    found = events_since(mark, obj, action)
    assert found, f"no {action} event for {obj!r}"
    for event in found:
        assert event.actor_id == actor.pk
        assert event.actor_username == actor.get_username()
    if message is not None:
        assert message in [e.message for e in found]
    return found


def months_back(n: int) -> date:
    """The first day of the month ``n`` months before this one."""
    return today().replace(day=1) - relativedelta(months=n)


def person(name: str) -> Person:
    return Person.objects.get(name=name)


def village(world, side="a"):
    return world.user(Role.VILLAGE, side)


def five(key: str) -> set[str]:
    return set(Person.objects.five_list(key).values_list("name", flat=True))


# --- placements ---------------------------------------------------------------------------


def test_placement_schedules_twelve_monthly_follow_ups(finished):
    # The last day of a month (of a year that is not a leap year): the due dates
    # clamp to each month's last day.
    start = date(2025, 1, 31)
    placement = place(finished.world, "马文", start=start)
    follow_ups = list(placement.follow_ups.order_by("month_no"))
    y = start.year
    assert [(f.month_no, f.due_on) for f in follow_ups] == [
        (1, date(y, 2, 28)),
        (2, date(y, 3, 31)),
        (3, date(y, 4, 30)),
        (4, date(y, 5, 31)),
        (5, date(y, 6, 30)),
        (6, date(y, 7, 31)),
        (7, date(y, 8, 31)),
        (8, date(y, 9, 30)),
        (9, date(y, 10, 31)),
        (10, date(y, 11, 30)),
        (11, date(y, 12, 31)),
        (12, date(y + 1, 1, 31)),
    ]
    assert all(f.done_on is None for f in follow_ups)
    assert {f.village_code for f in follow_ups} == {person("马文").village_code}


def test_placement_follow_ups_are_due_start_plus_n_months(finished):
    start = today() - timedelta(days=20)
    placement = place(finished.world, "马文", start=start)
    due = dict(placement.follow_ups.values_list("month_no", "due_on"))
    assert sorted(due) == list(range(1, 13))
    assert placement.follow_ups.pending().count() == 12
    assert {f.state() for f in placement.follow_ups.all()} == {"upcoming"}
    for n, due_on in due.items():
        assert due_on == start + relativedelta(months=n)
        # roughly a month apart, always on or before the start's day of month
        assert due_on.day <= start.day


def test_placement_updates_the_registry_and_is_audited(finished):
    actor = village(finished.world)
    ma = person("马文")
    assert ma.employment_status == "unemployed"
    mark = audit_mark()
    placement = place(finished.world, "马文", monthly_wage=3200, place="in_province")
    ma.refresh_from_db()
    assert ma.employment_status == "employed"
    assert ma.employment_place == "in_province"
    assert ma.employer == "兰州某餐饮公司"
    assert ma.monthly_income == Decimal("3200")
    assert placement.village_code == ma.village_code
    assert placement.status == "employed" and placement.end_date is None
    assert_audited(mark, placement, actor, "create")
    (event,) = assert_audited(mark, ma, actor, "update", "就业登记：兰州某餐饮公司")
    assert event.before["employment_status"] == "unemployed"
    assert event.after["employment_status"] == "employed"


def test_placement_moves_the_person_between_the_five_lists(finished):
    ma = person("马文")
    assert ma in Person.objects.labour_force()  # 16-60, able to work, active
    employed, unemployed = five("employed"), five("unemployed")
    assert "马文" in unemployed and "马文" not in employed
    place(finished.world, "马文")
    assert five("employed") == employed | {"马文"}
    assert five("unemployed") == unemployed - {"马文"}
    assert Person.objects.five_list("employed").count() == len(employed) + 1
    assert Person.objects.five_list("unemployed").count() == len(unemployed) - 1


def test_placement_of_someone_outside_the_labour_force_leaves_the_five_lists(finished):
    xiao = person("马小")  # a child without labour ability
    assert xiao not in Person.objects.labour_force()
    employed, unemployed = five("employed"), five("unemployed")
    place(finished.world, "马小")
    assert person("马小").employment_status == "employed"  # the registry field moves ...
    assert (five("employed"), five("unemployed")) == (employed, unemployed)  # ... the lists not


def test_placement_with_an_employer_takes_its_name(finished):
    employer = finished.employers["a"]
    placement = place(finished.world, "马文", employer=employer, employer_name="")
    assert placement.employer_name == employer.name
    assert person("马文").employer == employer.name


def test_placement_province_defaults_and_is_normalised(finished):
    in_county = place(finished.world, "马文", place="in_county", province="")
    assert in_county.province == "甘肃省"
    outside = place(
        finished.world,
        "妥德",
        place="out_of_province",
        province="浙江",
        start=today() - timedelta(days=5),
    )
    assert outside.province == "浙江省"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"place": "out_of_province", "province": "甘肃"}, "place", "不能是甘肃省"),
        ({"place": "in_county", "province": "浙江"}, "place", "就业省份应为甘肃省"),
        ({"start_in_days": 1}, "start_date", "晚于今天，请在入职后登记"),
        ({"employer_name": ""}, "employer_name", "请填写用人单位名称"),
    ],
)
def test_placement_is_refused_by_the_rules(finished, fields, field, message):
    if "start_in_days" in fields:
        fields = {"start": today() + timedelta(days=fields["start_in_days"])}
    with pytest.raises(ValidationError) as caught:
        place(finished.world, "马文", **fields)
    assert any(message in m for m in caught.value.message_dict[field])
    assert not Placement.objects.exists()
    assert person("马文").employment_status == "unemployed"


def test_placement_for_someone_who_died_before_is_refused(finished):
    registry_services.set_person_status(
        person("妥德"), "dead", today() - timedelta(days=30), actor=village(finished.world)
    )
    with pytest.raises(ValidationError, match="妥德的人员状态为“已死亡”"):
        place(finished.world, "妥德", start=today() - timedelta(days=10))
    # A job held before the death can still be recorded.
    assert place(finished.world, "妥德", start=today() - timedelta(days=60)).pk


def test_placement_naming_a_class_not_taken_is_refused(finished):
    with pytest.raises(ValidationError) as caught:
        place(finished.world, "妥德", training_class=finished.classes["a"])
    assert caught.value.message_dict["training_class"] == ["妥德未参加培训班 A-JY-1"]
    assert place(finished.world, "马文", training_class=finished.classes["a"]).pk


def test_second_placement_ends_the_earlier_one_the_day_before(finished):
    actor = village(finished.world)
    first = place(finished.world, "马文", start=months_back(5))
    second_start = months_back(2) + timedelta(days=14)
    mark = audit_mark()
    second = place(
        finished.world,
        "马文",
        start=second_start,
        employer_name="天津某建筑公司",
        monthly_wage=5000,
    )
    first.refresh_from_db()
    assert first.status == "left"
    assert first.end_date == second_start - timedelta(days=1)
    assert first.leave_reason == "other"
    assert second.status == "employed" and second.end_date is None
    # The first job's follow-ups after its end are no longer needed; the earlier ones are.
    for f in first.follow_ups.all():
        assert f.cancelled == (f.due_on > first.end_date), f.month_no
    # Due on the 1st of the 4th, 3rd and 2nd month back; the job ended on the 14th of the 2nd.
    assert first.follow_ups.filter(cancelled=False).count() == 3
    assert_audited(mark, first, actor, "update", "离岗")
    ma = person("马文")
    assert (ma.employment_status, ma.employer) == ("employed", "天津某建筑公司")
    assert ma.monthly_income == Decimal("5000")


def test_earlier_placement_recorded_late_is_stored_as_ended(finished):
    current = place(
        finished.world, "马文", start=today() - timedelta(days=10), employer_name="现在的单位"
    )
    late = place(
        finished.world, "马文", start=today() - timedelta(days=100), employer_name="以前的单位"
    )
    assert late.status == "left"
    assert late.end_date == current.start_date - timedelta(days=1)
    late.refresh_from_db()
    assert late.status == "left" and late.end_date == today() - timedelta(days=11)
    for f in late.follow_ups.all():
        assert f.cancelled == (f.due_on > late.end_date), f.month_no
    current.refresh_from_db()
    assert current.status == "employed" and current.end_date is None
    # The registry still shows the newer job.
    assert person("马文").employer == "现在的单位"


def test_duplicate_start_date_is_refused(finished):
    start = today() - timedelta(days=15)
    place(finished.world, "马文", start=start)
    with pytest.raises(ValidationError) as caught:
        place(finished.world, "马文", start=start, employer_name="另一家")
    assert caught.value.message_dict["start_date"] == [f"马文在 {start} 已有一条就业登记"]
    assert Placement.objects.filter(person__name="马文").count() == 1
    assert FollowUp.objects.count() == 12


def test_end_placement_cancels_later_follow_ups_and_sets_unemployed(finished):
    actor = village(finished.world)
    placement = place(finished.world, "马文", start=today() - timedelta(days=100))
    unemployed_before = five("unemployed")
    end = today() - timedelta(days=50)
    mark = audit_mark()
    services.end_placement(placement, actor=actor, end_date=end, reason="resigned")
    placement.refresh_from_db()
    assert (placement.status, placement.end_date, placement.leave_reason) == (
        "left",
        end,
        "resigned",
    )
    kept = placement.follow_ups.filter(cancelled=False)
    assert kept.count() >= 1 and all(f.due_on <= end for f in kept)
    assert placement.follow_ups.filter(cancelled=True).count() == 12 - kept.count()
    assert all(f.due_on > end for f in placement.follow_ups.filter(cancelled=True))
    ma = person("马文")
    assert ma.employment_status == "unemployed"
    assert ma.employer == "" and ma.monthly_income is None
    assert five("unemployed") == unemployed_before | {"马文"}
    assert "马文" not in five("employed")
    assert_audited(mark, placement, actor, "update", "离岗")
    assert_audited(mark, ma, actor, "update", "离岗：兰州某餐饮公司")


def test_end_placement_refusals(finished):
    actor = village(finished.world)
    start = today() - timedelta(days=30)
    placement = place(finished.world, "马文", start=start)
    with pytest.raises(ValidationError, match="离岗日期不能早于入职日期"):
        services.end_placement(
            placement, actor=actor, end_date=start - timedelta(days=1), reason="resigned"
        )
    with pytest.raises(ValidationError, match="离岗日期不能晚于今天"):
        services.end_placement(
            placement, actor=actor, end_date=today() + timedelta(days=1), reason="resigned"
        )
    with pytest.raises(ValidationError, match="请选择离岗原因"):
        services.end_placement(placement, actor=actor, end_date=today(), reason="")
    placement.refresh_from_db()
    assert placement.status == "employed"
    services.end_placement(placement, actor=actor, end_date=start, reason="dismissed")
    with pytest.raises(ValidationError, match="该就业登记已离岗"):
        services.end_placement(placement, actor=actor, end_date=today(), reason="resigned")


# --- follow-ups ---------------------------------------------------------------------------


def past_follow_ups(world, name="马文", days=100):
    placement = place(world, name, start=today() - timedelta(days=days))
    return placement, list(placement.follow_ups.order_by("month_no"))


def test_follow_up_still_employed_with_a_new_wage(finished):
    actor = village(finished.world)
    placement, fus = past_follow_ups(finished.world)
    mark = audit_mark()
    done = services.record_follow_up(
        fus[0],
        actor=actor,
        done_on=fus[0].due_on,
        still_employed=True,
        monthly_wage=Decimal("3600"),
    )
    assert (done.done_on, done.still_employed, done.monthly_wage) == (
        fus[0].due_on,
        True,
        Decimal("3600"),
    )
    placement.refresh_from_db()
    assert placement.monthly_wage == Decimal("3600") and placement.status == "employed"
    ma = person("马文")
    assert ma.monthly_income == Decimal("3600") and ma.employment_status == "employed"
    assert_audited(mark, placement, actor, "update", "第 1 个月回访")
    assert_audited(mark, ma, actor, "update", "回访更新月工资")
    assert FollowUp.objects.get(pk=fus[0].pk).state() == "done"


def test_follow_up_same_wage_leaves_the_registry_alone(finished):
    actor = village(finished.world)
    placement, fus = past_follow_ups(finished.world)
    mark = audit_mark()
    services.record_follow_up(
        fus[0], actor=actor, done_on=fus[0].due_on, still_employed=True, monthly_wage=3200
    )
    assert events_since(mark, person("马文")) == []
    assert_audited(mark, placement, actor, "update")


def test_follow_up_not_employed_needs_a_reason(finished):
    placement, fus = past_follow_ups(finished.world)
    with pytest.raises(ValidationError) as caught:
        services.record_follow_up(
            fus[1], actor=village(finished.world), done_on=fus[1].due_on, still_employed=False
        )
    assert caught.value.message_dict["leave_reason"] == ["未在岗时请选择离岗原因"]
    fus[1].refresh_from_db()
    assert fus[1].done_on is None
    placement.refresh_from_db()
    assert placement.status == "employed"


def test_follow_up_not_employed_ends_the_job(finished):
    actor = village(finished.world)
    placement, fus = past_follow_ups(finished.world)
    left_on = fus[1].due_on - timedelta(days=5)
    mark = audit_mark()
    services.record_follow_up(
        fus[1],
        actor=actor,
        done_on=fus[1].due_on,
        still_employed=False,
        leave_reason="wage",
        left_on=left_on,
        monthly_wage=None,
    )
    placement.refresh_from_db()
    assert (placement.status, placement.end_date, placement.leave_reason) == (
        "left",
        left_on,
        "wage",
    )
    states = {f.month_no: f for f in placement.follow_ups.all()}
    assert states[1].done_on is None and not states[1].cancelled  # still owed
    assert states[2].done_on == fus[1].due_on and states[2].leave_reason == "wage"
    assert not states[2].cancelled
    assert all(states[n].cancelled for n in range(3, 13))
    ma = person("马文")
    assert ma.employment_status == "unemployed"
    assert "马文" in five("unemployed")
    assert_audited(mark, placement, actor, "update", "离岗")
    assert_audited(mark, ma, actor, "update", "回访发现已离岗：兰州某餐饮公司")


def test_follow_up_not_employed_without_left_on_ends_on_the_visit(finished):
    placement, fus = past_follow_ups(finished.world)
    services.record_follow_up(
        fus[0],
        actor=village(finished.world),
        done_on=fus[0].due_on,
        still_employed=False,
        leave_reason="family",
    )
    placement.refresh_from_db()
    assert placement.end_date == fus[0].due_on
    assert placement.follow_ups.filter(cancelled=True).count() == 11


def test_follow_up_left_after_the_visit_is_refused(finished):
    """Found not employed on the visit day: the job cannot have ended after it."""
    placement, fus = past_follow_ups(finished.world)
    with pytest.raises(ValidationError):
        services.record_follow_up(
            fus[0],
            actor=village(finished.world),
            done_on=fus[0].due_on,
            still_employed=False,
            leave_reason="resigned",
            left_on=today() + timedelta(days=30),
        )
    placement.refresh_from_db()
    assert placement.status == "employed" and placement.end_date is None


def test_follow_up_done_twice_is_refused(finished):
    actor = village(finished.world)
    _, fus = past_follow_ups(finished.world)
    services.record_follow_up(fus[0], actor=actor, done_on=fus[0].due_on, still_employed=True)
    with pytest.raises(ValidationError, match=f"第 1 个月的回访已于 {fus[0].due_on} 完成"):
        services.record_follow_up(fus[0], actor=actor, done_on=today(), still_employed=True)


def test_cancelled_follow_up_is_refused(finished):
    actor = village(finished.world)
    placement, fus = past_follow_ups(finished.world)
    services.end_placement(placement, actor=actor, end_date=fus[0].due_on, reason="resigned")
    fus[2].refresh_from_db()
    assert fus[2].cancelled
    with pytest.raises(ValidationError, match="此次回访已无需进行"):
        services.record_follow_up(fus[2], actor=actor, done_on=today(), still_employed=True)


def test_follow_up_dates_are_checked(finished):
    actor = village(finished.world)
    placement, fus = past_follow_ups(finished.world)
    with pytest.raises(ValidationError) as caught:
        services.record_follow_up(
            fus[0], actor=actor, done_on=today() + timedelta(days=1), still_employed=True
        )
    assert caught.value.message_dict["done_on"] == ["回访日期不能晚于今天"]
    with pytest.raises(ValidationError) as caught:
        services.record_follow_up(
            fus[0],
            actor=actor,
            done_on=placement.start_date - timedelta(days=1),
            still_employed=True,
        )
    assert caught.value.message_dict["done_on"] == ["回访日期不能早于入职日期"]
    with pytest.raises(ValidationError) as caught:
        services.record_follow_up(
            fus[0],
            actor=actor,
            done_on=fus[0].due_on,
            still_employed=False,
            leave_reason="resigned",
            left_on=placement.start_date - timedelta(days=1),
        )
    assert caught.value.message_dict["left_on"] == ["离岗日期不能早于入职日期"]
    # Nothing of the refused visit was kept (the follow-up was saved before the check).
    fus[0].refresh_from_db()
    assert fus[0].done_on is None and fus[0].still_employed is None
    placement.refresh_from_db()
    assert placement.status == "employed"
    # Today itself is fine.
    assert services.record_follow_up(fus[0], actor=actor, done_on=today(), still_employed=True)


def _follow_ups_due_on(world, offsets: dict[str, int]) -> dict[str, FollowUp]:
    """One pending follow-up per label, due ``today + offset`` days."""
    _, fus = past_follow_ups(world, days=20)
    rows = {}
    for fu, (label, offset) in zip(fus, offsets.items(), strict=False):
        FollowUp.objects.filter(pk=fu.pk).update(due_on=today() + timedelta(days=offset))
        fu.refresh_from_db()
        rows[label] = fu
    # The rest out of the way: far in the future.
    FollowUp.objects.exclude(pk__in=[f.pk for f in rows.values()]).update(
        due_on=today() + timedelta(days=400)
    )
    return rows


def test_follow_up_state_and_querysets_at_the_grace_boundary(finished, settings):
    settings.JIFU_FOLLOWUP_GRACE_DAYS = 5
    rows = _follow_ups_due_on(
        finished.world,
        {
            "tomorrow": 1,
            "today": 0,
            "last_grace_day": -5,
            "first_overdue_day": -6,
            "long_overdue": -40,
            "done": -40,
            "cancelled": -40,
        },
    )
    FollowUp.objects.filter(pk=rows["done"].pk).update(done_on=today() - timedelta(days=39))
    FollowUp.objects.filter(pk=rows["cancelled"].pk).update(cancelled=True)
    for fu in rows.values():
        fu.refresh_from_db()
    expected = {
        "tomorrow": "upcoming",
        "today": "due",
        "last_grace_day": "due",
        "first_overdue_day": "overdue",
        "long_overdue": "overdue",
        "done": "done",
        "cancelled": "cancelled",
    }
    assert {label: fu.state() for label, fu in rows.items()} == expected
    assert {label: fu.state(today()) for label, fu in rows.items()} == expected
    by_pk = {fu.pk: label for label, fu in rows.items()}
    assert {by_pk[pk] for pk in FollowUp.objects.due().values_list("pk", flat=True)} == {
        "today",
        "last_grace_day",
    }
    assert {
        by_pk[pk] for pk in FollowUp.objects.overdue().values_list("pk", flat=True) if pk in by_pk
    } == {"first_overdue_day", "long_overdue"}
    assert FollowUp.objects.overdue().count() == 2
    # The same question asked a day later: the boundary moves with the day.
    tomorrow = today() + timedelta(days=1)
    assert rows["last_grace_day"].state(tomorrow) == "overdue"
    assert rows["tomorrow"].state(tomorrow) == "due"
    assert {by_pk[pk] for pk in FollowUp.objects.due(tomorrow).values_list("pk", flat=True)} == {
        "tomorrow",
        "today",
    }


def test_follow_up_grace_days_come_from_the_setting(finished, settings):
    rows = _follow_ups_due_on(finished.world, {"yesterday": -1, "ten_days_ago": -10})
    settings.JIFU_FOLLOWUP_GRACE_DAYS = 0
    assert rows["yesterday"].state() == "overdue"
    assert set(FollowUp.objects.overdue()) == {rows["yesterday"], rows["ten_days_ago"]}
    assert not FollowUp.objects.due().exists()
    settings.JIFU_FOLLOWUP_GRACE_DAYS = 10
    assert rows["yesterday"].state() == "due"
    assert rows["ten_days_ago"].state() == "due"
    assert set(FollowUp.objects.due()) == {rows["yesterday"], rows["ten_days_ago"]}
    assert not FollowUp.objects.overdue().exists()


# --- jobs and recommendations --------------------------------------------------------------


def post_job(finished, side="a", **fields):
    values = {
        "title": "家政服务员",
        "place": "in_county",
        "headcount": 3,
        "posted_on": today() - timedelta(days=5),
    }
    values.update(fields)
    return services.post_job(
        actor=finished.world.user(Role.EMPLOYER, side), employer=finished.employers[side], **values
    )


def test_recommend_and_hire(finished):
    actor = village(finished.world)
    job = post_job(finished)
    mark = audit_mark()
    rec = services.recommend(job, person("马文"), actor=actor)
    other = services.recommend(job, person("妥德"), actor=actor)
    assert rec.status == "recommended" and rec.village_code == person("马文").village_code
    assert rec.recommended_on == today()
    assert_audited(mark, rec, actor, "create")
    place(finished.world, "马文", job=job, employer=finished.employers["a"], employer_name="")
    rec.refresh_from_db()
    other.refresh_from_db()
    assert rec.status == "hired"
    assert other.status == "recommended"


def test_recommend_refusals(finished):
    actor = village(finished.world)
    job = post_job(finished)
    with pytest.raises(ValidationError, match="马小不在劳动力名单中"):
        services.recommend(job, person("马小"), actor=actor)
    services.recommend(job, person("马文"), actor=actor)
    with pytest.raises(ValidationError, match="马文已推荐到该岗位"):
        services.recommend(job, person("马文"), actor=actor)
    job = services.close_job(job, actor=finished.world.user(Role.EMPLOYER))
    with pytest.raises(ValidationError, match="岗位已结束招聘，不能推荐"):
        services.recommend(job, person("妥德"), actor=actor)
    assert Recommendation.objects.count() == 1


def test_hiring_a_recommended_person_is_audited_on_the_recommendation(finished):
    """The recommendation's status change (已推荐 → 已录用) is a write like any other."""
    actor = village(finished.world)
    job = post_job(finished)
    rec = services.recommend(job, person("马文"), actor=actor)
    mark = audit_mark()
    place(finished.world, "马文", job=job, employer=finished.employers["a"], employer_name="")
    (event,) = assert_audited(mark, rec, actor, "update")
    assert event.after["status"] == "hired"


def test_decline_recommendation(finished):
    actor = finished.world.user(Role.EMPLOYER)
    job = post_job(finished)
    rec = services.recommend(job, person("马文"), actor=village(finished.world))
    mark = audit_mark()
    rec = services.decline_recommendation(rec, actor=actor, note="技能不符")
    assert (rec.status, rec.note) == ("declined", "技能不符")
    assert_audited(mark, rec, actor, "update")
    with pytest.raises(ValidationError, match="推荐状态为“未录用”，不能更改"):
        services.decline_recommendation(rec, actor=actor)
    hired = services.recommend(job, person("妥德"), actor=village(finished.world))
    place(finished.world, "妥德", job=job, employer=finished.employers["a"], employer_name="")
    with pytest.raises(ValidationError, match="推荐状态为“已录用”，不能更改"):
        services.decline_recommendation(hired, actor=actor)


def test_commitments_brands_and_programmes_are_audited(finished):
    county_user = finished.world.user(Role.COUNTY_HRSS)
    employer = finished.employers["a"]
    county = Region.objects.get(code=COUNTY_A)
    mark = audit_mark()
    commitment = services.add_commitment(
        employer, actor=finished.world.user(Role.EMPLOYER), kind="internship", year=2026, places=5
    )
    assert commitment.employer == employer
    assert_audited(
        mark, employer, finished.world.user(Role.EMPLOYER), "create", "登记承诺：实习岗位"
    )
    brand = services.save_brand(actor=county_user, name=" 东乡手抓 ", region=county)
    assert brand.name == "东乡手抓" and brand.region_code == COUNTY_A
    again = services.save_brand(actor=county_user, name="东乡手抓", region=county, description="x")
    assert again.pk == brand.pk
    assert_audited(mark, brand, county_user, "create")
    assert_audited(mark, brand, county_user, "update")
    program = services.create_program(
        actor=county_user,
        region=county,
        name="东乡—天津劳务输转",
        destination_province="天津",
        start_date=today() - timedelta(days=10),
        employer=employer,
        planned_count=30,
    )
    assert program.destination_province == "天津市" and program.region_code == COUNTY_A
    assert_audited(mark, program, county_user, "create")
    with pytest.raises(ValidationError, match="结束日期不能早于输转日期"):
        services.create_program(
            actor=county_user,
            region=county,
            name="倒序",
            destination_province="浙江",
            start_date=today(),
            end_date=today() - timedelta(days=1),
        )


def test_post_and_close_job_are_audited(finished):
    actor = finished.world.user(Role.EMPLOYER)
    mark = audit_mark()
    job = post_job(finished)
    assert job.region_code == finished.employers["a"].region_code
    assert_audited(mark, job, actor, "create")
    services.close_job(job, actor=actor)
    job.refresh_from_db()
    assert job.status == "closed"
    assert_audited(mark, job, actor, "update")
    with pytest.raises(ValidationError, match="截止日期不能早于发布日期"):
        post_job(finished, closes_on=today() - timedelta(days=30))


# --- 以工代训 ---------------------------------------------------------------------------


def test_record_work_training(finished):
    employer = finished.employers["a"]
    actor = finished.world.user(Role.EMPLOYER)
    placement = place(finished.world, "马文", start=months_back(5), employer=employer)
    month = months_back(2)
    mark = audit_mark()
    row = services.record_work_training(
        actor=actor,
        employer=employer,
        person=person("马文"),
        month=month + timedelta(days=17),  # any day names its month
        wage=Decimal("3000"),
        training_hours=40,
        mentor="马师傅",
    )
    assert row.month == month
    assert row.placement == placement
    assert row.village_code == person("马文").village_code
    assert_audited(mark, row, actor, "create")
    with pytest.raises(ValidationError) as caught:
        services.record_work_training(
            actor=actor, employer=employer, person=person("马文"), month=month, wage=3000
        )
    assert caught.value.message_dict["month"] == [
        f"马文 {month.year}年{month.month:02d}月 的以工代训已登记"
    ]
    assert WorkBasedTraining.objects.count() == 1


def test_work_training_for_a_future_month_is_refused(finished):
    employer = finished.employers["a"]
    place(finished.world, "马文", start=months_back(5), employer=employer)
    next_month = months_back(0) + relativedelta(months=1)
    with pytest.raises(ValidationError) as caught:
        services.record_work_training(
            actor=finished.world.user(Role.EMPLOYER),
            employer=employer,
            person=person("马文"),
            month=next_month,
            wage=3000,
        )
    assert caught.value.message_dict["month"] == ["不能登记未来月份"]
    assert not WorkBasedTraining.objects.exists()


def test_work_training_without_the_job_is_refused(finished):
    employer = finished.employers["a"]
    with pytest.raises(ValidationError, match="没有马文的就业登记，请先登记就业"):
        services.record_work_training(
            actor=finished.world.user(Role.EMPLOYER),
            employer=employer,
            person=person("马文"),
            month=months_back(1),
            wage=3000,
        )


# --- entrepreneurship -----------------------------------------------------------------------


def entrepreneurship_class(world, names=("妥德",)) -> TrainingClass:
    """A 创业培训 class that ended 90 days ago, completed by ``names``."""
    end = today() - timedelta(days=90)
    c = make_class(
        world,
        "a",
        code="A-CY-1",
        start=end - timedelta(days=9),
        days=10,
        training_type="entrepreneurship",
    )
    for name in names:
        training_services.enrol(
            c, person(name), actor=village(world), source=EnrolmentSource.VILLAGE
        )
    c.enrolments.update(status=EnrolmentStatus.COMPLETED)
    TrainingClass.objects.filter(pk=c.pk).update(status=ClassStatus.ASSESSED)
    c.refresh_from_db()
    return c


def start_up(finished, who="妥德", *, place_code=TOWNSHIP_A, **fields):
    values = {
        "name": "妥德牛肉面馆",
        "kind": "individual",
        "industry": "餐饮",
        "started_on": today() - timedelta(days=60),
        "jobs_created": 4,
        "poor_jobs_created": 2,
    }
    values.update(fields)
    return services.record_startup(
        person(who),
        actor=village(finished.world),
        place=Region.objects.get(code=place_code),
        **values,
    )


def test_record_startup_makes_the_founder_employed(finished):
    actor = village(finished.world)
    course = entrepreneurship_class(finished.world)
    assert "妥德" in five("unemployed")
    mark = audit_mark()
    startup = start_up(finished, training_class=course)
    assert startup.village_code == person("妥德").village_code
    assert startup.place_code == TOWNSHIP_A and startup.status == "operating"
    tuo = person("妥德")
    assert (tuo.employment_status, tuo.employer, tuo.employment_place) == (
        "employed",
        "妥德牛肉面馆",
        "in_county",
    )
    assert "妥德" in five("employed") and "妥德" not in five("unemployed")
    assert_audited(mark, startup, actor, "create")
    assert_audited(mark, tuo, actor, "update", "自主创业：妥德牛肉面馆")


def test_startup_in_another_county_counts_as_in_province(finished):
    start_up(finished, "马文", name="马文电商", place_code=TOWNSHIP_B)
    assert person("马文").employment_place == "in_province"


def test_startup_with_a_class_that_is_not_entrepreneurship_is_refused(finished):
    with pytest.raises(ValidationError) as caught:
        start_up(finished, "马文", training_class=finished.classes["a"])  # 就业技能培训
    assert caught.value.message_dict["training_class"] == ["A-JY-1 不是创业培训班"]
    assert not Startup.objects.exists()
    assert person("马文").employment_status == "unemployed"


def test_startup_with_an_entrepreneurship_class_not_taken_is_refused(finished):
    course = entrepreneurship_class(finished.world, names=("妥德",))
    with pytest.raises(ValidationError) as caught:
        start_up(finished, "马文", training_class=course)
    assert caught.value.message_dict["training_class"] == ["马文未参加培训班 A-CY-1"]


def test_startup_refusals(finished):
    with pytest.raises(ValidationError) as caught:
        start_up(finished, jobs_created=2, poor_jobs_created=3)
    assert caught.value.message_dict["poor_jobs_created"] == [
        "带动贫困劳动力就业人数不能多于带动就业人数"
    ]
    with pytest.raises(ValidationError) as caught:
        start_up(finished, started_on=today() + timedelta(days=1))
    assert caught.value.message_dict["started_on"] == ["创业日期不能晚于今天"]
    registry_services.set_person_status(
        person("妥德"), "moved", today() - timedelta(days=100), actor=village(finished.world)
    )
    with pytest.raises(ValidationError, match="妥德的人员状态为“已迁出”"):
        start_up(finished)
    assert not Startup.objects.exists()
    assert start_up(
        finished, poor_jobs_created=4, jobs_created=4, started_on=today() - timedelta(days=101)
    )


def test_startup_follow_up_not_operating_closes_it(finished):
    actor = village(finished.world)
    startup = start_up(finished)
    visit_day = today() - timedelta(days=3)
    mark = audit_mark()
    visit = services.record_startup_follow_up(
        startup, actor=actor, visited_on=visit_day, operating=False, jobs=0, poor_jobs=0
    )
    assert visit.village_code == startup.village_code
    startup.refresh_from_db()
    assert (startup.status, startup.closed_on) == ("closed", visit_day)
    assert (startup.jobs_created, startup.poor_jobs_created) == (0, 0)
    tuo = person("妥德")
    assert tuo.employment_status == "unemployed"
    assert "妥德" in five("unemployed")
    assert_audited(mark, startup, actor, "update", "创业回访")
    assert_audited(mark, tuo, actor, "update", "创业实体停业：妥德牛肉面馆")


def test_startup_closing_leaves_a_founder_with_another_job_employed(finished):
    startup = start_up(finished, started_on=today() - timedelta(days=60))
    place(finished.world, "妥德", start=today() - timedelta(days=20), employer_name="县城物流公司")
    services.record_startup_follow_up(
        startup,
        actor=village(finished.world),
        visited_on=today(),
        operating=False,
        jobs=0,
        poor_jobs=0,
    )
    tuo = person("妥德")
    assert (tuo.employment_status, tuo.employer) == ("employed", "县城物流公司")


def test_older_startup_visit_recorded_late_does_not_overwrite(finished):
    actor = village(finished.world)
    startup = start_up(finished, started_on=today() - timedelta(days=100))
    services.record_startup_follow_up(
        startup,
        actor=actor,
        visited_on=today() - timedelta(days=5),
        operating=True,
        jobs=6,
        poor_jobs=4,
    )
    old = services.record_startup_follow_up(
        startup,
        actor=actor,
        visited_on=today() - timedelta(days=50),
        operating=False,
        jobs=1,
        poor_jobs=0,
    )
    assert old.pk and StartupFollowUp.objects.filter(startup=startup).count() == 2
    startup.refresh_from_db()
    assert (startup.status, startup.jobs_created, startup.poor_jobs_created) == ("operating", 6, 4)
    assert startup.closed_on is None
    assert person("妥德").employment_status == "employed"


def test_startup_follow_up_refusals(finished):
    actor = village(finished.world)
    startup = start_up(finished)
    with pytest.raises(ValidationError, match="回访日期不能晚于今天"):
        services.record_startup_follow_up(
            startup,
            actor=actor,
            visited_on=today() + timedelta(days=1),
            operating=True,
            jobs=1,
            poor_jobs=0,
        )
    with pytest.raises(ValidationError, match="回访日期不能早于创业日期"):
        services.record_startup_follow_up(
            startup,
            actor=actor,
            visited_on=startup.started_on - timedelta(days=1),
            operating=True,
            jobs=1,
            poor_jobs=0,
        )
    with pytest.raises(ValidationError, match="带动贫困劳动力就业人数不能多于带动就业人数"):
        services.record_startup_follow_up(
            startup, actor=actor, visited_on=today(), operating=True, jobs=1, poor_jobs=2
        )
    assert not StartupFollowUp.objects.exists()


def test_startup_is_leader_follows_the_setting(finished, settings):
    startup = start_up(finished, jobs_created=5, poor_jobs_created=3)
    settings.JIFU_LEADER_MIN_POOR_JOBS = 3
    assert startup.is_leader
    settings.JIFU_LEADER_MIN_POOR_JOBS = 4
    assert not startup.is_leader
    settings.JIFU_LEADER_MIN_POOR_JOBS = 2
    startup.poor_jobs_created = 2
    assert startup.is_leader
    startup.poor_jobs_created = 1
    assert not startup.is_leader
    services.record_startup_follow_up(
        startup,
        actor=village(finished.world),
        visited_on=today(),
        operating=False,
        jobs=5,
        poor_jobs=5,
    )
    startup.refresh_from_db()
    assert startup.poor_jobs_created == 5 and not startup.is_leader  # closed


# --- employers -------------------------------------------------------------------------------


def test_save_employer_refuses_an_invalid_credit_code(finished):
    valid = creditcode.make("91622926MA0000888")
    broken = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # wrong check character
    county = Region.objects.get(code=COUNTY_A)
    for code in (broken, "12345", ""):
        with pytest.raises(ValidationError) as caught:
            services.save_employer(
                actor=finished.world.user(Role.COUNTY_HRSS),
                credit_code=code,
                region=county,
                name="坏代码公司",
                kind="enterprise",
            )
        assert "credit_code" in caught.value.message_dict
    assert not Employer.objects.filter(name="坏代码公司").exists()


def test_save_employer_creates_then_updates_by_credit_code(finished):
    actor = finished.world.user(Role.COUNTY_HRSS)
    county = Region.objects.get(code=COUNTY_A)
    code = creditcode.make("91622926MA0000888")
    mark = audit_mark()
    created = services.save_employer(
        actor=actor,
        credit_code=code.lower(),
        region=county,
        name="东乡扶贫车间",
        kind="workshop",
        province="甘肃",
    )
    assert created.credit_code == code and created.province == "甘肃省"
    assert created.region_code == COUNTY_A
    assert_audited(mark, created, actor, "create")
    mark = audit_mark()
    updated = services.save_employer(
        actor=actor, credit_code=code, region=county, name="东乡县扶贫车间", kind="workshop"
    )
    assert updated.pk == created.pk and updated.name == "东乡县扶贫车间"
    assert Employer.objects.filter(credit_code=code).count() == 1
    (event,) = assert_audited(mark, updated, actor, "update")
    assert event.before["name"] == "东乡扶贫车间" and event.after["name"] == "东乡县扶贫车间"


def test_employer_finds_a_person_by_full_id_number_and_name(finished):
    actor = finished.world.user(Role.EMPLOYER)
    number = id_numbers()["马文"]
    mark = audit_mark()
    assert services.find_person(actor=actor, id_number=number, name="马文") == person("马文")
    assert services.find_person(actor=actor, id_number=number, name=" 马文 ") == person("马文")
    assert services.find_person(actor=actor, id_number=number, name="马武") is None
    assert services.find_person(actor=actor, id_number=id_numbers()["王永"], name="马文") is None
    found = events_since(mark, action="reveal")
    assert len(found) == 4
    assert all(e.actor_id == actor.pk for e in found)
    assert [e.object_id for e in found] == [str(person("马文").pk)] * 2 + ["", ""]
    assert [e.message for e in found] == [
        "用人单位按身份证号码和姓名查找人员：找到",
        "用人单位按身份证号码和姓名查找人员：找到",
        "用人单位按身份证号码和姓名查找人员：未找到",
        "用人单位按身份证号码和姓名查找人员：未找到",
    ]
    with pytest.raises(ValidationError) as caught:
        services.find_person(actor=actor, id_number="123", name="马文")
    assert "id_number" in caught.value.message_dict


@pytest.mark.parametrize("role", [Role.VILLAGE, Role.INSTITUTION, Role.COUNTY_HRSS])
def test_only_employers_may_find_people(finished, role):
    mark = audit_mark()
    with pytest.raises(PermissionDenied):
        services.find_person(
            actor=finished.world.user(role), id_number=id_numbers()["马文"], name="马文"
        )
    assert events_since(mark, action="reveal") == []


# --- relocation ----------------------------------------------------------------------------


def test_relocation_moves_employment_and_training_rows(finished):
    world = finished.world
    new_code = TOWNSHIP_A[:9] + "202"
    with transaction.atomic():
        report = region_services.import_villages(f"code,name\n{new_code},搬迁安置社区\n".encode())
    assert report.created == 1, report.errors
    employer = finished.employers["a"]
    ma_job = place(world, "马文", start=months_back(4), employer=employer)
    tuo_job = place(world, "妥德", start=months_back(4), employer=employer)
    services.record_work_training(
        actor=world.user(Role.EMPLOYER),
        employer=employer,
        person=person("马文"),
        month=months_back(2),
        wage=3000,
    )
    services.recommend(post_job(finished), person("马文"), actor=village(world))
    startup = start_up(finished, "韩梅", name="韩梅刺绣合作社", kind="cooperative")
    services.record_startup_follow_up(
        startup, actor=village(world), visited_on=today(), operating=True, jobs=3, poor_jobs=2
    )
    old_code = person("马文").village_code
    household = person("马文").household

    mark = audit_mark()
    registry_services.relocate_household(household, new_code, actor=world.user(Role.COUNTY_POVERTY))

    for model, lookup in (
        (Placement, "person__household"),
        (FollowUp, "placement__person__household"),
        (Recommendation, "person__household"),
        (WorkBasedTraining, "person__household"),
        (Startup, "founder__household"),
        (StartupFollowUp, "startup__founder__household"),
        (Enrolment, "person__household"),
    ):
        codes = set(
            model.objects.filter(**{lookup: household}).values_list("village_code", flat=True)
        )
        assert codes == {new_code}, model.__name__
    assert Enrolment.objects.filter(person__household=household).count() == 2  # 马文, 韩梅
    # The neighbour household stays where it was.
    tuo_job.refresh_from_db()
    assert tuo_job.village_code == old_code
    assert set(tuo_job.follow_ups.values_list("village_code", flat=True)) == {old_code}
    ma_job.refresh_from_db()
    assert ma_job.village_code == new_code
    (event,) = events_since(mark, household, "update")
    assert event.after["village_code"] == new_code
    assert event.after["placements"] == 1
    assert event.after["follow_ups"] == 12
    assert event.after["startups"] == 1
    assert event.after["enrolments"] == 2


# --- scoping -------------------------------------------------------------------------------


@pytest.fixture(name="scoped")
def scoped_fixture(finished):
    world = finished.world
    a_class, b_class = finished.classes["a"], finished.classes["b"]
    emp_a, emp_b = finished.employers["a"], finished.employers["b"]
    return {
        # 马文: led to a job by class A, with an employer not in jifu.
        "class_only": place(world, "马文", training_class=a_class, employer_name="兰州某餐饮公司"),
        # 韩梅: class A and employer A.
        "both": place(world, "韩梅", training_class=a_class, employer=emp_a, employer_name=""),
        # 妥德: employer A, no class.
        "employer_only": place(world, "妥德", employer=emp_a, employer_name=""),
        # 马小: neither.
        "neither": place(world, "马小", employer_name="个体"),
        # 王永 (county B): class B and employer B.
        "b": place(
            world, "王永", side="b", training_class=b_class, employer=emp_b, employer_name=""
        ),
    }


def visible(user, model=Placement, action="view") -> set:
    return set(model.objects.restrict(user, action).values_list("pk", flat=True))


def test_employer_sees_only_its_own_placements(finished, scoped):
    world = finished.world
    assert visible(world.user(Role.EMPLOYER, "a")) == {
        scoped["both"].pk,
        scoped["employer_only"].pk,
    }
    assert visible(world.user(Role.EMPLOYER, "b")) == {scoped["b"].pk}
    followed = set(
        FollowUp.objects.restrict(world.user(Role.EMPLOYER, "a")).values_list(
            "placement_id", flat=True
        )
    )
    assert followed == {scoped["both"].pk, scoped["employer_only"].pk}


def test_institution_sees_the_placements_of_its_classes(finished, scoped):
    world = finished.world
    institution_a = world.user(Role.INSTITUTION, "a")
    assert visible(institution_a) == {scoped["class_only"].pk, scoped["both"].pk}
    assert visible(world.user(Role.INSTITUTION, "b")) == {scoped["b"].pk}
    # It follows its trainees up: it sees and may record their follow-ups.
    for action in ("view", "change"):
        followed = FollowUp.objects.restrict(institution_a, action)
        assert set(followed.values_list("placement_id", flat=True)) == {
            scoped["class_only"].pk,
            scoped["both"].pk,
        }
        assert followed.count() == 24  # no duplicates from the two paths


def test_township_sees_its_own_county_only(finished, scoped):
    world = finished.world
    a_side = {scoped[k].pk for k in ("class_only", "both", "employer_only", "neither")}
    assert visible(world.user(Role.TOWNSHIP, "b")) == {scoped["b"].pk}
    assert visible(world.user(Role.TOWNSHIP, "a")) == a_side
    assert visible(world.user(Role.VILLAGE, "a")) == a_side
    assert visible(world.user(Role.COUNTY_HRSS, "b")) == {scoped["b"].pk}
    assert (
        not FollowUp.objects.restrict(world.user(Role.TOWNSHIP, "b"))
        .filter(placement__in=a_side)
        .exists()
    )
    assert visible(world.user(Role.PROVINCE)) == a_side | {scoped["b"].pk}


def test_roles_without_the_permission_see_nothing(finished, scoped):
    world = finished.world
    assert visible(world.user(Role.SCHOOL)) == set()
    assert visible(world.user(Role.SYSADMIN)) == set()
    # Employers read follow-ups of their placements but do not record them.
    assert visible(world.user(Role.EMPLOYER, "a"), FollowUp, "change") == set()


def test_startups_are_scoped_by_village_and_by_class_institution(finished):
    course = entrepreneurship_class(finished.world)
    startup = start_up(finished, training_class=course)
    world = finished.world
    assert visible(world.user(Role.INSTITUTION, "a"), Startup) == {startup.pk}
    assert visible(world.user(Role.INSTITUTION, "b"), Startup) == set()
    assert visible(world.user(Role.TOWNSHIP, "a"), Startup) == {startup.pk}
    assert visible(world.user(Role.TOWNSHIP, "b"), Startup) == set()


def test_scoping_of_work_training_and_recommendations(finished):
    employer = finished.employers["a"]
    world = finished.world
    place(world, "马文", start=months_back(4), employer=employer)
    row = services.record_work_training(
        actor=world.user(Role.EMPLOYER),
        employer=employer,
        person=person("马文"),
        month=months_back(1),
        wage=3000,
    )
    rec = services.recommend(post_job(finished), person("妥德"), actor=village(world))
    assert visible(world.user(Role.EMPLOYER, "a"), WorkBasedTraining) == {row.pk}
    assert visible(world.user(Role.EMPLOYER, "b"), WorkBasedTraining) == set()
    assert visible(world.user(Role.TOWNSHIP, "b"), WorkBasedTraining) == set()
    assert visible(world.user(Role.EMPLOYER, "a"), Recommendation) == {rec.pk}
    assert visible(world.user(Role.EMPLOYER, "b"), Recommendation) == set()
    assert visible(world.user(Role.TOWNSHIP, "b"), Recommendation) == set()
    assert visible(world.user(Role.TOWNSHIP, "a"), Recommendation) == {rec.pk}
    # Employers of the county are public business for its villages; not the other county's.
    assert finished.employers["a"].pk in visible(world.user(Role.VILLAGE, "a"), Employer)
    assert finished.employers["b"].pk not in visible(world.user(Role.VILLAGE, "a"), Employer)


def test_jobs_recorded_out_of_order_never_overlap(finished):
    """A, then C, then B (dated between them): B ends A, C ends B, whatever the order."""
    a_start = today() - timedelta(days=300)
    b_start = today() - timedelta(days=200)
    c_start = today() - timedelta(days=100)
    place(finished.world, "马文", start=a_start, employer_name="甲厂")
    place(finished.world, "马文", start=c_start, employer_name="丙厂")
    place(finished.world, "马文", start=b_start, employer_name="乙厂")
    jobs = list(Placement.objects.filter(person__name="马文").order_by("start_date"))
    assert [j.employer_name for j in jobs] == ["甲厂", "乙厂", "丙厂"]
    assert jobs[0].end_date == b_start - timedelta(days=1)
    assert jobs[1].end_date == c_start - timedelta(days=1)
    assert jobs[2].end_date is None
    for earlier, later in zip(jobs, jobs[1:], strict=False):
        assert earlier.end_date < later.start_date
    assert Person.objects.get(name="马文").employer == "丙厂"
