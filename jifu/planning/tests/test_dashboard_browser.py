"""工作进度 in a real browser, as the province office on 2019-12-31: the map of the
prefectures coloured by the share of the target done, a click on 临夏州, its
counties as bars, a click on 东乡族自治县, its townships, a click on 锁南镇, and
from there the list of the trainees behind the number. 兰州市's dashboard marks
永登县 慢进度. Screenshots go to test-results/dashboard-*.png."""

import os
from pathlib import Path

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import COUNTY_A, COUNTY_B, TOWNSHIP_A, login
from jifu.subsidies.tests.fixtures import claimable_fixture  # noqa: F401 - fixture

from .test_dashboard import build_progress_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
RESULTS = Path(os.environ.get("JIFU_TEST_RESULTS", "test-results"))
AS_OF = "2019-12-31"
LINXIA_POINT = [103.21, 35.6]  # 临夏市, inside 临夏州's shape

OPTION = """id => {
  const o = echarts.getInstanceByDom(document.getElementById(id)).getOption();
  return {
    names: o.xAxis && o.xAxis[0] ? o.xAxis[0].data : null,
    series: o.series.map(s => ({
      name: s.name, type: s.type,
      data: s.data.map(d => (d !== null && typeof d === "object")
        ? { name: d.name ?? null, value: d.value ?? null, label: d.label ? d.label.formatter : null }
        : { value: d }),
      markLine: s.markLine && s.markLine.data ? s.markLine.data.map(m => m.yAxis) : null,
    })),
  };
}"""


@pytest.fixture
def live_data(claimable):
    build_progress_data(claimable.world, claimable.classes, claimable.allocations)
    return claimable.world


def _ready(page, element_id):
    page.wait_for_function(
        f"() => document.getElementById('{element_id}')?.dataset.ready === '1'", timeout=15000
    )
    return page.evaluate(OPTION, element_id)


def _click_chart(page, element_id, finder, point):
    """Click where the chart draws ``point`` (a map's [lng, lat] or a bar's [index, value])."""
    x, y = page.evaluate(
        """([id, finder, point]) => echarts.getInstanceByDom(document.getElementById(id))
              .convertToPixel(finder, point)""",
        [element_id, finder, point],
    )
    box = page.locator(f"#{element_id}").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_province_to_prefecture_to_county_to_township_to_people(browser, live_server, live_data):
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    login(page, base, live_data.user(Role.PROVINCE).username)

    # Province: the map, coloured by the share of the target done; 兰州市 is behind.
    page.goto(f"{base}/planning/dashboard/?as_of={AS_OF}")
    option = _ready(page, "jf-progress-map")
    values = {d["name"]: d["value"] for d in option["series"][0]["data"]}
    assert values["临夏回族自治州"] == 50 and values["兰州市"] == 10
    assert values["天水市"] is None  # no target split down to it
    assert len(values) == 14
    assert page.locator("[data-testid=phase-name]").inner_text() == "深入开展"
    assert page.locator("[data-testid=kpi-trainees] [data-testid=kpi-value]").inner_text() == "3"
    assert "echarts@4" in page.locator("[data-testid=map-source]").inner_text()
    assert page.locator("[data-testid=region-slow]").is_visible()  # 3 of 10 by the end of 2019
    lanzhou_row = page.locator("[data-testid=child-620100000000]")
    assert "慢进度" in lanzhou_row.inner_text()
    _ready(page, "jf-progress-trend")
    page.screenshot(path=RESULTS / "dashboard-province.png", full_page=True)

    # A click on 临夏州 on the map opens its dashboard, the day kept.
    _click_chart(page, "jf-progress-map", {"seriesIndex": 0}, LINXIA_POINT)
    page.wait_for_url("**/planning/dashboard/?region=622900*")
    assert "as_of=2019-12-31" in page.url
    option = _ready(page, "jf-progress-bars")
    counties = option["names"]
    trainees = [d["value"] for d in option["series"][0]["data"]]
    assert trainees[counties.index("东乡族自治县")] == 2 and sum(trainees) == 2
    rate = option["series"][2]
    assert rate["name"] == "完成目标比例"
    assert rate["data"][counties.index("东乡族自治县")]["value"] == 66.7
    assert rate["markLine"] == [55.0]  # the share the phases expect
    assert "没有县、乡镇边界" in page.locator("[data-testid=no-shapes]").inner_text()
    page.screenshot(path=RESULTS / "dashboard-prefecture.png", full_page=True)

    # 兰州市: 永登县 is behind, its bar red and labelled 慢进度.
    page.goto(f"{base}/planning/dashboard/?region=620100&as_of={AS_OF}")
    option = _ready(page, "jf-progress-bars")
    i = option["names"].index("永登县")
    bar = option["series"][0]["data"][i]
    assert bar["value"] == 1 and bar["label"] == "慢进度"
    assert all(d["label"] is None for j, d in enumerate(option["series"][0]["data"]) if j != i)
    assert "慢进度" in page.locator(f"[data-testid=child-{COUNTY_B}]").inner_text()
    page.screenshot(path=RESULTS / "dashboard-prefecture-slow.png", full_page=True)

    # Back to 临夏州 and down to 东乡族自治县 through the children table.
    page.go_back()
    page.click(f"[data-testid=drill-{COUNTY_A}]")
    page.wait_for_url("**/planning/dashboard/?region=622926*")
    option = _ready(page, "jf-progress-bars")
    townships = option["names"]
    k = townships.index("锁南镇")
    assert option["series"][0]["data"][k]["value"] == 2
    assert page.locator("[data-testid=kpi-trainees] [data-testid=kpi-rate]").inner_text() == "66.7%"
    page.screenshot(path=RESULTS / "dashboard-county.png", full_page=True)

    # A click on 锁南镇's bar opens the township.
    _click_chart(page, "jf-progress-bars", {"seriesIndex": 0}, [k, 1])
    page.wait_for_url("**/planning/dashboard/?region=622926100*")
    assert page.locator("[data-testid=dashboard-title]").inner_text().endswith("锁南镇")
    assert page.locator("[data-testid=kpi-trainees] [data-testid=kpi-value]").inner_text() == "2"
    assert (
        page.locator("[data-testid=kpi-certificates] [data-testid=kpi-value]").inner_text() == "1"
    )
    option = _ready(page, "jf-progress-trend")
    monthly = dict(
        zip(option["names"], [d["value"] for d in option["series"][0]["data"]], strict=True)
    )
    assert monthly["2019-10"] == 2 and sum(monthly.values()) == 2
    page.screenshot(path=RESULTS / "dashboard-township.png", full_page=True)

    # From the number to the people behind it.
    page.locator("[data-testid=people-links] [data-testid=list-trainees]").click()
    page.wait_for_url(f"**/training/enrolments/?region={TOWNSHIP_A[:9]}")
    body = page.locator("main").inner_text()
    assert "马文" in body and "韩梅" in body and "王永" not in body
    page.screenshot(path=RESULTS / "dashboard-people.png", full_page=True)
