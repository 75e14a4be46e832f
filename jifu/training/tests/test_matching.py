"""Matching labourers to classes and classes to labourers."""

from datetime import date, timedelta

from jifu.accounts.roles import Role
from jifu.registry.models import Person
from jifu.training import services
from jifu.training.choices import ClassStatus, EnrolmentSource, EnrolmentStatus
from jifu.training.matching import classes_for_person, labourers_for_class
from jifu.training.models import Enrolment, Occupation

from .fixtures_public import (  # noqa: F401 - pytest fixtures
    ELECTRICIAN,
    HOUSEKEEPING,
    WELDER,
    fresh_rate_limits_fixture,
    id_numbers,
    make_class,
    people_fixture,
    today,
)


def names(persons) -> set[str]:
    return {p.name for p in persons}


def codes(classes) -> set[str]:
    return {c.code for c in classes}


def test_labourers_of_the_class_county_who_want_its_occupation(people):
    a = make_class(people, "a", code="A-JZ")
    b = make_class(people, "b", code="B-JZ")
    # 马文 (county A) and 王永 (county B) want 家政服务员; 韩梅 and 妥德 want no training.
    assert names(labourers_for_class(a)) == {"马文"}
    assert names(labourers_for_class(b)) == {"王永"}
    welding = make_class(people, "a", code="A-HG", occupation=WELDER)
    assert names(labourers_for_class(welding)) == set()


def test_a_village_place_reaches_the_whole_county(people):
    village = make_class(people, "a", code="A-VIL", place_code="622926100201")
    assert names(labourers_for_class(village)) == {"马文"}


def test_occupation_name_must_match_exactly(people):
    # "电工" must not match a person wanting "维修电工" (the delimiters prevent it).
    Person.objects.filter(name="马文").update(wanted_occupations="|维修电工|")
    electric = make_class(people, "a", code="A-DG", occupation=ELECTRICIAN)
    assert names(labourers_for_class(electric)) == set()


def test_only_the_labour_force(people):
    a = make_class(people, "a", code="A-JZ")
    Person.objects.filter(name="马文").update(birth_date=date(1940, 1, 1))
    assert names(labourers_for_class(a)) == set()


def test_those_trained_or_certified_in_the_occupation_are_left_out(people):
    ma = Person.objects.get(name="马文")
    first = make_class(people, "a", code="A-JZ-1")
    later = make_class(people, "a", code="A-JZ-2", start=first.end_date + timedelta(days=5))
    electric = make_class(people, "a", code="A-DG", occupation=ELECTRICIAN)

    enrolment = services.enrol(first, ma, actor=people.user(Role.VILLAGE), source="village")
    assert names(labourers_for_class(later)) == set()  # being trained in it counts
    assert names(labourers_for_class(electric)) == {"马文"}  # another occupation does not

    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.WITHDRAWN)
    assert names(labourers_for_class(later)) == {"马文"}  # a withdrawal does not

    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.COMPLETED)
    assert names(labourers_for_class(later)) == set()

    services.issue_certificate(
        actor=people.user(Role.COUNTY_HRSS),
        person=ma,
        kind="special",
        number="ZS-DG-001",
        occupation=Occupation.objects.get(code=ELECTRICIAN),
        level=None,
        issuer="东乡县人社局",
        issued_on=today(),
    )
    assert names(labourers_for_class(electric)) == set()  # a certificate counts too


def test_an_application_to_this_class_is_not_a_candidate_again(people):
    a = make_class(people, "a", code="A-JZ")
    other = make_class(people, "a", code="A-JZ-2", start=a.end_date + timedelta(days=5))
    applied = services.apply_public(a, name="马文", id_number=id_numbers()["马文"], phone="")
    assert applied is not None and applied.status == EnrolmentStatus.APPLIED
    assert names(labourers_for_class(a)) == set()
    # Applied elsewhere is not trained yet: still a candidate for another class.
    assert names(labourers_for_class(other)) == {"马文"}


def test_restricted_to_the_user_scope(people):
    a = make_class(people, "a", code="A-JZ")
    assert names(labourers_for_class(a, people.user(Role.VILLAGE, "a"))) == {"马文"}
    assert names(labourers_for_class(a, people.user(Role.COUNTY_HRSS, "a"))) == {"马文"}
    assert names(labourers_for_class(a, people.user(Role.COUNTY_HRSS, "b"))) == set()
    # Institutions do not browse the registry.
    assert names(labourers_for_class(a, people.user(Role.INSTITUTION, "a"))) == set()


def test_classes_for_person_open_in_county_and_wanted(people):
    ma = Person.objects.get(name="马文")
    make_class(people, "a", code="A-JZ")
    make_class(people, "a", code="A-DG", occupation=ELECTRICIAN, status=ClassStatus.RUNNING)
    make_class(people, "a", code="A-HG", occupation=WELDER)  # not wanted
    make_class(people, "b", code="B-JZ")  # another county
    make_class(people, "a", code="A-DECL", status=ClassStatus.DECLARED)  # not approved
    make_class(people, "a", code="A-DONE", status=ClassStatus.COMPLETED)
    make_class(people, "a", code="A-OLD", start=today() - timedelta(days=30))  # ended
    make_class(people, "a", code="A-LAST", start=today() - timedelta(days=19))  # ends today
    assert codes(classes_for_person(ma)) == {"A-JZ", "A-DG", "A-LAST"}
    assert codes(classes_for_person(Person.objects.get(name="王永"))) == {"B-JZ"}
    assert codes(classes_for_person(Person.objects.get(name="韩梅"))) == set()


def test_classes_for_person_leave_out_overlapping_ones(people):
    ma = Person.objects.get(name="马文")
    start = today() + timedelta(days=10)
    taken = make_class(people, "a", code="A-JZ", start=start)
    clash = make_class(
        people, "a", code="A-DG", occupation=ELECTRICIAN, start=start + timedelta(days=19)
    )
    free = make_class(
        people, "a", code="A-DG-2", occupation=ELECTRICIAN, start=start + timedelta(days=20)
    )
    assert codes(classes_for_person(ma)) == {taken.code, clash.code, free.code}

    enrolment = services.enrol(
        taken, ma, actor=people.user(Role.VILLAGE), source=EnrolmentSource.VILLAGE
    )
    # Its own class overlaps itself; the class starting on its last day overlaps too.
    assert codes(classes_for_person(ma)) == {free.code}
    services.withdraw(enrolment, actor=people.user(Role.VILLAGE))
    assert codes(classes_for_person(ma)) == {taken.code, clash.code, free.code}
