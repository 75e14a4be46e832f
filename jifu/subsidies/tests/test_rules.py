"""Each eligibility rule refuses with its configured message (the EligibilityRule
row's text, with the person's name), accepts the look-alike that is allowed, and
stops refusing when the province switches it off or changes its limit through
``services.set_rule``. Then ``standard_for`` (the most specific standard wins)
and ``amount_for`` (key-industry uplift by percentage or fixed amount)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from jifu.accounts.roles import Role
from jifu.employment import services as employment_services
from jifu.employment.tests.fixtures import make_class, place, today
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.choices import LabourAbility, PersonStatus, PovertyStatus
from jifu.registry.models import Person
from jifu.subsidies import rules, services
from jifu.subsidies.choices import SubsidyItem
from jifu.subsidies.models import ClaimLine, EligibilityRule
from jifu.training import services as training_services
from jifu.training.choices import ClassStatus, EnrolmentSource, EnrolmentStatus
from jifu.training.models import Assessment, Enrolment, Occupation, TrainingClass

from .fixtures import (  # noqa: F401 - pytest fixtures
    STANDARD_START,
    assert_balances_match_payments,
    claimable_fixture,
    institution_account,
    pass_all,
)

pytestmark = pytest.mark.django_db

HOUSEKEEPING = "4-10-01-06"  # 家政服务员 (key industry)
ELECTRICIAN = "6-31-01-03"  # 电工
WELDER = "6-18-02-04"  # 焊工
COOK = "4-03-02-01"  # 中式烹调师
GUARD = "4-07-05-01"  # 保安员
PROVINCE = "620000000000"
COUNTY_A = "622926000000"
VILLAGE_A = "622926100201"
VILLAGE_B = "620121100201"

# Every service that writes: after each call (accepted or refused) the allocations
# must still match the payments.
STATE_CHANGES = (
    "save_standard",
    "end_standard",
    "set_rule",
    "allocate",
    "submit_class_claim",
    "submit_person_claim",
    "submit_employer_claim",
    "review",
    "return_claim",
    "reject_claim",
    "resubmit",
    "file_complaint",
    "answer_complaint",
    "verify",
    "create_batch",
    "apply_bank_return",
)


@pytest.fixture(autouse=True)
def _balances_match_payments_after_every_change(db, monkeypatch):
    for name in STATE_CHANGES:
        original = getattr(services, name)

        def checked(*args, _original=original, **kwargs):
            try:
                return _original(*args, **kwargs)
            finally:
                assert_balances_match_payments()

        monkeypatch.setattr(services, name, checked)
    yield
    assert_balances_match_payments()


# --- helpers ------------------------------------------------------------------------------


def person(name: str) -> Person:
    return Person.objects.get(name=name)


def expected(code: str, name: str, detail: str = "") -> str:
    """The refusal the rule must give: its row's message (``{limit}`` filled in), after
    the person's name, with the facts in brackets."""
    row = EligibilityRule.objects.get(code=code)
    message = row.message.replace("{limit}", "" if row.limit is None else str(row.limit))
    return f"{name}：{message}" + (f"（{detail}）" if detail else "")


def configure(world, code: str, **changes) -> EligibilityRule:
    """The province switches a rule or changes its limit or message."""
    row = EligibilityRule.objects.get(code=code)
    return services.set_rule(
        row,
        actor=world.user(Role.PROVINCE),
        enabled=changes.get("enabled", row.enabled),
        limit=changes.get("limit", row.limit),
        message=changes.get("message", row.message),
    )


def reasons(computed, name: str) -> list[str]:
    return [r.reason for r in computed.refusals if r.person == name]


def items(computed, name: str) -> set[str]:
    return {line.item for line in computed.lines if line.person.name == name}


def finished(
    world,
    code: str,
    names,
    *,
    occupation=HOUSEKEEPING,
    level=5,
    ended_days_ago=30,
    enrolled_on=None,
    side="a",
) -> TrainingClass:
    """A 20-day class that ended ``ended_days_ago`` days ago; its trainees enrolled
    (a week before the start unless ``enrolled_on``), attended every day and passed."""
    end = today() - timedelta(days=ended_days_ago)
    start = end - timedelta(days=19)
    c = make_class(
        world,
        side,
        code=code,
        occupation=occupation,
        level=level,
        start=start,
        days=20,
        status=ClassStatus.APPROVED,
    )
    for name in names:
        training_services.enrol(
            c,
            person(name),
            actor=world.user(Role.VILLAGE, side),
            source=EnrolmentSource.VILLAGE,
            on=enrolled_on or start - timedelta(days=7),
        )
    c.enrolments.update(status=EnrolmentStatus.COMPLETED, sessions_present=20, sessions_total=20)
    TrainingClass.objects.filter(pk=c.pk).update(status=ClassStatus.ASSESSED)
    c.refresh_from_db()
    pass_all(c)
    institution_account(c)
    return c


def appraise(world, name: str, occupation: str, level: int, on: date, passed=True):
    return training_services.record_appraisal(
        actor=world.user(Role.COUNTY_HRSS),
        person=person(name),
        occupation=Occupation.objects.get(code=occupation),
        level=level,
        on=on,
        passed=passed,
        organisation="临夏州职业技能鉴定中心",
    )


def claim_appraisal(world, appraisal):
    return services.submit_person_claim(
        actor=world.user(Role.VILLAGE),
        person=appraisal.person,
        item="appraisal",
        appraisal=appraisal,
    )


def claim_class(world, training_class):
    return services.submit_class_claim(
        actor=world.user(Role.INSTITUTION), training_class=training_class
    )


def one_year_ends() -> tuple[int, int]:
    """Days-ago of the ends of two non-overlapping 20-day classes that both end in
    one calendar year (this year if there is room, else late last year)."""
    t = today()
    base = 55
    if (t - timedelta(days=base)).year != (t - timedelta(days=base + 25)).year:
        base = t.timetuple().tm_yday + 5
    return base, base + 25


# --- the configured rules -------------------------------------------------------------------


def test_the_default_rules_are_switched_on_with_their_limits(db):
    rows = {r.code: r for r in EligibilityRule.objects.all()}
    assert set(rows) == {
        rules.MAX_PER_YEAR,
        rules.SAME_OCCUPATION_LEVEL,
        rules.LOWER_LEVEL,
        rules.CLAIM_WINDOW,
        rules.LIVING_ONCE_A_YEAR,
        rules.POOR_LABOURER,
        rules.PASSED_ASSESSMENT,
        rules.ATTENDANCE_SHARE,
        rules.WORK_BASED_MONTHS,
    }
    assert all(r.enabled for r in rows.values())
    assert rows[rules.MAX_PER_YEAR].limit == 3
    assert rows[rules.CLAIM_WINDOW].limit == 12
    assert rows[rules.LIVING_ONCE_A_YEAR].limit == 1


def test_set_rule_keeps_a_limit_and_changes_the_message(claimable):
    w = claimable.world
    row = EligibilityRule.objects.get(code=rules.MAX_PER_YEAR)
    with pytest.raises(ValidationError, match="该规则需要限值"):
        services.set_rule(row, actor=w.user(Role.PROVINCE), enabled=True, limit=None, message="")
    # A blank message keeps the old one; a new one is what the refusals then say.
    assert configure(w, rules.MAX_PER_YEAR, message="  ").message == row.message
    Assessment.objects.filter(enrolment__person__name="韩梅").update(result="fail", score=40)
    configure(w, rules.PASSED_ASSESSMENT, message="结业考核不合格的不予补贴培训费")
    computed = services.compute_class(claimable.classes["a"])
    assert reasons(computed, "韩梅") == ["韩梅：结业考核不合格的不予补贴培训费"]


# --- at most N trainings and appraisals a year ------------------------------------------------


def _three_this_year(claimable):
    """妥德: two classes (电工, 焊工) and one appraisal in one calendar year, all claimed."""
    w = claimable.world
    end1, end2 = one_year_ends()
    c1 = finished(w, "A-DG-1", ["妥德"], occupation=ELECTRICIAN, ended_days_ago=end1)
    c2 = finished(w, "A-HG-1", ["妥德"], occupation=WELDER, ended_days_ago=end2)
    year = c1.end_date.year
    assert c2.end_date.year == year
    claim_class(w, c1)
    claim_class(w, c2)
    claim_appraisal(w, appraise(w, "妥德", COOK, 5, c1.end_date))
    counted = ClaimLine.objects.live().filter(
        person__name="妥德", item__in=rules.COUNTED_PER_YEAR, year=year
    )
    assert counted.count() == 3
    return c1.end_date, year


def test_max_per_year_refuses_the_fourth(claimable):
    w = claimable.world
    day, year = _three_this_year(claimable)
    fourth = appraise(w, "妥德", GUARD, 5, day)
    computed = services.compute_person(person("妥德"), item="appraisal", appraisal=fourth)
    assert computed.lines == []
    assert reasons(computed, "妥德") == [expected(rules.MAX_PER_YEAR, "妥德", f"{year} 年已 3 次")]
    assert reasons(computed, "妥德") == [
        f"妥德：每人每年享受培训和鉴定补贴不超过 3 次（{year} 年已 3 次）"
    ]
    with pytest.raises(ValidationError, match="每人每年享受培训和鉴定补贴不超过 3 次"):
        claim_appraisal(w, fourth)
    # The look-alike: the same appraisal in another calendar year is accepted.
    other_day = date(year - 1, 12, 31) if year == today().year else today()
    other = appraise(w, "妥德", GUARD, 4, other_day)
    claim = claim_appraisal(w, other)
    assert claim.lines.get().amount == Decimal("300.00")


def test_max_per_year_switched_off_or_raised(claimable):
    w = claimable.world
    day, year = _three_this_year(claimable)
    fourth = appraise(w, "妥德", GUARD, 5, day)

    configure(w, rules.MAX_PER_YEAR, limit=4)
    assert (
        len(services.compute_person(person("妥德"), item="appraisal", appraisal=fourth).lines) == 1
    )
    configure(w, rules.MAX_PER_YEAR, limit=2)
    computed = services.compute_person(person("妥德"), item="appraisal", appraisal=fourth)
    assert reasons(computed, "妥德") == [
        f"妥德：每人每年享受培训和鉴定补贴不超过 2 次（{year} 年已 3 次）"
    ]
    configure(w, rules.MAX_PER_YEAR, limit=3, enabled=False)
    claim = claim_appraisal(w, fourth)
    assert claim.lines.get().item == SubsidyItem.APPRAISAL
    assert (
        ClaimLine.objects.live()
        .filter(person__name="妥德", year=year)
        .exclude(item=SubsidyItem.LIVING)
        .count()
        == 4
    )


# --- the same occupation and level once -----------------------------------------------------


def test_same_occupation_level_refused(claimable):
    w = claimable.world
    day = today() - timedelta(days=20)
    claim_appraisal(w, appraise(w, "马文", HOUSEKEEPING, 5, day))
    again = appraise(w, "马文", HOUSEKEEPING, 5, day + timedelta(days=5))
    computed = services.compute_person(person("马文"), item="appraisal", appraisal=again)
    assert computed.lines == []
    assert reasons(computed, "马文") == [
        expected(rules.SAME_OCCUPATION_LEVEL, "马文", "家政服务员 5")
    ]
    assert reasons(computed, "马文")[0].startswith("马文：同一职业同一等级不得重复享受补贴")
    # Look-alikes: another person at that level, the same person in another occupation.
    assert claim_appraisal(w, appraise(w, "韩梅", HOUSEKEEPING, 5, day)).lines.count() == 1
    assert claim_appraisal(w, appraise(w, "马文", ELECTRICIAN, 5, day)).lines.count() == 1


def test_same_occupation_level_switched_off_still_never_pays_twice(claimable):
    """Off, the rule no longer refuses; the database's one live line per (person,
    item, period) still does: a second 家政服务员/5 appraisal is never claimed."""
    w = claimable.world
    day = today() - timedelta(days=20)
    claim_appraisal(w, appraise(w, "马文", HOUSEKEEPING, 5, day))
    again = appraise(w, "马文", HOUSEKEEPING, 5, day + timedelta(days=5))
    configure(w, rules.SAME_OCCUPATION_LEVEL, enabled=False)
    computed = services.compute_person(person("马文"), item="appraisal", appraisal=again)
    assert reasons(computed, "马文") == [] and len(computed.lines) == 1
    with pytest.raises(ValidationError, match="已被其他申领占用"):
        claim_appraisal(w, again)
    assert ClaimLine.objects.live().filter(person__name="马文", item="appraisal").count() == 1


# --- never a lower level after a higher one -----------------------------------------------------


def test_lower_level_after_higher_refused_higher_after_lower_accepted(claimable):
    w = claimable.world
    day = today() - timedelta(days=40)
    claim_appraisal(w, appraise(w, "马文", HOUSEKEEPING, 3, day))
    lower = appraise(w, "马文", HOUSEKEEPING, 4, day + timedelta(days=10))
    computed = services.compute_person(person("马文"), item="appraisal", appraisal=lower)
    assert computed.lines == []
    assert reasons(computed, "马文") == [
        expected(rules.LOWER_LEVEL, "马文", "家政服务员 已补贴 3 级，本次 4 级")
    ]
    with pytest.raises(ValidationError, match="不再享受较低等级补贴"):
        claim_appraisal(w, lower)
    # Higher after lower (韩梅: 四级 then 三级) is a step up and accepted.
    claim_appraisal(w, appraise(w, "韩梅", HOUSEKEEPING, 4, day))
    higher = claim_appraisal(w, appraise(w, "韩梅", HOUSEKEEPING, 3, day + timedelta(days=10)))
    assert higher.lines.get().period == f"{HOUSEKEEPING}/3"
    # A lower level of another occupation is not "lower".
    assert claim_appraisal(w, appraise(w, "马文", ELECTRICIAN, 5, day)).lines.count() == 1


def test_lower_level_switched_off(claimable):
    w = claimable.world
    day = today() - timedelta(days=40)
    claim_appraisal(w, appraise(w, "马文", HOUSEKEEPING, 3, day))
    lower = appraise(w, "马文", HOUSEKEEPING, 4, day + timedelta(days=10))
    configure(w, rules.LOWER_LEVEL, enabled=False)
    claim = claim_appraisal(w, lower)
    assert claim.lines.get().period == f"{HOUSEKEEPING}/4"


# --- the claim window after the certificate ------------------------------------------------------


def _class_with_certificates(claimable):
    """马文 and 韩梅 finished a class 14 months ago; 马文's certificate is 13 months
    old, 韩梅's 11 months."""
    w = claimable.world
    end = today() - relativedelta(months=14)
    c = finished(w, "A-JY-OLD", ["马文", "韩梅"], ended_days_ago=(today() - end).days)
    issued = {
        "马文": today() - relativedelta(months=13),
        "韩梅": today() - relativedelta(months=11),
    }
    for e in Enrolment.objects.filter(training_class=c).select_related("person"):
        training_services.issue_certificate(
            actor=w.user(Role.COUNTY_HRSS),
            person=e.person,
            kind="skill_level",
            number=f"S{e.pk:08d}",
            occupation=c.occupation,
            level=5,
            issuer="临夏州职业技能鉴定中心",
            issued_on=issued[e.person.name],
            enrolment=e,
        )
    return c, issued


def test_claim_window_13_months_refused_11_accepted(claimable):
    w = claimable.world
    c, issued = _class_with_certificates(claimable)
    claim = claim_class(w, c)
    lines = {(line.person.name, line.item) for line in claim.lines.all()}
    assert lines == {("韩梅", "training"), ("马文", "living"), ("韩梅", "living")}
    refusal = expected(rules.CLAIM_WINDOW, "马文", f"取证日期 {issued['马文']:%Y-%m-%d}")
    assert [r["reason"] for r in claim.refusals if r["person"] == "马文"] == [refusal]
    assert refusal.startswith("马文：须在取得证书之日起 12 个月内申领")


def test_claim_window_switched_off_or_widened(claimable):
    w = claimable.world
    c, _ = _class_with_certificates(claimable)
    configure(w, rules.CLAIM_WINDOW, limit=14)
    assert "training" in items(services.compute_class(c), "马文")
    configure(w, rules.CLAIM_WINDOW, limit=10)
    computed = services.compute_class(c)
    assert "training" not in items(computed, "马文") and "training" not in items(computed, "韩梅")
    assert reasons(computed, "韩梅")[0].startswith("韩梅：须在取得证书之日起 10 个月内申领")
    configure(w, rules.CLAIM_WINDOW, enabled=False)
    claim = claim_class(w, c)
    assert claim.lines.filter(item="training").count() == 2


# --- one living allowance a year ------------------------------------------------------------------


def _two_classes_one_year(claimable):
    w = claimable.world
    end1, end2 = one_year_ends()
    c1 = finished(w, "A-DG-1", ["妥德"], occupation=ELECTRICIAN, ended_days_ago=end1)
    c2 = finished(w, "A-HG-1", ["妥德"], occupation=WELDER, ended_days_ago=end2)
    assert c1.end_date.year == c2.end_date.year
    claim_class(w, c2)
    return c1


def test_living_once_a_year_refuses_a_second(claimable):
    w = claimable.world
    c1 = _two_classes_one_year(claimable)
    year = c1.end_date.year
    claim = claim_class(w, c1)
    assert {line.item for line in claim.lines.all()} == {"training"}
    assert [r["reason"] for r in claim.refusals] == [
        expected(rules.LIVING_ONCE_A_YEAR, "妥德", f"{year} 年已享受")
    ]
    assert claim.refusals[0]["reason"] == f"妥德：生活费补贴每人每年不超过 1 次（{year} 年已享受）"


def test_living_in_another_year_is_accepted(claimable):
    w = claimable.world
    end1, _ = one_year_ends()
    c1 = finished(w, "A-DG-1", ["妥德"], occupation=ELECTRICIAN, ended_days_ago=end1)
    # A class that ended in the previous calendar year (and within the claim window).
    last_year_end = date(c1.end_date.year - 1, 12, 20)
    if (c1.start_date - last_year_end).days < 10:
        last_year_end = date(c1.end_date.year - 1, 12, 1)
    c0 = finished(
        w, "A-HG-0", ["妥德"], occupation=WELDER, ended_days_ago=(today() - last_year_end).days
    )
    claim_class(w, c0)
    claim = claim_class(w, c1)
    assert {line.item for line in claim.lines.all()} == {"training", "living"}


def test_living_limit_switched_off_or_raised_changes_the_outcome(claimable):
    """The province raises the living allowance to twice a year (or switches the
    rule off): 妥德's second class of the year then gets its living allowance."""
    w = claimable.world
    c1 = _two_classes_one_year(claimable)
    configure(w, rules.LIVING_ONCE_A_YEAR, limit=2)
    assert items(services.compute_class(c1), "妥德") == {"training", "living"}
    claim = claim_class(w, c1)
    assert {line.item for line in claim.lines.all()} == {"training", "living"}


def test_living_rule_switched_off_changes_the_outcome(claimable):
    w = claimable.world
    c1 = _two_classes_one_year(claimable)
    configure(w, rules.LIVING_ONCE_A_YEAR, enabled=False)
    assert items(services.compute_class(c1), "妥德") == {"training", "living"}
    claim = claim_class(w, c1)
    assert {line.item for line in claim.lines.all()} == {"training", "living"}


# --- a registered poor labourer at enrolment ------------------------------------------------------


def test_household_ordinary_before_enrolment_refused_after_accepted(claimable):
    w = claimable.world
    enrolled = today() - timedelta(days=130)
    c = finished(w, "A-JY-P", ["马文", "妥德"], ended_days_ago=100, enrolled_on=enrolled)
    # 马文's household was found to be 一般农户 ten days before he enrolled; 妥德's
    # household (the look-alike) only the day after he enrolled.
    registry_services.record_status_change(
        person("马文").household,
        PovertyStatus.ORDINARY,
        None,
        enrolled - timedelta(days=10),
        "动态调整",
    )
    registry_services.record_status_change(
        person("妥德").household,
        PovertyStatus.ORDINARY,
        None,
        enrolled + timedelta(days=1),
        "动态调整",
    )
    computed = services.compute_class(c)
    assert items(computed, "马文") == set()
    assert reasons(computed, "马文") == [
        expected(rules.POOR_LABOURER, "马文", f"{enrolled:%Y-%m-%d}")
    ]
    assert reasons(computed, "马文") == [
        f"马文：仅补贴报名时为建档立卡贫困劳动力的人员（{enrolled:%Y-%m-%d}）"
    ]
    assert items(computed, "妥德") == {"training", "living"}


def test_poor_labourer_switched_off(claimable):
    w = claimable.world
    enrolled = today() - timedelta(days=130)
    c = finished(w, "A-JY-P", ["马文"], ended_days_ago=100, enrolled_on=enrolled)
    registry_services.record_status_change(
        person("马文").household, PovertyStatus.ORDINARY, None, enrolled - timedelta(days=10), "x"
    )
    configure(w, rules.POOR_LABOURER, enabled=False)
    claim = claim_class(w, c)
    assert {line.item for line in claim.lines.all()} == {"training", "living"}


def test_under_16_at_enrolment_refused_16_accepted(claimable):
    w = claimable.world
    enrolled = today() - timedelta(days=130)
    # 马小, able to work, turns 16 the day after he enrolled.
    Person.objects.filter(name="马小").update(
        birth_date=enrolled + timedelta(days=1) - relativedelta(years=16),
        labour_ability=LabourAbility.ORDINARY,
    )
    young = finished(w, "A-JY-Y", ["马小"], ended_days_ago=100, enrolled_on=enrolled)
    assert person("马小").age_on(enrolled) == 15
    computed = services.compute_class(young)
    assert computed.lines == []
    assert reasons(computed, "马小") == [
        expected(rules.POOR_LABOURER, "马小", f"{enrolled:%Y-%m-%d}")
    ]
    # The look-alike: enrolled on his sixteenth birthday.
    Enrolment.objects.filter(training_class=young).update(enrolled_on=enrolled + timedelta(days=1))
    assert items(services.compute_class(young), "马小") == {"training", "living"}


def test_dead_before_enrolment_refused_moved_after_accepted(claimable):
    w = claimable.world
    enrolled = today() - timedelta(days=130)
    c = finished(w, "A-JY-D", ["马文", "韩梅"], ended_days_ago=100, enrolled_on=enrolled)
    # The death is entered late, dated the day before the enrolment.
    registry_services.set_person_status(
        person("马文"), PersonStatus.DEAD, enrolled - timedelta(days=1), actor=w.user(Role.VILLAGE)
    )
    # 韩梅 moved away after the class: she was a poor labourer when she enrolled.
    registry_services.set_person_status(
        person("韩梅"), PersonStatus.MOVED, today() - timedelta(days=10), actor=w.user(Role.VILLAGE)
    )
    computed = services.compute_class(c)
    assert items(computed, "马文") == set()
    assert reasons(computed, "马文") == [
        expected(rules.POOR_LABOURER, "马文", f"{enrolled:%Y-%m-%d}")
    ]
    assert items(computed, "韩梅") == {"training", "living"}


# --- passed the assessment; attended enough ---------------------------------------------------------


def test_failed_trainee_gets_no_training_subsidy_but_the_living_allowance(claimable):
    w = claimable.world
    c = claimable.classes["a"]
    Assessment.objects.filter(enrolment__person__name="韩梅").update(result="fail", score=40)
    claim = claim_class(w, c)
    lines = {(line.person.name, line.item) for line in claim.lines.all()}
    assert lines == {("马文", "training"), ("马文", "living"), ("韩梅", "living")}
    assert [r["reason"] for r in claim.refusals] == [expected(rules.PASSED_ASSESSMENT, "韩梅")]
    assert claim.refusals[0]["reason"] == "韩梅：培训补贴须结业考核合格"
    assert claim.lines.get(person__name="韩梅").amount == Decimal("1000.00")


def test_no_assessment_at_all_is_not_a_pass(claimable):
    c = claimable.classes["a"]
    Assessment.objects.filter(enrolment__person__name="韩梅").delete()
    computed = services.compute_class(c)
    assert items(computed, "韩梅") == {"living"}
    assert reasons(computed, "韩梅") == [expected(rules.PASSED_ASSESSMENT, "韩梅")]


def test_passed_assessment_switched_off(claimable):
    w = claimable.world
    Assessment.objects.filter(enrolment__person__name="韩梅").update(result="fail", score=40)
    configure(w, rules.PASSED_ASSESSMENT, enabled=False)
    claim = claim_class(w, claimable.classes["a"])
    assert claim.lines.filter(person__name="韩梅", item="training").count() == 1


def test_attendance_below_the_share_gets_no_living_allowance(claimable, settings):
    w = claimable.world
    c = claimable.classes["a"]
    assert settings.JIFU_MIN_ATTENDANCE == 0.7
    c.enrolments.filter(person__name="韩梅").update(sessions_present=13)  # 65%
    c.enrolments.filter(person__name="马文").update(sessions_present=14)  # 70%: enough
    claim = claim_class(w, c)
    lines = {(line.person.name, line.item): line for line in claim.lines.all()}
    assert set(lines) == {("马文", "training"), ("马文", "living"), ("韩梅", "training")}
    assert lines[("马文", "living")].amount == Decimal("700.00")
    assert [r["reason"] for r in claim.refusals] == [
        expected(rules.ATTENDANCE_SHARE, "韩梅", "出勤率 65%，要求 70%")
    ]
    assert claim.refusals[0]["reason"].startswith("韩梅：生活费补贴须达到规定的出勤比例")


def test_attendance_share_follows_the_setting(claimable, settings):
    c = claimable.classes["a"]
    c.enrolments.filter(person__name="马文").update(sessions_present=15)  # 75%
    settings.JIFU_MIN_ATTENDANCE = 0.8
    computed = services.compute_class(c)
    assert items(computed, "马文") == {"training"}
    assert reasons(computed, "马文") == [
        expected(rules.ATTENDANCE_SHARE, "马文", "出勤率 75%，要求 80%")
    ]
    settings.JIFU_MIN_ATTENDANCE = 0.75
    assert items(services.compute_class(c), "马文") == {"training", "living"}


def test_attendance_share_switched_off(claimable):
    w = claimable.world
    c = claimable.classes["a"]
    c.enrolments.filter(person__name="韩梅").update(sessions_present=13)
    configure(w, rules.ATTENDANCE_SHARE, enabled=False)
    claim = claim_class(w, c)
    assert claim.lines.get(person__name="韩梅", item="living").amount == Decimal("650.00")


# --- 以工代训 months ---------------------------------------------------------------------------------


def months_back(n: int) -> date:
    return today().replace(day=1) - relativedelta(months=n)


def work_months(claimable, name: str, n: int, *, employer=None):
    """``n`` recorded months of 以工代训 for ``name`` at the side's employer, the latest last month."""
    w = claimable.world
    employer = employer or claimable.employers["a"]
    place(w, name, start=months_back(n + 1), employer=employer)
    return [
        employment_services.record_work_training(
            actor=w.user(Role.EMPLOYER),
            employer=employer,
            person=person(name),
            month=months_back(k),
            wage=Decimal("2800"),
            training_hours=40,
            mentor="马师傅",
        )
        for k in range(n, 0, -1)
    ]


def claim_months(claimable, months):
    return services.submit_employer_claim(
        actor=claimable.world.user(Role.EMPLOYER), employer=claimable.employers["a"], months=months
    )


def test_work_based_months_stop_at_the_standard_maximum(claimable):
    ma = work_months(claimable, "马文", 7)
    tuo = work_months(claimable, "妥德", 6)
    claim = claim_months(claimable, ma + tuo)
    assert claim.lines.filter(person__name="马文").count() == 6
    assert claim.lines.filter(person__name="妥德").count() == 6  # the look-alike: exactly six
    assert [r["reason"] for r in claim.refusals] == [
        expected(rules.WORK_BASED_MONTHS, "马文", "已补贴 6 个月，最多 6 个月")
    ]
    # The earliest six months are paid; the seventh is the one refused.
    assert not claim.lines.filter(period=f"{ma[-1].month:%Y-%m}", person__name="马文").exists()


def test_work_based_months_count_across_claims(claimable):
    ma = work_months(claimable, "马文", 7)
    claim_months(claimable, ma[:4])
    second = claim_months(claimable, ma[4:])
    assert second.lines.count() == 2
    assert [r["reason"] for r in second.refusals] == [
        expected(rules.WORK_BASED_MONTHS, "马文", "已补贴 6 个月，最多 6 个月")
    ]


def test_work_based_maximum_is_the_standards(claimable):
    """A county standard with a maximum of 3 months applies in that county."""
    w = claimable.world
    services.save_standard(
        actor=w.user(Role.PROVINCE),
        region=Region.objects.get(code=COUNTY_A),
        item="work_based",
        amount=Decimal("600"),
        max_months=3,
        effective_from=STANDARD_START,
    )
    ma = work_months(claimable, "马文", 4)
    claim = claim_months(claimable, ma)
    assert [line.amount for line in claim.lines.order_by("period")] == [Decimal("600.00")] * 3
    assert [r["reason"] for r in claim.refusals] == [
        expected(rules.WORK_BASED_MONTHS, "马文", "已补贴 3 个月，最多 3 个月")
    ]


def test_work_based_months_switched_off(claimable):
    w = claimable.world
    ma = work_months(claimable, "马文", 7)
    configure(w, rules.WORK_BASED_MONTHS, enabled=False)
    claim = claim_months(claimable, ma)
    assert claim.lines.count() == 7 and claim.refusals == []


# --- standard_for ---------------------------------------------------------------------------------


def _standard(world, region_code, amount, *, item="training", **fields):
    fields.setdefault("effective_from", STANDARD_START)
    return services.save_standard(
        actor=world.user(Role.PROVINCE),
        region=Region.objects.get(code=region_code),
        item=item,
        amount=Decimal(amount),
        **fields,
    )


def test_standard_for_the_most_specific_wins(world):
    housekeeping = Occupation.objects.get(code=HOUSEKEEPING)
    electrician = Occupation.objects.get(code=ELECTRICIAN)
    on = date(2025, 6, 1)

    def pick(region_code=VILLAGE_A, occupation=housekeeping, level=5, training_type="employment"):
        s = rules.standard_for(
            "training",
            on=on,
            region_code=region_code,
            occupation=occupation,
            level=level,
            training_type=training_type,
        )
        return s and s.amount

    assert pick() is None
    _standard(world, PROVINCE, "1200")
    assert pick() == Decimal("1200")
    # The county's own standard over the province's; other counties keep the province's.
    _standard(world, COUNTY_A, "1500")
    assert pick() == Decimal("1500") and pick(VILLAGE_B) == Decimal("1200")
    # Deeper region first: the province's occupation standard loses to the county's generic one.
    _standard(world, PROVINCE, "1600", occupation=housekeeping)
    assert pick() == Decimal("1500") and pick(VILLAGE_B) == Decimal("1600")
    # In one region, naming the occupation wins over the generic.
    _standard(world, COUNTY_A, "1700", occupation=housekeeping)
    assert pick() == Decimal("1700") and pick(occupation=electrician) == Decimal("1500")
    # Then the level...
    _standard(world, COUNTY_A, "1800", occupation=housekeeping, level=4)
    assert pick(level=4) == Decimal("1800") and pick(level=5) == Decimal("1700")
    assert pick(level=None) == Decimal("1700")
    # ... then the training type ...
    _standard(world, COUNTY_A, "1900", occupation=housekeeping, level=4, training_type="employment")
    assert pick(level=4) == Decimal("1900")
    assert pick(level=4, training_type="upgrade") == Decimal("1800")
    # ... then the latest effective date (on or before the day).
    _standard(
        world,
        COUNTY_A,
        "2000",
        occupation=housekeeping,
        level=4,
        training_type="employment",
        effective_from=date(2024, 1, 1),
    )
    assert pick(level=4) == Decimal("2000")
    _standard(
        world,
        COUNTY_A,
        "2050",
        occupation=housekeeping,
        level=4,
        training_type="employment",
        effective_from=date(2025, 7, 1),
    )
    assert pick(level=4) == Decimal("2000")  # not yet in force on 2025-06-01
    # An expired standard is ignored, however specific and recent.
    expired = _standard(
        world,
        COUNTY_A,
        "2100",
        occupation=housekeeping,
        level=4,
        training_type="employment",
        effective_from=date(2025, 1, 1),
        effective_to=date(2025, 5, 31),
    )
    assert pick(level=4) == Decimal("2000")
    assert (
        rules.standard_for(
            "training",
            on=date(2025, 5, 31),
            region_code=VILLAGE_A,
            occupation=housekeeping,
            level=4,
            training_type="employment",
        )
        == expired
    )
    # Other items are never mixed in.
    assert rules.standard_for("appraisal", on=on, region_code=VILLAGE_A) is None


def test_end_standard_stops_it_from_a_date(world):
    county = _standard(world, COUNTY_A, "1500")
    _standard(world, PROVINCE, "1200")
    services.end_standard(county, actor=world.user(Role.PROVINCE), on=date(2024, 12, 31))

    def amount(on):
        return rules.standard_for("training", on=on, region_code=VILLAGE_A).amount

    assert amount(date(2024, 12, 31)) == Decimal("1500")
    assert amount(date(2025, 1, 1)) == Decimal("1200")
    with pytest.raises(ValidationError, match="失效日期不能早于生效日期"):
        services.end_standard(county, actor=world.user(Role.PROVINCE), on=date(2017, 1, 1))


# --- amount_for -----------------------------------------------------------------------------------


def test_amount_for_key_industry_percentage(world):
    s = _standard(
        world, PROVINCE, "1200", key_industry_pct=Decimal("10"), document="甘人社通〔2018〕1号"
    )
    s.refresh_from_db()
    plain = rules.amount_for(s, key_industry=False, label="家政服务员")
    assert plain.value == Decimal("1200.00")
    assert "重点产业" not in plain.rule
    up = rules.amount_for(s, key_industry=True, label="家政服务员")
    assert up.value == Decimal("1320.00")
    assert up.rule == (
        "家政服务员：标准 1200.00 元/人（甘肃省 2018-01-01 起，甘人社通〔2018〕1号）"
        " + 重点产业上浮 10%（120.00 元） = 1320.00 元"
    )


def test_amount_for_fixed_uplift_per_unit(world):
    s = _standard(world, PROVINCE, "50", item="living", key_industry_amount=Decimal("5"))
    s.refresh_from_db()
    a = rules.amount_for(s, quantity=20, key_industry=True, label="生活费补贴")
    assert a.value == Decimal("1100.00")  # (50 + 5) × 20
    assert "× 20" in a.rule and "重点产业上浮 5.00 元/人·天" in a.rule
    assert rules.amount_for(s, quantity=20, label="x").value == Decimal("1000.00")


def test_amount_for_rounds_half_up_to_the_cent(world):
    s = _standard(world, PROVINCE, "33.33", key_industry_pct=Decimal("12.5"))
    s.refresh_from_db()
    # 33.33 × 12.5% = 4.16625 → 4.17.
    assert rules.amount_for(s, key_industry=True).value == Decimal("37.50")
    # The percentage is preferred when both uplifts are set.
    both = _standard(
        world, COUNTY_A, "100", key_industry_pct=Decimal("10"), key_industry_amount=Decimal("50")
    )
    both.refresh_from_db()
    assert rules.amount_for(both, key_industry=True).value == Decimal("110.00")
