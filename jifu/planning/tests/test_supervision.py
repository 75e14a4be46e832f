"""Supervision, commendations and accountability, highlights: scoped pages and API,
the overdue list, rectification and 销号 by the level above, the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core.testing import (
    COUNTY_A,
    COUNTY_B,
    TOWNSHIP_A,
    ApiScopeMatrix,
    ScopeMatrix,
    api_client_for,
)
from jifu.planning import services_supervision as services
from jifu.planning.choices import VisitStatus
from jifu.planning.models import Action, Highlight, SupervisionVisit
from jifu.regions.models import Region
from jifu.training.tests.fixtures_public import today

pytestmark = pytest.mark.django_db

PREFECTURE_A = COUNTY_A[:4] + "00000000"  # 临夏回族自治州
PREFECTURE_B = COUNTY_B[:4] + "00000000"  # 兰州市


def region(code):
    return Region.objects.get(code=code)


def visit(world, side="a", *, days_ago=20, due_in=-5, **fields) -> SupervisionVisit:
    """A visit of the side's prefecture to the side's county; due ``due_in`` days from today."""
    values = {
        "visited_on": today() - timedelta(days=days_ago),
        "team": f"市州督导组{side.upper()}",
        "issues": "培训台账不全，部分学员签到表缺失",
        "rectification": "补齐台账，逐人核对签到表",
        "due": today() + timedelta(days=due_in),
    }
    values.update(fields)
    return services.record_visit(
        actor=world.user(Role.PREFECTURE, side),
        region=region(COUNTY_A if side == "a" else COUNTY_B),
        **values,
    )


@pytest.fixture
def visits(world):
    """Side A: an overdue visit; side B: one due in ten days."""
    return {"a": visit(world, "a"), "b": visit(world, "b", due_in=10)}


class TestVisitPages(ScopeMatrix, ApiScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.EMPLOYER
    list_url = "/planning/visits/"
    api_list_url = "/api/supervision/"

    @pytest.fixture
    def world(self, world):
        visit(world, "a")
        visit(world, "b", due_in=10)
        return world

    def own_object(self, world):
        return SupervisionVisit.objects.get(region_code=COUNTY_A)

    def other_object(self, world):
        return SupervisionVisit.objects.get(region_code=COUNTY_B)

    def label(self, obj):
        return obj.team

    def api_detail_url(self, obj):
        return f"/api/supervision/{obj.pk}/"


# --- recording visits -----------------------------------------------------------------------


def test_prefecture_records_a_visit_through_the_form(client, world):
    client.force_login(world.user(Role.PREFECTURE))
    response = client.post(
        "/planning/visits/add/",
        {
            "region": COUNTY_A,
            "visited_on": (today() - timedelta(days=3)).isoformat(),
            "team": "临夏州人社局督导组",
            "issues": "有培训意愿的劳动力未全部纳入计划",
            "rectification": "一月内完成摸底",
            "due": (today() + timedelta(days=30)).isoformat(),
        },
    )
    created = SupervisionVisit.objects.get(team="临夏州人社局督导组")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.status == VisitStatus.OPEN
    assert AuditEvent.objects.filter(
        object_type="planning.supervisionvisit", object_id=str(created.pk), action="create"
    ).exists()


def test_visits_only_by_the_level_above_within_its_area(client, world):
    # A county office does not record visits (no permission): 403.
    client.force_login(world.user(Role.COUNTY_HRSS))
    assert client.get("/planning/visits/add/").status_code == 403
    # A prefecture cannot visit another prefecture's county.
    client.force_login(world.user(Role.PREFECTURE))
    response = client.post(
        "/planning/visits/add/",
        {
            "region": COUNTY_B,
            "visited_on": today().isoformat(),
            "team": "越界督导组",
            "issues": "x",
        },
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()
    assert not SupervisionVisit.objects.filter(team="越界督导组").exists()
    # Nor a township (visits are to counties or prefectures), nor its own level.
    with pytest.raises(ValidationError):
        services.record_visit(
            actor=world.user(Role.PREFECTURE),
            region=region(TOWNSHIP_A),
            visited_on=today(),
            team="t",
            issues="x",
        )
    with pytest.raises(ValidationError):
        services.record_visit(
            actor=world.user(Role.PREFECTURE),
            region=region(PREFECTURE_A),
            visited_on=today(),
            team="t",
            issues="x",
        )
    # The province may visit a prefecture.
    services.record_visit(
        actor=world.user(Role.PROVINCE),
        region=region(PREFECTURE_A),
        visited_on=today(),
        team="省督导组",
        issues="x",
    )


def test_due_date_not_before_the_visit(world):
    with pytest.raises(ValidationError) as exc:
        visit(world, "a", days_ago=5, due_in=-10)
    assert "due" in exc.value.message_dict


# --- the overdue list -------------------------------------------------------------------------


def test_overdue_query(world, visits):
    assert list(services.overdue()) == [visits["a"]]
    assert set(services.overdue(on=today() + timedelta(days=11))) == {visits["a"], visits["b"]}
    # Rectified visits are no longer overdue, whatever their date.
    services.rectify(
        visits["a"], actor=world.user(Role.COUNTY_HRSS), rectified_on=today(), result="已补齐"
    )
    assert not services.overdue().exists()


def test_overdue_list_page_and_badge(client, world, visits):
    on_time = visit(world, "a", team="按期督导组", due_in=30)
    client.force_login(world.user(Role.PROVINCE))
    body = client.get("/planning/visits/?overdue=true").content.decode()
    assert visits["a"].team in body
    assert on_time.team not in body and visits["b"].team not in body
    assert 'data-testid="overdue"' in body
    everything = client.get("/planning/visits/").content.decode()
    assert on_time.team in everything and visits["b"].team in everything
    assert "逾期未整改 1 项" in everything
    # The county sees its own overdue visit, flagged on its page too.
    client.force_login(world.user(Role.COUNTY_HRSS))
    detail = client.get(visits["a"].get_absolute_url()).content.decode()
    assert 'data-testid="overdue"' in detail and 'data-testid="rectify-form"' in detail


def test_overdue_in_the_api(world, visits):
    client = api_client_for(world.user(Role.PROVINCE))
    late = client.get("/api/supervision/?overdue=true").json()
    assert [v["id"] for v in late["results"]] == [visits["a"].pk]
    assert late["results"][0]["overdue"] is True
    rest = client.get("/api/supervision/?overdue=false").json()
    assert [v["id"] for v in rest["results"]] == [visits["b"].pk]
    # The county sees its own only.
    county = api_client_for(world.user(Role.COUNTY_HRSS, "b")).get("/api/supervision/").json()
    assert [v["id"] for v in county["results"]] == [visits["b"].pk]


# --- rectification and 销号 ----------------------------------------------------------------------


def test_rectify_then_close_by_the_level_above(client, world, visits):
    v = visits["a"]
    county = world.user(Role.COUNTY_HRSS)
    client.force_login(county)
    response = client.post(
        f"/planning/visits/{v.pk}/rectify/",
        {"rectified_on": today().isoformat(), "result": "台账已补齐，签到表逐人核对"},
    )
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.status == VisitStatus.RECTIFIED and v.rectified_on == today()
    # The county cannot accept its own rectification.
    assert 'data-testid="close-form"' not in client.get(v.get_absolute_url()).content.decode()
    response = client.post(f"/planning/visits/{v.pk}/close/", {"decision": "yes"})
    assert response.status_code == 200
    assert "上级部门" in response.content.decode()
    v.refresh_from_db()
    assert v.status == VisitStatus.RECTIFIED
    # The prefecture sends it back first (a reason is required), then accepts it.
    client.force_login(world.user(Role.PREFECTURE))
    assert 'data-testid="close-form"' in client.get(v.get_absolute_url()).content.decode()
    response = client.post(f"/planning/visits/{v.pk}/close/", {"decision": "no", "note": ""})
    assert response.status_code == 200
    response = client.post(
        f"/planning/visits/{v.pk}/close/",
        {
            "decision": "no",
            "note": "签到表仍缺两期",
            "due": (today() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.status == VisitStatus.OPEN and v.due == today() + timedelta(days=7)
    assert "签到表仍缺两期" in v.result and v.rectified_on is None
    services.rectify(v, actor=county, rectified_on=today(), result="已补齐两期")
    client.post(f"/planning/visits/{v.pk}/close/", {"decision": "yes", "note": "同意销号"})
    v.refresh_from_db()
    assert v.status == VisitStatus.CLOSED
    messages = list(
        AuditEvent.objects.filter(object_id=str(v.pk), object_type="planning.supervisionvisit")
        .order_by("seq")
        .values_list("message", flat=True)
    )
    assert messages == ["登记督导", "报送整改情况", "退回整改", "报送整改情况", "整改销号"]


def test_other_countys_visit_is_404_for_every_page(client, world, visits):
    other = visits["b"]
    client.force_login(world.user(Role.COUNTY_HRSS))
    assert client.get(other.get_absolute_url()).status_code == 404
    response = client.post(
        f"/planning/visits/{other.pk}/rectify/",
        {"rectified_on": today().isoformat(), "result": "越权"},
    )
    assert response.status_code == 404
    client.force_login(world.user(Role.PREFECTURE))
    assert client.post(f"/planning/visits/{other.pk}/close/", {}).status_code == 404
    other.refresh_from_db()
    assert other.status == VisitStatus.OPEN


# --- commendations and accountability -------------------------------------------------------------


def test_actions_recorded_by_the_level_above_and_scoped(client, world, visits):
    client.force_login(world.user(Role.PREFECTURE))
    form = client.get(f"/planning/actions/add/?visit={visits['a'].pk}").content.decode()
    assert f'value="{COUNTY_A}"' in form
    response = client.post(
        "/planning/actions/add/",
        {
            "kind": "accountability",
            "region": COUNTY_A,
            "decided_on": today().isoformat(),
            "subject": "东乡县某培训机构",
            "reason": "虚报培训人数",
            "document": "临人社通〔2019〕3号",
            "visit": visits["a"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    action = Action.objects.get(subject="东乡县某培训机构")
    assert action.visit == visits["a"]
    services.record_action(
        actor=world.user(Role.PREFECTURE, "b"),
        region=region(COUNTY_B),
        kind="commendation",
        decided_on=today(),
        subject="永登县人社局",
        reason="培训任务完成好",
    )
    client.force_login(world.user(Role.COUNTY_HRSS))
    body = client.get("/planning/actions/").content.decode()
    assert "东乡县某培训机构" in body and "永登县人社局" not in body
    # The visit's page lists what was decided after it.
    assert "东乡县某培训机构" in client.get(visits["a"].get_absolute_url()).content.decode()
    assert (
        "东乡县某培训机构"
        in (
            api_client_for(world.user(Role.COUNTY_HRSS))
            .get(f"/api/supervision/{visits['a'].pk}/")
            .json()["actions"][0]["subject"]
        )
    )
    # The province sees both; counties do not record actions.
    client.force_login(world.user(Role.PROVINCE))
    body = client.get("/planning/actions/").content.decode()
    assert "东乡县某培训机构" in body and "永登县人社局" in body
    client.force_login(world.user(Role.COUNTY_HRSS))
    assert client.get("/planning/actions/add/").status_code == 403


def test_action_must_lie_within_the_visited_region(world, visits):
    with pytest.raises(ValidationError) as exc:
        services.record_action(
            actor=world.user(Role.PROVINCE),
            region=region(PREFECTURE_B),
            kind="commendation",
            decided_on=today(),
            subject="兰州市人社局",
            reason="x",
            visit=visits["a"],
        )
    assert "visit" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.record_action(
            actor=world.user(Role.PREFECTURE),
            region=region(COUNTY_B),
            kind="commendation",
            decided_on=today(),
            subject="越界",
            reason="x",
        )


# --- highlights --------------------------------------------------------------------------------------


def test_highlights_submitted_by_any_office_and_listed_for_the_province(client, world):
    client.force_login(world.user(Role.VILLAGE))
    assert client.get("/planning/highlights/add/").status_code == 200
    response = client.post(
        "/planning/highlights/add/",
        {
            "region": world.user(Role.VILLAGE).region.code,
            "title": "扶贫车间带动留守妇女就业",
            "body": "村里建起扶贫车间，\n培训后就地就业 30 人。",
        },
    )
    assert response.status_code == 302
    highlight = Highlight.objects.get(title="扶贫车间带动留守妇女就业")
    assert highlight.submitted_by == world.user(Role.VILLAGE)
    assert highlight.submitted_on == today()
    services.submit_highlight(
        actor=world.user(Role.COUNTY_HRSS, "b"),
        region=region(COUNTY_B),
        title="永登县订单式培训",
        body="与企业签订用工协议后开班。",
    )
    client.force_login(world.user(Role.PROVINCE))
    body = client.get("/planning/highlights/").content.decode()
    assert "扶贫车间带动留守妇女就业" in body and "永登县订单式培训" in body
    assert "培训后就地就业 30 人" in body
    client.force_login(world.user(Role.COUNTY_HRSS, "b"))
    body = client.get("/planning/highlights/").content.decode()
    assert "永登县订单式培训" in body and "扶贫车间带动留守妇女就业" not in body
    # Outside one's area: refused by the form; roles without the permission: 403.
    response = client.post(
        "/planning/highlights/add/", {"region": COUNTY_A, "title": "越界", "body": "x"}
    )
    assert response.status_code == 200 and not Highlight.objects.filter(title="越界").exists()
    client.force_login(world.user(Role.EMPLOYER))
    assert client.get("/planning/highlights/").status_code == 403
    assert client.get("/planning/highlights/add/").status_code == 403
