"""Region pages: correcting a county's category in the UI, importing villages from the web."""

from django.core.files.uploadedfile import SimpleUploadedFile

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core.testing import api_client_for
from jifu.regions.models import Region


def test_province_office_corrects_a_poverty_category(client, world):
    county = Region.objects.get(code="620422000000")  # 会宁县
    client.force_login(world.user(Role.PROVINCE))
    page = client.get(f"/regions/{county.code}/category/")
    assert page.status_code == 200 and "修正贫困县类别" in page.content.decode()
    response = client.post(
        f"/regions/{county.code}/category/",
        {"poverty_category": "contiguous", "note": "省扶贫办 2019 年核实"},
    )
    assert response.status_code == 302
    county.refresh_from_db()
    assert (county.poverty_category, county.category_source) == ("contiguous", "manual")
    event = AuditEvent.objects.filter(object_id=str(county.pk), action="update").latest("seq")
    assert (
        event.before["poverty_category"] == "province_deep"
        and event.after["poverty_category"] == "contiguous"
    )
    assert event.message == "省扶贫办 2019 年核实"


def test_a_reason_is_required(client, world):
    client.force_login(world.user(Role.PROVINCE))
    response = client.post(
        "/regions/620422000000/category/", {"poverty_category": "contiguous", "note": ""}
    )
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert Region.objects.get(code="620422000000").poverty_category == "province_deep"


def test_county_office_may_not_correct_categories(client, world):
    client.force_login(world.user(Role.COUNTY_HRSS))
    # Its own county: no permission (403); another county: not even visible (404).
    assert client.get("/regions/622926000000/category/").status_code == 403
    assert client.get("/regions/620422000000/category/").status_code == 404


def test_village_upload_reports_bad_lines(client, world):
    client.force_login(world.user(Role.PROVINCE))
    csv = "code,name\n622926100205,新村\n622926999201,坏村\n".encode("gbk")
    response = client.post(
        "/regions/import/", {"file": SimpleUploadedFile("v.csv", csv, "text/csv")}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].created == 1 and response.context["report"].rejected == 1
    assert "622926999" in body
    assert Region.objects.filter(code="622926100205", name="新村").exists()


def test_village_upload_of_garbage_is_refused_clearly(client, world):
    client.force_login(world.user(Role.PROVINCE))
    response = client.post(
        "/regions/import/", {"file": SimpleUploadedFile("v.csv", b"\x00\x01\x02", "text/csv")}
    )
    assert response.status_code == 200
    assert "不是文本格式" in response.content.decode()


def test_api_filters(world):
    client = api_client_for(world.user(Role.PROVINCE))
    by_parent_6 = client.get("/api/regions/", {"parent": "622926", "page_size": 100}).json()
    by_parent_12 = client.get("/api/regions/", {"parent": "622926000000", "page_size": 100}).json()
    assert (
        by_parent_6["count"]
        == by_parent_12["count"]
        == Region.objects.filter(parent__code="622926000000").count()
    )
    # A superseded code finds its successor's children.
    assert (
        client.get("/api/regions/", {"parent": "620824"}).json()["count"]
        == Region.objects.filter(parent__code="620881000000").count()
        > 0
    )
    prefix = client.get("/api/regions/", {"code": "6229", "level": "county"}).json()
    assert prefix["count"] == 8
    assert set(prefix["results"][0]) >= {
        "code",
        "name",
        "level",
        "kind",
        "parent",
        "poverty_category",
        "is_deep_poverty",
    }
    page = client.get("/api/regions/", {"level": "township", "page_size": 10}).json()
    assert (
        page["count"] == 1432
        and len(page["results"]) == 10
        and page["next"]
        and page["previous"] is None
    )
    assert client.get("/api/regions/622926/").json()["short_code"] == "622926"
