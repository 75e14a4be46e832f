"""From a finished class to the employment rate, in a real browser: the village
places a trainee from the class page, the township follows the overdue month up
from its work list, and the class, the institution and the county show the rate."""

import os
from datetime import timedelta
from pathlib import Path

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import login
from jifu.employment.models import FollowUp, Placement
from jifu.registry.models import Person
from jifu.registry.tests.factories import build_people
from jifu.training.models import Enrolment

from .fixtures import finished_class, make_employer, today

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
RESULTS = Path(os.environ.get("JIFU_TEST_RESULTS", "test-results"))


@pytest.fixture
def live_world(fast_passwords, settings):
    settings.JIFU_FOLLOWUP_GRACE_DAYS = 10
    world = build_people()
    make_employer(world, "a")
    training_class = finished_class(world, "a", names=["马文", "韩梅"], ended_days_ago=60)
    return world, training_class


def _page(browser, base, user):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(page, base, user.username)
    return page


def test_trainee_placed_followed_up_and_counted(browser, live_server, live_world):
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    world, training_class = live_world
    employer_code = world.user(Role.EMPLOYER).org_credit_code
    ma = Enrolment.objects.get(training_class=training_class, person__name="马文")

    # The village cadre places 马文 from the class page.
    village = _page(browser, base, world.user(Role.VILLAGE))
    village.goto(f"{base}{training_class.get_absolute_url()}")
    assert "（0/2）" in village.locator("[data-testid=class-rate]").inner_text()
    village.click(f"[data-testid=place-{ma.pk}]")
    started = today() - timedelta(days=50)
    village.fill("#id_employer_credit_code", employer_code)
    village.fill("#id_start_date", started.isoformat())
    village.select_option("#id_place", "in_province")
    village.fill("#id_province", "甘肃")
    village.fill("#id_location", "兰州市七里河区")
    village.fill("#id_monthly_wage", "3200")
    village.select_option("#id_channel", "organised")
    village.select_option("#id_training_class", str(training_class.pk))
    village.click("button[type=submit]")
    assert village.locator("[data-testid=placement-status]").inner_text() == "在岗"
    village.screenshot(path=RESULTS / "employment-placement.png", full_page=True)
    placement = Placement.objects.get(person__name="马文")
    assert placement.employer.credit_code == employer_code
    assert Person.objects.get(name="马文").employment_status == "employed"

    # Month 1 fell due 20 days ago: overdue on the township's home and work list.
    township = _page(browser, base, world.user(Role.TOWNSHIP))
    overdue_card = township.locator("[data-testid=cards] a", has_text="逾期未回访")
    assert overdue_card.locator(".fs-3").inner_text() == "1"
    overdue_card.click()
    assert "state=overdue" in township.url
    month1 = FollowUp.objects.get(placement=placement, month_no=1)
    township.click(f"a[href='/employment/follow-ups/{month1.pk}/record/']")
    township.select_option("#id_still_employed", "yes")
    township.fill("#id_monthly_wage", "3500")
    township.fill("#id_note", "电话回访，工作稳定")
    township.click("button[type=submit]")
    township.screenshot(path=RESULTS / "employment-follow-up.png", full_page=True)
    month1.refresh_from_db()
    assert month1.done_on == today() and month1.still_employed is True
    placement.refresh_from_db()
    assert str(placement.monthly_wage) == "3500.00"
    township.goto(f"{base}/")
    assert (
        township.locator("[data-testid=cards] a", has_text="逾期未回访")
        .locator(".fs-3")
        .inner_text()
        == "0"
    )

    # The class, the institution and the county count 1 of 2 trainees placed.
    village.goto(f"{base}{training_class.get_absolute_url()}")
    assert "50%（1/2）" in village.locator("[data-testid=class-rate]").inner_text()
    institution = _page(browser, base, world.user(Role.INSTITUTION))
    institution.goto(f"{base}{training_class.institution.get_absolute_url()}")
    assert institution.locator("[data-testid=institution-rate]").inner_text() == "50%"
    county = _page(browser, base, world.user(Role.COUNTY_HRSS))
    county.goto(f"{base}/employment/outcomes/?by=county")
    row = county.locator("[data-testid=outcome-row]", has_text="东乡族自治县")
    assert row.locator("td").nth(3).inner_text() == "50%"
    chart = county.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('jf-outcome-chart')).getOption()"
    )
    assert chart["xAxis"][0]["data"] == ["东乡族自治县"]
    assert chart["series"][1]["data"] == [1] and chart["series"][2]["data"] == [50]
    county.screenshot(path=RESULTS / "employment-outcomes.png", full_page=True)
