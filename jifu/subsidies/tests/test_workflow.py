"""A class claim from submission to reconciliation through the services: the
amounts come from the standards, each step is its role's, the money moves from
set aside to paid, and a second payment of the same line is impossible."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jifu.accounts.roles import Role
from jifu.subsidies import services
from jifu.subsidies.choices import ClaimStatus, LineStatus
from jifu.subsidies.models import ClaimLine, Payment

from .fixtures import (  # noqa: F401 - pytest fixtures
    ACCOUNTS,
    INSTITUTION_ACCOUNT,
    assert_balances_match_payments,
    claimable_fixture,
    today,
)

pytestmark = pytest.mark.django_db


def _return_rows(batch, *, override=None):
    """The bank's return for every instruction of a batch (all paid), as rows."""
    from jifu.core import crypto

    rows = []
    for n, p in enumerate(batch.payments.order_by("id"), start=2):
        account = crypto.decrypt(p.account_enc, context=services.PAYMENT_ACCOUNT_CONTEXT)
        row = services.ReturnRow(
            row=n,
            key=p.idempotency_key,
            account=account,
            amount=p.amount,
            success=True,
            reference=f"BANK{n:06d}",
            paid_on=today(),
        )
        if override:
            override(row, p)
        rows.append(row)
    return rows


def _walk_to_verified(claimable, side="a"):
    w = claimable.world
    claim = services.submit_class_claim(
        actor=w.user(Role.INSTITUTION, side), training_class=claimable.classes[side]
    )
    services.review(claim, actor=w.user(Role.COUNTY_HRSS, side))
    later = today() + timedelta(days=8)
    services.verify(
        claim,
        actor=w.user(Role.COUNTY_FINANCE, side),
        allocation=claimable.allocations[side],
        today=later,
    )
    claim.refresh_from_db()
    return claim


def test_class_claim_is_computed_by_the_rules(claimable):
    w = claimable.world
    claim = services.submit_class_claim(
        actor=w.user(Role.INSTITUTION), training_class=claimable.classes["a"]
    )
    lines = {(line.person.name, line.item): line for line in claim.lines.all()}
    # 2 trainees × (training subsidy + living allowance for 20 days).
    assert set(lines) == {
        ("马文", "training"),
        ("韩梅", "training"),
        ("马文", "living"),
        ("韩梅", "living"),
    }
    training = lines[("马文", "training")]
    # 家政服务员 is on the key-industry catalogue: 1200 + 10%.
    assert (
        training.standard.occupation_id is None and claimable.classes["a"].occupation.key_industry
    )
    assert training.amount == Decimal("1320.00")
    assert "标准 1200" in training.rule and "重点产业上浮 10%" in training.rule
    assert training.payee_kind == "institution"
    living = lines[("马文", "living")]
    assert living.amount == Decimal("1000.00") and living.quantity == 20  # 50 元 × 20 天
    assert living.payee_kind == "person_bank"
    assert claim.number.startswith("BT622926") and claim.status == ClaimStatus.SUBMITTED


def test_workflow_payment_and_reconciliation(claimable):
    w = claimable.world
    claim = _walk_to_verified(claimable)
    allocation = claimable.allocations["a"]
    allocation.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED
    assert allocation.committed == Decimal("4640.00") and allocation.paid == 0
    assert_balances_match_payments()

    pay = w.user(Role.COUNTY_FINANCE, "a")
    # The person who verified cannot also pay.
    with pytest.raises(ValidationError, match="同一人不能办理"):
        services.create_batch([claim], actor=pay)
    from jifu.accounts import services as account_services

    second = account_services.create_user(
        actor=None,
        username="finance_a2",
        role=Role.COUNTY_FINANCE,
        region=pay.region,
        password="x" * 12,
    )
    batch = services.create_batch([claim], actor=second)
    assert batch.payments.count() == 4
    institution_payment = batch.payments.get(line__item="training", line__person__name="马文")
    assert institution_payment.account_masked.endswith(INSTITUTION_ACCOUNT[-4:])
    # Nothing more to pay: a second batch finds no approved line.
    with pytest.raises(ValidationError, match="没有待支付的明细"):
        services.create_batch([claim], actor=second)

    summary = services.apply_bank_return(batch, _return_rows(batch), actor=second)
    assert (summary.paid, summary.mismatches) == (4, 0)
    claim.refresh_from_db()
    allocation.refresh_from_db()
    assert claim.status == ClaimStatus.RECONCILED
    assert allocation.paid == Decimal("4640.00") and allocation.committed == 0
    assert_balances_match_payments()
    # The same return again settles nothing twice.
    again = services.apply_bank_return(batch, _return_rows(batch), actor=second)
    assert (again.paid, again.already) == (0, 4)
    allocation.refresh_from_db()
    assert allocation.paid == Decimal("4640.00")
    assert_balances_match_payments()


def test_reconciliation_lists_every_mismatch(claimable):
    from jifu.accounts import services as account_services

    w = claimable.world
    claim = _walk_to_verified(claimable)
    payer = account_services.create_user(
        actor=None,
        username="finance_a2",
        role=Role.COUNTY_FINANCE,
        region=w.user(Role.COUNTY_FINANCE).region,
        password="x" * 12,
    )
    batch = services.create_batch([claim], actor=payer)
    payments = list(batch.payments.order_by("id"))

    def tamper(row, p):
        if p == payments[0]:
            row.amount = p.amount + 1
        elif p == payments[1]:
            row.account = "6200000000000000000"

    rows = _return_rows(batch, override=tamper)[:3]  # the fourth instruction is missing
    rows.append(
        services.ReturnRow(
            row=9, key="NOPE-1", account="6200000000000000001", amount=Decimal("1"), success=True
        )
    )
    summary = services.apply_bank_return(batch, rows, actor=payer)
    kinds = sorted(batch.mismatches.values_list("kind", flat=True))
    assert kinds == ["account", "amount", "missing", "unknown"]
    assert summary.paid == 1
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYING
    assert_balances_match_payments()


def test_steps_cannot_be_skipped_or_taken_by_the_wrong_role(claimable):
    w = claimable.world
    claim = services.submit_class_claim(
        actor=w.user(Role.INSTITUTION), training_class=claimable.classes["a"]
    )
    with pytest.raises(ValidationError, match="不能复核"):
        services.verify(
            claim, actor=w.user(Role.COUNTY_FINANCE), allocation=claimable.allocations["a"]
        )
    with pytest.raises(PermissionDenied):
        services.review(claim, actor=w.user(Role.COUNTY_FINANCE))
    services.review(claim, actor=w.user(Role.COUNTY_HRSS))
    with pytest.raises(ValidationError, match="公示期满后方可复核"):
        services.verify(
            claim, actor=w.user(Role.COUNTY_FINANCE), allocation=claimable.allocations["a"]
        )


def test_the_same_line_cannot_be_claimed_twice(claimable):
    w = claimable.world
    services.submit_class_claim(
        actor=w.user(Role.INSTITUTION), training_class=claimable.classes["a"]
    )
    with pytest.raises(ValidationError, match="没有符合条件的补贴明细"):
        services.submit_class_claim(
            actor=w.user(Role.INSTITUTION), training_class=claimable.classes["a"]
        )
    assert ClaimLine.objects.live().filter(person__name="马文", item="training").count() == 1
    assert Payment.objects.count() == 0


def test_a_returned_claim_frees_its_lines_and_is_computed_again(claimable):
    w = claimable.world
    claim = services.submit_class_claim(
        actor=w.user(Role.INSTITUTION), training_class=claimable.classes["a"]
    )
    services.return_claim(claim, actor=w.user(Role.COUNTY_HRSS), reason="缺少考勤表")
    assert claim.lines.filter(status=LineStatus.REJECTED).count() == 4
    services.resubmit(claim, actor=w.user(Role.INSTITUTION))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.lines.filter(status=LineStatus.PENDING).count() == 4
