"""Demo employment data keeps the employment rules, fills the work lists and follows the seed."""

from collections import defaultdict
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from jifu.accounts.models import User
from jifu.accounts.roles import Role
from jifu.core import creditcode
from jifu.demo import employment_data, loader
from jifu.employment import rules
from jifu.employment.choices import EmployerKind, PlacementStatus, StartupStatus
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
from jifu.registry.models import Person
from jifu.training.choices import TrainingType

COUNTIES = ["622926", "621126"]  # 东乡 (paired with Tianjin) and 岷县 (with Fujian)
PERSONS, SEED = 1200, 7
EMPLOYMENT_MODELS = (
    WorkBasedTraining, FollowUp, Recommendation, Placement, StartupFollowUp,
    Startup, JobPost, LabourExportProgram, LabourBrand, Commitment, Employer,
)  # fmt: skip


@pytest.fixture
def demo(db, fast_passwords):
    return loader.build(persons=PERSONS, counties=COUNTIES, seed=SEED)


def test_employers_brands_and_programmes(demo):
    employers = list(Employer.objects.all())
    for e in employers:
        assert creditcode.normalize(e.credit_code) == e.credit_code
        assert e.region_code[:6] in COUNTIES and e.region.level == "county"
        assert rules.normalise_province(e.province) == e.province
    for county in COUNTIES:
        kinds = {
            e.kind
            for e in employers
            if e.region_code.startswith(county) and e.province == rules.GANSU
        }
        assert kinds == {EmployerKind.ENTERPRISE, EmployerKind.COOPERATIVE, EmployerKind.WORKSHOP,
                         EmployerKind.LABOUR_SERVICE}  # fmt: skip
    partners = {(e.region_code[:6], e.province) for e in employers if e.province != rules.GANSU}
    assert ("622926", "天津市") in partners and ("621126", "福建省") in partners
    assert {p for _, p in partners} <= {"天津市", "福建省", "浙江省"}
    assert Commitment.objects.exists() and JobPost.objects.filter(status="open").exists()
    assert LabourBrand.objects.filter(name="东乡手抓", region_code="622926000000").exists()
    for program in LabourExportProgram.objects.select_related("employer"):
        assert program.employer.province == program.destination_province
        assert program.end_date is None or program.end_date >= program.start_date


def test_placements_follow_ups_and_the_registry(demo):
    today = date.today()
    placements = list(Placement.objects.select_related("training_class", "person"))
    assert placements
    by_person = defaultdict(list)
    for p in placements:
        assert rules.place_problem(p.place, p.province) is None, (p.place, p.province)
        assert p.start_date <= today and 2000 <= p.monthly_wage <= 6000
        ended = p.end_date is not None
        assert (p.status == PlacementStatus.LEFT) == ended == bool(p.leave_reason)
        assert not ended or p.start_date <= p.end_date < today
        if p.training_class:
            assert rules.class_problem(p.person, p.training_class) is None
            assert p.start_date > p.training_class.end_date
        by_person[p.person_id].append(p)
    for jobs in by_person.values():  # one job at a time
        jobs.sort(key=lambda p: p.start_date)
        for earlier, later in zip(jobs, jobs[1:], strict=False):
            assert earlier.end_date is not None and earlier.end_date < later.start_date

    # Most trainees of the classes that ended found a job within six months.
    trained = [p for p in placements if p.training_class]
    soon = [p for p in trained if (p.start_date - p.training_class.end_date).days <= 183]
    assert len(soon) > 0.7 * len(trained)

    follow_ups = defaultdict(list)
    for f in FollowUp.objects.all():
        follow_ups[f.placement_id].append(f)
    for p in placements:
        rows = sorted(follow_ups[p.pk], key=lambda f: f.month_no)
        assert [f.month_no for f in rows] == list(range(1, FOLLOW_UP_MONTHS + 1))
        for f in rows:
            assert f.due_on == p.start_date + relativedelta(months=f.month_no)
            assert f.village_code == p.village_code
            after_end = p.end_date is not None and f.due_on > p.end_date
            if f.cancelled:
                assert after_end and f.done_on is None
            if f.done_on:
                assert p.start_date <= f.done_on <= today
                assert f.still_employed is not after_end
                assert f.still_employed or f.leave_reason == p.leave_reason
            if f.due_on > today:
                assert f.done_on is None
    assert FollowUp.objects.overdue().exists() and FollowUp.objects.due().exists()
    # The demo village (the first of 东乡) has someone to follow up now.
    village_user = User.objects.get(username="demo_village")
    assert FollowUp.objects.restrict(village_user).due().exists()
    assert (
        FollowUp.objects.filter(done_on__isnull=False).count() > FollowUp.objects.overdue().count()
    )

    # The registry shows each placed person's latest job.
    people = Person.objects.in_bulk(list(by_person))
    for person_id, jobs in by_person.items():
        latest, person = jobs[-1], people[person_id]
        if latest.end_date is None:
            assert person.employment_status == "employed"
            assert (person.employment_place, person.employer, person.monthly_income) == (
                latest.place,
                latest.employer_name,
                latest.monthly_wage,
            )
        else:
            assert person.employment_status == "unemployed"


def test_work_training_and_startups(demo):
    rows = list(
        WorkBasedTraining.objects.select_related("placement", "person__household", "employer")
    )
    assert rows
    for w in rows:
        p, month_end = w.placement, w.month + relativedelta(months=1, days=-1)
        assert w.month.day == 1 and w.month <= date.today()
        assert (p.employer_id, p.person_id) == (w.employer_id, w.person_id)
        assert p.start_date <= month_end and (p.end_date is None or p.end_date >= w.month)
        assert w.employer.kind in (
            EmployerKind.WORKSHOP,
            EmployerKind.ENTERPRISE,
            EmployerKind.COOPERATIVE,
        )
        assert rules.work_training_problem(w.person, w.employer, w.month) is None

    startups = list(Startup.objects.select_related("training_class", "founder"))
    assert startups and any(s.is_leader for s in startups)
    for s in startups:
        assert s.jobs_created >= s.poor_jobs_created
        assert (s.status == StartupStatus.CLOSED) == (s.closed_on is not None)
        assert s.started_on <= date.today() and s.place_code[:6] == s.village_code[:6]
        if s.training_class:
            assert s.training_class.training_type == TrainingType.ENTREPRENEURSHIP
            assert rules.class_problem(s.founder, s.training_class) is None
        expected = "employed" if s.status == StartupStatus.OPERATING else "unemployed"
        assert s.founder.employment_status == expected
    for visit in StartupFollowUp.objects.select_related("startup"):
        assert visit.startup.started_on <= visit.visited_on <= date.today()
        assert visit.jobs >= visit.poor_jobs


def test_employer_login_sees_its_placements(demo):
    user = User.objects.get(username="demo_employer")
    assert user.role == Role.EMPLOYER
    assert (
        "demo_employer",
        Role.EMPLOYER.label,
        Employer.objects.get(credit_code=user.org_credit_code).name,
    ) in demo.logins
    own = Placement.objects.filter(employer__credit_code=user.org_credit_code)
    busiest = max(
        (
            Placement.objects.filter(employer=e).count()
            for e in Employer.objects.filter(region_code__startswith="622926")
        ),
    )
    assert own.count() == busiest > 0
    assert set(Placement.objects.restrict(user)) == set(own)
    assert (
        FollowUp.objects.restrict(user).count()
        == FollowUp.objects.filter(placement__in=own).count()
    )


def _rows(queryset, *fields):
    return sorted(queryset.values_list(*fields), key=repr)  # repr: None sorts among dates


def _snapshot():
    return {
        "employers": _rows(Employer.objects, "credit_code", "name", "kind", "province"),
        "placements": _rows(
            Placement.objects,
            "person__name",
            "person__village_code",
            "start_date",
            "end_date",
            "employer_name",
            "place",
            "province",
            "monthly_wage",
            "channel",
            "job__title",
        ),
        "follow_ups": _rows(
            FollowUp.objects,
            "placement__person__village_code",
            "placement__start_date",
            "month_no",
            "done_on",
            "still_employed",
            "cancelled",
        ),
        "work_training": _rows(
            WorkBasedTraining.objects, "employer__credit_code", "person__name", "month"
        ),
        "startups": _rows(
            Startup.objects, "name", "started_on", "jobs_created", "poor_jobs_created"
        ),
        "recommendations": _rows(Recommendation.objects, "job__title", "person__name", "status"),
        "registry": _rows(
            Person.objects.exclude(placements=None),
            "pk",
            "employment_status",
            "employer",
            "monthly_income",
        ),
    }


def test_same_seed_same_data(db):
    today = date.today()
    result = loader.build(persons=PERSONS, counties=COUNTIES, seed=SEED, with_users=False)
    first = _snapshot()
    # A second run adds nothing; its ledger import resets the registry, which follows the jobs.
    rerun = loader.build(persons=PERSONS, counties=COUNTIES, seed=SEED, with_users=False)
    assert rerun.employment.skipped and rerun.employment.persons_updated
    assert _snapshot() == first
    for model in EMPLOYMENT_MODELS:
        model.objects.all().delete()
    again = employment_data.build(result.data, seed=SEED, today=today)
    assert not again.skipped and again.placements == len(first["placements"])
    assert _snapshot() == first
