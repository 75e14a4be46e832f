"""A registered institution in each test county and one class, for workflow tests."""

from datetime import date

import pytest

from jifu.accounts.roles import Role
from jifu.regions.models import Region
from jifu.registry.importers import import_persons
from jifu.registry.tests.factories import ledger, standard_rows
from jifu.training import services
from jifu.training.choices import ClassStatus
from jifu.training.models import Occupation

START, END = date(2030, 3, 1), date(2030, 3, 20)  # in the future: classes are open for enrolment


def institution_for(world, side="a", codes=("4-10-01-06", "6-31-01-03")):
    user = world.user(Role.INSTITUTION, side)
    county = Region.objects.get(code=user.region.code)
    return services.save_institution(
        actor=None,
        credit_code=user.org_credit_code,
        name=f"测试职业培训学校{side.upper()}",
        kind="private",
        licence_no="甘人社培字001",
        licence_valid_until=date(2031, 12, 31),
        occupations=list(Occupation.objects.filter(code__in=codes)),
        region=county,
    )


def declare(
    world, side="a", occupation="4-10-01-06", code="BJ-2030-001", institution=None, **overrides
):
    institution = institution or institution_for(world, side)
    place = Region.objects.get(code=("622926100000" if side == "a" else "620121100000"))
    fields = {
        "code": code,
        "occupation": Occupation.objects.get(code=occupation),
        "level": 5,
        "training_type": "employment",
        "delivery_mode": "central",
        "place": place,
        "start_date": START,
        "end_date": END,
        "theory_hours": 40,
        "practice_hours": 60,
        "safety_hours": 0,
        "capacity": 2,
    }
    fields.update(overrides)
    return services.declare_class(
        actor=world.user(Role.INSTITUTION, side), institution=institution, **fields
    )


@pytest.fixture
def trained_world(world):
    report = import_persons(ledger(standard_rows()), filename="t.csv", today=date(2019, 6, 30))
    assert report.rejected == 0
    return world


@pytest.fixture
def approved_class(trained_world):
    c = declare(trained_world)
    services.approve_class(c, actor=trained_world.user(Role.COUNTY_HRSS))
    c.refresh_from_db()
    assert c.status == ClassStatus.APPROVED
    return c
