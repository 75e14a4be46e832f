"""A township cadre's day in a real browser: five lists, household file, ledger, export.

Screenshots go to test-results/ for a human to look at.
"""

import os
from pathlib import Path

import pytest

from jifu.accounts.roles import Role
from jifu.core.testing import login
from jifu.registry.models import Household

from .factories import build_people, standard_rows

# Live-server tests commit for real and the database is flushed afterwards;
# serialized rollback restores what migrations loaded (the occupation catalogue).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
RESULTS = Path(os.environ.get("JIFU_TEST_RESULTS", "test-results"))


@pytest.fixture
def live_people(fast_passwords):
    return build_people()


def test_township_cadre_works_the_registry(browser, live_server, live_people):
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    login(page, base, live_people.user(Role.TOWNSHIP).username)
    # Home: the five lists as cards with real counts.
    cards = page.locator("[data-testid=cards]").inner_text()
    assert "有培训意愿" in cards and "劳动力" in cards

    page.goto(f"{base}/registry/five-lists/?five_list=wants_training")
    counts = page.locator("[data-testid=five-list-counts]").inner_text()
    assert "测试一村" in counts
    table = page.locator("table.table-hover").inner_text()
    assert "马文" in table and "王永" not in table
    numbers = {r["姓名"]: r["身份证号码"] for r in standard_rows()}
    assert numbers["马文"] not in page.content()
    page.screenshot(path=str(RESULTS / "five-lists.png"), full_page=True)

    household = Household.objects.get(household_no="622926100201000001")
    page.goto(f"{base}{household.get_absolute_url()}")
    members = page.locator("[data-testid=members]").inner_text()
    assert "马文" in members and "韩梅" in members and "马小" in members
    assert "**********" in members
    page.screenshot(path=str(RESULTS / "household-file.png"), full_page=True)

    page.goto(f"{base}/registry/ledger/")
    assert "台账" in page.locator("h1").inner_text()
    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    import openpyxl

    with open(download.value.path(), "rb") as fh:
        sheet = openpyxl.load_workbook(fh).active
    names = {
        row[6] for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)
    }
    assert names == {"马文", "韩梅", "妥德"}
    page.screenshot(path=str(RESULTS / "ledger.png"), full_page=True)

    # Another county's household is not there for this cadre.
    other = Household.objects.get(household_no="620121100201000001")
    response = page.goto(f"{base}{other.get_absolute_url()}")
    assert response.status == 404
