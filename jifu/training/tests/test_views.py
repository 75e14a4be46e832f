"""Training pages: matching labourers to a class, enrolment by a village, ledgers with trainings."""

import io

import openpyxl

from jifu.accounts.roles import Role
from jifu.registry.models import Person
from jifu.training.models import Enrolment

from .fixtures_workflow import declare


def test_class_page_lists_matching_labourers_and_a_village_enrols_one(
    client, approved_class, trained_world
):
    client.force_login(trained_world.user(Role.VILLAGE))
    page = client.get(approved_class.get_absolute_url())
    names = [p.name for p in page.context["matches"]]
    assert names == ["马文"]  # wants 家政服务员; 韩梅 does not want training; 妥德 wants a business
    ma = Person.objects.get(name="马文")
    response = client.post(
        f"/training/classes/{approved_class.pk}/enrol-person/", {"person": ma.pk}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(person=ma, training_class=approved_class).source == "village"
    # Once enrolled he is no longer a match.
    assert list(client.get(approved_class.get_absolute_url()).context["matches"]) == []


def test_a_village_cannot_enrol_another_countys_person(client, approved_class, trained_world):
    client.force_login(trained_world.user(Role.VILLAGE))
    wang = Person.objects.get(name="王永")
    assert (
        client.post(
            f"/training/classes/{approved_class.pk}/enrol-person/", {"person": wang.pk}
        ).status_code
        == 404
    )
    assert not Enrolment.objects.exists()


def test_person_page_shows_fitting_open_classes(client, approved_class, trained_world):
    client.force_login(trained_world.user(Role.TOWNSHIP))
    ma = Person.objects.get(name="马文")
    body = client.get(ma.get_absolute_url()).content.decode()
    assert approved_class.code in body and "符合意愿的开班信息" in body


def test_township_training_ledger(client, approved_class, trained_world):
    from jifu.training import services

    services.enrol(approved_class, Person.objects.get(name="马文"), actor=None, source="village")
    client.force_login(trained_world.user(Role.TOWNSHIP))
    response = client.get("/training/enrolments/", {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [(r[1], r[4]) for r in rows] == [("马文", approved_class.code)]
    assert "**********" in rows[0][2]
    # The county HR office's ledger of classes lists the class; county B's does not.
    client.force_login(trained_world.user(Role.COUNTY_HRSS))
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/training/classes/", {"export": "xlsx"}).streaming_content))
    ).active
    assert approved_class.code in [r[1] for r in sheet.iter_rows(min_row=4, values_only=True)]
    client.force_login(trained_world.user(Role.COUNTY_HRSS, "b"))
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/training/classes/", {"export": "xlsx"}).streaming_content))
    ).active
    assert approved_class.code not in [r[1] for r in sheet.iter_rows(min_row=4, values_only=True)]


def test_institution_sees_only_its_own_classes(client, trained_world):
    mine = declare(trained_world, side="a")
    theirs = declare(trained_world, side="b", code="BJ-2030-201")
    client.force_login(trained_world.user(Role.INSTITUTION, "a"))
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    # And it may not approve its own class.
    assert client.post(f"/training/classes/{mine.pk}/approve/").status_code == 403


def test_appraisal_is_recorded_for_a_registry_person(client, trained_world):
    from jifu.registry.tests.factories import standard_rows
    from jifu.training.models import Appraisal, Occupation

    number = next(r["身份证号码"] for r in standard_rows() if r["姓名"] == "妥德")
    occupation = Occupation.objects.get(code="6-31-01-03")
    client.force_login(trained_world.user(Role.COUNTY_HRSS))
    form = {
        "id_number": number,
        "name": "妥德",
        "occupation": occupation.pk,
        "level": 4,
        "on": "2019-10-10",
        "passed": "on",
        "organisation": "临夏州职业技能鉴定所",
    }
    assert client.post("/training/appraisals/add/", form).status_code == 302
    appraisal = Appraisal.objects.get()
    assert (appraisal.person.name, appraisal.level, appraisal.passed) == ("妥德", 4, True)
    # A name that does not match, or a person of another county, is refused.
    response = client.post("/training/appraisals/add/", {**form, "name": "妥武"})
    assert "没有此人" in response.content.decode()
    wang = next(r["身份证号码"] for r in standard_rows() if r["姓名"] == "王永")
    response = client.post("/training/appraisals/add/", {**form, "id_number": wang, "name": "王永"})
    assert "没有此人" in response.content.decode() and Appraisal.objects.count() == 1
    assert "妥德" in client.get("/training/appraisals/").content.decode()
