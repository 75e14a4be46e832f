"""Relocation moves a household and everything scoped by its village, in one transaction."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.regions.models import Region
from jifu.registry import services
from jifu.registry.models import Household, Person


def test_relocation_moves_every_row(people):
    household = Household.objects.get(household_no="622926100201000001")
    person = household.members.first()
    services.create_plan(household, actor=None, measures="外出务工", responsible_cadre="马帮扶")
    services.add_guidance(person, actor=None, date=date(2019, 5, 1), counsellor="李老师")
    target = Region.objects.get(code="620121100201")  # 测试二村, another county
    actor = people.user(Role.COUNTY_HRSS)
    services.relocate_household(household, target, actor=actor)
    household.refresh_from_db()
    assert household.village_code == "620121100201" and household.resettled
    assert set(
        Person.objects.filter(household=household).values_list("village_code", flat=True)
    ) == {"620121100201"}
    assert set(household.plans.values_list("village_code", flat=True)) == {"620121100201"}
    assert person.guidance.get().village_code == "620121100201"
    event = AuditEvent.objects.filter(object_id=str(household.pk), message="易地扶贫搬迁").get()
    assert event.before == {"village_code": "622926100201"} and event.after["persons"] == 3
    # The old county no longer sees it; the new one does.
    assert (
        not Household.objects.restrict(people.user(Role.COUNTY_HRSS, "a"))
        .filter(pk=household.pk)
        .exists()
    )
    assert (
        Household.objects.restrict(people.user(Role.COUNTY_HRSS, "b"))
        .filter(pk=household.pk)
        .exists()
    )


def test_relocation_target_must_be_a_village(people):
    household = Household.objects.get(household_no="622926100201000001")
    with pytest.raises(ValidationError):
        services.relocate_household(household, Region.objects.get(code="620121100000"), actor=None)


def test_person_status_with_date(people):
    person = Person.objects.get(name="妥德")
    services.set_person_status(person, "dead", date(2019, 8, 1), actor=None)
    assert not Person.objects.labour_force().filter(pk=person.pk).exists()
    with pytest.raises(ValidationError):
        services.set_person_status(person, "zombie", date(2019, 8, 1), actor=None)


def test_outreach_is_recorded_at_township_or_village(people):
    event = services.record_outreach(
        actor=None,
        region="622926100000",
        date=date(2019, 4, 1),
        kind="leaflets",
        title="技能培训政策",
        people_reached=120,
    )
    assert event.region_code == "622926100000"
    with pytest.raises(ValidationError):
        services.record_outreach(
            actor=None, region="622926000000", date=date(2019, 4, 1), kind="meeting", title="x"
        )


def test_name_initials():
    assert services.name_initials("马文") == "mw"
    assert services.name_initials("才让卓玛") == "crzm"
