"""Test fixtures and the generic permission-matrix base every app's tests reuse.

``world`` gives two counties (东乡族自治县 622926 and 永登县 620121) with a user
of every region-scoped role in each, built through the real services.

``ScopeMatrix`` runs one page / endpoint through the cases every object must
pass: anonymous is sent to login (UI) or gets 401 (API); a user whose scope
holds the object gets 200; a user of the same role in another region gets 404;
a role without the permission gets 403 on the list (or 404 on the object).
A concrete test class declares only its data.
"""

import os
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from rest_framework.authtoken.models import Token

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.core import creditcode
from jifu.regions import services as region_services
from jifu.regions.models import Region

PASSWORD = "Test#Pass2018"  # noqa: S105 - synthetic test accounts only
COUNTY_A = "622926000000"  # 东乡族自治县 (两州一县)
COUNTY_B = "620121000000"  # 永登县, Lanzhou
TOWNSHIP_A = "622926100000"  # 锁南镇
TOWNSHIP_B = "620121100000"  # 城关镇


def ensure_regions() -> None:
    if not Region.objects.filter(level="county").exists():
        region_services.load_reference()


@dataclass
class World:
    users: dict[tuple[str, str], object] = field(default_factory=dict)

    def user(self, role: str, side: str = "a"):
        return self.users[(str(role), side)]


def _scope_for(role: Role, side: str) -> str:
    county = COUNTY_A if side == "a" else COUNTY_B
    township = TOWNSHIP_A if side == "a" else TOWNSHIP_B
    level = {
        Role.PROVINCE: "620000000000",
        Role.PREFECTURE: county[:4] + "00000000",
        Role.TOWNSHIP: township,
        Role.VILLAGE: township[:9] + "201",
        Role.SYSADMIN: "620000000000",
        Role.SECADMIN: "620000000000",
        Role.AUDITADMIN: "620000000000",
    }
    return level.get(role, county)


def build_world() -> World:
    ensure_regions()
    with transaction.atomic():
        region_services.import_villages(
            f"code,name\n{TOWNSHIP_A[:9]}201,测试一村\n{TOWNSHIP_B[:9]}201,测试二村\n".encode()
        )
    world = World()
    for role in Role:
        for side in ("a", "b"):
            if (
                role in {Role.PROVINCE, Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN}
                and side == "b"
            ):
                world.users[(str(role), side)] = world.users[(str(role), "a")]
                continue
            org = ""
            if role in (Role.INSTITUTION, Role.SCHOOL, Role.EMPLOYER):
                # A valid GB 32100 code in the user's county, distinct per role and side.
                county6 = (COUNTY_A if side == "a" else COUNTY_B)[:6]
                org = creditcode.make(f"91{county6}MA{list(Role).index(role):06d}{side.upper()}")
            world.users[(str(role), side)] = account_services.create_user(
                actor=None,
                username=f"{role.value}_{side}",
                role=role,
                region=_scope_for(role, side),
                password=PASSWORD,
                org_credit_code=org,
            )
    return world


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db, fast_passwords) -> World:
    return build_world()


def api_client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


class ScopeMatrix:
    """Declare ``viewer_role``, ``outsider_role`` (a role without the permission)
    and ``list_url``; implement ``own_object(world)`` and ``other_object(world)``
    (and ``detail_url(obj)`` when it is not ``get_absolute_url``)."""

    viewer_role: str = Role.COUNTY_HRSS
    outsider_role: str = Role.VILLAGE
    list_url: str = ""

    def own_object(self, world):
        raise NotImplementedError

    def other_object(self, world):
        raise NotImplementedError

    def detail_url(self, obj) -> str:
        return obj.get_absolute_url()

    def label(self, obj) -> str:
        """How the object shows in its list (to check it is, or is not, there)."""
        return str(obj)

    # --- UI ---
    def test_anonymous_is_sent_to_login(self, client, world):
        for url in (self.list_url, self.detail_url(self.own_object(world))):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/login/"), url

    def test_own_scope_is_200(self, client, world):
        client.force_login(world.user(self.viewer_role))
        assert client.get(self.list_url).status_code == 200
        assert client.get(self.detail_url(self.own_object(world))).status_code == 200

    def test_other_region_is_404(self, client, world):
        client.force_login(world.user(self.viewer_role))
        assert client.get(self.detail_url(self.other_object(world))).status_code == 404

    def test_list_shows_only_own_scope(self, client, world):
        client.force_login(world.user(self.viewer_role))
        body = client.get(self.list_url).content.decode()
        assert self.label(self.own_object(world)) in body
        assert self.label(self.other_object(world)) not in body

    def test_role_without_permission(self, client, world):
        client.force_login(world.user(self.outsider_role))
        assert client.get(self.list_url).status_code == 403
        assert client.get(self.detail_url(self.own_object(world))).status_code in (403, 404)


class ApiScopeMatrix:
    """The same cases for an API resource; mix in beside ``ScopeMatrix``.

    Declare ``api_list_url`` and implement ``api_detail_url(obj)``.
    """

    viewer_role: str = Role.COUNTY_HRSS
    outsider_role: str = Role.VILLAGE
    api_list_url: str = ""

    def api_detail_url(self, obj) -> str:
        raise NotImplementedError

    def test_api_anonymous_is_401(self, world):
        assert api_client_for(None).get(self.api_list_url).status_code == 401

    def test_api_role_without_permission_is_403(self, world):
        client = api_client_for(world.user(self.outsider_role))
        assert client.get(self.api_list_url).status_code == 403

    def test_api_scope(self, world):
        client = api_client_for(world.user(self.viewer_role))
        assert client.get(self.api_list_url).status_code == 200
        assert client.get(self.api_detail_url(self.own_object(world))).status_code == 200
        assert client.get(self.api_detail_url(self.other_object(world))).status_code == 404


# --- browser tests ---------------------------------------------------------

CHROMIUM = os.environ.get("JIFU_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (its own browser download does not
    work offline); as root it needs --no-sandbox."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
            ],
        )
        yield instance
        instance.close()


def login(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
