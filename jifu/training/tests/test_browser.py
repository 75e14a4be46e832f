"""A class's whole workflow in a real browser: 申报 by the institution, 审核 by the county
HR office, trainees from the registry, attendance, 结业, 考核, certificate, 考核完成."""

import os
from datetime import date
from pathlib import Path

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import login
from jifu.registry.tests.factories import build_people, standard_rows
from jifu.training.models import Certificate, TrainingClass

from .fixtures_workflow import institution_for

# Live-server tests commit for real and the database is flushed afterwards;
# serialized rollback restores what migrations loaded (the occupation catalogue).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
RESULTS = Path(os.environ.get("JIFU_TEST_RESULTS", "test-results"))


@pytest.fixture
def live_training(fast_passwords):
    world = build_people()
    institution_for(world)
    return world


def test_class_workflow_from_declaration_to_assessment(browser, live_server, live_training):
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    world = live_training
    ma_id = next(r["身份证号码"] for r in standard_rows() if r["姓名"] == "马文")

    inst = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(inst, base, world.user(Role.INSTITUTION).username)
    inst.goto(f"{base}/training/classes/add/")
    inst.fill("#id_code", "BJ-2030-101")
    inst.select_option("#id_occupation", label="家政服务员（4-10-01-06）")
    inst.select_option("#id_level", "5")
    inst.select_option("#id_training_type", "employment")
    inst.select_option("#id_delivery_mode", "to_village")
    inst.fill("#id_place", "622926100201")
    inst.fill("#id_start_date", "2030-03-01")
    inst.fill("#id_end_date", "2030-03-10")
    inst.fill("#id_theory_hours", "40")
    inst.fill("#id_practice_hours", "60")
    inst.fill("#id_capacity", "30")
    inst.click("button[type=submit]")
    assert inst.locator("[data-testid=class-status]").inner_text() == "已申报"
    class_url = inst.url

    hr = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(hr, base, world.user(Role.COUNTY_HRSS).username)
    hr.goto(class_url)
    hr.click("[data-testid=approve]")
    assert hr.locator("[data-testid=class-status]").inner_text() == "审核通过"

    inst.goto(class_url)
    inst.fill("#enrol-id", ma_id)
    inst.fill("#enrol-name", "马文")
    inst.click("[data-testid=enrol-form] button")
    trainees = inst.locator("[data-testid=trainees]").inner_text()
    assert "马文" in trainees and ma_id not in inst.content()  # shown masked
    inst.fill("#enrol-id", ma_id)
    inst.fill("#enrol-name", "马武")  # the name does not match the registry
    inst.click("[data-testid=enrol-form] button")
    assert "实名库中没有此人" in inst.content()

    inst.click("[data-testid=open]")
    assert inst.locator("[data-testid=class-status]").inner_text() == "已开班"
    inst.fill("#id_day", "2030-03-02")
    inst.click("[data-testid=save-attendance]")
    assert "考勤已保存" in inst.content()
    inst.screenshot(path=str(RESULTS / "class-running.png"), full_page=True)
    inst.click("[data-testid=complete]")
    assert inst.locator("[data-testid=class-status]").inner_text() == "已结业"

    inst.click("[data-testid^=assess-]")
    inst.select_option("#id_result", "pass")
    inst.fill("#id_score", "86")
    inst.fill("#id_on", "2030-03-10")
    inst.click("button[type=submit]")
    inst.click("[data-testid^=certify-]")
    inst.select_option("#id_kind", "special")
    inst.fill("#id_number", "GS-ZX-2030-000001")
    inst.fill("#id_issued_on", "2030-03-15")
    inst.click("button[type=submit]")
    inst.click("[data-testid=finish]")
    assert inst.locator("[data-testid=class-status]").inner_text() == "考核完成"
    inst.screenshot(path=str(RESULTS / "class-assessed.png"), full_page=True)

    c = TrainingClass.objects.get(code="BJ-2030-101")
    assert c.status == "assessed" and c.start_date == date(2030, 3, 1)
    certificate = Certificate.objects.get(number="GS-ZX-2030-000001")
    assert certificate.person.name == "马文" and certificate.enrolment.training_class == c

    # The household file shows the training.
    hr.goto(f"{base}{certificate.person.household.get_absolute_url()}")
    hr.click("[data-testid=tab-training]")
    assert "BJ-2030-101" in hr.locator("[data-testid=household-trainings]").inner_text()
