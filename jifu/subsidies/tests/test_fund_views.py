"""Fund, standard and rule pages: the dashboard adds up exactly the allocations the
user may see, allocations and standards go through the services with their
messages, only the province sets standards and rules, and what it sets is what
the rules then use."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat

from jifu.accounts.roles import Role
from jifu.core.testing import COUNTY_A, COUNTY_B, TOWNSHIP_A
from jifu.regions.models import Region
from jifu.subsidies import rules, services
from jifu.subsidies.models import EligibilityRule, FundAllocation, SubsidyStandard

from .fixtures import (  # noqa: F401 - pytest fixtures
    claimable_fixture,
    occupation,
    today,
)

pytestmark = pytest.mark.django_db

VILLAGE_A = TOWNSHIP_A[:9] + "201"


@pytest.fixture
def funds(claimable):
    """Per county the fixture's 100 000 元 central allocation, plus a provincial one in
    A and a province-level reserve; a claim of A verified against its central money."""
    w = claimable.world
    extra = services.allocate(
        actor=w.user(Role.COUNTY_FINANCE),
        region=Region.objects.get(code=COUNTY_A),
        source="provincial",
        year=today().year,
        amount=Decimal("50000"),
        allocated_on=today() - timedelta(days=20),
        document="东财社〔演示〕2号",
    )
    reserve = services.allocate(
        actor=w.user(Role.PROVINCE),
        region=Region.objects.get(code="620000000000"),
        source="central",
        year=today().year,
        amount=Decimal("900000"),
        allocated_on=today() - timedelta(days=60),
        document="甘财社〔演示〕9号",
    )
    FundAllocation.objects.filter(region_code=COUNTY_B).update(document="永财社〔演示〕7号")
    claim = services.submit_class_claim(
        actor=w.user(Role.INSTITUTION), training_class=claimable.classes["a"]
    )
    services.review(claim, actor=w.user(Role.COUNTY_HRSS))
    services.verify(
        claim,
        actor=w.user(Role.COUNTY_FINANCE),
        allocation=claimable.allocations["a"],
        today=today() + timedelta(days=services.publicity_days() + 1),
    )
    claimable.extra, claimable.reserve = extra, reserve
    return claimable


# --- the fund dashboard ------------------------------------------------------------------------


def test_the_dashboard_adds_up_the_users_allocations_only(client, funds):
    user = funds.world.user(Role.COUNTY_FINANCE)
    client.force_login(user)
    response = client.get("/subsidies/funds/")
    assert response.status_code == 200
    body = response.content.decode()
    # Another county's allocation and the province's reserve are not shown.
    assert "永财社〔演示〕7号" not in body and "甘财社〔演示〕9号" not in body
    assert "甘财社〔2026〕1号" in body and "东财社〔演示〕2号" in body

    mine = FundAllocation.objects.restrict(user)
    assert set(mine.values_list("region_code", flat=True)) == {COUNTY_A}
    totals = response.context["totals"]
    assert totals == services.balances(mine)
    committed = sum(line.amount for line in funds.allocations["a"].claims.get().lines.all())
    assert totals == {
        "allocated": Decimal("150000"),
        "committed": committed,
        "paid": Decimal("0"),
        "balance": Decimal("150000") - committed,
    }
    assert committed > 0
    shown = floatformat(Decimal("150000") - committed, "2g")  # grouped as the locale groups
    assert f'data-testid="total-balance">{shown}<' in body
    # By source: the central money carries the committed claim, the provincial is untouched.
    sources = {s["source"]: s for s in response.context["sources"]}
    assert set(sources) == {"central", "provincial"}
    assert sources["central"]["balance"] == Decimal("100000") - committed
    assert sources["provincial"]["balance"] == Decimal("50000")
    assert response.context["chart"]["labels"] == ["中央", "省级"]
    assert response.context["chart"]["committed"] == [float(committed), 0.0]
    assert 'id="jf-fund-chart"' in body and "echarts.min.js" in body


def test_the_dashboard_follows_the_filters_and_the_region_tree(client, funds):
    province = funds.world.user(Role.PROVINCE)
    client.force_login(province)
    everything = client.get("/subsidies/funds/").context
    assert everything["totals"] == services.balances(FundAllocation.objects.all())
    by_region = {str(r["label"]): r for r in everything["regions"]}
    assert by_region["本级"]["allocated"] == Decimal("900000")
    assert by_region["临夏回族自治州"]["allocated"] == Decimal("150000")
    assert by_region["兰州市"]["allocated"] == Decimal("100000")

    picked = client.get(f"/subsidies/funds/?region={COUNTY_A}").context
    assert picked["totals"] == services.balances(
        FundAllocation.objects.filter(region_code=COUNTY_A)
    )
    assert picked["base_region"].code == COUNTY_A

    provincial = client.get("/subsidies/funds/?source=provincial").context
    assert provincial["totals"]["allocated"] == Decimal("50000")
    other_year = client.get(f"/subsidies/funds/?year={today().year - 1}").context
    assert other_year["totals"]["allocated"] == 0  # not a year on offer: nothing matches


def test_roles_without_fund_access(client, funds):
    client.force_login(funds.world.user(Role.INSTITUTION))
    assert client.get("/subsidies/funds/").status_code == 403
    client.force_login(funds.world.user(Role.COUNTY_HRSS))
    assert client.get("/subsidies/funds/").status_code == 200
    assert client.get("/subsidies/funds/add/").status_code == 403


# --- allocations -----------------------------------------------------------------------------


def _allocation(**overrides):
    data = {
        "source": "county",
        "year": today().year,
        "region": COUNTY_A,
        "amount": "30000",
        "document": "东财社〔演示〕3号",
        "allocated_on": (today() - timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_finance_bureau_enters_an_allocation_for_its_county(client, world):
    user = world.user(Role.COUNTY_FINANCE)
    client.force_login(user)
    assert client.get("/subsidies/funds/add/").status_code == 200
    response = client.post("/subsidies/funds/add/", _allocation())
    assert response.status_code == 302
    allocation = FundAllocation.objects.get(document="东财社〔演示〕3号")
    assert (allocation.region_code, allocation.amount, allocation.source) == (
        COUNTY_A,
        Decimal("30000"),
        "county",
    )
    assert response["Location"] == allocation.get_absolute_url()
    assert "东财社〔演示〕3号" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "0"}, "下达金额须大于零"),
        ({"amount": "-5"}, "下达金额须大于零"),
        ({"region": COUNTY_B}, "区划不存在或不在您的管辖范围内"),
        ({"region": "999999"}, "区划不存在或不在您的管辖范围内"),
        ({"region": TOWNSHIP_A}, "请填写省、市州或县级区划代码"),
        ({"allocated_on": "2099-01-01", "year": "2099"}, "下达日期不能晚于今天"),
        ({"allocated_on": "2019-05-01", "year": "2024"}, "下达日期应在资金年度内或上一年度"),
        ({"source": "lottery"}, "lottery"),
    ],
)
def test_allocation_validation_messages(client, world, overrides, message):
    client.force_login(world.user(Role.COUNTY_FINANCE))
    response = client.post("/subsidies/funds/add/", _allocation(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FundAllocation.objects.exists()


def test_allocated_in_advance_late_in_the_year_before(client, world):
    client.force_login(world.user(Role.COUNTY_FINANCE))
    year = today().year
    response = client.post(
        "/subsidies/funds/add/", _allocation(year=year + 1, allocated_on=date(year, 1, 1))
    )
    assert response.status_code == 302
    assert FundAllocation.objects.get().year == year + 1


# --- standards --------------------------------------------------------------------------------


def _standard(**overrides):
    data = {
        "item": "training",
        "region": COUNTY_A,
        "occupation": occupation().pk,
        "level": "5",
        "training_type": "",
        "amount": "1600",
        "key_industry_pct": "",
        "key_industry_amount": "",
        "max_months": "",
        "effective_from": "2018-01-01",
        "effective_to": "",
        "document": "东人社发〔演示〕5号",
    }
    data.update(overrides)
    return data


def test_only_the_province_sets_standards_and_rules(client, claimable):
    w = claimable.world
    standard = SubsidyStandard.objects.get(item="training")
    rule = EligibilityRule.objects.get(code=rules.MAX_PER_YEAR)
    pages = (
        "/subsidies/standards/add/",
        f"/subsidies/standards/{standard.pk}/end/",
        f"/subsidies/rules/{rule.pk}/",
    )
    for role in (Role.COUNTY_HRSS, Role.COUNTY_FINANCE, Role.PREFECTURE):
        client.force_login(w.user(role))
        # Every office reads the standards and rules ...
        assert client.get("/subsidies/standards/").status_code == 200
        assert client.get("/subsidies/rules/").status_code == 200
        # ... but may change none of them.
        for url in pages:
            assert client.get(url).status_code == 403, (role, url)
            assert client.post(url, {}).status_code == 403, (role, url)
        body = client.get("/subsidies/standards/").content.decode()
        assert f"/subsidies/standards/{standard.pk}/end/" not in body
        assert (
            f"/subsidies/rules/{rule.pk}/" not in client.get("/subsidies/rules/").content.decode()
        )
    assert SubsidyStandard.objects.get(pk=standard.pk).effective_to is None
    client.force_login(w.user(Role.PROVINCE))
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert (
        f"/subsidies/standards/{standard.pk}/end/"
        in client.get("/subsidies/standards/").content.decode()
    )


def test_a_standard_added_on_the_page_is_the_one_the_rules_use(client, claimable):
    client.force_login(claimable.world.user(Role.PROVINCE))
    key = {
        "on": today(),
        "occupation": occupation(),
        "level": 5,
        "training_type": "employment",
    }
    before = rules.standard_for("training", region_code=VILLAGE_A, **key)
    assert before.region_code == "620000000000" and before.amount == Decimal("1200")

    response = client.post("/subsidies/standards/add/", _standard())
    assert response.status_code == 302, response.content.decode()
    added = SubsidyStandard.objects.get(document="东人社发〔演示〕5号")
    assert (added.region_code, added.level, added.unit) == (COUNTY_A, 5, "person")
    # The county's standard for the occupation and level wins in the county ...
    assert rules.standard_for("training", region_code=VILLAGE_A, **key) == added
    # ... and nowhere else.
    elsewhere = rules.standard_for("training", region_code=COUNTY_B, **key)
    assert elsewhere == before
    body = client.get(response["Location"]).content.decode()
    assert "东人社发〔演示〕5号" in body and f"{floatformat(1600, '2g')} 元/人" in body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"item": "living", "level": ""}, "职业(工种)和等级仅适用于"),
        ({"training_type": "employment", "item": "appraisal"}, "培训类型仅适用于"),
        ({"max_months": "6"}, "最长补贴月数仅适用于以工代训补贴"),
        ({"key_industry_pct": "10", "key_industry_amount": "100"}, "只能填写一项"),
        ({"effective_to": "2017-12-31"}, "失效日期不能早于生效日期"),
        ({"amount": "-1"}, "标准不能为负数"),
        ({"region": VILLAGE_A}, "请填写省、市州或县级区划代码"),
    ],
)
def test_standard_validation_messages(client, world, overrides, message):
    client.force_login(world.user(Role.PROVINCE))
    response = client.post("/subsidies/standards/add/", _standard(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SubsidyStandard.objects.exists()


def test_ending_a_standard(client, claimable):
    client.force_login(claimable.world.user(Role.PROVINCE))
    standard = SubsidyStandard.objects.get(item="living")
    url = f"/subsidies/standards/{standard.pk}/end/"
    page = client.get(url).content.decode()
    assert "不在原记录上修改" in page and f"?copy={standard.pk}" in page

    refused = client.post(url, {"effective_to": "2017-06-30"})
    assert "失效日期不能早于生效日期" in refused.content.decode()
    last_day = today() - timedelta(days=1)
    response = client.post(url, {"effective_to": last_day.isoformat()})
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.effective_to == last_day and standard.amount == Decimal("50")
    # In force until that day, gone from the next.
    assert rules.standard_for("living", on=last_day, region_code=VILLAGE_A) == standard
    assert rules.standard_for("living", on=today(), region_code=VILLAGE_A) is None
    listed = client.get(f"/subsidies/standards/?item=living&in_force_on={today()}")
    assert list(listed.context["filter"].qs) == []

    # The usual next step: a copy of the ended standard starts the day after.
    form = client.get(f"/subsidies/standards/add/?copy={standard.pk}").context["form"]
    assert form.initial["effective_from"] == today() and form.initial["item"] == "living"


def test_standard_list_filters(client, claimable):
    client.force_login(claimable.world.user(Role.COUNTY_HRSS))
    province = claimable.world.user(Role.PROVINCE)
    services.save_standard(
        actor=province,
        region=Region.objects.get(code=COUNTY_B),
        item="living",
        amount=Decimal("60"),
        effective_from=date(2019, 1, 1),
    )
    living = client.get("/subsidies/standards/?item=living").context["filter"].qs
    assert {s.region_code for s in living} == {"620000000000", COUNTY_B}
    in_a = client.get(f"/subsidies/standards/?item=living&region={COUNTY_A}").context["filter"].qs
    assert [s.region_code for s in in_a] == ["620000000000"]
    old = client.get("/subsidies/standards/?in_force_on=2017-06-01").context["filter"].qs
    assert not old.exists()


# --- eligibility rules -----------------------------------------------------------------------------


def test_editing_a_rule_changes_its_limit_and_message(client, world):
    client.force_login(world.user(Role.PROVINCE))
    rule = EligibilityRule.objects.get(code=rules.MAX_PER_YEAR)
    url = f"/subsidies/rules/{rule.pk}/"
    missing = client.post(url, {"enabled": "on", "limit": "", "message": "x"})
    assert missing.status_code == 200 and not missing.context["form"].is_valid()
    response = client.post(
        url, {"enabled": "on", "limit": "2", "message": "每人每年最多补贴 {limit} 次"}
    )
    assert response.status_code == 302 and response["Location"] == "/subsidies/rules/"
    rule.refresh_from_db()
    assert (rule.enabled, rule.limit, rule.message) == (True, 2, "每人每年最多补贴 {limit} 次")

    class P:
        name = "马文"

    assert rules.RuleBook().refuse(rules.MAX_PER_YEAR, P()) == "马文：每人每年最多补贴 2 次"
    body = client.get("/subsidies/rules/").content.decode()
    assert "每人每年最多补贴 {limit} 次" in body


def test_a_rule_without_a_limit_is_only_switched(client, world):
    client.force_login(world.user(Role.PROVINCE))
    rule = EligibilityRule.objects.get(code=rules.PASSED_ASSESSMENT)
    url = f"/subsidies/rules/{rule.pk}/"
    assert "limit" not in client.get(url).context["form"].fields
    response = client.post(url, {"message": "须考核合格", "limit": "9"})  # unchecked: disabled
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.enabled, rule.limit, rule.message) == (False, None, "须考核合格")
    assert rules.RuleBook().active(rules.PASSED_ASSESSMENT) is None
