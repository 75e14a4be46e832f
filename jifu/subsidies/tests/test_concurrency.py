"""Twenty requests at once: the money is committed once, each line is instructed
once, a bank return is settled once, and every loser gets a clean refusal
(ValidationError), never an IntegrityError or another 500.

PostgreSQL only: each thread has its own connection and the row locks
(SELECT … FOR UPDATE) are what is tested; SQLite serialises whole-database writes
and cannot show it. CI runs the suite on both databases, so these run there.
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.core import crypto
from jifu.employment.tests.fixtures import today
from jifu.registry.models import Person
from jifu.subsidies import rules, services
from jifu.subsidies.choices import ClaimStatus, ComplaintStatus, LineStatus, PaymentStatus
from jifu.subsidies.models import (
    ClaimLine,
    Complaint,
    EligibilityRule,
    FundAllocation,
    Payment,
    PaymentBatch,
    SubsidyClaim,
)
from jifu.training import services as training_services
from jifu.training.models import Occupation

from .fixtures import (  # noqa: F401 - pytest fixtures
    allocate,
    assert_balances_match_payments,
    claimable_fixture,
)

THREADS = 20
CLASS_TOTAL = Decimal("4640.00")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent transactions on separate connections and row locks "
        "(SQLite serialises all writers); CI runs this file on PostgreSQL",
    ),
    # Threads commit for real; the database is flushed afterwards and serialized
    # rollback restores what migrations loaded (occupations, eligibility rules).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _balances_match_payments_at_the_end():
    yield
    assert_balances_match_payments()


def together(n, call):
    """Run ``call(i)`` in ``n`` threads released at once; each with its own connection.

    Returns (successes, refusals, errors): refusals are ValidationErrors, errors
    anything else (an IntegrityError or a deadlock would be a 500 in the app).
    """
    barrier = threading.Barrier(n, timeout=60)
    outcomes = [None] * n

    def worker(i):
        try:
            connection.ensure_connection()  # connect first, so the calls really overlap
            barrier.wait()
            outcomes[i] = ("ok", call(i))
        except ValidationError as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - every other failure is reported
            outcomes[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (lock wait?)"

    def of(kind):
        return [value for k, value in outcomes if k == kind]

    return of("ok"), of("refused"), of("error")


def described(errors) -> list[str]:
    """Unexpected failures, one line each (a deadlock or IntegrityError is a 500)."""
    return [f"{type(e).__name__}: {' '.join(str(e).split())[:300]}" for e in errors]


def users(world, role, n, side="a"):
    """``n`` users of one role in one county (different people acting at once)."""
    first = world.user(role, side)
    return [
        account_services.create_user(
            actor=None,
            username=f"{first.username}_c{i}",
            role=role,
            region=first.region,
            password="x" * 12,
        )
        for i in range(n)
    ]


def publicised_class_claim(claimable, side="a"):
    w = claimable.world
    claim = services.submit_class_claim(
        actor=w.user(Role.INSTITUTION, side), training_class=claimable.classes[side]
    )
    services.review(claim, actor=w.user(Role.COUNTY_HRSS, side))
    return claim


def after_publicity():
    return today() + timedelta(days=services.publicity_days())


def test_twenty_verifications_commit_the_money_once(claimable):
    claim = publicised_class_claim(claimable)
    allocation = claimable.allocations["a"]
    finance = users(claimable.world, Role.COUNTY_FINANCE, THREADS)

    ok, refused, errors = together(
        THREADS,
        lambda i: services.verify(
            claim, actor=finance[i], allocation=allocation, today=after_publicity()
        ),
    )
    assert described(errors) == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert all("不能复核" in " ".join(e.messages) for e in refused)
    allocation.refresh_from_db()
    assert allocation.committed == CLASS_TOTAL and allocation.paid == 0
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED and claim.verified_by == ok[0].verified_by
    assert set(claim.lines.values_list("status", flat=True)) == {LineStatus.APPROVED}
    assert_balances_match_payments()


def test_twenty_batches_instruct_each_line_once(claimable):
    w = claimable.world
    claim = publicised_class_claim(claimable)
    services.verify(
        claim,
        actor=w.user(Role.COUNTY_FINANCE),
        allocation=claimable.allocations["a"],
        today=after_publicity(),
    )
    payers = users(w, Role.COUNTY_FINANCE, THREADS)

    ok, refused, errors = together(
        THREADS, lambda i: services.create_batch([claim], actor=payers[i])
    )
    assert described(errors) == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert PaymentBatch.objects.count() == 1
    for line in claim.lines.all():
        assert line.payments.count() == 1, line
        assert line.status == LineStatus.INSTRUCTED
    assert Payment.objects.count() == 4
    assert len(set(Payment.objects.values_list("idempotency_key", flat=True))) == 4
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYING
    allocation = FundAllocation.objects.get(pk=claimable.allocations["a"].pk)
    assert allocation.committed == CLASS_TOTAL and allocation.paid == 0
    assert_balances_match_payments()


def test_twenty_imports_of_one_bank_return_pay_once(claimable):
    w = claimable.world
    claim = publicised_class_claim(claimable)
    services.verify(
        claim,
        actor=w.user(Role.COUNTY_FINANCE),
        allocation=claimable.allocations["a"],
        today=after_publicity(),
    )
    payers = users(w, Role.COUNTY_FINANCE, THREADS)
    batch = services.create_batch([claim], actor=payers[0])
    rows = [
        services.ReturnRow(
            row=n,
            key=p.idempotency_key,
            account=crypto.decrypt(p.account_enc, context=services.PAYMENT_ACCOUNT_CONTEXT),
            amount=p.amount,
            success=True,
            reference=f"BANK{n:06d}",
            paid_on=today(),
        )
        for n, p in enumerate(batch.payments.order_by("id"), start=2)
    ]

    ok, refused, errors = together(
        THREADS, lambda i: services.apply_bank_return(batch, rows, actor=payers[i])
    )
    assert described(errors) == [] and refused == []
    assert sorted(s.paid for s in ok) == [0] * (THREADS - 1) + [4]
    allocation = FundAllocation.objects.get(pk=claimable.allocations["a"].pk)
    assert allocation.paid == CLASS_TOTAL and allocation.committed == 0
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 4
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RECONCILED
    assert_balances_match_payments()


def test_two_claims_racing_for_one_allocation_never_overdraw_it(claimable):
    w = claimable.world
    pot = allocate(w, "a", amount=Decimal("4700"))  # enough for one of the two claims
    big = publicised_class_claim(claimable)
    appraisal = training_services.record_appraisal(
        actor=w.user(Role.COUNTY_HRSS),
        person=Person.objects.get(name="妥德"),
        occupation=Occupation.objects.get(code="4-10-01-06"),
        level=4,
        on=today() - timedelta(days=20),
        passed=True,
        organisation="临夏州职业技能鉴定中心",
    )
    small = services.submit_person_claim(
        actor=w.user(Role.VILLAGE),
        person=appraisal.person,
        item="appraisal",
        appraisal=appraisal,
    )
    services.review(small, actor=w.user(Role.COUNTY_HRSS))
    finance = users(w, Role.COUNTY_FINANCE, THREADS)
    claims = [big, small]

    ok, refused, errors = together(
        THREADS,
        lambda i: services.verify(
            claims[i % 2], actor=finance[i], allocation=pot, today=after_publicity()
        ),
    )
    assert described(errors) == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    pot.refresh_from_db()
    assert pot.committed in (CLASS_TOTAL, Decimal("300.00")) and pot.balance >= 0
    assert SubsidyClaim.objects.filter(status=ClaimStatus.VERIFIED).count() == 1


def test_twenty_claims_for_the_same_appraisal_take_one_slot(claimable):
    w = claimable.world
    appraisal = training_services.record_appraisal(
        actor=w.user(Role.COUNTY_HRSS),
        person=Person.objects.get(name="马文"),
        occupation=Occupation.objects.get(code="4-10-01-06"),
        level=4,
        on=today() - timedelta(days=20),
        passed=True,
        organisation="临夏州职业技能鉴定中心",
    )
    ok, refused, errors = together(
        THREADS,
        lambda i: services.submit_person_claim(
            actor=w.user(Role.VILLAGE),
            person=appraisal.person,
            item="appraisal",
            appraisal=appraisal,
        ),
    )
    assert described(errors) == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert ClaimLine.objects.live().filter(person__name="马文", item="appraisal").count() == 1


def test_twenty_claims_at_once_respect_the_yearly_limit(claimable):
    """Twenty appraisals of 马文 (different occupations, one year) claimed at once:
    no more than the configured 3 a year may be live, whatever the timing."""
    w = claimable.world
    ma = Person.objects.get(name="马文")
    day = today() - timedelta(days=20)
    appraisals = [
        training_services.record_appraisal(
            actor=w.user(Role.COUNTY_HRSS),
            person=ma,
            occupation=occupation,
            level=5,
            on=day,
            passed=True,
            organisation="临夏州职业技能鉴定中心",
        )
        for occupation in Occupation.objects.order_by("code")[:THREADS]
    ]
    ok, refused, errors = together(
        THREADS,
        lambda i: services.submit_person_claim(
            actor=w.user(Role.VILLAGE), person=ma, item="appraisal", appraisal=appraisals[i]
        ),
    )
    assert described(errors) == []
    limit = rules.RuleBook().active(rules.MAX_PER_YEAR).limit
    counted = ClaimLine.objects.live().filter(
        person=ma, item__in=rules.COUNTED_PER_YEAR, year=day.year
    )
    assert counted.count() <= limit, f"{counted.count()} subsidised appraisals in {day.year}"
    assert len(ok) == limit and len(refused) == THREADS - limit


def test_a_complaint_racing_a_verification_is_never_left_open_on_a_verified_claim(claimable):
    """Ten publicised claims; for each, a verification and a public complaint arrive
    at the same moment. Either the complaint is in first and holds the verification,
    or the verification is and the complaint is refused: never a verified claim
    (money set aside, on its way to the bank) with an open complaint nobody weighed."""
    w = claimable.world
    services.set_rule(
        EligibilityRule.objects.get(code=rules.MAX_PER_YEAR),
        actor=w.user(Role.PROVINCE),
        enabled=False,
        limit=3,
        message="",
    )
    ma = Person.objects.get(name="马文")
    claims = []
    for occupation in Occupation.objects.order_by("code")[: THREADS // 2]:
        appraisal = training_services.record_appraisal(
            actor=w.user(Role.COUNTY_HRSS),
            person=ma,
            occupation=occupation,
            level=5,
            on=today() - timedelta(days=20),
            passed=True,
            organisation="临夏州职业技能鉴定中心",
        )
        claim = services.submit_person_claim(
            actor=w.user(Role.VILLAGE), person=ma, item="appraisal", appraisal=appraisal
        )
        services.review(claim, actor=w.user(Role.COUNTY_HRSS))
        claims.append(claim)
    finance = users(w, Role.COUNTY_FINANCE, THREADS // 2)
    # The public page has loaded each claim's line before the clock strikes.
    lines = [ClaimLine.objects.get(claim=claim) for claim in claims]

    def act(i):
        k = i // 2
        if i % 2:
            return services.file_complaint(lines[k], text="该人员未参加鉴定，证书系代考")
        # The verification of the day after the publicity; the complaint still counts
        # as filed during it (file_complaint checks the calendar day).
        return services.verify(
            claims[k],
            actor=finance[k],
            allocation=claimable.allocations["a"],
            today=after_publicity(),
        )

    ok, refused, errors = together(THREADS, act)
    open_on_verified = Complaint.objects.filter(
        status=ComplaintStatus.OPEN, line__claim__status=ClaimStatus.VERIFIED
    )
    assert not open_on_verified.exists(), (
        f"{open_on_verified.count()} verified claims carry an open complaint"
    )
    assert described(errors) == []
