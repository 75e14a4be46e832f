"""Demo subsidy data: the standards the rules find, encrypted payee accounts, money
for every county and year, claims in every state of the workflow whose money
adds up, and the same data for the same seed."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from jifu.accounts.models import User
from jifu.core import crypto
from jifu.core.bankaccount import ORG_CONTEXT
from jifu.demo import loader, subsidy_data
from jifu.employment.models import Employer
from jifu.subsidies import rules, services
from jifu.subsidies.choices import ClaimKind, ClaimStatus, ComplaintStatus, LineStatus
from jifu.subsidies.models import (
    ClaimLine,
    Complaint,
    FundAllocation,
    Mismatch,
    Payment,
    PaymentBatch,
    SubsidyClaim,
    SubsidyStandard,
)
from jifu.subsidies.tests.fixtures import assert_balances_match_payments
from jifu.training.models import Institution, Occupation

# 东乡 (the demo logins' county) and 岷县; this seed gives 东乡 enough to claim.
COUNTIES = ["622926", "621126"]
PERSONS, SEED = 1200, 5
DONGXIANG, MINXIAN = "622926000000", "621126000000"


@pytest.fixture
def demo(db, fast_passwords):
    return loader.build(persons=PERSONS, counties=COUNTIES, seed=SEED)


def _a_village(county: str) -> str:
    from jifu.registry.models import Person

    return Person.objects.filter(village_code__startswith=county[:6]).values_list(
        "village_code", flat=True
    )[0]


def test_standards_in_force(demo):
    assert demo.subsidies.standards == SubsidyStandard.objects.count() == 14
    on = date(2020, 1, 1)
    in_minxian, in_dongxiang = _a_village(MINXIAN), _a_village(DONGXIANG)
    occupation = Occupation.objects.filter(key_industry=False).first()

    def amount(item, region=in_minxian, when=on, **key):
        standard = rules.standard_for(item, on=when, region_code=region, **key)
        return standard.amount if standard else None

    for level, expected in ((5, "1200"), (4, "1500"), (3, "1800"), (None, "1000")):
        assert amount("training", occupation=occupation, level=level) == Decimal(expected)
    assert amount("training", occupation=occupation, training_type="agriculture") == 600
    for level, expected in ((5, 150), (4, 200), (3, 250), (2, 300), (1, 400)):
        assert amount("appraisal", occupation=occupation, level=level) == expected
    assert amount("startup_training", occupation=occupation, training_type="entrepreneurship")
    work = rules.standard_for("work_based", on=on, region_code=in_minxian)
    assert (work.amount, work.max_months, work.unit) == (500, 6, "month")
    training = rules.standard_for("training", on=on, region_code=in_minxian, level=5)
    # 家政服务员 and the like (重点产业): 1200 + 10%.
    key = Occupation.objects.filter(key_industry=True).first()
    uplifted = rules.amount_for(training, key_industry=key.key_industry)
    assert uplifted.value == Decimal("1320.00") and "重点产业上浮 10%" in uplifted.rule
    # The demo county's own living allowance wins there from 2019, not before, not elsewhere.
    assert amount("living") == 50
    assert amount("living", region=in_dongxiang) == 60
    assert amount("living", region=in_dongxiang, when=date(2018, 10, 1)) == 50
    assert amount("living", when=date(2018, 8, 31)) is None  # before the standards


def test_accounts_are_present_and_encrypted(demo):
    orgs = [*Institution.objects.all(), *Employer.objects.all()]
    assert len(orgs) == demo.subsidies.accounts > 0
    clear = set()
    for org in orgs:
        assert org.bank_name and org.bank_account_enc.count("$") == 2
        account = crypto.decrypt(org.bank_account_enc, context=ORG_CONTEXT)
        assert account.isdigit() and len(account) == 19
        assert org.bank_account_masked == crypto.mask_bank_account(account)
        clear.add(account)
    payments = list(Payment.objects.all())
    assert payments
    for p in payments:
        clear.add(crypto.decrypt(p.account_enc, context=services.PAYMENT_ACCOUNT_CONTEXT))
    # No table holds an account in clear, in any column.
    with connection.cursor() as cursor:
        for table in (
            Institution._meta.db_table,
            Employer._meta.db_table,
            Payment._meta.db_table,
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            text = repr(cursor.fetchall())
            assert not any(account in text for account in clear), table


def test_claims_in_every_state(demo):
    claims = list(SubsidyClaim.objects.select_related("training_class", "allocation"))
    states = {c.status for c in claims}
    assert states == {
        ClaimStatus.SUBMITTED,
        ClaimStatus.PUBLICISING,
        ClaimStatus.VERIFIED,
        ClaimStatus.PAYING,
        ClaimStatus.RECONCILED,
    }
    assert demo.subsidies.claims == dict.fromkeys(states, 1)
    assert {c.kind for c in claims} == {ClaimKind.CLASS, ClaimKind.EMPLOYER}
    assert all(c.region_code == DONGXIANG for c in claims)
    today = date.today()
    for c in claims:
        lines = list(c.lines.select_related("standard"))
        assert lines and all(line.amount > 0 and line.standard_id for line in lines)
        steps = [c.submitted_by_id, c.reviewed_by_id, c.verified_by_id, c.paid_by_id]
        taken = [s for s in steps if s is not None]
        assert len(taken) == len(set(taken))  # never one person for two steps
        if c.status == ClaimStatus.SUBMITTED:
            assert c.publicity_from is None and all(x.status == "pending" for x in lines)
        elif c.status == ClaimStatus.PUBLICISING:
            assert c.publicity_from <= today <= c.publicity_until
        else:
            assert c.publicity_until < today and c.allocation.year <= today.year
            assert c.allocation.region_code == DONGXIANG
    # The class claims pay the training subsidy from the standards, not only the living allowance.
    training = ClaimLine.objects.filter(claim__kind=ClaimKind.CLASS, item="training")
    assert training.exists() and all("标准" in line.rule for line in training)
    assert ClaimLine.objects.filter(item="work_based", amount=500).exists()

    reconciled = SubsidyClaim.objects.get(status=ClaimStatus.RECONCILED)
    assert set(reconciled.lines.values_list("status", flat=True)) == {LineStatus.PAID}
    batches = PaymentBatch.objects.filter(payments__line__claim=reconciled).distinct()
    assert [b.reconciled for b in batches] == [True] and not Mismatch.objects.exists()
    paying = SubsidyClaim.objects.get(status=ClaimStatus.PAYING)
    assert set(paying.lines.values_list("status", flat=True)) == {LineStatus.INSTRUCTED}
    assert PaymentBatch.objects.count() == demo.subsidies.batches == 2

    complaint = Complaint.objects.get()
    assert complaint.status == ComplaintStatus.OPEN and demo.subsidies.complaints == 1
    assert complaint.line.claim.status == ClaimStatus.PUBLICISING
    assert complaint.contact_enc and "****" in complaint.contact_masked

    # The logins made for the claims work and are printed.
    payer = User.objects.get(username="demo_finance2")
    assert payer.role == "county_finance" and payer.pk == paying.paid_by_id
    printed = {username for username, _label, _scope in demo.logins}
    assert {"demo_finance2", "demo_county_hrss"} <= printed
    for c in claims:
        assert User.objects.get(pk=c.submitted_by_id).username in printed


def test_balances_match_payments(demo):
    assert_balances_match_payments()
    years = range(subsidy_data.FIRST_YEAR, date.today().year + 1)
    for county in (DONGXIANG, MINXIAN):
        mine = FundAllocation.objects.filter(region_code=county)
        assert set(mine.values_list("year", flat=True)) == set(years)
        assert {"central", "provincial", "county"} <= set(mine.values_list("source", flat=True))
    totals = services.balances(FundAllocation.objects.filter(region_code=DONGXIANG))
    paid = sum(p.amount for p in Payment.objects.filter(status="paid"))
    approved = sum(
        line.amount
        for line in ClaimLine.objects.filter(
            status__in=[LineStatus.APPROVED, LineStatus.INSTRUCTED]
        )
    )
    assert paid > 0 and approved > 0
    assert (totals["paid"], totals["committed"]) == (paid, approved)
    assert totals["balance"] > 0
    assert demo.subsidies.allocated == services.balances(FundAllocation.objects.all())["allocated"]


def _rows(queryset, *fields):
    return sorted(queryset.values_list(*fields), key=repr)


def _accounts():
    return sorted(
        (o.credit_code, o.bank_name, crypto.decrypt(o.bank_account_enc, context=ORG_CONTEXT))
        for model in (Institution, Employer)
        for o in model.objects.exclude(bank_account_enc="")
    )


def _snapshot():
    return {
        "standards": _rows(
            SubsidyStandard.objects,
            "item",
            "region_code",
            "level",
            "training_type",
            "amount",
            "key_industry_pct",
            "max_months",
            "effective_from",
            "document",
        ),
        "accounts": _accounts(),
        "allocations": _rows(
            FundAllocation.objects,
            "region_code",
            "year",
            "source",
            "amount",
            "committed",
            "paid",
            "document",
            "allocated_on",
        ),
        "claims": _rows(
            SubsidyClaim.objects,
            "kind",
            "status",
            "institution__credit_code",
            "employer__credit_code",
            "training_class__code",
            "publicity_from",
            "allocation__document",
            "submitted_by__username",
        ),
        "lines": _rows(
            ClaimLine.objects, "person_id", "item", "period", "amount", "status", "rule"
        ),
        "refusals": sorted(repr(c.refusals) for c in SubsidyClaim.objects.all()),
        "payments": _rows(
            Payment.objects, "payee_name", "account_masked", "amount", "status", "paid_on"
        ),
        "complaints": _rows(Complaint.objects, "text", "contact_masked", "status"),
    }


def _forget_subsidies():
    for model in (Mismatch, Payment, PaymentBatch, Complaint, ClaimLine, SubsidyClaim):
        model.objects.all().delete()
    FundAllocation.objects.all().delete()
    SubsidyStandard.objects.all().delete()
    for model in (Institution, Employer):
        model.objects.update(bank_name="", bank_account_enc="", bank_account_masked="")


def test_same_seed_same_data(db, fast_passwords):
    today = date.today()
    result = loader.build(persons=PERSONS, counties=COUNTIES, seed=SEED)
    first = _snapshot()
    assert first["claims"] and first["payments"]
    # A second run adds nothing.
    rerun = loader.build(persons=PERSONS, counties=COUNTIES, seed=SEED)
    assert rerun.subsidies.skipped and any("演示补贴标准已存在" in n for n in rerun.notes)
    assert _snapshot() == first

    # Without logins: the reference data, and a note instead of claims.
    _forget_subsidies()
    bare = subsidy_data.build(result.data, seed=SEED, with_users=False, today=today)
    assert bare.claims == {} and not SubsidyClaim.objects.exists()
    assert any("未生成演示申领" in n for n in bare.notes)
    assert _snapshot()["allocations"] == [
        (*row[:4], Decimal("0"), Decimal("0"), *row[6:]) for row in first["allocations"]
    ]

    _forget_subsidies()
    again = subsidy_data.build(result.data, seed=SEED, today=today)
    assert not again.skipped and again.claims == result.subsidies.claims
    assert _snapshot() == first
