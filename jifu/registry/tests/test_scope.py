"""Persons and households through the permission matrix, in the UI and the API."""

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import ApiScopeMatrix, ScopeMatrix, api_client_for
from jifu.registry.importers import import_persons
from jifu.registry.models import Household, Person

from .factories import (
    ledger,
    standard_rows,
)


@pytest.fixture
def world(world):
    """The matrix's world, with the standard households imported into it."""
    import_persons(ledger(standard_rows()), filename="t.csv")
    return world


class TestPersonScope(ScopeMatrix, ApiScopeMatrix):
    viewer_role = Role.TOWNSHIP
    outsider_role = Role.AUDITADMIN
    list_url = "/registry/persons/"
    api_list_url = "/api/persons/"

    def own_object(self, world):
        return Person.objects.get(name="马文")

    def other_object(self, world):
        return Person.objects.get(name="王永")

    def api_detail_url(self, obj):
        return f"/api/persons/{obj.pk}/"


class TestHouseholdScope(ScopeMatrix, ApiScopeMatrix):
    viewer_role = Role.VILLAGE
    outsider_role = Role.SYSADMIN  # administrators see no personal data
    list_url = "/registry/households/"
    api_list_url = "/api/households/"

    def own_object(self, world):
        return Household.objects.get(household_no="622926100201000001")

    def other_object(self, world):
        return Household.objects.get(household_no="620121100201000001")

    def api_detail_url(self, obj):
        return f"/api/households/{obj.pk}/"


def test_search_by_id_number_is_a_post_and_scoped(world):
    wang = Person.objects.get(name="王永")
    ma = Person.objects.get(name="马文")
    numbers = {r["姓名"]: r["身份证号码"] for r in standard_rows()}
    client = api_client_for(world.user(Role.COUNTY_HRSS))
    found = client.post(
        "/api/persons/search/", {"id_number": numbers["马文"].lower()}, format="json"
    ).json()
    assert found["count"] == 1 and found["results"][0]["id"] == ma.pk
    assert found["results"][0]["id_number"] == ma.id_number_masked
    # Another county's person is not found, as if absent.
    assert (
        client.post("/api/persons/search/", {"id_number": numbers["王永"]}, format="json").json()[
            "count"
        ]
        == 0
    )
    assert wang.pk
    bad = client.post("/api/persons/search/", {"id_number": "123"}, format="json")
    assert bad.status_code == 400
    assert client.get("/api/persons/search/").status_code == 405


def test_api_five_list_filter(world):
    client = api_client_for(world.user(Role.COUNTY_HRSS))
    data = client.get("/api/persons/", {"five_list": "wants_training"}).json()
    assert {p["name"] for p in data["results"]} == {"马文"}
    data = client.get("/api/persons/", {"five_list": "wants_business"}).json()
    assert {p["name"] for p in data["results"]} == {"妥德"}
    data = client.get("/api/persons/", {"wanted_occupation": "电工"}).json()
    assert {p["name"] for p in data["results"]} == {"马文"}
