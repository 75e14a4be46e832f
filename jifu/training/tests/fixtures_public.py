"""Data for the public pages, API and matching tests (import into the test module).

Institutions are created through the ORM with the credit code of the test
world's institution users, so org scoping can be tested whatever those codes
look like. Classes go through the real services (declare, approve); dates are
relative to today because "open" means "not yet ended".
"""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from jifu.accounts.roles import Role
from jifu.core.testing import COUNTY_A, COUNTY_B, TOWNSHIP_A, TOWNSHIP_B
from jifu.regions.models import Region
from jifu.registry.importers import import_persons
from jifu.registry.tests.factories import ledger, standard_rows
from jifu.training import services
from jifu.training.choices import ClassStatus
from jifu.training.models import Institution, Occupation, TrainingClass

HOUSEKEEPING = "4-10-01-06"  # 家政服务员
ELECTRICIAN = "6-31-01-03"  # 电工 (special operation: 16 safety hours)
WELDER = "6-18-02-04"  # 焊工


def today() -> date:
    return timezone.localdate()


def id_numbers() -> dict[str, str]:
    """Name → the synthetic ID number the standard ledger gives that person."""
    return {row["姓名"]: row["身份证号码"] for row in standard_rows()}


def make_institution(world, side="a", codes=(HOUSEKEEPING, ELECTRICIAN, WELDER)) -> Institution:
    user = world.user(Role.INSTITUTION, side)
    county = Region.objects.get(code=COUNTY_A if side == "a" else COUNTY_B)
    institution, _ = Institution.objects.get_or_create(
        credit_code=user.org_credit_code,
        defaults={
            "name": f"公开测试培训学校{side.upper()}",
            "kind": "private",
            "licence_no": "甘人社培字001",
            "licence_valid_until": today() + timedelta(days=3650),
            "region": county,
            "region_code": county.code,
        },
    )
    institution.occupations.set(Occupation.objects.filter(code__in=codes))
    return institution


def make_class(
    world,
    side="a",
    *,
    code,
    occupation=HOUSEKEEPING,
    start=None,
    days=20,
    status=ClassStatus.APPROVED,
    capacity=5,
    place_code=None,
    **fields,
) -> TrainingClass:
    """Declare (and approve) a class; other statuses are then set directly."""
    start = start or today() + timedelta(days=10)
    occ = Occupation.objects.get(code=occupation)
    place = Region.objects.get(code=place_code or (TOWNSHIP_A if side == "a" else TOWNSHIP_B))
    values = {
        "code": code,
        "occupation": occ,
        "level": 5,
        "training_type": "employment",
        "delivery_mode": "central",
        "place": place,
        "start_date": start,
        "end_date": start + timedelta(days=days - 1),
        "theory_hours": 40,
        "practice_hours": 60,
        "safety_hours": occ.min_safety_hours,
        "capacity": capacity,
        "address": "乡镇文化站",
    }
    values.update(fields)
    training_class = services.declare_class(
        actor=world.user(Role.INSTITUTION, side),
        institution=make_institution(world, side),
        **values,
    )
    if status != ClassStatus.DECLARED:
        services.approve_class(training_class, actor=world.user(Role.COUNTY_HRSS, side))
        if status != ClassStatus.APPROVED:
            TrainingClass.objects.filter(pk=training_class.pk).update(status=status)
    training_class.refresh_from_db()
    return training_class


def import_people():
    report = import_persons(ledger(standard_rows()), filename="t.csv", today=date(2019, 6, 30))
    assert report.rejected == 0, report.errors


# Named fixtures (``name=``): test modules import the function, their tests ask
# for ``people`` without shadowing an imported name.
@pytest.fixture(autouse=True, name="fresh_rate_limits")
def fresh_rate_limits_fixture():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(name="people")
def people_fixture(world):
    """The test world with the registry's standard ledger (马文, 王永 want 家政服务员 and 电工)."""
    import_people()
    return world
