"""The workflow's guards and the no-double-payment guarantees, through the services.

Each step is its role's and follows the status before it; one person never takes
two steps of a claim; complaints are filed only during publicity and hold the
verification; verification charges an allocation of the claim's county (or
above) with enough balance; returned and rejected claims free their slots;
person and employer claims come to the right amounts and payees; the database
itself refuses a second live line or payment; a failed payment is re-instructed
and paid once. After every service call the allocations still match the payments.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.core import crypto
from jifu.employment import services as employment_services
from jifu.employment.tests.fixtures import place, today
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.models import Person
from jifu.subsidies import services
from jifu.subsidies.choices import (
    ClaimStatus,
    ComplaintStatus,
    LineStatus,
    PayeeKind,
    PaymentStatus,
)
from jifu.subsidies.models import (
    ClaimLine,
    Complaint,
    FundAllocation,
    Payment,
    PaymentBatch,
    SubsidyClaim,
)
from jifu.training import services as training_services
from jifu.training.models import Enrolment, Occupation

from .fixtures import (  # noqa: F401 - pytest fixtures
    ACCOUNTS,
    EMPLOYER_ACCOUNT,
    INSTITUTION_ACCOUNT,
    allocate,
    assert_balances_match_payments,
    claimable_fixture,
)

pytestmark = pytest.mark.django_db

CLASS_TOTAL = Decimal("4640.00")  # 2 × (1320 training + 1000 living)
STATE_CHANGES = (
    "save_standard",
    "end_standard",
    "set_rule",
    "allocate",
    "submit_class_claim",
    "submit_person_claim",
    "submit_employer_claim",
    "review",
    "return_claim",
    "reject_claim",
    "resubmit",
    "file_complaint",
    "answer_complaint",
    "verify",
    "create_batch",
    "apply_bank_return",
)


@pytest.fixture(autouse=True)
def _balances_match_payments_after_every_change(db, monkeypatch):
    """Every write (accepted or refused) leaves the allocations matching the payments."""
    for name in STATE_CHANGES:
        original = getattr(services, name)

        def checked(*args, _original=original, **kwargs):
            try:
                return _original(*args, **kwargs)
            finally:
                assert_balances_match_payments()

        monkeypatch.setattr(services, name, checked)
    yield
    assert_balances_match_payments()


# --- helpers ------------------------------------------------------------------------------


def person(name: str) -> Person:
    return Person.objects.get(name=name)


def colleague(world, role, side="a", n=2):
    """A second user of the same role and county (one person never takes two steps)."""
    first = world.user(role, side)
    return account_services.create_user(
        actor=None,
        username=f"{first.username}{n}",
        role=role,
        region=first.region,
        password="x" * 12,
    )


def after_publicity():
    return today() + timedelta(days=services.publicity_days())


def submit_class(claimable, side="a"):
    w = claimable.world
    return services.submit_class_claim(
        actor=w.user(Role.INSTITUTION, side), training_class=claimable.classes[side]
    )


def publicise(claimable, claim, side="a", **kwargs):
    return services.review(claim, actor=claimable.world.user(Role.COUNTY_HRSS, side), **kwargs)


def verify(claimable, claim, side="a", allocation=None):
    return services.verify(
        claim,
        actor=claimable.world.user(Role.COUNTY_FINANCE, side),
        allocation=allocation or claimable.allocations[side],
        today=after_publicity(),
    )


def verified_class_claim(claimable, side="a"):
    claim = submit_class(claimable, side)
    publicise(claimable, claim, side)
    verify(claimable, claim, side)
    claim.refresh_from_db()
    return claim


def fresh(obj):
    obj.refresh_from_db()
    return obj


def return_rows(batch, *, override=None):
    """The bank's return for every instruction of a batch (all paid unless overridden)."""
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


def appraisal_of(world, name, level=4, code="4-10-01-06"):
    return training_services.record_appraisal(
        actor=world.user(Role.COUNTY_HRSS),
        person=person(name),
        occupation=Occupation.objects.get(code=code),
        level=level,
        on=today() - timedelta(days=20),
        passed=True,
        organisation="临夏州职业技能鉴定中心",
    )


def enrolment_of(claimable, name, side="a"):
    return Enrolment.objects.get(training_class=claimable.classes[side], person__name=name)


def committed(allocation) -> Decimal:
    return fresh(allocation).committed


# --- each step is its role's, from the status before it ---------------------------------------------


def test_review_only_by_the_county_hr_office_and_only_once(claimable):
    w = claimable.world
    claim = submit_class(claimable)
    for role in Role:
        if role != Role.COUNTY_HRSS:
            with pytest.raises(PermissionDenied):
                services.review(claim, actor=w.user(role))
    assert fresh(claim).status == ClaimStatus.SUBMITTED
    publicise(claimable, claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLICISING
    assert claim.publicity_from == today()
    assert claim.publicity_until == today() + timedelta(days=services.publicity_days() - 1)
    with pytest.raises(ValidationError, match="申领状态为“公示中”，不能初审"):
        services.review(claim, actor=colleague(w, Role.COUNTY_HRSS))


def test_verify_only_by_finance_after_the_publicity(claimable):
    w = claimable.world
    allocation = claimable.allocations["a"]
    claim = submit_class(claimable)
    # Not skipped: a submitted claim is not yet publicised.
    with pytest.raises(ValidationError, match="申领状态为“已提交”，不能复核"):
        verify(claimable, claim)
    publicise(claimable, claim)
    for role in Role:
        if role != Role.COUNTY_FINANCE:
            with pytest.raises(PermissionDenied):
                services.verify(
                    claim, actor=w.user(role), allocation=allocation, today=after_publicity()
                )
    with pytest.raises(ValidationError, match="公示期满后方可复核"):
        services.verify(
            claim,
            actor=w.user(Role.COUNTY_FINANCE),
            allocation=allocation,
            today=fresh(claim).publicity_until,
        )
    assert committed(allocation) == 0
    verify(claimable, claim)
    assert fresh(claim).status == ClaimStatus.VERIFIED
    assert committed(allocation) == CLASS_TOTAL
    assert set(claim.lines.values_list("status", flat=True)) == {LineStatus.APPROVED}
    with pytest.raises(ValidationError, match="申领状态为“财政复核通过”，不能复核"):
        services.verify(
            claim,
            actor=colleague(w, Role.COUNTY_FINANCE),
            allocation=allocation,
            today=after_publicity(),
        )
    assert committed(allocation) == CLASS_TOTAL  # charged once


def test_pay_only_by_finance_after_verification(claimable):
    w = claimable.world
    payer = colleague(w, Role.COUNTY_FINANCE)
    claim = submit_class(claimable)
    with pytest.raises(ValidationError, match="复核通过后方可拨付"):
        services.create_batch([claim], actor=payer)
    publicise(claimable, claim)
    with pytest.raises(ValidationError, match="“公示中”，复核通过后方可拨付"):
        services.create_batch([claim], actor=payer)
    verify(claimable, claim)
    for role in Role:
        if role != Role.COUNTY_FINANCE:
            with pytest.raises(PermissionDenied):
                services.create_batch([claim], actor=w.user(role))
    assert not PaymentBatch.objects.exists()
    batch = services.create_batch([claim], actor=payer)
    assert batch.payments.count() == 4
    assert fresh(claim).status == ClaimStatus.PAYING and claim.paid_by == payer
    assert set(claim.lines.values_list("status", flat=True)) == {LineStatus.INSTRUCTED}
    for role in Role:
        if role != Role.COUNTY_FINANCE:
            with pytest.raises(PermissionDenied):
                services.apply_bank_return(batch, return_rows(batch), actor=w.user(role))
    assert not Payment.objects.filter(status=PaymentStatus.PAID).exists()
    services.apply_bank_return(batch, return_rows(batch), actor=payer)
    assert fresh(claim).status == ClaimStatus.RECONCILED
    assert fresh(claimable.allocations["a"]).paid == CLASS_TOTAL


def test_returned_and_rejected_claims_cannot_be_paid_or_verified(claimable):
    w = claimable.world
    payer = colleague(w, Role.COUNTY_FINANCE)
    claim = submit_class(claimable)
    services.return_claim(claim, actor=w.user(Role.COUNTY_HRSS), reason="缺少考勤表")
    with pytest.raises(ValidationError, match="“退回修改”，复核通过后方可拨付"):
        services.create_batch([claim], actor=payer)
    with pytest.raises(ValidationError, match="“退回修改”，不能复核"):
        verify(claimable, claim)
    with pytest.raises(ValidationError, match="“退回修改”，不能初审"):
        publicise(claimable, claim)
    services.resubmit(claim, actor=w.user(Role.INSTITUTION))
    services.reject_claim(claim, actor=w.user(Role.COUNTY_HRSS), reason="材料虚假")
    with pytest.raises(ValidationError, match="“不予受理”，复核通过后方可拨付"):
        services.create_batch([claim], actor=payer)
    with pytest.raises(ValidationError, match="只有退回修改的申领可以重新提交"):
        services.resubmit(claim, actor=w.user(Role.INSTITUTION))
    assert not ClaimLine.objects.live().filter(claim=claim).exists()


def test_return_and_reject_by_whom_and_when(claimable):
    w = claimable.world
    hr, finance = w.user(Role.COUNTY_HRSS), w.user(Role.COUNTY_FINANCE)
    claim = submit_class(claimable)
    for step in (services.return_claim, services.reject_claim):
        with pytest.raises(ValidationError, match="须说明理由"):
            step(claim, actor=hr, reason="  ")
        for role in (Role.INSTITUTION, Role.VILLAGE, Role.PROVINCE, Role.AUDITOR):
            with pytest.raises(PermissionDenied):
                step(claim, actor=w.user(role), reason="理由")
        # At 初审 only the HR office sends a claim back; the finance bureau waits for 公示.
        with pytest.raises(ValidationError, match="“已提交”，不能"):
            step(claim, actor=finance, reason="理由")
    publicise(claimable, claim)
    with pytest.raises(ValidationError, match="“公示中”，不能退回"):
        services.return_claim(claim, actor=hr, reason="理由")
    services.return_claim(claim, actor=finance, reason="公示期发现人员信息有误")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RETURNED
    assert claim.review_note == "公示期发现人员信息有误"
    # After verification nobody sends it back (the money is set aside).
    verified = verified_class_claim(claimable, "b")
    for actor in (w.user(Role.COUNTY_HRSS, "b"), w.user(Role.COUNTY_FINANCE, "b")):
        for step in (services.return_claim, services.reject_claim):
            with pytest.raises(ValidationError, match="“财政复核通过”，不能"):
                step(verified, actor=actor, reason="理由")
    assert fresh(verified).status == ClaimStatus.VERIFIED


def test_only_claimant_roles_submit(claimable):
    """提交 is the claimant's step (training institution, employer, village, county
    HR office): the finance bureau, which verifies and pays, never submits."""
    w = claimable.world
    finance = w.user(Role.COUNTY_FINANCE)
    with pytest.raises(PermissionDenied):
        services.submit_person_claim(
            actor=finance,
            person=person("马文"),
            item="appraisal",
            appraisal=appraisal_of(w, "马文"),
        )
    with pytest.raises(PermissionDenied):
        services.submit_class_claim(actor=finance, training_class=claimable.classes["a"])
    assert not SubsidyClaim.objects.exists()


def test_only_claimant_roles_resubmit(claimable):
    w = claimable.world
    claim = submit_class(claimable)
    services.return_claim(claim, actor=w.user(Role.COUNTY_HRSS), reason="缺少考勤表")
    for role in (Role.COUNTY_FINANCE, Role.AUDITOR, Role.PROVINCE):
        with pytest.raises(PermissionDenied):
            services.resubmit(claim, actor=w.user(role))
    assert fresh(claim).status == ClaimStatus.RETURNED


# --- one person never takes two steps -----------------------------------------------------------


def test_one_person_never_takes_two_steps(claimable):
    w = claimable.world
    hr1, hr2 = w.user(Role.COUNTY_HRSS), colleague(w, Role.COUNTY_HRSS)
    f1, f2 = w.user(Role.COUNTY_FINANCE), colleague(w, Role.COUNTY_FINANCE)
    # The county HR office files a person's claim; the same officer cannot review it.
    claim = services.submit_person_claim(
        actor=hr1, person=person("马文"), item="appraisal", appraisal=appraisal_of(w, "马文")
    )
    with pytest.raises(ValidationError, match="同一人不能办理同一申领的两个环节（初审）"):
        services.review(claim, actor=hr1)
    services.review(claim, actor=hr2)
    # The reviewer moves to the finance bureau: still not the one who verifies.
    hr2 = account_services.update_user(hr2, actor=None, role=Role.COUNTY_FINANCE)
    with pytest.raises(ValidationError, match="同一人不能办理同一申领的两个环节（复核）"):
        services.verify(
            claim, actor=hr2, allocation=claimable.allocations["a"], today=after_publicity()
        )
    services.verify(claim, actor=f1, allocation=claimable.allocations["a"], today=after_publicity())
    with pytest.raises(ValidationError, match="同一人不能办理同一申领的两个环节（拨付）"):
        services.create_batch([claim], actor=f1)
    with pytest.raises(ValidationError, match="同一人不能办理同一申领的两个环节（拨付）"):
        services.create_batch([claim], actor=hr2)
    batch = services.create_batch([claim], actor=f2)
    assert batch.payments.get().amount == Decimal("300.00")
    claim.refresh_from_db()
    assert len({claim.submitted_by_id, claim.reviewed_by_id, claim.verified_by_id}) == 3
    assert claim.paid_by_id not in {
        claim.submitted_by_id,
        claim.reviewed_by_id,
        claim.verified_by_id,
    }


def test_the_submitter_cannot_pay(claimable):
    """The officer who filed a person's claim and later moved to the finance bureau
    cannot pay it: 提交 and 拨付 are two steps of the same claim."""
    w = claimable.world
    hr1 = w.user(Role.COUNTY_HRSS)
    claim = services.submit_person_claim(
        actor=hr1, person=person("马文"), item="appraisal", appraisal=appraisal_of(w, "马文")
    )
    services.review(claim, actor=colleague(w, Role.COUNTY_HRSS))
    verify(claimable, claim)
    hr1 = account_services.update_user(hr1, actor=None, role=Role.COUNTY_FINANCE)
    with pytest.raises(ValidationError, match="同一人不能办理同一申领的两个环节（拨付）"):
        services.create_batch([claim], actor=hr1)
    assert not Payment.objects.exists()


# --- publicity and complaints ---------------------------------------------------------------------


def _line(claim, name="马文", item="living"):
    """The line as the public page loads it, with its claim read from the database."""
    return ClaimLine.objects.get(claim_id=claim.pk, person__name=name, item=item)


def test_complaints_only_during_publicity(claimable):
    w = claimable.world
    claim = submit_class(claimable)
    with pytest.raises(ValidationError, match="该申领不在公示期内"):
        services.file_complaint(_line(claim), text="该学员未实际参加培训")
    publicise(claimable, claim, today=today() + timedelta(days=2))  # publicity not begun yet
    with pytest.raises(ValidationError, match="该申领不在公示期内"):
        services.file_complaint(_line(claim), text="该学员未实际参加培训")

    claim_b = submit_class(claimable, "b")
    publicise(claimable, claim_b, "b")
    with pytest.raises(ValidationError, match="至少 5 个字"):
        services.file_complaint(_line(claim_b, "王永"), text=" 假的 ")
    complaint = services.file_complaint(
        _line(claim_b, "王永"), text="该学员未实际参加培训", contact="13812345678"
    )
    assert complaint.status == ComplaintStatus.OPEN
    assert complaint.region_code == claim_b.region_code
    assert complaint.contact_masked == "138****5678" and "13812345678" not in complaint.contact_enc
    services.answer_complaint(
        complaint, actor=w.user(Role.COUNTY_HRSS, "b"), upheld=False, answer="经核实出勤属实"
    )
    verify(claimable, claim_b, "b")
    with pytest.raises(ValidationError, match="该申领不在公示期内"):
        services.file_complaint(_line(claim_b, "王永"), text="该学员未实际参加培训")

    # A publicity that ended (began ten days ago) takes no more complaints.
    ended = services.submit_person_claim(
        actor=w.user(Role.VILLAGE),
        person=person("妥德"),
        item="appraisal",
        appraisal=appraisal_of(w, "妥德"),
    )
    services.review(ended, actor=w.user(Role.COUNTY_HRSS), today=today() - timedelta(days=10))
    with pytest.raises(ValidationError, match="该申领不在公示期内"):
        services.file_complaint(ended.lines.get(), text="该人员并未参加鉴定")


def test_a_complaint_is_judged_against_the_claim_as_it_is_now(claimable):
    """The line was loaded while the claim was publicised; by the time the complaint
    arrives the claim has been verified. The complaint is refused: it would otherwise
    sit open against a claim whose money is already set aside (and, filed while
    ``verify`` runs, slip past its check for open complaints)."""
    claim = submit_class(claimable)
    publicise(claimable, claim)
    claim = SubsidyClaim.objects.get(pk=claim.pk)
    line = claim.lines.get(person__name="马文", item="living")  # line.claim: as seen now
    verify(claimable, claim)
    assert ClaimLine.objects.get(pk=line.pk).status == LineStatus.APPROVED
    with pytest.raises(ValidationError, match="该申领不在公示期内"):
        services.file_complaint(line, text="马文培训期间在外务工，未参加培训")
    assert not Complaint.objects.exists()


def test_open_complaint_holds_verification_and_upheld_removes_the_line(claimable):
    w = claimable.world
    allocation = claimable.allocations["a"]
    claim = submit_class(claimable)
    publicise(claimable, claim)
    line = _line(claim)
    complaint = services.file_complaint(line, text="马文培训期间在外务工，未参加培训")
    with pytest.raises(ValidationError, match="有尚未处理的公示举报，处理后方可复核"):
        verify(claimable, claim)
    assert fresh(claim).status == ClaimStatus.PUBLICISING and committed(allocation) == 0
    with pytest.raises(PermissionDenied):
        services.answer_complaint(
            complaint, actor=w.user(Role.COUNTY_FINANCE), upheld=True, answer="属实"
        )
    with pytest.raises(ValidationError, match="请填写处理意见"):
        services.answer_complaint(
            complaint, actor=w.user(Role.COUNTY_HRSS), upheld=True, answer=" "
        )
    services.answer_complaint(
        complaint, actor=w.user(Role.COUNTY_HRSS), upheld=True, answer="经核实未参加培训"
    )
    assert fresh(complaint).status == ComplaintStatus.UPHELD
    assert fresh(line).status == LineStatus.REJECTED
    assert line.note == "举报属实：经核实未参加培训"
    with pytest.raises(ValidationError, match="该举报已处理"):
        services.answer_complaint(
            complaint, actor=w.user(Role.COUNTY_HRSS), upheld=False, answer="改判"
        )
    assert fresh(line).status == LineStatus.REJECTED
    # Verification commits the rest only; the removed line is never paid.
    verify(claimable, claim)
    assert committed(allocation) == CLASS_TOTAL - line.amount
    assert fresh(line).status == LineStatus.REJECTED
    assert claim.lines.filter(status=LineStatus.APPROVED).count() == 3
    batch = services.create_batch([claim], actor=colleague(w, Role.COUNTY_FINANCE))
    assert not batch.payments.filter(line=line).exists() and batch.payments.count() == 3
    services.apply_bank_return(
        batch, return_rows(batch), actor=colleague(w, Role.COUNTY_FINANCE, n=3)
    )
    assert fresh(allocation).paid == CLASS_TOTAL - line.amount
    assert fresh(allocation).committed == 0


def test_dismissed_complaint_releases_the_line(claimable):
    w = claimable.world
    claim = submit_class(claimable)
    publicise(claimable, claim)
    line = _line(claim, "韩梅", "training")
    first = services.file_complaint(line, text="韩梅的结业考核成绩有问题")
    second = services.file_complaint(line, text="韩梅的结业考核成绩有问题（再次举报）")
    services.answer_complaint(first, actor=w.user(Role.COUNTY_HRSS), upheld=False, answer="不属实")
    # One complaint still open holds the whole claim.
    with pytest.raises(ValidationError, match="有尚未处理的公示举报"):
        verify(claimable, claim)
    services.answer_complaint(second, actor=w.user(Role.COUNTY_HRSS), upheld=False, answer="不属实")
    assert fresh(line).status == LineStatus.PENDING
    verify(claimable, claim)
    assert fresh(line).status == LineStatus.APPROVED
    assert committed(claimable.allocations["a"]) == CLASS_TOTAL


# --- the allocation charged -----------------------------------------------------------------------


def test_verify_refuses_another_countys_allocation(claimable):
    claim = submit_class(claimable)
    publicise(claimable, claim)
    other = claimable.allocations["b"]
    with pytest.raises(ValidationError, match="所选资金不属于本县或其上级区划"):
        verify(claimable, claim, allocation=other)
    assert fresh(other).balance == other.amount and other.committed == 0
    assert fresh(claimable.allocations["a"]).committed == 0
    assert fresh(claim).status == ClaimStatus.PUBLICISING and claim.allocation is None
    assert set(claim.lines.values_list("status", flat=True)) == {LineStatus.PENDING}


def test_verify_refuses_too_little_balance_and_accepts_the_provinces_money(claimable):
    w = claimable.world
    small = allocate(w, "a", amount=Decimal("1000"))
    claim = submit_class(claimable)
    publicise(claimable, claim)
    with pytest.raises(ValidationError, match="资金余额 1000.00 元不足以支付 4640.00 元"):
        verify(claimable, claim, allocation=small)
    small.refresh_from_db()
    assert (small.committed, small.paid, small.balance) == (0, 0, Decimal("1000.00"))
    assert fresh(claim).status == ClaimStatus.PUBLICISING
    # The look-alike: money allocated to the province (above the county), exactly enough.
    province = services.allocate(
        actor=w.user(Role.PROVINCE),
        region=Region.objects.get(code="620000000000"),
        source="provincial",
        year=today().year,
        amount=CLASS_TOTAL,
        allocated_on=today() - timedelta(days=30),
    )
    verify(claimable, claim, allocation=province)
    province.refresh_from_db()
    assert province.committed == CLASS_TOTAL and province.balance == 0
    assert fresh(claim).allocation == province


def test_two_claims_cannot_overcommit_one_allocation(claimable):
    w = claimable.world
    pot = allocate(w, "a", amount=Decimal("4700"))
    claim = submit_class(claimable)
    other = services.submit_person_claim(
        actor=w.user(Role.VILLAGE),
        person=person("妥德"),
        item="appraisal",
        appraisal=appraisal_of(w, "妥德"),
    )
    for c in (claim, other):
        publicise(claimable, c)
    verify(claimable, claim, allocation=pot)
    with pytest.raises(ValidationError, match="资金余额 60.00 元不足以支付 300.00 元"):
        verify(claimable, other, allocation=pot)
    assert fresh(pot).committed == CLASS_TOTAL
    assert fresh(other).status == ClaimStatus.PUBLICISING


# --- returned and rejected claims free their slots ---------------------------------------------------


def test_a_returned_claim_frees_its_slots_and_resubmits_what_is_left(claimable):
    w = claimable.world
    claim = submit_class(claimable)
    services.return_claim(claim, actor=w.user(Role.COUNTY_HRSS), reason="缺少考勤表")
    assert not ClaimLine.objects.live().filter(claim=claim).exists()
    # While it is back with the institution, 马文 claims his living allowance himself.
    own = services.submit_person_claim(
        actor=w.user(Role.VILLAGE),
        person=person("马文"),
        item="living",
        enrolment=enrolment_of(claimable, "马文"),
    )
    assert own.lines.get().amount == Decimal("1000.00")
    # The resubmitted claim is computed afresh and leaves out the slot now taken.
    services.resubmit(claim, actor=w.user(Role.INSTITUTION))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.reviewed_by is None
    live = {(line.person.name, line.item) for line in claim.lines.live()}
    assert live == {("马文", "training"), ("韩梅", "training"), ("韩梅", "living")}
    assert [r["person"] for r in claim.refusals] == ["马文"]
    assert "生活费补贴每人每年不超过 1 次" in claim.refusals[0]["reason"]
    assert ClaimLine.objects.live().filter(person__name="马文", item="living").count() == 1


def test_a_claim_returned_during_publicity_frees_its_slots(claimable):
    w = claimable.world
    claim = submit_class(claimable)
    publicise(claimable, claim)
    services.return_claim(claim, actor=w.user(Role.COUNTY_FINANCE), reason="公示期发现问题")
    assert set(claim.lines.values_list("status", flat=True)) == {LineStatus.REJECTED}
    again = submit_class(claimable)
    assert again.pk != claim.pk and again.lines.count() == 4


def test_a_rejected_claim_frees_its_slots(claimable):
    w = claimable.world
    claim = submit_class(claimable)
    services.reject_claim(claim, actor=w.user(Role.COUNTY_HRSS), reason="培训班未按计划开班")
    assert fresh(claim).status == ClaimStatus.REJECTED
    assert set(claim.lines.values_list("note", flat=True)) == {"不予受理：培训班未按计划开班"}
    again = submit_class(claimable)
    assert again.lines.filter(status=LineStatus.PENDING).count() == 4
    assert ClaimLine.objects.live().count() == 4


# --- person and employer claims -------------------------------------------------------------------


def _pay(claimable, claim):
    """Review, verify and pay a claim, and import an all-paid bank return."""
    w = claimable.world
    services.review(claim, actor=colleague(w, Role.COUNTY_HRSS, n=claim.pk + 10))
    verify(claimable, claim)
    payer = colleague(w, Role.COUNTY_FINANCE, n=claim.pk + 10)
    batch = services.create_batch([claim], actor=payer)
    services.apply_bank_return(batch, return_rows(batch), actor=payer)
    assert fresh(claim).status == ClaimStatus.RECONCILED
    return batch


def test_person_appraisal_claim_is_paid_to_the_person(claimable):
    w = claimable.world
    claim = services.submit_person_claim(
        actor=w.user(Role.VILLAGE),
        person=person("马文"),
        item="appraisal",
        appraisal=appraisal_of(w, "马文"),
    )
    line = claim.lines.get()
    assert (line.item, line.amount, line.payee_kind) == (
        "appraisal",
        Decimal("300.00"),
        "person_bank",
    )
    assert line.period == "4-10-01-06/4" and line.year == (today() - timedelta(days=20)).year
    assert "标准 300" in line.rule
    payment = _pay(claimable, claim).payments.get()
    assert payment.payee_name == "马文" and payment.amount == Decimal("300.00")
    assert payment.account_masked.endswith(ACCOUNTS["马文"][-4:])
    assert fresh(claimable.allocations["a"]).paid == Decimal("300.00")


def test_person_living_claim_per_day_attended(claimable):
    w = claimable.world
    enrolment = enrolment_of(claimable, "韩梅")
    Enrolment.objects.filter(pk=enrolment.pk).update(sessions_present=17)
    claim = services.submit_person_claim(
        actor=w.user(Role.COUNTY_HRSS),
        person=person("韩梅"),
        item="living",
        enrolment=enrolment,
        payee_kind=PayeeKind.SOCIAL_SECURITY_CARD,
    )
    line = claim.lines.get()
    assert (line.item, line.quantity, line.amount) == ("living", 17, Decimal("850.00"))
    assert line.payee_kind == "sscard"
    payment = _pay(claimable, claim).payments.get()
    assert payment.account_masked.endswith(ACCOUNTS["韩梅"][-4:])
    assert payment.payee_kind == "sscard"


def test_self_chosen_training_is_paid_to_the_person(claimable):
    """劳动者自主选择培训机构和项目: the training subsidy goes to the trainee, not the school."""
    w = claimable.world
    claim = services.submit_person_claim(
        actor=w.user(Role.VILLAGE),
        person=person("马文"),
        item="training",
        enrolment=enrolment_of(claimable, "马文"),
    )
    line = claim.lines.get()
    assert (line.item, line.amount, line.payee_kind) == (
        "training",
        Decimal("1320.00"),
        "person_bank",
    )
    payment = _pay(claimable, claim).payments.get()
    assert payment.payee_name == "马文"
    assert payment.account_masked.endswith(ACCOUNTS["马文"][-4:])
    assert not payment.account_masked.endswith(INSTITUTION_ACCOUNT[-4:])
    # The class claim then leaves 马文's training out: it was paid once, to him.
    class_claim = submit_class(claimable)
    assert not class_claim.lines.filter(person__name="马文", item="training").exists()


def test_a_person_claim_is_for_the_persons_own_training_or_appraisal(claimable):
    w = claimable.world
    with pytest.raises(ValidationError, match="所选培训不是该人员的"):
        services.submit_person_claim(
            actor=w.user(Role.VILLAGE),
            person=person("韩梅"),
            item="living",
            enrolment=enrolment_of(claimable, "马文"),
        )
    with pytest.raises(ValidationError, match="个人申领仅限"):
        services.submit_person_claim(
            actor=w.user(Role.VILLAGE),
            person=person("马文"),
            item="work_based",
            enrolment=enrolment_of(claimable, "马文"),
        )
    failed = training_services.record_appraisal(
        actor=w.user(Role.COUNTY_HRSS),
        person=person("马文"),
        occupation=Occupation.objects.get(code="4-10-01-06"),
        level=4,
        on=today() - timedelta(days=20),
        passed=False,
        organisation="临夏州职业技能鉴定中心",
    )
    with pytest.raises(ValidationError, match="请选择一次已通过的职业技能鉴定"):
        services.submit_person_claim(
            actor=w.user(Role.VILLAGE), person=person("马文"), item="appraisal", appraisal=failed
        )
    assert not SubsidyClaim.objects.exists()


def test_a_person_cannot_claim_someone_elses_appraisal(claimable):
    """韩梅 cannot be paid for 马文's appraisal (and 马文 then again for his own)."""
    w = claimable.world
    his = appraisal_of(w, "马文")
    with pytest.raises(ValidationError):
        services.submit_person_claim(
            actor=w.user(Role.VILLAGE), person=person("韩梅"), item="appraisal", appraisal=his
        )
    assert not ClaimLine.objects.filter(appraisal=his).exists()


def _months(claimable, name, n, *, side="a"):
    """``n`` recorded months of 以工代训 at the side's employer, the latest last month."""
    w = claimable.world
    employer = claimable.employers[side]
    months = [today().replace(day=1) - relativedelta(months=k) for k in range(n, 0, -1)]
    place(w, name, side=side, start=months[0], employer=employer)
    return [
        employment_services.record_work_training(
            actor=w.user(Role.EMPLOYER, side),
            employer=employer,
            person=person(name),
            month=m,
            wage=Decimal("2800"),
        )
        for m in months
    ]


def test_employer_claim_months_are_paid_to_the_employer(claimable):
    w = claimable.world
    months = _months(claimable, "马文", 3)
    claim = services.submit_employer_claim(
        actor=w.user(Role.EMPLOYER), employer=claimable.employers["a"], months=months
    )
    lines = list(claim.lines.order_by("period"))
    assert [line.period for line in lines] == [f"{m.month:%Y-%m}" for m in months]
    assert {(line.item, line.amount, line.payee_kind) for line in lines} == {
        ("work_based", Decimal("500.00"), "employer")
    }
    payments = _pay(claimable, claim).payments.all()
    assert payments.count() == 3
    assert {p.payee_name for p in payments} == {claimable.employers["a"].name}
    assert all(p.account_masked.endswith(EMPLOYER_ACCOUNT[-4:]) for p in payments)
    assert payments.aggregate(s=Sum("amount"))["s"] == Decimal("1500.00")


def test_employer_claims_only_its_own_unclaimed_months(claimable):
    w = claimable.world
    employer_a, employer_b = claimable.employers["a"], claimable.employers["b"]
    theirs = _months(claimable, "王永", 2, side="b")
    with pytest.raises(ValidationError, match="该以工代训记录不属于本单位"):
        services.submit_employer_claim(
            actor=w.user(Role.EMPLOYER), employer=employer_a, months=theirs
        )
    with pytest.raises(PermissionDenied):
        services.submit_employer_claim(
            actor=w.user(Role.EMPLOYER), employer=employer_b, months=theirs
        )
    # 马文 changed jobs mid-month: both employers recorded that month; it is paid once.
    last = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    place(w, "马文", start=last - timedelta(days=40), employer=employer_a)
    place(w, "马文", start=last + timedelta(days=14), employer=employer_b)
    a_row = employment_services.record_work_training(
        actor=w.user(Role.EMPLOYER),
        employer=employer_a,
        person=person("马文"),
        month=last,
        wage=2000,
    )
    b_row = employment_services.record_work_training(
        actor=w.user(Role.EMPLOYER, "b"),
        employer=employer_b,
        person=person("马文"),
        month=last,
        wage=2000,
    )
    services.submit_employer_claim(actor=w.user(Role.EMPLOYER), employer=employer_a, months=[a_row])
    with pytest.raises(ValidationError, match=f"马文：{last:%Y年%m月} 的以工代训补贴已申领"):
        services.submit_employer_claim(
            actor=w.user(Role.EMPLOYER, "b"), employer=employer_b, months=[b_row]
        )
    assert ClaimLine.objects.live().filter(person__name="马文", item="work_based").count() == 1


def test_employer_months_stop_at_the_maximum_across_claims(claimable):
    w = claimable.world
    months = _months(claimable, "马文", 8)
    first = services.submit_employer_claim(
        actor=w.user(Role.EMPLOYER), employer=claimable.employers["a"], months=months[:5]
    )
    second = services.submit_employer_claim(
        actor=w.user(Role.EMPLOYER), employer=claimable.employers["a"], months=months[5:]
    )
    assert first.lines.count() == 5 and second.lines.count() == 1
    assert len(second.refusals) == 2
    total = ClaimLine.objects.live().filter(person__name="马文", item="work_based")
    assert total.count() == 6 and total.aggregate(s=Sum("amount"))["s"] == Decimal("3000.00")


# --- the database refuses a second live line or payment -----------------------------------------------


def _copy(line, claim, **fields):
    values = {
        "claim": claim,
        "person": line.person,
        "village_code": line.village_code,
        "item": line.item,
        "period": line.period,
        "year": line.year,
        "amount": line.amount,
        "rule": "直接写入",
        "standard": line.standard,
        "enrolment": line.enrolment,
        "payee_kind": line.payee_kind,
    }
    values.update(fields)
    return ClaimLine.objects.create(**values)


def test_the_database_refuses_a_second_live_line(claimable):
    claim = submit_class(claimable)
    line = _line(claim)
    county = claim.region
    other = SubsidyClaim.objects.create(
        number="BT-DIRECT-1", kind="person", region=county, region_code=county.code
    )
    for status in (
        LineStatus.PENDING,
        LineStatus.APPROVED,
        LineStatus.INSTRUCTED,
        LineStatus.PAID,
        LineStatus.FAILED,
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            _copy(line, other, status=status)
        with pytest.raises(IntegrityError), transaction.atomic():
            _copy(line, claim, status=status)  # not in the same claim either
    # A rejected line holds no slot; bringing it back to life is refused.
    dead = _copy(line, other, status=LineStatus.REJECTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.filter(pk=dead.pk).update(status=LineStatus.PENDING)
    # Another period (another class, so another "year/enrolment" key) is another slot.
    _copy(line, other, period=f"{line.year + 1}/E0", year=line.year + 1)
    assert ClaimLine.objects.live().filter(person=line.person, item=line.item).count() == 2


def test_the_database_refuses_a_second_live_payment_and_a_reused_key(claimable):
    w = claimable.world
    claim = verified_class_claim(claimable)
    batch = services.create_batch([claim], actor=colleague(w, Role.COUNTY_FINANCE))
    payment = batch.payments.get(line__person__name="马文", line__item="living")

    def second(**fields):
        values = {
            "line": payment.line,
            "batch": batch,
            "allocation": payment.allocation,
            "village_code": payment.village_code,
            "region_code": payment.region_code,
            "idempotency_key": f"{payment.idempotency_key}-X",
            "amount": payment.amount,
            "payee_name": payment.payee_name,
            "payee_kind": payment.payee_kind,
            "account_enc": payment.account_enc,
            "account_bidx": payment.account_bidx,
            "account_masked": payment.account_masked,
        }
        values.update(fields)
        return Payment.objects.create(**values)

    for status in (PaymentStatus.PENDING, PaymentStatus.PAID):
        with pytest.raises(IntegrityError), transaction.atomic():
            second(status=status)
    other_line = batch.payments.exclude(pk=payment.pk).first().line
    with pytest.raises(IntegrityError), transaction.atomic():
        second(
            line=other_line, idempotency_key=payment.idempotency_key, status=PaymentStatus.FAILED
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        second(amount=Decimal("0"), status=PaymentStatus.FAILED)
    # Once the bank refused the first, a new instruction for the line is possible.
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED)
    second(status=PaymentStatus.PENDING)
    assert (
        Payment.objects.filter(line=payment.line).exclude(status=PaymentStatus.FAILED).count() == 1
    )


def test_the_database_refuses_overdrawing_an_allocation(claimable):
    allocation = claimable.allocations["a"]
    with pytest.raises(IntegrityError), transaction.atomic():
        FundAllocation.objects.filter(pk=allocation.pk).update(committed=F("amount") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        FundAllocation.objects.filter(pk=allocation.pk).update(
            committed=F("amount") / 2, paid=F("amount") / 2 + Decimal("0.01")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FundAllocation.objects.filter(pk=allocation.pk).update(paid=-1)
    assert fresh(allocation).balance == allocation.amount


# --- a failed payment is instructed again and paid once -------------------------------------------------


def _failed_once(claimable):
    """A verified class claim whose first batch came back with 马文's living allowance failed."""
    w = claimable.world
    claim = verified_class_claim(claimable)
    payer = colleague(w, Role.COUNTY_FINANCE)
    first = services.create_batch([claim], actor=payer)
    failing = first.payments.get(line__person__name="马文", line__item="living")

    def fail(row, p):
        if p == failing:
            row.success, row.reason, row.reference = False, "账户已销户", ""

    summary = services.apply_bank_return(first, return_rows(first, override=fail), actor=payer)
    assert (summary.paid, summary.failed) == (3, 1)
    return claim, payer, first, failing


def test_a_failed_payment_is_reinstructed_with_a_new_key_and_paid_once(claimable):
    claim, payer, first, failing = _failed_once(claimable)
    allocation = claimable.allocations["a"]
    line = failing.line
    assert fresh(failing).status == PaymentStatus.FAILED
    assert fresh(line).status == LineStatus.FAILED
    allocation.refresh_from_db()
    assert (allocation.paid, allocation.committed) == (CLASS_TOTAL - line.amount, line.amount)
    assert fresh(claim).status == ClaimStatus.PAYING
    assert first.mismatches.get().kind == "failed"

    # The village registers 马文's new card; the new instruction pays it, with a new key.
    new_account = "6228480099999999991"
    protected = registry_services.protect("bank_account", new_account)
    Person.objects.filter(name="马文").update(
        bank_account_enc=protected.enc,
        bank_account_bidx=protected.bidx,
        bank_account_masked=protected.masked,
    )
    second = services.create_batch([claim], actor=payer)
    retry = second.payments.get()
    assert retry.line == line and retry.amount == line.amount
    assert retry.idempotency_key != failing.idempotency_key
    assert retry.idempotency_key == f"{claim.number}-{line.pk}-2"
    assert retry.account_masked.endswith(new_account[-4:])
    assert fresh(line).status == LineStatus.INSTRUCTED
    with pytest.raises(ValidationError, match="没有待支付的明细"):
        services.create_batch([claim], actor=payer)

    services.apply_bank_return(second, return_rows(second), actor=payer)
    allocation.refresh_from_db()
    assert (allocation.paid, allocation.committed) == (CLASS_TOTAL, 0)
    # Imported again, and the first return again (even "corrected" to success by the
    # bank), nothing is paid twice.
    again = services.apply_bank_return(second, return_rows(second), actor=payer)
    assert (again.paid, again.already) == (0, 1)

    def late_success(row, p):
        if p == failing:
            row.success = True

    replay = services.apply_bank_return(
        first, return_rows(first, override=late_success), actor=payer
    )
    assert replay.paid == 0
    allocation.refresh_from_db()
    assert (allocation.paid, allocation.committed) == (CLASS_TOTAL, 0)
    for each in claim.lines.all():
        paid = each.payments.filter(status=PaymentStatus.PAID)
        assert paid.count() == 1 and paid.get().amount == each.amount
        assert each.status == LineStatus.PAID
    assert Payment.objects.filter(line=line).count() == 2
    # Nothing is left to pay (the claim is settled).
    with pytest.raises(ValidationError, match="没有待支付的明细|复核通过后方可拨付"):
        services.create_batch([claim], actor=payer)
    assert_balances_match_payments()


def test_a_claim_repaid_after_a_failure_is_reconciled(claimable):
    """Once the failed line is paid by a second batch and both returns match, the
    claim is 已对账, not left 已拨付 forever."""
    claim, payer, first, failing = _failed_once(claimable)
    second = services.create_batch([claim], actor=payer)
    services.apply_bank_return(second, return_rows(second), actor=payer)
    assert fresh(second).reconciled
    assert set(claim.lines.values_list("status", flat=True)) == {LineStatus.PAID}
    assert fresh(claim).status == ClaimStatus.RECONCILED
