"""A claim for a finished class, in a real browser: computed by the rules when the
institution submits it, reviewed and publicised by the county HR office, verified
by the finance bureau, paid by a second finance officer through the bank's batch
file, and reconciled from the bank's return file."""

import csv
import io
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.core.testing import PASSWORD, login
from jifu.registry.tests.factories import build_people
from jifu.subsidies.models import FundAllocation, SubsidyClaim

from .fixtures import (
    allocate,
    assert_balances_match_payments,
    finished_class,
    give_accounts,
    institution_account,
    pass_all,
    set_standards,
    today,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
RESULTS = Path(os.environ.get("JIFU_TEST_RESULTS", "test-results"))


@pytest.fixture
def live_claimable(fast_passwords):
    world = build_people()
    give_accounts()
    set_standards(world)
    training_class = finished_class(world, "a", names=["马文", "韩梅"], ended_days_ago=30)
    pass_all(training_class)
    institution_account(training_class)
    allocation = allocate(world, "a")
    finance = world.user(Role.COUNTY_FINANCE)
    second = account_services.create_user(
        actor=None,
        username="finance_a2",
        role=Role.COUNTY_FINANCE,
        region=finance.region,
        password=PASSWORD,
    )
    return world, training_class, allocation, second


def _page(browser, base, username):
    page = browser.new_context(
        viewport={"width": 1366, "height": 900}, accept_downloads=True
    ).new_page()
    login(page, base, username)
    return page


def test_class_claim_from_submission_to_reconciliation(browser, live_server, live_claimable):
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    world, training_class, allocation, second = live_claimable

    # The institution sees the lines the rules give, and submits.
    inst = _page(browser, base, world.user(Role.INSTITUTION).username)
    inst.goto(f"{base}/subsidies/claims/add/class/")
    inst.click(f"[data-testid=preview-{training_class.pk}]")
    assert inst.locator("[data-testid=preview-total]").inner_text() == "4640.00"
    inst.screenshot(path=RESULTS / "subsidy-preview.png", full_page=True)
    inst.click("[data-testid=submit-claim]")
    assert inst.locator("[data-testid=claim-status]").inner_text() == "已提交"
    claim = SubsidyClaim.objects.get(training_class=training_class)
    claim_url = f"{base}{claim.get_absolute_url()}"

    # The county HR office reviews: the claim goes on public notice, masked.
    hr = _page(browser, base, world.user(Role.COUNTY_HRSS).username)
    hr.goto(claim_url)
    hr.click("[data-testid=review]")
    assert hr.locator("[data-testid=claim-status]").inner_text() == "公示中"
    public = browser.new_context().new_page()
    public.goto(f"{base}/public/publicity/{claim.number}/")
    lines_text = public.locator("[data-testid=publicity-lines]").inner_text()
    assert "马*" in lines_text and "马文" not in lines_text
    # A week passes: the publicity ends without complaints.
    SubsidyClaim.objects.filter(pk=claim.pk).update(
        publicity_from=today() - timedelta(days=8), publicity_until=today() - timedelta(days=1)
    )

    # The finance bureau verifies, charging the county's allocation.
    fin = _page(browser, base, world.user(Role.COUNTY_FINANCE).username)
    fin.goto(claim_url)
    fin.select_option("#id_allocation", str(allocation.pk))
    fin.click("[data-testid=verify]")
    assert fin.locator("[data-testid=claim-status]").inner_text() == "财政复核通过"

    # A second finance officer makes the payment batch and downloads the bank file.
    pay = _page(browser, base, second.username)
    pay.goto(f"{base}/subsidies/batches/add/")
    pay.check(f"input[name=claims][value='{claim.pk}']")
    pay.click("[data-testid=batch-form] button[type=submit]")
    assert pay.locator("[data-testid=batch-state]").inner_text() == "待银行回单"
    with pay.expect_download() as download:
        pay.click("[data-testid=bank-file-csv]")
    exported = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    instructions = list(csv.DictReader(io.StringIO(exported)))
    assert len(instructions) == 4

    # The bank pays everything and returns its file; the officer uploads it.
    returned = io.StringIO()
    writer = csv.writer(returned)
    writer.writerow(["指令编号", "收款账号", "金额", "处理结果", "银行流水号", "支付日期"])
    for n, row in enumerate(instructions, start=1):
        writer.writerow(
            [
                row["指令编号"],
                row["收款账号"].strip(),
                row["金额"],
                "成功",
                f"NB{n:08d}",
                today().isoformat(),
            ]
        )
    return_file = RESULTS / "bank-return.csv"
    return_file.write_text(returned.getvalue(), encoding="utf-8-sig")
    pay.set_input_files("[data-testid=return-form] input[type=file]", str(return_file))
    pay.click("[data-testid=return-form] button[type=submit]")
    assert pay.locator("[data-testid=batch-state]").inner_text() == "已对账"
    pay.screenshot(path=RESULTS / "subsidy-batch.png", full_page=True)

    pay.goto(claim_url)
    assert pay.locator("[data-testid=claim-status]").inner_text() == "已对账"
    allocation = FundAllocation.objects.get(pk=allocation.pk)
    assert allocation.paid == Decimal("4640.00") and allocation.committed == 0
    assert_balances_match_payments()
