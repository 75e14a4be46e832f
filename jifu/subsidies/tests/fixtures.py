"""Data for the subsidy tests (import the helpers; ask for the ``claimable`` fixture).

Per test county: the standard registry ledger (马文, 韩梅, 马小, 妥德 in A; 王永 in
B) with bank accounts, the side's institution with a payee account, a class of
家政服务员 that ended 30 days ago whose trainees passed and attended every day,
standards for every item set by the province, and a 2026 allocation per county.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from jifu.accounts.roles import Role
from jifu.core.testing import COUNTY_A, COUNTY_B
from jifu.employment.tests.fixtures import finished_class, import_people, make_employer, today
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.models import Person
from jifu.subsidies import services
from jifu.subsidies.choices import LineStatus, PaymentStatus
from jifu.subsidies.models import ClaimLine, FundAllocation, Payment
from jifu.training import services as training_services
from jifu.training.models import Assessment, Enrolment, Occupation

ACCOUNTS = {
    "马文": "6228480012345678901",
    "韩梅": "6228480012345678902",
    "马小": "6228480012345678903",
    "妥德": "6228480012345678904",
    "王永": "6217000012345678905",
}
INSTITUTION_ACCOUNT = "6222020200012345678"
EMPLOYER_ACCOUNT = "6222020200087654321"
STANDARD_START = date(2018, 1, 1)


def give_accounts():
    """Bank accounts for the standard ledger's people (the ledger has none)."""
    for name, account in ACCOUNTS.items():
        person = Person.objects.get(name=name)
        p = registry_services.protect("bank_account", account)
        Person.objects.filter(pk=person.pk).update(
            bank_account_enc=p.enc, bank_account_bidx=p.bidx, bank_account_masked=p.masked
        )


def set_standards(world):
    province = Region.objects.get(code="620000000000")
    actor = world.user(Role.PROVINCE)
    values = [
        ("training", Decimal("1200"), {}),
        ("startup_training", Decimal("1000"), {}),
        ("living", Decimal("50"), {}),
        ("appraisal", Decimal("300"), {}),
        ("work_based", Decimal("500"), {"max_months": 6}),
    ]
    for item, amount, extra in values:
        services.save_standard(
            actor=actor,
            region=province,
            item=item,
            amount=amount,
            effective_from=STANDARD_START,
            key_industry_pct=Decimal("10") if item == "training" else None,
            **extra,
        )


def allocate(world, side="a", amount=Decimal("100000"), source="central"):
    county = Region.objects.get(code=COUNTY_A if side == "a" else COUNTY_B)
    return services.allocate(
        actor=world.user(Role.COUNTY_FINANCE, side),
        region=county,
        source=source,
        year=today().year,
        amount=amount,
        allocated_on=today() - timedelta(days=100),
        document="甘财社〔2026〕1号",
    )


def pass_all(training_class, on=None):
    """Every completed trainee passed the assessment."""
    for e in Enrolment.objects.filter(training_class=training_class):
        Assessment.objects.update_or_create(
            enrolment=e,
            defaults={"result": "pass", "score": 85, "assessed_on": on or training_class.end_date},
        )


def institution_account(training_class):
    institution = training_class.institution
    training_services.save_institution(
        actor=None,
        credit_code=institution.credit_code,
        occupations=list(institution.occupations.all()),
        region=institution.region,
        name=institution.name,
        kind=institution.kind,
        bank_name="中国农业银行东乡支行",
        bank_account=INSTITUTION_ACCOUNT,
    )
    training_class.institution.refresh_from_db()


@dataclass
class Claimable:
    world: object
    classes: dict
    allocations: dict
    employers: dict


@pytest.fixture(name="claimable")
def claimable_fixture(world):
    import_people()
    give_accounts()
    set_standards(world)
    classes = {}
    for side, names in (("a", ["马文", "韩梅"]), ("b", ["王永"])):
        c = finished_class(world, side, names=names, ended_days_ago=30)
        pass_all(c)
        institution_account(c)
        classes[side] = c
    employers = {side: make_employer(world, side, bank_account=EMPLOYER_ACCOUNT) for side in "ab"}
    return Claimable(
        world=world,
        classes=classes,
        allocations={side: allocate(world, side) for side in "ab"},
        employers=employers,
    )


def occupation(code="4-10-01-06"):
    return Occupation.objects.get(code=code)


def assert_balances_match_payments():
    """Every allocation's paid amount is the sum of its paid payments, its committed
    amount that of its approved lines not yet paid; and never overdrawn."""
    for allocation in FundAllocation.objects.all():
        paid = Payment.objects.filter(allocation=allocation, status=PaymentStatus.PAID).aggregate(
            s=Sum("amount")
        )["s"] or Decimal("0")
        committed = ClaimLine.objects.filter(
            Q(claim__allocation=allocation),
            status__in=[LineStatus.APPROVED, LineStatus.INSTRUCTED, LineStatus.FAILED],
        ).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        assert allocation.paid == paid, allocation
        assert allocation.committed == committed, allocation
        assert allocation.balance >= 0, allocation
