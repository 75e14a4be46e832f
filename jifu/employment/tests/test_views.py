"""Employment pages: scoped like every page, forms go through the services, the
work list shows overdue follow-ups, the outcome pages count the right people."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta

from jifu.accounts.roles import Role
from jifu.core.testing import ScopeMatrix
from jifu.employment import services
from jifu.employment.models import Employer, FollowUp, Placement, Startup
from jifu.registry.models import Person
from jifu.training.models import Enrolment

from .fixtures import (  # noqa: F401 - pytest fixtures and helpers
    finished_class,
    id_numbers,
    import_people,
    make_employer,
    place,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """Per side: the standard ledger, an employer, a finished class, one placement of a
    trainee (马文 in A, 王永 in B) started two months ago, and a start-up."""
    import_people()
    for side, name in (("a", "马文"), ("b", "王永")):
        employer = make_employer(world, side)
        training_class = finished_class(world, side, ended_days_ago=80)
        place(
            world,
            name,
            side=side,
            employer=employer,
            training_class=training_class,
            start=today() - timedelta(days=70),
        )
        person = Person.objects.get(name=name)
        services.record_startup(
            person,
            actor=world.user(Role.VILLAGE, side),
            place=person.household.village,
            name=f"{name}农家乐",
            kind="individual",
            started_on=today() - timedelta(days=5),
        )
    return world


def _side(obj_filter, side):
    return obj_filter(village_code__startswith="622926" if side == "a" else "620121").first()


class TestPlacementPages(ScopeMatrix):
    viewer_role = Role.TOWNSHIP
    outsider_role = Role.SCHOOL
    list_url = "/employment/placements/"

    def own_object(self, world):
        return _side(Placement.objects.filter, "a")

    def other_object(self, world):
        return _side(Placement.objects.filter, "b")

    def label(self, obj):
        return obj.person.name


class TestEmployerPages(ScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.SCHOOL
    list_url = "/employment/employers/"

    def own_object(self, world):
        return Employer.objects.get(credit_code=world.user(Role.EMPLOYER, "a").org_credit_code)

    def other_object(self, world):
        return Employer.objects.get(credit_code=world.user(Role.EMPLOYER, "b").org_credit_code)

    def label(self, obj):
        return obj.credit_code


class TestStartupPages(ScopeMatrix):
    viewer_role = Role.VILLAGE
    outsider_role = Role.EMPLOYER
    list_url = "/employment/startups/"

    def own_object(self, world):
        return _side(Startup.objects.filter, "a")

    def other_object(self, world):
        return _side(Startup.objects.filter, "b")


def test_every_list_page_renders_for_a_county_office(client, world):
    client.force_login(world.user(Role.COUNTY_HRSS))
    for url in (
        "/employment/employers/",
        "/employment/jobs/",
        "/employment/placements/",
        "/employment/follow-ups/",
        "/employment/outcomes/",
        "/employment/outcomes/?by=class",
        "/employment/outcomes/?by=institution",
        "/employment/outcomes/?by=occupation",
        "/employment/programs/",
        "/employment/brands/",
        "/employment/work-training/",
        "/employment/startups/",
        "/employment/leaders/",
        "/employment/employers/add/",
        "/employment/jobs/add/",
        "/employment/programs/add/",
        "/employment/brands/add/",
    ):
        assert client.get(url).status_code == 200, url


def test_employer_sees_only_its_own_placements(client, world):
    client.force_login(world.user(Role.EMPLOYER, "a"))
    body = client.get("/employment/placements/").content.decode()
    assert "马文" in body and "王永" not in body
    other = _side(Placement.objects.filter, "b")
    assert client.get(other.get_absolute_url()).status_code == 404


def test_institution_follows_its_own_trainees(client, world):
    client.force_login(world.user(Role.INSTITUTION, "a"))
    own = _side(Placement.objects.filter, "a")
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(_side(Placement.objects.filter, "b").get_absolute_url()).status_code == 404
    # Its follow-up work list holds the months of its trainee only.
    body = client.get("/employment/follow-ups/?state=overdue").content.decode()
    assert "马文" in body and "王永" not in body


def test_overdue_follow_ups_on_the_township_work_list_and_home(client, world, settings):
    settings.JIFU_FOLLOWUP_GRACE_DAYS = 10
    own = _side(Placement.objects.filter, "a")
    # Started 70 days ago: month 1 is 40 days late (overdue); month 2 ~10 days (due or overdue).
    month1 = own.follow_ups.get(month_no=1)
    assert month1.due_on == own.start_date + relativedelta(months=1)
    assert month1.state() == "overdue"
    client.force_login(world.user(Role.TOWNSHIP))
    work = client.get("/employment/follow-ups/?state=overdue").content.decode()
    assert f"/employment/follow-ups/{month1.pk}/record/" in work
    expected = FollowUp.objects.restrict(world.user(Role.TOWNSHIP)).overdue().count()
    assert expected >= 1
    home = client.get("/").content.decode()
    assert "逾期未回访" in home
    # The other county's township sees none of them.
    client.force_login(world.user(Role.TOWNSHIP, "b"))
    other = client.get("/employment/follow-ups/?state=overdue").content.decode()
    assert f"/employment/follow-ups/{month1.pk}/record/" not in other
    assert client.get(f"/employment/follow-ups/{month1.pk}/record/").status_code == 404


def test_recording_a_follow_up_that_the_person_left_ends_the_job(client, world):
    own = _side(Placement.objects.filter, "a")
    month1 = own.follow_ups.get(month_no=1)
    client.force_login(world.user(Role.VILLAGE))
    url = f"/employment/follow-ups/{month1.pk}/record/"
    # A reason is required when the person is no longer employed: nothing saved.
    response = client.post(url, {"done_on": today(), "still_employed": "no", "leave_reason": ""})
    assert response.status_code == 200 and "请选择离岗原因" in response.content.decode()
    month1.refresh_from_db()
    assert month1.done_on is None
    response = client.post(
        url,
        {
            "done_on": today(),
            "still_employed": "no",
            "leave_reason": "wage",
            "left_on": own.start_date + timedelta(days=40),
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "left" and own.end_date == own.start_date + timedelta(days=40)
    assert Person.objects.get(name="马文").employment_status == "unemployed"
    assert own.follow_ups.filter(cancelled=True).count() == 11  # months 2–12


def test_placement_form_from_a_class_trainee_and_the_class_rate(client, world):
    training_class = finished_class(world, "a", code="A-JY-2", names=["韩梅"], ended_days_ago=20)
    enrolment = Enrolment.objects.get(training_class=training_class, person__name="韩梅")
    client.force_login(world.user(Role.VILLAGE))
    page = client.get(training_class.get_absolute_url()).content.decode()
    assert "0/1" in page  # nobody placed yet
    form = client.get(f"/employment/placements/add/?enrolment={enrolment.pk}")
    assert form.status_code == 200 and "韩梅" in form.content.decode()
    response = client.post(
        f"/employment/placements/add/?enrolment={enrolment.pk}",
        {
            "employer_name": "临夏州某清真食品厂",
            "start_date": today() - timedelta(days=3),
            "place": "in_county",
            "province": "甘肃",
            "monthly_wage": "2800",
            "has_contract": "yes",
            "channel": "workshop",
            "training_class": training_class.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    placement = Placement.objects.get(person__name="韩梅")
    assert placement.province == "甘肃省" and placement.follow_ups.count() == 12
    page = client.get(training_class.get_absolute_url()).content.decode()
    assert "1/1" in page and "100%" in page


def test_placement_form_refuses_what_the_rules_refuse(client, world):
    person = Person.objects.get(name="韩梅")
    client.force_login(world.user(Role.VILLAGE))
    response = client.post(
        f"/employment/placements/add/?person={person.pk}",
        {
            "employer_name": "天津某公司",
            "start_date": today() - timedelta(days=3),
            "place": "out_of_province",
            "province": "甘肃省",
            "has_contract": "no",
            "channel": "organised",
        },
    )
    assert response.status_code == 200
    assert "就业省份不能是甘肃省" in response.content.decode()
    assert not Placement.objects.filter(person=person).exists()
    # Another county's person: 404, not a form.
    other = Person.objects.get(name="王永")
    assert client.get(f"/employment/placements/add/?person={other.pk}").status_code == 404


def test_employer_finds_a_person_by_id_and_name_then_records_the_hire(client, world):
    employer_user = world.user(Role.EMPLOYER, "a")
    client.force_login(employer_user)
    # No person found yet: the form is not available (no person id in URLs for employers).
    assert client.get("/employment/placements/add/").status_code == 404
    wrong = client.post(
        "/employment/placements/find/", {"id_number": id_numbers()["韩梅"], "name": "韩某"}
    )
    assert "没有身份证号码和姓名都相符的人员" in wrong.content.decode()
    found = client.post(
        "/employment/placements/find/", {"id_number": id_numbers()["韩梅"], "name": "韩梅"}
    )
    assert found.status_code == 302 and found["Location"] == "/employment/placements/add/"
    assert id_numbers()["韩梅"] not in found["Location"]
    response = client.post(
        "/employment/placements/add/",
        {
            "start_date": today() - timedelta(days=1),
            "place": "in_county",
            "province": "甘肃省",
            "monthly_wage": "3000",
            "has_contract": "yes",
            "channel": "workshop",
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get(person__name="韩梅")
    assert placement.employer.credit_code == employer_user.org_credit_code


def test_outcomes_by_county_count_the_placed_trainee(client, world):
    client.force_login(world.user(Role.PROVINCE))
    body = client.get("/employment/outcomes/?by=county").content.decode()
    assert "东乡族自治县" in body and "永登县" in body
    client.force_login(world.user(Role.COUNTY_HRSS))
    body = client.get("/employment/outcomes/?by=county").content.decode()
    assert "东乡族自治县" in body and "永登县" not in body


def test_household_file_shows_employment_and_startups(client, world):
    person = Person.objects.get(name="马文")
    client.force_login(world.user(Role.VILLAGE))
    body = client.get(person.household.get_absolute_url()).content.decode()
    assert 'data-testid="household-placements"' in body
    assert "测试家政服务公司A" in body and "马文农家乐" in body


def test_placement_template_download(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(world.user(Role.TOWNSHIP))
    response = client.get("/employment/placements/template.xlsx")
    assert response.status_code == 200
    headers = [c.value for c in next(load_workbook(BytesIO(response.content)).active.iter_rows())]
    assert headers[:3] == ["身份证号码", "姓名", "用人单位名称"]
    client.force_login(world.user(Role.COUNTY_FINANCE))
    assert client.get("/employment/placements/template.xlsx").status_code == 403
