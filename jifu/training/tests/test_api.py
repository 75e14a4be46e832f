"""The training API: scoped like the pages, trainees masked, filters by code."""

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import ApiScopeMatrix, api_client_for
from jifu.registry.models import Person
from jifu.training import services
from jifu.training.choices import ClassStatus, EnrolmentSource
from jifu.training.models import Certificate, Enrolment, Occupation, TrainingClass

from .fixtures_public import (  # noqa: F401 - pytest fixtures
    ELECTRICIAN,
    HOUSEKEEPING,
    fresh_rate_limits_fixture,
    id_numbers,
    import_people,
    make_class,
    make_institution,
    today,
)


@pytest.fixture
def world(world):
    """Per county: an institution of that side's institution user, a class, an
    enrolled trainee (马文 in A, 王永 in B) and a certificate."""
    import_people()
    for side, name in (("a", "马文"), ("b", "王永")):
        training_class = make_class(world, side, code=f"{side.upper()}-JZ")
        person = Person.objects.get(name=name)
        enrolment = services.enrol(
            training_class,
            person,
            actor=world.user(Role.VILLAGE, side),
            source=EnrolmentSource.VILLAGE,
        )
        Certificate.objects.create(
            number=f"ZS-{side.upper()}-1",
            kind="training",
            person=person,
            enrolment=enrolment,
            occupation=training_class.occupation,
            level=5,
            issuer=training_class.institution.name,
            issued_on=today(),
            village_code=person.village_code,
        )
    make_class(world, "a", code="A-DG", occupation=ELECTRICIAN, status=ClassStatus.DECLARED)
    return world


def class_of(side):
    return TrainingClass.objects.get(code=f"{side.upper()}-JZ")


class TestClassApi(ApiScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.SYSADMIN
    api_list_url = "/api/classes/"

    def own_object(self, world):
        return class_of("a")

    def other_object(self, world):
        return class_of("b")

    def api_detail_url(self, obj):
        return f"/api/classes/{obj.pk}/"


class TestInstitutionApi(ApiScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.SECADMIN
    api_list_url = "/api/institutions/"

    def own_object(self, world):
        return class_of("a").institution

    def other_object(self, world):
        return class_of("b").institution

    def api_detail_url(self, obj):
        return f"/api/institutions/{obj.pk}/"


class TestEnrolmentApi(ApiScopeMatrix):
    """Institution users are scoped by their organisation's credit code."""

    viewer_role = Role.INSTITUTION
    outsider_role = Role.AUDITADMIN
    api_list_url = "/api/enrolments/"

    def own_object(self, world):
        return Enrolment.objects.get(training_class=class_of("a"))

    def other_object(self, world):
        return Enrolment.objects.get(training_class=class_of("b"))

    def api_detail_url(self, obj):
        return f"/api/enrolments/{obj.pk}/"


class TestCertificateApi(ApiScopeMatrix):
    viewer_role = Role.TOWNSHIP
    outsider_role = Role.SYSADMIN
    api_list_url = "/api/certificates/"

    def own_object(self, world):
        return Certificate.objects.get(number="ZS-A-1")

    def other_object(self, world):
        return Certificate.objects.get(number="ZS-B-1")

    def api_detail_url(self, obj):
        return f"/api/certificates/{obj.pk}/"


def results(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_paths_are_final(world):
    client = api_client_for(world.user(Role.PROVINCE))
    for path in ("occupations", "institutions", "classes", "enrolments", "certificates"):
        assert client.get(f"/api/{path}/").status_code == 200, path


def test_institution_user_sees_only_its_own(world):
    client = api_client_for(world.user(Role.INSTITUTION, "a"))
    own = world.user(Role.INSTITUTION, "a").org_credit_code
    assert {c["institution"] for c in results(client, "/api/classes/")} == {own}
    assert {i["credit_code"] for i in results(client, "/api/institutions/")} == {own}
    assert {e["person"]["name"] for e in results(client, "/api/enrolments/")} == {"马文"}
    assert {c["number"] for c in results(client, "/api/certificates/")} == {"ZS-A-1"}
    # The whole catalogue is reference data.
    assert (
        len(results(client, "/api/occupations/", {"page_size": 100})) == Occupation.objects.count()
    )


def test_an_institution_without_a_credit_code_sees_nothing(world):
    user = world.user(Role.INSTITUTION, "a")
    user.org_credit_code = ""
    user.save(update_fields=["org_credit_code"])
    client = api_client_for(user)
    assert results(client, "/api/classes/") == []
    assert results(client, "/api/enrolments/") == []


def test_trainees_are_masked(world):
    client = api_client_for(world.user(Role.PROVINCE))
    enrolments = results(client, "/api/enrolments/")
    certificates = results(client, "/api/certificates/")
    ma = Person.objects.get(name="马文")
    row = next(e for e in enrolments if e["person"]["name"] == "马文")
    assert row["person"] == {"id": ma.pk, "name": "马文", "id_number": ma.id_number_masked}
    assert "*" in row["person"]["id_number"]
    assert set(next(iter(certificates))["person"]) == {"id", "name", "id_number"}
    body = (
        client.get("/api/enrolments/").content.decode()
        + client.get("/api/certificates/").content.decode()
    )
    for number in id_numbers().values():
        assert number not in body
    for field in ("phone", "bank_account", "birth_date"):
        assert field not in row["person"]


def test_class_fields_and_counts(world):
    client = api_client_for(world.user(Role.COUNTY_HRSS, "a"))
    row = client.get(f"/api/classes/{class_of('a').pk}/").json()
    assert row["occupation"] == HOUSEKEEPING and row["occupation_name"] == "家政服务员"
    assert row["institution"] == world.user(Role.INSTITUTION, "a").org_credit_code
    assert row["enrolled"] == 1 and row["applied"] == 0 and row["status"] == "approved"


def test_class_filters(world):
    client = api_client_for(world.user(Role.PROVINCE))
    url = "/api/classes/"

    def codes(**params):
        return {c["code"] for c in results(client, url, params)}

    assert codes() == {"A-JZ", "B-JZ", "A-DG"}
    assert codes(status="declared") == {"A-DG"}
    assert codes(occupation=HOUSEKEEPING) == {"A-JZ", "B-JZ"}
    assert codes(training_type="employment", region="622926") == {"A-JZ", "A-DG"}
    assert codes(region="620121100") == {"B-JZ"}
    assert codes(region="not-a-code") == set()
    assert codes(institution=world.user(Role.INSTITUTION, "b").org_credit_code) == {"B-JZ"}
    start = class_of("a").start_date
    assert codes(start_date_after=start.isoformat()) == {"A-JZ", "B-JZ", "A-DG"}
    assert codes(start_date_before=(start.replace(year=start.year - 1)).isoformat()) == set()
    assert codes(end_date_after=class_of("a").end_date.isoformat()) == {"A-JZ", "B-JZ", "A-DG"}


def test_enrolment_and_certificate_filters(world):
    client = api_client_for(world.user(Role.PROVINCE))
    names = {e["person"]["name"] for e in results(client, "/api/enrolments/", {"region": "620121"})}
    assert names == {"王永"}
    assert (
        len(results(client, "/api/enrolments/", {"status": "enrolled", "occupation": HOUSEKEEPING}))
        == 2
    )
    assert (
        results(client, "/api/enrolments/", {"training_class": class_of("b").pk})[0]["class_code"]
        == "B-JZ"
    )
    credit_a = world.user(Role.INSTITUTION, "a").org_credit_code
    assert {
        c["number"] for c in results(client, "/api/certificates/", {"institution": credit_a})
    } == {"ZS-A-1"}
    assert {c["number"] for c in results(client, "/api/certificates/", {"number": " zs-b-1"})} == {
        "ZS-B-1"
    }
    assert {c["number"] for c in results(client, "/api/certificates/", {"region": "622926"})} == {
        "ZS-A-1"
    }


def test_institution_and_occupation_filters(world):
    client = api_client_for(world.user(Role.PROVINCE))
    make_institution(world, "b", codes=(ELECTRICIAN,))  # B now teaches only electricians
    found = results(client, "/api/institutions/", {"occupation": HOUSEKEEPING})
    assert [i["credit_code"] for i in found] == [world.user(Role.INSTITUTION, "a").org_credit_code]
    assert len(results(client, "/api/institutions/", {"occupation": ELECTRICIAN})) == 2
    assert len(results(client, "/api/institutions/", {"region": "620121"})) == 1
    special = {
        o["code"]
        for o in results(client, "/api/occupations/", {"special": "true", "page_size": 100})
    }
    assert ELECTRICIAN in special and HOUSEKEEPING not in special


def test_read_only(world):
    client = api_client_for(world.user(Role.INSTITUTION, "a"))
    assert client.post("/api/classes/", {}, format="json").status_code in (403, 405)
    assert client.delete(f"/api/classes/{class_of('a').pk}/").status_code in (403, 405)
    assert TrainingClass.objects.filter(code="A-JZ").exists()
