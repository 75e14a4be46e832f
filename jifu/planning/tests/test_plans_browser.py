"""A county's annual plan in a real browser: the county drafts it from the registry,
adjusts a number and submits it; its prefecture approves it. The prefecture's
target page shows the split of the demo targets; it keeps part back on the split form
and the page shows it unallocated."""

import os
from datetime import date
from pathlib import Path

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import COUNTY_A, login
from jifu.planning.choices import PlanStatus
from jifu.planning.demo_targets import seed_targets
from jifu.planning.models import AnnualPlan
from jifu.registry.tests.factories import build_people

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
RESULTS = Path(os.environ.get("JIFU_TEST_RESULTS", "test-results"))


@pytest.fixture
def live_world(fast_passwords):
    world = build_people()  # 马文 (锁南镇) wants 家政服务员 and 电工
    seed_targets()
    return world


def _page(browser, base, user):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before submitting
    login(page, base, user.username)
    return page


def test_county_plan_drafted_adjusted_submitted_and_approved(browser, live_server, live_world):
    RESULTS.mkdir(parents=True, exist_ok=True)
    base, world = live_server.url, live_world
    year = date.today().year + 1

    # The county drafts its plan from the registry.
    county = _page(browser, base, world.user(Role.COUNTY_HRSS))
    county.goto(f"{base}/planning/plans/")
    county.click("[data-testid=toolbar] a", timeout=5000)
    county.fill("#id_year", str(year))
    county.click("button[type=submit]")
    county.wait_for_selector("[data-testid=plan-lines]")
    plan = AnnualPlan.objects.get(region_code=COUNTY_A, year=year)
    assert county.url == f"{base}/planning/plans/{plan.pk}/"
    assert county.locator("[data-testid=plan-status]").inner_text() == "草拟"
    rows = county.locator("[data-testid=plan-line]")
    assert rows.count() == 2
    assert county.locator("[data-testid=plan-totals]").inner_text() == "2 / 0 / 2"

    # It plans three electricians rather than one, saves, then submits.
    electrician = plan.lines.get(occupation__name="电工")
    county.fill(f"[data-testid=planned-{electrician.pk}]", "3")
    county.click("[data-testid=plan-save]")
    county.wait_for_selector("text=已保存调整（1 条明细）")
    assert county.locator("[data-testid=plan-totals]").inner_text() == "2 / 0 / 4"
    county.click("[data-testid=plan-submit]")
    county.wait_for_selector("text=已报送市州审批")
    assert county.locator("[data-testid=plan-status]").inner_text() == "已报送"
    assert county.locator("[data-testid=plan-approve]").count() == 0
    assert county.locator(f"[data-testid=planned-{electrician.pk}]").count() == 0

    # The prefecture approves it.
    prefecture = _page(browser, base, world.user(Role.PREFECTURE))
    prefecture.goto(f"{base}/planning/plans/")
    prefecture.click(f"a[href='/planning/plans/{plan.pk}/']")
    prefecture.fill("#id_note", "同意，抓紧组织实施")
    prefecture.click("[data-testid=plan-approve]")
    prefecture.wait_for_selector("text=已批准")
    assert prefecture.locator("[data-testid=plan-status]").inner_text() == "已批准"
    assert "同意，抓紧组织实施" in prefecture.locator("[data-testid=plan-review-note]").inner_text()
    prefecture.screenshot(path=RESULTS / "planning-plan-approved.png", full_page=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.lines.get(pk=electrician.pk).planned == 3

    # The prefecture's targets: all of it split to 东乡 (the only demo county of 临夏州).
    prefecture.goto(f"{base}/planning/targets/")
    whole = prefecture.locator("[data-testid=target-row][data-year='']")
    assert whole.locator("[data-testid=target-unallocated]").inner_text() == "0"
    assert prefecture.locator("[data-testid=child-row][data-code='622926000000']").count() == 1
    # It keeps 75,000 back: the split form shows what stays unallocated as it is typed.
    whole.locator("a", has_text="分解").click()
    prefecture.fill("#id_c_622926000000", "600000")
    assert prefecture.locator("[data-testid=split-live]").inner_text() == "75,000"
    prefecture.screenshot(path=RESULTS / "planning-target-split.png", full_page=True)
    prefecture.click("[data-testid=split-save]")
    prefecture.wait_for_selector("text=分解已保存")
    assert whole.locator("[data-testid=target-unallocated]").inner_text() == "75,000"
    prefecture.screenshot(path=RESULTS / "planning-targets.png", full_page=True)
