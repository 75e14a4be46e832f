"""The UI shell: Chinese first, English by the switch, menu by role, real counts."""

from jifu.accounts.roles import Role
from jifu.regions.models import Region


def test_login_page_is_chinese(client, db):
    body = client.get("/login/").content.decode()
    assert "技能扶贫行动管理信息系统" in body and 'lang="zh-hans"' in body


def test_home_shows_real_counts_for_the_scope(client, world):
    client.force_login(world.user(Role.COUNTY_HRSS))
    response = client.get("/")
    cards = {c["label"]: c["value"] for c in response.context["cards"]}
    assert (
        cards["乡(镇、街道)"]
        == Region.objects.filter(level="township", code__startswith="622926").count()
    )
    assert cards["县(市、区)"] == 1
    assert cards["深度贫困县"] == 1


def test_menu_follows_the_role(client, world):
    client.force_login(world.user(Role.AUDITADMIN))
    labels = [i["label"] for g in client.get("/").context["menu_groups"] for i in g["items"]]
    assert labels == ["审计日志"]
    client.force_login(world.user(Role.SYSADMIN))
    labels = [i["label"] for g in client.get("/").context["menu_groups"] for i in g["items"]]
    assert "用户管理" in labels and "审计日志" not in labels


def test_english_switch(client, world):
    client.force_login(world.user(Role.COUNTY_HRSS))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert 'lang="en"' in body
    assert "Skills Poverty Alleviation" in body
    assert "Home" in body


def test_breadcrumb_and_request_id_header(client, world):
    client.force_login(world.user(Role.COUNTY_HRSS))
    response = client.get("/regions/622926100000/")
    assert response.status_code == 200
    assert response.context["breadcrumbs"][-1][0] == "锁南镇"
    assert len(response["X-Request-ID"]) >= 8


def test_province_home_map_counts_deep_poverty_counties(client, world):
    client.force_login(world.user(Role.PROVINCE))
    data = client.get("/").context["map_data"]
    assert len(data) == 14
    assert sum(d["value"] for d in data) == 35
    linxia = next(d for d in data if d["name"] == "临夏回族自治州")
    assert linxia["value"] == 8 and "region=622900000000" in linxia["url"]
    # County users get cards, not the provincial map.
    client.force_login(world.user(Role.COUNTY_HRSS))
    assert client.get("/").context["map_data"] is None
