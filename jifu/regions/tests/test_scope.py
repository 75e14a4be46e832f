"""Regions through the permission matrix: a county user sees only its own area."""

from jifu.accounts.roles import Role
from jifu.core.testing import (
    COUNTY_A,
    TOWNSHIP_A,
    TOWNSHIP_B,
    ApiScopeMatrix,
    ScopeMatrix,
    api_client_for,
)
from jifu.regions.models import Region


class TestRegionScope(ScopeMatrix, ApiScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.AUDITADMIN  # the audit administrator reads the audit log only
    list_url = "/regions/?level=township"
    api_list_url = "/api/regions/"

    def own_object(self, world):
        return Region.objects.get(code=TOWNSHIP_A)

    def other_object(self, world):
        return Region.objects.get(code=TOWNSHIP_B)

    def api_detail_url(self, obj):
        return f"/api/regions/{obj.code}/"


def test_county_user_sees_only_its_townships_in_the_api(world):
    client = api_client_for(world.user(Role.COUNTY_HRSS))
    data = client.get("/api/regions/", {"level": "township", "page_size": 1000}).json()
    expected = set(
        Region.objects.filter(level="township", code__startswith="622926").values_list(
            "code", flat=True
        )
    )
    assert data["count"] == len(expected) > 0
    assert {r["code"] for r in data["results"]} == expected
    # The province and other counties are outside the scope.
    assert client.get("/api/regions/620000/").status_code == 404
    assert client.get("/api/regions/620121/").status_code == 404
    assert client.get("/api/regions/622926/").status_code == 200


def test_county_user_sees_only_its_townships_in_the_ui(client, world):
    client.force_login(world.user(Role.COUNTY_HRSS))
    response = client.get("/regions/", {"level": "township"})
    assert response.status_code == 200
    shown = {row.record.code for row in response.context["table"].paginated_rows}
    assert (
        response.context["total"]
        == Region.objects.filter(level="township", code__startswith="622926").count()
    )
    assert shown and all(code.startswith("622926") for code in shown)


def test_region_tree_starts_at_the_users_scope(client, world):
    client.force_login(world.user(Role.COUNTY_HRSS))
    root = client.get("/regions/tree/").content.decode()
    assert f'data-code="{COUNTY_A}"' in root and "东乡族自治县" in root
    children = client.get("/regions/tree/", {"parent": COUNTY_A}).content.decode()
    assert f'data-code="{TOWNSHIP_A}"' in children
    # Asking for another county's children yields nothing.
    other = client.get("/regions/tree/", {"parent": "620121000000"}).content.decode()
    assert TOWNSHIP_B not in other


def test_province_user_sees_everything(world):
    client = api_client_for(world.user(Role.PROVINCE))
    data = client.get("/api/regions/", {"level": "county"}).json()
    assert data["count"] == 88
