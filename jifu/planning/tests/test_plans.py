"""Targets split down the hierarchy and county annual plans: the split rules and
their messages, who may set what, a plan drafted from a small registry (numbers
computed here from the ledger written here), adjusted, submitted, approved or
returned; pages and API scoped; everything audited; the demo targets."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core.testing import COUNTY_A, COUNTY_B, TOWNSHIP_A, api_client_for
from jifu.planning import services_plans as services
from jifu.planning.choices import Metric, PlanStatus
from jifu.planning.demo_targets import seed_targets
from jifu.planning.models import AnnualPlan, PlanLine, Target
from jifu.regions import services as region_services
from jifu.regions.models import Region
from jifu.registry.importers import import_persons
from jifu.registry.models import Person
from jifu.registry.tests.factories import VILLAGE_A, VILLAGE_B, ledger, person, standard_rows
from jifu.training import services as training_services
from jifu.training.choices import ClassStatus, EnrolmentSource, InstitutionStatus
from jifu.training.models import Institution, Occupation, TrainingClass
from jifu.training.tests.fixtures_public import (
    ELECTRICIAN,
    HOUSEKEEPING,
    WELDER,
    make_class,
    make_institution,
)

pytestmark = pytest.mark.django_db

PROVINCE = "620000000000"
LINXIA = "622900000000"  # prefecture of county A (东乡族自治县)
LANZHOU = "620100000000"  # prefecture of county B (永登县)
LINXIA_COUNTY = "622921000000"  # 临夏县, a sibling of county A
TOWNSHIP_C = "622926101000"  # 达板镇, a second township of county A
VILLAGE_C = ("东乡族自治县", "达板镇", "测试三村")
TRAINEES = Metric.TRAINEES


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def events(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("seq")
    )


# --- targets ------------------------------------------------------------------------------


@pytest.fixture
def split(world):
    """The province's 2019 trainees target of 1,000, split 600 to 临夏州."""
    province_user = world.user(Role.PROVINCE)
    top = services.set_target(province_user, region(PROVINCE), 2019, TRAINEES, 1000)
    services.set_target(province_user, region(LINXIA), 2019, TRAINEES, 600)
    return top


def test_children_may_not_exceed_parent_message_names_the_unallocated(world, split):
    province_user = world.user(Role.PROVINCE)
    with pytest.raises(ValidationError) as exc:
        services.set_target(province_user, region(LANZHOU), 2019, TRAINEES, 500)
    message = exc.value.messages[0]
    assert "兰州市2019年培训人数目标拟设 500" in message
    assert "甘肃省目标 1,000，已分解 600，未分解 400，兰州市最多可设 400" in message
    assert not Target.objects.filter(region_code=LANZHOU).exists()
    assert services.unallocated(split) == Decimal("400")

    services.set_target(province_user, region(LANZHOU), 2019, TRAINEES, 400)
    assert services.unallocated(split) == 0
    # Raising a child when nothing is left: 0 unallocated, the child keeps at most its own.
    with pytest.raises(
        ValidationError, match="已分解 1,000（其中兰州市 400），未分解 0，兰州市最多可设 400"
    ):
        services.set_target(province_user, region(LANZHOU), 2019, TRAINEES, 401)


def test_parent_cannot_go_below_its_split(world, split):
    province_user = world.user(Role.PROVINCE)
    with pytest.raises(ValidationError) as exc:
        services.set_target(province_user, region(PROVINCE), 2019, TRAINEES, 500)
    assert (
        "甘肃省2019年培训人数目标不能低于已分解给下级的合计 600（拟设 500）"
        in (exc.value.messages[0])
    )
    split.refresh_from_db()
    assert split.value == 1000
    services.set_target(province_user, region(PROVINCE), 2019, TRAINEES, 600)
    split.refresh_from_db()
    assert services.unallocated(split) == 0


def test_prefecture_splits_to_its_counties_and_cannot_lower_below_them(world, split):
    linxia_user = world.user(Role.PREFECTURE, "a")
    services.set_target(linxia_user, region(COUNTY_A), 2019, TRAINEES, 450)
    with pytest.raises(
        ValidationError, match="临夏回族自治州目标 600，已分解 450，未分解 150，临夏县最多可设 150"
    ):
        services.set_target(linxia_user, region(LINXIA_COUNTY), 2019, TRAINEES, 151)
    services.set_target(linxia_user, region(LINXIA_COUNTY), 2019, TRAINEES, 150)
    # The province cannot take back what 临夏州 has split further.
    with pytest.raises(ValidationError, match="不能低于已分解给下级的合计 600"):
        services.set_target(world.user(Role.PROVINCE), region(LINXIA), 2019, TRAINEES, 599)


def test_a_target_the_parent_does_not_have_cannot_be_split(world, split):
    with pytest.raises(
        ValidationError, match="临夏回族自治州尚未设定2020年培训人数目标，不能向下分解"
    ):
        services.set_target(world.user(Role.PREFECTURE), region(COUNTY_A), 2020, TRAINEES, 10)
    with pytest.raises(ValidationError, match="尚未设定2019年取得证书人数目标"):
        services.set_target(
            world.user(Role.PREFECTURE), region(COUNTY_A), 2019, Metric.CERTIFICATES, 10
        )


def test_training_types_add_up_to_the_regions_total(world, split):
    province_user = world.user(Role.PROVINCE)
    province = region(PROVINCE)
    services.set_target(province_user, province, 2019, TRAINEES, 800, "employment")
    with pytest.raises(ValidationError) as exc:
        services.set_target(province_user, province, 2019, TRAINEES, 300, "entrepreneurship")
    assert "各培训类型合计将超过2019年培训人数目标 1,000" in exc.value.messages[0]
    assert "未分配 200" in exc.value.messages[0]
    services.set_target(province_user, province, 2019, TRAINEES, 200, "entrepreneurship")
    with pytest.raises(ValidationError, match="不能低于各培训类型目标合计 1,000"):
        services.set_target(province_user, province, 2019, TRAINEES, 999)
    # A type split to a prefecture follows the same rule against that type.
    with pytest.raises(ValidationError, match="甘肃省目标 200，已分解 0，未分解 200"):
        services.set_target(province_user, region(LINXIA), 2019, TRAINEES, 201, "entrepreneurship")
    with pytest.raises(ValidationError, match="只有培训人数目标可以按培训类型设定"):
        services.set_target(province_user, province, 2019, Metric.CERTIFICATES, 1, "employment")


def test_coverage_is_a_percentage_not_split(world):
    province_user = world.user(Role.PROVINCE)
    top = services.set_target(province_user, region(PROVINCE), None, Metric.COVERAGE, 100)
    services.set_target(province_user, region(LINXIA), None, Metric.COVERAGE, 100)
    services.set_target(province_user, region(LANZHOU), None, Metric.COVERAGE, 100)
    assert services.unallocated(top) is None
    with pytest.raises(ValidationError, match="不能超过 100"):
        services.set_target(province_user, region(LANZHOU), None, Metric.COVERAGE, 101)
    with pytest.raises(ValidationError, match="不能为负数"):
        services.set_target(province_user, region(LANZHOU), 2019, TRAINEES, -1)


def test_split_in_one_go_moves_amounts_between_children(world, split):
    province_user = world.user(Role.PROVINCE)
    services.set_target(province_user, region(LANZHOU), 2019, TRAINEES, 400)
    # 600/400 → 300/700: the decrease is written first, so the rule never trips.
    services.split_target(province_user, split, {region(LINXIA): 300, region(LANZHOU): 700})
    values = dict(
        Target.objects.filter(year=2019, region__level="prefecture").values_list(
            "region_code", "value"
        )
    )
    assert values == {LINXIA: Decimal("300.00"), LANZHOU: Decimal("700.00")}
    with pytest.raises(ValidationError) as exc:
        services.split_target(province_user, split, {region(LINXIA): 400, region(LANZHOU): 700})
    assert "分解合计 1,100 超过甘肃省2019年培训人数目标 1,000（超出 100）" in exc.value.messages[0]
    assert Target.objects.get(region_code=LINXIA, year=2019).value == 300


def test_each_level_sets_only_its_direct_children(world, split):
    county_user = world.user(Role.COUNTY_HRSS)
    with pytest.raises(PermissionDenied):
        services.set_target(county_user, region(PROVINCE), 2019, TRAINEES, 2000)
    with pytest.raises(PermissionDenied):
        services.set_target(county_user, region(LINXIA), 2019, TRAINEES, 1)
    with pytest.raises(PermissionDenied, match="由上级下达"):
        services.set_target(world.user(Role.PREFECTURE), region(LINXIA), 2019, TRAINEES, 700)
    with pytest.raises(PermissionDenied, match="永登县不在其中"):
        services.set_target(world.user(Role.PREFECTURE, "a"), region(COUNTY_B), 2019, TRAINEES, 1)
    with pytest.raises(PermissionDenied):  # the province splits to prefectures, not counties
        services.set_target(world.user(Role.PROVINCE), region(COUNTY_A), 2019, TRAINEES, 1)
    with pytest.raises(PermissionDenied):  # a role without the permission
        services.set_target(world.user(Role.TOWNSHIP), region(TOWNSHIP_A), 2019, TRAINEES, 1)
    # A county splits its own target to its townships.
    services.set_target(world.user(Role.PREFECTURE), region(COUNTY_A), 2019, TRAINEES, 100)
    services.set_target(county_user, region(TOWNSHIP_A), 2019, TRAINEES, 60)


def test_target_changes_are_audited(world, split):
    linxia = Target.objects.get(region_code=LINXIA, year=2019)
    services.set_target(world.user(Role.PROVINCE), region(LINXIA), 2019, TRAINEES, 500)
    services.set_target(world.user(Role.PROVINCE), region(LINXIA), 2019, TRAINEES, 500)  # no-op
    trail = events(linxia)
    assert [e.action for e in trail] == ["create", "update"]
    assert trail[1].before["value"] == "600.00" and trail[1].after["value"] == "500.00"
    assert trail[1].actor_username == world.user(Role.PROVINCE).username
    assert trail[1].region_code == LINXIA
    assert trail[1].message == "调整临夏回族自治州2019年培训人数目标 600 → 500"


# --- target pages and API -------------------------------------------------------------------


def test_target_page_shows_children_and_unallocated(client, world, split):
    client.force_login(world.user(Role.PROVINCE))
    body = client.get("/planning/targets/").content.decode()
    assert 'data-testid="target-unallocated"><span class="badge text-bg-warning">400</span>' in body
    assert "临夏回族自治州" in body and "兰州市" in body
    assert f'href="/planning/targets/{split.pk}/split/"' in body
    # The prefecture sees its own target, what it split (nothing yet) and its counties.
    client.force_login(world.user(Role.PREFECTURE))
    body = client.get("/planning/targets/").content.decode()
    assert 'data-testid="target-value">600<' in body
    assert "东乡族自治县" in body and "临夏县" in body
    linxia = Target.objects.get(region_code=LINXIA, year=2019)
    assert f"/planning/targets/{linxia.pk}/split/" in body


def test_target_pages_are_scoped(client, world, split):
    client.force_login(world.user(Role.COUNTY_HRSS))
    assert client.get(f"/planning/targets/?region={PROVINCE}").status_code == 404
    assert client.get(f"/planning/targets/?region={COUNTY_B}").status_code == 404
    assert client.get(f"/planning/targets/{split.pk}/split/").status_code == 404
    assert client.get(f"/planning/targets/set/?region={PROVINCE}").status_code == 404
    assert client.get("/planning/targets/").status_code == 200
    client.force_login(world.user(Role.PREFECTURE))
    assert client.get(f"/planning/targets/{split.pk}/split/").status_code == 404
    assert client.get("/planning/targets/set/").status_code == 403  # its own: set from above
    client.force_login(world.user(Role.PROVINCE))
    linxia = Target.objects.get(region_code=LINXIA, year=2019)
    assert client.get(f"/planning/targets/{linxia.pk}/split/").status_code == 403
    client.force_login(world.user(Role.SCHOOL))
    assert client.get("/planning/targets/").status_code == 403


def test_split_form_sets_children_and_shows_refusals(client, world, split):
    client.force_login(world.user(Role.PROVINCE))
    url = f"/planning/targets/{split.pk}/split/"
    page = client.get(url).content.decode()
    assert f'name="c_{LINXIA}"' in page and 'value="600"' in page
    response = client.post(url, {f"c_{LINXIA}": "650", f"c_{LANZHOU}": "400"})
    assert "超过甘肃省2019年培训人数目标 1,000（超出 50）" in response.content.decode()
    assert Target.objects.get(region_code=LINXIA, year=2019).value == 600
    response = client.post(url, {f"c_{LINXIA}": "550", f"c_{LANZHOU}": "450"})
    assert response.status_code == 302
    assert response["Location"] == f"/planning/targets/?region={PROVINCE}"
    assert Target.objects.get(region_code=LANZHOU, year=2019).value == 450
    # The province sets a new target of its own through the form.
    assert 'name="kind"' in client.get("/planning/targets/set/").content.decode()
    response = client.post(
        "/planning/targets/set/",
        {"year": "2020", "kind": "certificates", "training_type": "", "value": "300", "note": ""},
    )
    assert response.status_code == 302
    assert Target.objects.get(region_code=PROVINCE, year=2020, kind="certificates").value == 300


def test_target_api_is_scoped_and_shows_unallocated(world, split):
    services.set_target(world.user(Role.PREFECTURE), region(COUNTY_A), 2019, TRAINEES, 450)
    services.set_target(world.user(Role.PROVINCE), region(PROVINCE), None, Metric.COVERAGE, 100)
    rows = api_client_for(world.user(Role.PROVINCE)).get("/api/targets/").json()["results"]
    by_region = {(r["region_code"], r["kind"]): r for r in rows}
    top = by_region[(PROVINCE, "trainees")]
    assert (top["value"], top["allocated"], top["unallocated"]) == ("1000.00", "600.00", "400.00")
    assert by_region[(LINXIA, "trainees")]["unallocated"] == "150.00"
    assert by_region[(COUNTY_A, "trainees")]["unallocated"] == "450.00"
    assert by_region[(PROVINCE, "coverage")]["unallocated"] is None
    county_rows = api_client_for(world.user(Role.COUNTY_HRSS)).get("/api/targets/").json()
    assert [r["region_code"] for r in county_rows["results"]] == [COUNTY_A]
    other = api_client_for(world.user(Role.COUNTY_HRSS, "b"))
    assert other.get(f"/api/targets/{split.pk}/").status_code == 404
    filtered = api_client_for(world.user(Role.PROVINCE)).get("/api/targets/?level=prefecture")
    assert [r["region_code"] for r in filtered.json()["results"]] == [LINXIA]
    assert api_client_for(world.user(Role.SCHOOL)).get("/api/targets/").status_code == 403


# --- annual plans ------------------------------------------------------------------------------

# The small registry of this module: (village, name, birth, seq, labour, wants, wishes).
EXTRA = [
    (VILLAGE_A, "马一", date(1990, 2, 3), 61, "普通劳动力", "是", "电工、焊工"),
    (VILLAGE_A, "马二", date(1992, 4, 5), 62, "普通劳动力", "是", "家政服务员、挖掘机驾驶员"),
    (VILLAGE_A, "马三", date(1988, 6, 7), 63, "无劳动力", "是", "家政服务员"),
    (VILLAGE_C, "达一", date(1986, 8, 9), 71, "普通劳动力", "是", "家政服务员、电工"),
    (VILLAGE_C, "达二", date(1995, 10, 11), 72, "普通劳动力", "是", "中式烹调师"),
    (VILLAGE_C, "达三", date(1993, 12, 13), 73, "普通劳动力", "否", "电工"),
    (VILLAGE_C, "达四", date(1955, 1, 15), 74, "普通劳动力", "是", "家政服务员"),
]
# Who has already been trained in what (enrolled or completed, or certified); 马一 only
# withdrew from a welding class, which does not count.
TRAINED = {("马文", "家政服务员"), ("达一", "电工")}
TOWNSHIP_OF = {VILLAGE_A[:2]: TOWNSHIP_A, VILLAGE_C[:2]: TOWNSHIP_C}  # county A's


def plan_year() -> int:
    return date.today().year + 1


def _ledger_rows():
    rows = standard_rows()
    for n, (village, name, birth, seq, labour, wants, wishes) in enumerate(EXTRA):
        village_code = "622926100201" if village is VILLAGE_A else "622926101201"
        rows.append(
            person(
                village,
                f"{village_code}{900 + n:06d}",
                name,
                birth,
                seq,
                labour=labour,
                training=wants,
                occupations=wishes,
                phone="",
                bank="",
                county6="622926",
            )
        )
    return rows


def _age(id_number: str) -> int:
    birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    today = date.today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def expected_lines() -> dict:
    """(township code, wish) → (wanting, trained, planned), from the ledger rows above."""
    wanting: Counter = Counter()
    trained: Counter = Counter()
    for row in _ledger_rows():
        township = TOWNSHIP_OF.get((row["县(市、区)"], row["乡(镇)"]))
        if (
            township is None
            or row["是否有培训意愿"] != "是"
            or row["劳动能力"] == "无劳动力"
            or not 16 <= _age(row["身份证号码"]) <= 60
        ):
            continue
        for wish in row["意愿培训工种"].split("、"):
            wanting[(township, wish)] += 1
            if (row["姓名"], wish) in TRAINED:
                trained[(township, wish)] += 1
    return {k: (w, trained[k], w - trained[k]) for k, w in wanting.items()}


@pytest.fixture
def registry(world):
    """County A: two townships of labourers with wishes; classes last year and before;
    county B: 王永 and an institution that must not count."""
    with transaction.atomic():
        region_services.import_villages(f"code,name\n{TOWNSHIP_C[:9]}201,测试三村\n".encode())
    report = import_persons(ledger(_ledger_rows()), filename="plan.csv", today=date(2019, 6, 30))
    assert report.rejected == 0, report.errors
    year = plan_year()
    last, before = date(year - 1, 3, 1), date(year - 2, 3, 1)
    village_user = world.user(Role.VILLAGE)
    # Institution A (approved: 家政服务员, 电工, 焊工): 5 + 8 places last year; a
    # declared class and one of the year before do not count.
    housekeeping = make_class(world, "a", code="A-JZ-1", start=last, capacity=5)
    welding = make_class(
        world, "a", code="A-HG-1", occupation=WELDER, start=last + timedelta(days=40), capacity=8
    )
    make_class(
        world,
        "a",
        code="A-DG-0",
        occupation=ELECTRICIAN,
        start=last,
        capacity=6,
        status=ClassStatus.DECLARED,
    )
    make_class(world, "a", code="A-JZ-0", start=before, capacity=30)
    # A second institution of county A approved for 家政服务员 only: 10 places last year;
    # a suspended one and county B's do not count.
    for credit, name, status, capacity in (
        ("91622926MA0000099X", "东乡第二培训学校", InstitutionStatus.ACTIVE, 10),
        ("91622926MA0000098X", "东乡暂停培训学校", InstitutionStatus.SUSPENDED, 50),
    ):
        institution = Institution.objects.create(
            credit_code=credit,
            name=name,
            kind="private",
            region=region(COUNTY_A),
            region_code=COUNTY_A,
            licence_valid_until=date(2100, 1, 1),
        )
        institution.occupations.set(Occupation.objects.filter(code=HOUSEKEEPING))
        TrainingClass.objects.create(
            code=f"{credit}-1",
            institution=institution,
            occupation=Occupation.objects.get(code=HOUSEKEEPING),
            training_type="employment",
            delivery_mode="central",
            place=region(TOWNSHIP_C),
            place_code=TOWNSHIP_C,
            start_date=last,
            end_date=last + timedelta(days=19),
            capacity=capacity,
            status=ClassStatus.COMPLETED,
        )
        Institution.objects.filter(pk=institution.pk).update(status=status)
    make_institution(world, "b")
    make_class(world, "b", code="B-JZ-1", start=last, capacity=40)
    # 马文 is in the housekeeping class; 马一 withdrew from welding; 达一 holds an electrician's
    # certificate without a class.
    training_services.enrol(
        housekeeping,
        Person.objects.get(name="马文"),
        actor=village_user,
        source=EnrolmentSource.VILLAGE,
    )
    withdrawn = training_services.enrol(
        welding,
        Person.objects.get(name="马一"),
        actor=village_user,
        source=EnrolmentSource.VILLAGE,
    )
    training_services.withdraw(withdrawn, actor=village_user)
    training_services.issue_certificate(
        actor=world.user(Role.COUNTY_HRSS),
        person=Person.objects.get(name="达一"),
        kind="skill_level",
        number="DX-2019-0001",
        occupation=Occupation.objects.get(code=ELECTRICIAN),
        level=5,
        issuer="临夏州职业技能鉴定中心",
        issued_on=date(2019, 5, 1),
    )
    return world


# Places the county's institutions approved for each occupation ran last year
# (from the classes above): A = 5 + 8 (its declared class never ran), A2 = 10.
CAPACITY = {"家政服务员": 5 + 8 + 10, "电工": 5 + 8, "焊工": 5 + 8, "中式烹调师": 0}


def lines_of(plan) -> dict:
    return {
        (line.township.code, line.occupation.name if line.occupation_id else line.wish): line
        for line in plan.lines.select_related("township", "occupation")
    }


def test_plan_is_drafted_from_the_registry(registry):
    county_user = registry.user(Role.COUNTY_HRSS)
    plan = services.draft_plan(county_user, region(COUNTY_A), plan_year())
    expected = expected_lines()
    got = lines_of(plan)
    assert set(got) == set(expected)
    for key, (wanting, trained, planned) in expected.items():
        line = got[key]
        assert (line.wanting, line.trained, line.planned) == (wanting, trained, planned), key
        assert line.capacity == CAPACITY.get(key[1], 0), key
    # Spelled out, for the reader: 锁南镇 家政服务员 wanted by 马文 and 马二, 马文 trained.
    assert expected[(TOWNSHIP_A, "家政服务员")] == (2, 1, 1)
    assert expected[(TOWNSHIP_A, "焊工")] == (1, 0, 1)  # a withdrawal is not training
    assert expected[(TOWNSHIP_C, "电工")] == (1, 1, 0)  # a certificate is
    unknown = got[(TOWNSHIP_A, "挖掘机驾驶员")]
    assert unknown.occupation_id is None and unknown.capacity == 0
    assert got[(TOWNSHIP_A, "家政服务员")].occupation.code == HOUSEKEEPING
    assert plan.status == PlanStatus.DRAFT and plan.region_code == COUNTY_A
    assert sum(line.planned for line in got.values()) == 1 + 2 + 1 + 1 + 1 + 0 + 1


def test_plan_adjusted_submitted_and_approved_by_its_prefecture(registry):
    county_user = registry.user(Role.COUNTY_HRSS)
    plan = services.draft_plan(county_user, region(COUNTY_A), plan_year())
    line = lines_of(plan)[(TOWNSHIP_A, "电工")]
    services.adjust_line(county_user, line, 5)
    with pytest.raises(ValidationError, match="不能为负数"):
        services.adjust_line(county_user, line, -1)
    with pytest.raises(PermissionDenied):
        services.adjust_line(registry.user(Role.COUNTY_HRSS, "b"), line, 1)
    services.submit_plan(county_user, plan)
    with pytest.raises(ValidationError, match="已报送，不能调整"):
        services.adjust_line(county_user, line, 6)
    with pytest.raises(ValidationError, match="已报送，不能重新起草"):
        services.draft_plan(county_user, region(COUNTY_A), plan_year())
    # Neither the county nor another prefecture approves; 临夏州 does.
    with pytest.raises(PermissionDenied):
        services.approve_plan(county_user, plan)
    with pytest.raises(PermissionDenied, match="由其所属市州审批"):
        services.approve_plan(registry.user(Role.PREFECTURE, "b"), plan)
    with pytest.raises(PermissionDenied):
        services.approve_plan(registry.user(Role.PROVINCE), plan)
    services.approve_plan(registry.user(Role.PREFECTURE, "a"), plan, note="同意")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_at and plan.submitted_at
    assert plan.review_note == "同意"
    line.refresh_from_db()
    assert line.planned == 5
    with pytest.raises(ValidationError, match="已批准，不能重新起草"):
        services.draft_plan(county_user, region(COUNTY_A), plan_year())
    trail = events(plan)
    assert [(e.action, e.actor_username) for e in trail] == [
        ("create", county_user.username),
        ("update", county_user.username),
        ("update", county_user.username),
        ("update", registry.user(Role.PREFECTURE, "a").username),
    ]
    assert trail[1].message == "调整锁南镇 电工计划培训人数 2 → 5"
    assert trail[2].after == {"status": "submitted"}
    assert trail[3].after == {"status": "approved", "review_note": "同意"}
    assert all(e.region_code == COUNTY_A for e in trail)


def test_returned_plan_goes_back_to_the_county(registry):
    county_user = registry.user(Role.COUNTY_HRSS)
    prefecture_user = registry.user(Role.PREFECTURE)
    plan = services.draft_plan(county_user, region(COUNTY_A), plan_year())
    with pytest.raises(ValidationError, match="只有|当前状态为“草拟”"):
        services.return_plan(prefecture_user, plan, "请补充")
    services.submit_plan(county_user, plan)
    with pytest.raises(ValidationError, match="退回须说明理由"):
        services.return_plan(prefecture_user, plan, "  ")
    with pytest.raises(PermissionDenied):
        services.return_plan(county_user, plan, "自己退回")
    services.return_plan(prefecture_user, plan, "电工计划偏少，请按机构能力调整")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    assert plan.review_note == "电工计划偏少，请按机构能力调整"
    # The county adjusts (or redrafts) and submits again; the prefecture approves.
    line = lines_of(plan)[(TOWNSHIP_C, "家政服务员")]
    services.adjust_line(county_user, line, 4)
    services.submit_plan(county_user, plan)
    services.approve_plan(prefecture_user, plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    messages = [e.message for e in events(plan)]
    assert "退回修改：电工计划偏少，请按机构能力调整" in messages


def test_redrafting_a_draft_replaces_its_lines(registry):
    county_user = registry.user(Role.COUNTY_HRSS)
    plan = services.draft_plan(county_user, region(COUNTY_A), plan_year())
    first_ids = set(plan.lines.values_list("pk", flat=True))
    services.adjust_line(county_user, lines_of(plan)[(TOWNSHIP_A, "电工")], 9)
    # A new labourer appears in the registry and the plan is drafted again.
    Person.objects.filter(name="达三").update(wants_training=True)
    again = services.draft_plan(county_user, region(COUNTY_A), plan_year())
    assert again.pk == plan.pk
    assert AnnualPlan.objects.filter(region_code=COUNTY_A).count() == 1
    assert not PlanLine.objects.filter(pk__in=first_ids).exists()
    lines = lines_of(again)
    assert lines[(TOWNSHIP_A, "电工")].planned == 2  # the adjustment is gone
    assert (lines[(TOWNSHIP_C, "电工")].wanting, lines[(TOWNSHIP_C, "电工")].planned) == (2, 1)
    assert events(plan)[-1].message.startswith("重新起草")
    # Only the county's own office drafts.
    with pytest.raises(PermissionDenied):
        services.draft_plan(registry.user(Role.COUNTY_HRSS, "b"), region(COUNTY_A), 2030)
    with pytest.raises(PermissionDenied):
        services.draft_plan(registry.user(Role.PREFECTURE), region(COUNTY_A), 2030)
    with pytest.raises(ValidationError, match="不是县级区划"):
        services.draft_plan(county_user, region(TOWNSHIP_A), 2030)


# --- plan pages and API ---------------------------------------------------------------------


def test_plan_pages_from_draft_to_approval(client, registry):
    county_user = registry.user(Role.COUNTY_HRSS)
    client.force_login(county_user)
    assert "从实名库起草计划" in client.get("/planning/plans/").content.decode()
    assert 'name="year"' in client.get("/planning/plans/draft/").content.decode()
    response = client.post("/planning/plans/draft/", {"year": plan_year()})
    plan = AnnualPlan.objects.get(region_code=COUNTY_A, year=plan_year())
    assert response["Location"] == f"/planning/plans/{plan.pk}/"
    page = client.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert 'data-testid="plan-lines"' in page and "挖掘机驾驶员" in page
    line = lines_of(plan)[(TOWNSHIP_A, "焊工")]
    assert f'name="planned_{line.pk}"' in page
    client.post(f"/planning/plans/{plan.pk}/adjust/", {f"planned_{line.pk}": "3"})
    line.refresh_from_db()
    assert line.planned == 3
    # Saving a bad number changes nothing and says why.
    response = client.post(
        f"/planning/plans/{plan.pk}/adjust/", {f"planned_{line.pk}": "-2"}, follow=True
    )
    assert "锁南镇 焊工：计划培训人数不能为负数" in response.content.decode()
    # 保存并报送 saves the numbers on the form, then submits.
    client.post(f"/planning/plans/{plan.pk}/submit/", {f"planned_{line.pk}": "4"})
    plan.refresh_from_db()
    line.refresh_from_db()
    assert (plan.status, line.planned) == (PlanStatus.SUBMITTED, 4)
    assert client.post(f"/planning/plans/{plan.pk}/approve/").status_code == 403
    client.force_login(registry.user(Role.PREFECTURE))
    assert client.get("/planning/plans/draft/").status_code == 403  # counties draft
    page = client.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert 'data-testid="plan-approve"' in page and 'name="planned_' not in page
    client.post(f"/planning/plans/{plan.pk}/approve/", {"note": "同意"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_plan_pages_are_scoped(client, registry):
    plan = services.draft_plan(registry.user(Role.COUNTY_HRSS), region(COUNTY_A), plan_year())
    other = services.draft_plan(registry.user(Role.COUNTY_HRSS, "b"), region(COUNTY_B), plan_year())
    client.force_login(registry.user(Role.COUNTY_HRSS, "b"))
    for url in (
        f"/planning/plans/{plan.pk}/",
        f"/planning/plans/{plan.pk}/adjust/",
        f"/planning/plans/{plan.pk}/submit/",
    ):
        method = client.get if url.endswith(f"{plan.pk}/") else client.post
        assert method(url).status_code == 404, url
    listing = client.get("/planning/plans/").content.decode()
    assert (
        f"/planning/plans/{other.pk}/" in listing and f"/planning/plans/{plan.pk}/" not in listing
    )
    client.force_login(registry.user(Role.PREFECTURE, "b"))
    assert client.get(f"/planning/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/planning/plans/{plan.pk}/approve/").status_code == 404
    client.force_login(registry.user(Role.SCHOOL))
    assert client.get("/planning/plans/").status_code == 403


def test_plan_api_is_scoped_with_lines(registry):
    plan = services.draft_plan(registry.user(Role.COUNTY_HRSS), region(COUNTY_A), plan_year())
    services.draft_plan(registry.user(Role.COUNTY_HRSS, "b"), region(COUNTY_B), plan_year())
    county = api_client_for(registry.user(Role.COUNTY_HRSS))
    body = county.get("/api/plans/").json()
    assert [p["region_code"] for p in body["results"]] == [COUNTY_A]
    detail = county.get(f"/api/plans/{plan.pk}/").json()
    expected = expected_lines()
    got = {
        (x["township_code"], x["occupation_name"] or x["wish"]): (
            x["wanting"],
            x["trained"],
            x["planned"],
        )
        for x in detail["lines"]
    }
    assert got == expected
    assert detail["planned_total"] == sum(v[2] for v in expected.values())
    housekeeping = next(x for x in detail["lines"] if x["occupation"] == HOUSEKEEPING)
    assert housekeeping["capacity"] == CAPACITY["家政服务员"]
    assert (
        api_client_for(registry.user(Role.COUNTY_HRSS, "b"))
        .get(f"/api/plans/{plan.pk}/")
        .status_code
        == 404
    )
    assert (
        api_client_for(registry.user(Role.PREFECTURE, "b"))
        .get(f"/api/plans/{plan.pk}/")
        .status_code
        == 404
    )
    assert (
        api_client_for(registry.user(Role.PREFECTURE)).get(f"/api/plans/{plan.pk}/").status_code
        == 200
    )
    province = api_client_for(registry.user(Role.PROVINCE)).get("/api/plans/?region=620121")
    assert [p["region_code"] for p in province.json()["results"]] == [COUNTY_B]
    assert api_client_for(None).get("/api/plans/").status_code == 401


# --- demo targets ------------------------------------------------------------------------------


def _labourers_by_county() -> dict[str, int]:
    """Counted from the standard ledger: able to work and 16–60 today."""
    counts: Counter = Counter()
    for row in standard_rows():
        if row["劳动能力"] != "无劳动力" and 16 <= _age(row["身份证号码"]) <= 60:
            counts[row["身份证号码"][:6]] += 1
    return counts


def test_seed_targets_splits_by_registered_labourers(world):
    import_persons(ledger(standard_rows()), filename="t.csv", today=date(2019, 6, 30))
    result = seed_targets()
    counts = _labourers_by_county()
    a, b = counts["622926"], counts["620121"]
    assert (result.prefectures, result.counties, result.labourers) == (2, 2, a + b)

    def value(code, year=None):
        qs = Target.objects.filter(region_code=code, kind=TRAINEES, training_type="")
        qs = qs.filter(year__isnull=True) if year is None else qs.filter(year=year)
        return qs.get().value

    assert value(PROVINCE) == 900000
    share_a = Decimal(900000 * a) / (a + b)
    assert abs(value(LINXIA) - share_a) < 1 and value(LINXIA) + value(LANZHOU) == 900000
    assert value(COUNTY_A) == value(LINXIA) and value(COUNTY_B) == value(LANZHOU)
    years = {y: value(PROVINCE, y) for y in (2018, 2019, 2020)}
    assert years == {2018: 90000, 2019: 405000, 2020: 405000}  # the phases: 10%, 55%, 100%
    for year, total in years.items():
        assert value(LINXIA, year) + value(LANZHOU, year) == total
        assert value(COUNTY_A, year) == value(LINXIA, year)
    for t in Target.objects.filter(kind=TRAINEES):
        assert services.unallocated(t) in (0, None) or t.region.level == "county"
    # Idempotent: nothing changes, nothing is audited.
    before = AuditEvent.objects.count()
    assert seed_targets().changed == 0
    assert AuditEvent.objects.count() == before
    # More labourers in county B: amounts move from A to B without tripping the split rules.
    extra = [
        person(
            VILLAGE_B,
            "620121100201000009",
            f"新{i}",
            date(1990, 1, 1 + i),
            200 + i,
            phone="",
            bank="",
        )
        for i in range(3)
    ]
    import_persons(ledger(extra), filename="more.csv", today=date(2019, 6, 30))
    assert seed_targets().changed > 0
    assert value(LANZHOU) > value(LINXIA)
    assert value(LINXIA) + value(LANZHOU) == 900000
    assert AuditEvent.objects.filter(object_type="planning.target").count() > 0


def test_seed_targets_creates_the_province_target_when_missing(world):
    Target.objects.all().delete()
    result = seed_targets(actor=world.user(Role.PROVINCE))
    assert result.labourers == 0 and result.changed == 4  # the whole target and three years
    assert Target.objects.get(region_code=PROVINCE, year__isnull=True).value == 900000
