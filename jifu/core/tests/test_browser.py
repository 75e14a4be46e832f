"""A person's first visit, in a real browser: log in, read the Chinese home page,
switch to English. Screenshots go to test-results/ for a human to look at.

Runs Debian's Chromium through Playwright (its own browser download does not
work offline); as root it needs --no-sandbox.
"""

import os
from pathlib import Path

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import build_world, login

# Live-server tests commit for real and the database is flushed afterwards;
# serialized rollback restores what migrations loaded (the occupation catalogue).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RESULTS = Path(os.environ.get("JIFU_TEST_RESULTS", "test-results"))


@pytest.fixture
def live_world(fast_passwords):
    return build_world()


def test_login_home_and_language_switch(browser, live_server, live_world):
    RESULTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    login(page, live_server.url, live_world.user(Role.COUNTY_HRSS).username)
    assert "技能扶贫行动管理信息系统" in page.title()
    assert page.locator("[data-testid=role]").inner_text() == "县人社局"
    assert "东乡族自治县" in page.locator("[data-testid=scope]").inner_text()
    cards = page.locator("[data-testid=cards]").inner_text()
    assert "乡(镇、街道)" in cards
    page.screenshot(path=str(RESULTS / "home-zh.png"), full_page=True)

    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Home" in page.locator("[data-testid=menu]").inner_text()
    assert "Skills Poverty Alleviation" in page.title()
    page.screenshot(path=str(RESULTS / "home-en.png"), full_page=True)


def test_region_list_tree_and_phone_layout(browser, live_server, live_world):
    RESULTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(page, live_server.url, live_world.user(Role.COUNTY_HRSS).username)
    page.goto(f"{live_server.url}/regions/?level=township")
    # The region tree loads by htmx and starts at the user's county.
    tree = page.locator("[data-testid=region-tree]")
    tree.locator("a[data-code='622926000000']").wait_for()
    assert "永登县" not in page.content()
    total = page.locator("[data-testid=total]").inner_text()
    assert "共" in total
    # On a phone the table takes the whole width and the menu is behind a button.
    assert page.locator("table").bounding_box()["width"] > 300
    page.screenshot(path=str(RESULTS / "regions-phone.png"))
    assert not page.locator("#jf-menu").is_visible()
    page.click("button[aria-controls=jf-menu]")
    page.locator("#jf-menu").wait_for(state="visible")
    page.screenshot(path=str(RESULTS / "menu-phone.png"))
