"""Data for the employment tests (import the helpers; ask for the ``finished`` fixture).

Per test county: the registry's standard ledger (马文, 韩梅, 马小, 妥德 in A; 王永
in B), an employer whose credit code is that side's employer user's, and a
class that ended 30 days ago with its trainees completed. Classes go through
the real training services; the end state is then set directly, as the
training tests do.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import COUNTY_A, COUNTY_B
from jifu.employment import services
from jifu.employment.models import Employer, Placement
from jifu.regions.models import Region
from jifu.registry.models import Person
from jifu.training import services as training_services
from jifu.training.choices import ClassStatus, EnrolmentSource, EnrolmentStatus
from jifu.training.models import TrainingClass
from jifu.training.tests.fixtures_public import (  # noqa: F401 - re-exported helpers
    HOUSEKEEPING,
    id_numbers,
    import_people,
    make_class,
    today,
)

TRAINEES = {"a": ["马文", "韩梅"], "b": ["王永"]}


def make_employer(world, side="a", **fields) -> Employer:
    user = world.user(Role.EMPLOYER, side)
    county = Region.objects.get(code=COUNTY_A if side == "a" else COUNTY_B)
    values = {"name": f"测试家政服务公司{side.upper()}", "kind": "enterprise", "industry": "家政"}
    values.update(fields)
    return services.save_employer(
        actor=world.user(Role.COUNTY_HRSS, side),
        credit_code=user.org_credit_code,
        region=county,
        **values,
    )


def finished_class(world, side="a", *, code=None, names=None, ended_days_ago=30) -> TrainingClass:
    """A class that ended ``ended_days_ago`` days ago; its trainees completed it."""
    end = today() - timedelta(days=ended_days_ago)
    training_class = make_class(
        world,
        side,
        code=code or f"{side.upper()}-JY-1",
        start=end - timedelta(days=19),
        days=20,
        status=ClassStatus.APPROVED,
    )
    for name in names or TRAINEES[side]:
        person = Person.objects.get(name=name)
        training_services.enrol(
            training_class,
            person,
            actor=world.user(Role.VILLAGE, side),
            source=EnrolmentSource.VILLAGE,
        )
    training_class.enrolments.update(
        status=EnrolmentStatus.COMPLETED, sessions_present=20, sessions_total=20
    )
    TrainingClass.objects.filter(pk=training_class.pk).update(status=ClassStatus.ASSESSED)
    training_class.refresh_from_db()
    return training_class


def place(world, name: str, *, side="a", start: date | None = None, **fields) -> Placement:
    """Record a placement for ``name`` through the service, as that side's village cadre."""
    person = Person.objects.get(name=name)
    values = {
        # A linked employer gives its own name; otherwise a name-only employer.
        "employer_name": "" if fields.get("employer") else "兰州某餐饮公司",
        "start_date": start or today() - timedelta(days=20),
        "place": "in_province",
        "province": "甘肃省",
        "location": "兰州市城关区",
        "monthly_wage": 3200,
        "has_contract": True,
        "channel": "organised",
    }
    values.update(fields)
    return services.record_placement(person, actor=world.user(Role.VILLAGE, side), **values)


@dataclass
class Finished:
    world: object
    classes: dict
    employers: dict


@pytest.fixture(name="finished")
def finished_fixture(world):
    """The standard ledger, an employer and a finished class on each side."""
    import_people()
    return Finished(
        world=world,
        classes={side: finished_class(world, side) for side in ("a", "b")},
        employers={side: make_employer(world, side) for side in ("a", "b")},
    )
