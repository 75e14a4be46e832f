"""Demo subsidies: the province's standards, payee accounts of the demo
institutions and employers, yearly allocations to each demo county, and a few
claims of the demo county taken through the workflow by the demo logins.

Standards go in through ``services.save_standard`` and the claims through the
subsidy services step by step (submit, 初审, 公示, 复核, 拨付, bank return), so
every amount is computed by the rules and every step audited; accounts and
allocations are plain reference data and go in bulk with one audit event each.

The claim timeline is anchored on ``today`` like the recent cohort of the
employment demo: the publicity period and complaints run against the real clock,
so the publicising claim is publicised now and the finished ones a few weeks ago.
Deterministic for the seed and ``today``.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifu.accounts import services as account_services
from jifu.accounts.models import User
from jifu.accounts.roles import Role
from jifu.audit import services as audit
from jifu.core import crypto
from jifu.core.bankaccount import org_account_fields
from jifu.employment.models import Employer, WorkBasedTraining
from jifu.regions.models import Region
from jifu.subsidies import services
from jifu.subsidies.choices import ClaimKind, ClaimStatus, FundSource, SubsidyItem
from jifu.subsidies.models import FundAllocation, SubsidyClaim, SubsidyStandard
from jifu.training.choices import ClassStatus, TrainingType
from jifu.training.models import Institution, TrainingClass

from . import generator
from .training_data import _common_region

STANDARDS_FROM = date(2018, 9, 1)
FIRST_YEAR = 2018
# Marks the demo's own province standards: a second run finds them and adds nothing.
DEMO_DOCUMENT = "甘人社发〔2018〕演示1号"
PROVINCE = "620000000000"
WAN = Decimal("10000")

# (item, amount, extra fields) of the province-wide standards. Training and
# appraisal depend on the level (5 = 五级/初级工); a class without a level is
# paid the level-free amount, 农业实用技术 its own.
_PROVINCE_STANDARDS = (
    (SubsidyItem.TRAINING, "1000", {}),
    (SubsidyItem.TRAINING, "1200", {"level": 5}),
    (SubsidyItem.TRAINING, "1500", {"level": 4}),
    (SubsidyItem.TRAINING, "1800", {"level": 3}),
    (SubsidyItem.TRAINING, "600", {"training_type": TrainingType.AGRICULTURE}),
    (SubsidyItem.STARTUP_TRAINING, "1000", {}),
    (SubsidyItem.LIVING, "50", {}),
    (SubsidyItem.APPRAISAL, "150", {"level": 5}),
    (SubsidyItem.APPRAISAL, "200", {"level": 4}),
    (SubsidyItem.APPRAISAL, "250", {"level": 3}),
    (SubsidyItem.APPRAISAL, "300", {"level": 2}),
    (SubsidyItem.APPRAISAL, "400", {"level": 1}),
    (SubsidyItem.WORK_BASED, "500", {"max_months": 6}),
)
KEY_INDUSTRY_PCT = Decimal("10")  # 重点产业职业 +10% on the training subsidy
COUNTY_LIVING = Decimal("60")  # the demo county's own living allowance, from 2019
COUNTY_LIVING_FROM = date(2019, 1, 1)

# (source, range in 万元, first year, last year or None) of each county's yearly money.
_SOURCES = (
    (FundSource.CENTRAL, (60, 160), FIRST_YEAR, None),
    (FundSource.PROVINCIAL, (30, 80), FIRST_YEAR, None),
    (FundSource.COUNTY, (5, 20), FIRST_YEAR, None),
    # 涉农整合资金 funded training until poverty was declared over (2020).
    (FundSource.INTEGRATED, (20, 60), FIRST_YEAR, 2020),
    # 以工代训 (2020–2021) was paid from the unemployment insurance fund.
    (FundSource.UNEMPLOYMENT_INSURANCE, (10, 30), 2020, 2021),
)
_BANKS = (
    ("中国农业银行", "622848"),
    ("中国建设银行", "621700"),
    ("中国工商银行", "622202"),
    ("甘肃银行", "621760"),
    ("甘肃省农村信用社", "622329"),
)
_COMPLAINTS = (
    "反映该学员培训期间多次未到课，出勤天数与实际不符，请核实。",
    "该人员家庭已不在本村居住，是否符合补贴条件请核实。",
)
# The states the demo claims are taken to, the most advanced first (the oldest classes).
_STATES = (
    ClaimStatus.RECONCILED,
    ClaimStatus.PAYING,
    ClaimStatus.VERIFIED,
    ClaimStatus.PUBLICISING,
    ClaimStatus.SUBMITTED,
)


@dataclass
class SubsidyResult:
    standards: int = 0
    accounts: int = 0
    allocations: int = 0
    allocated: Decimal = Decimal("0")
    claims: dict[str, int] = field(default_factory=dict)  # status → count
    complaints: int = 0
    batches: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: bool = False  # the demo standards were already there


def demo_county(counties: list[str]) -> str:
    """The county of the demo logins (东乡 when present), as the loader chooses it."""
    return "622926" if "622926" in counties else counties[0]


def build(
    data: generator.DemoData, *, seed: int, with_users: bool = True, today: date | None = None
) -> SubsidyResult:
    today = today or date.today()
    result = SubsidyResult()
    counties = sorted({v.county_code6 for v in data.villages})
    if not counties:
        return result
    if SubsidyStandard.objects.filter(document=DEMO_DOCUMENT).exists():
        result.skipped = True
        result.notes.append(
            "补贴：演示补贴标准已存在，未重复生成 / subsidies: the demo standards exist already; nothing added"
        )
        return result
    rng = random.Random(f"jifu-subsidies-{seed}")
    county6 = demo_county(counties)
    province_user = User.objects.filter(username="demo_province").first() if with_users else None
    with transaction.atomic():
        result.standards = _standards(province_user, county6)
        result.accounts = _accounts(rng, counties)
        result.allocations, result.allocated = _allocations(rng, counties, today)
        audit.record(
            "create",
            object_type="subsidies",
            object_repr="演示补贴数据",
            region_code=_common_region(counties),
            message=f"seed={seed} today={today}",
            after={
                "standards": result.standards,
                "accounts": result.accounts,
                "allocations": result.allocations,
                "allocated": result.allocated,
            },
        )
    actors = _actors(county6) if with_users else None
    if actors is None:
        result.notes.append(
            "补贴：没有演示账号，未生成演示申领 / subsidies: no demo logins, so no demo claims"
        )
        return result
    with transaction.atomic():
        _claims(rng, result, actors, county6, today)
    made = sum(result.claims.values())
    if made < len(_STATES):
        result.notes.append(
            f"补贴：演示县可申领的培训班和以工代训单位不足，只生成了 {made} 件申领 / "
            f"subsidies: only {made} demo claims (too few claimable classes and employers)"
        )
    return result


# --- standards ---------------------------------------------------------------------------------


def _standards(actor, county6: str) -> int:
    province = Region.objects.get(code=PROVINCE)
    n = 0
    for item, amount, extra in _PROVINCE_STANDARDS:
        services.save_standard(
            actor=actor,
            region=province,
            item=item,
            amount=Decimal(amount),
            effective_from=STANDARDS_FROM,
            key_industry_pct=KEY_INDUSTRY_PCT if item == SubsidyItem.TRAINING else None,
            document=DEMO_DOCUMENT,
            **extra,
        )
        n += 1
    # A county's own standard is more specific than the province's and wins there.
    county = Region.objects.get(code=county6.ljust(12, "0"))
    services.save_standard(
        actor=actor,
        region=county,
        item=SubsidyItem.LIVING,
        amount=COUNTY_LIVING,
        effective_from=COUNTY_LIVING_FROM,
        document=f"{county.name}人社发〔2019〕演示3号",
    )
    return n + 1


# --- payee accounts ------------------------------------------------------------------------------


def _account(rng: random.Random, county_name: str) -> tuple[str, str]:
    bank, bin6 = rng.choice(_BANKS)
    digits = bin6 + "".join(str(rng.randrange(10)) for _ in range(13))
    return f"{bank}{county_name}支行", digits


def _accounts(rng: random.Random, counties: list[str]) -> int:
    """A payee account for every demo institution and employer that has none."""
    names = dict(
        Region.objects.filter(
            code__in=[c.ljust(12, "0") for c in counties] + [c[:4].ljust(12, "0") for c in counties]
        ).values_list("code", "name")
    )
    prefectures = {c[:4].ljust(12, "0") for c in counties}
    n = 0
    for model, rows in (
        (
            Institution,
            Institution.objects.filter(bank_account_enc="").order_by("credit_code"),
        ),
        (Employer, Employer.objects.filter(bank_account_enc="").order_by("credit_code")),
    ):
        changed = []
        for org in rows.only("pk", "credit_code", "region_code"):
            code = org.region_code
            if code[:6] not in counties and code not in prefectures:
                continue  # not a demo organisation
            home = names.get(code[:6].ljust(12, "0")) or names.get(code[:4].ljust(12, "0"), "")
            bank_name, digits = _account(rng, home)
            fields = org_account_fields({"bank_name": bank_name, "bank_account": digits})
            for key, value in fields.items():
                setattr(org, key, value)
            changed.append(org)
        model.objects.bulk_update(
            changed, ["bank_name", "bank_account_enc", "bank_account_masked"], batch_size=500
        )
        n += len(changed)
    return n


# --- allocations ---------------------------------------------------------------------------------


def _allocations(rng: random.Random, counties: list[str], today: date) -> tuple[int, Decimal]:
    """Each year's money per county and source, and a province-level reserve."""
    regions = dict(
        Region.objects.filter(
            code__in=[c.ljust(12, "0") for c in counties] + [PROVINCE]
        ).values_list("code", "pk")
    )
    rows = []
    for year in range(FIRST_YEAR, today.year + 1):
        rows.append(
            _allocation(
                rng,
                PROVINCE,
                regions[PROVINCE],
                FundSource.PROVINCIAL,
                year,
                (300, 600),
                f"甘财社〔{year}〕{rng.randint(10, 90)}号（演示）",
                today,
            )
        )
        for county6 in counties:
            code = county6.ljust(12, "0")
            for serial, (source, wan, first, last) in enumerate(_SOURCES, start=1):
                if year < first or (last is not None and year > last):
                    continue
                document = f"{county6}财社〔{year}〕{serial}号（演示）"
                rows.append(
                    _allocation(rng, code, regions[code], source, year, wan, document, today)
                )
    FundAllocation.objects.bulk_create(rows, batch_size=1000)
    return len(rows), sum((r.amount for r in rows), Decimal("0"))


def _allocation(rng, code, region_id, source, year, wan, document, today) -> FundAllocation:
    allocated_on = min(today, date(year, 3, 1) + timedelta(days=rng.randrange(90)))
    return FundAllocation(
        source=source,
        region_id=region_id,
        region_code=code,
        year=year,
        amount=rng.randint(*wan) * WAN,
        document=document,
        allocated_on=allocated_on,
    )


# --- claims ----------------------------------------------------------------------------------------


@dataclass
class _Actors:
    reviewer: User  # 县人社局 初审
    verifier: User  # 县财政局 复核
    payer: User  # 县财政局 拨付: never the verifier of the same claim
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # created here


def _actors(county6: str) -> _Actors | None:
    from .loader import DEMO_PASSWORD

    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    reviewer, verifier = users.get("demo_county_hrss"), users.get("demo_county_finance")
    if reviewer is None or verifier is None:
        return None
    payer, logins = users.get("demo_finance2"), []
    if payer is None:
        county = Region.objects.get(code=county6.ljust(12, "0"))
        payer = account_services.create_user(
            actor=None,
            username="demo_finance2",
            role=Role.COUNTY_FINANCE,
            region=county,
            password=DEMO_PASSWORD,
            full_name="演示县财政局（拨付）",
        )
        logins.append(("demo_finance2", f"{Role.COUNTY_FINANCE.label}（拨付）", county.full_name()))
    return _Actors(reviewer, verifier, payer, logins)


def _org_login(role: str, org) -> tuple[User, bool]:
    """The login of an institution or employer: the loader's, else one made for the demo
    (``True``: made here)."""
    from .loader import DEMO_PASSWORD

    user = User.objects.filter(role=role, org_credit_code=org.credit_code).order_by("pk").first()
    if user is not None:
        return user, False
    n = 2
    while User.objects.filter(username=f"demo_{role}{n}").exists():
        n += 1
    user = account_services.create_user(
        actor=None,
        username=f"demo_{role}{n}",
        role=role,
        region=org.region,
        org_credit_code=org.credit_code,
        password=DEMO_PASSWORD,
        full_name=f"演示{org.name}",
    )
    return user, True


def _claim_day(training_class) -> date:
    """When the institution claims: after the assessment and certificates, within the
    window the rules allow (the demo classes ended in 2018–2020)."""
    return training_class.end_date + timedelta(days=60)


@transaction.atomic
def _submit_class_claim(*, actor, training_class, on: date) -> SubsidyClaim:
    """``services.submit_class_claim`` as of ``on``.

    The service computes the lines as of today; the demo's classes ended years ago,
    so every training subsidy would fall outside the claim window (取证后 12 个月).
    Same checks, same computation, same saving, with the claim's own date.
    """
    institution = training_class.institution
    if actor.role == Role.INSTITUTION and institution.credit_code != actor.org_credit_code:
        raise PermissionDenied
    if not institution.bank_account_enc:
        raise ValidationError("请先由县人社局登记培训机构的收款账户")
    computed = services.compute_class(training_class, on=on)
    county = Region.objects.get(code=training_class.place_code[:6].ljust(12, "0"))
    claim = SubsidyClaim(
        kind=ClaimKind.CLASS,
        region=county,
        region_code=county.code,
        institution=institution,
        training_class=training_class,
    )
    return services._save_claim(claim, computed, actor=actor)


def _candidates(county6: str):
    """What the demo county can claim, oldest class first, class and employer claims
    alternating: (role, organisation, submit(actor) → claim or ValidationError)."""
    classes = list(
        TrainingClass.objects.filter(
            place_code__startswith=county6,
            status__in=[ClassStatus.COMPLETED, ClassStatus.ASSESSED],
            subsidy_claims__isnull=True,
        )
        .select_related("institution", "institution__region", "occupation")
        .order_by("end_date", "code")
    )
    employers = list(
        Employer.objects.filter(region_code__startswith=county6, work_based_training__isnull=False)
        .distinct()
        .select_related("region")
        .order_by("credit_code")
    )

    def class_claim(c):
        return lambda actor: _submit_class_claim(actor=actor, training_class=c, on=_claim_day(c))

    def employer_claim(e):
        months = WorkBasedTraining.objects.filter(employer=e).select_related(
            "person", "person__household"
        )
        return lambda actor: services.submit_employer_claim(actor=actor, employer=e, months=months)

    queue = []
    for i in range(max(len(classes), len(employers))):
        if i < len(classes):
            queue.append((Role.INSTITUTION, classes[i].institution, class_claim(classes[i])))
        if i < len(employers):
            queue.append((Role.EMPLOYER, employers[i], employer_claim(employers[i])))
    return queue


def _return_rows(rng: random.Random, batch, paid_on: date) -> list[services.ReturnRow]:
    """The bank's return file for a batch, every instruction paid as sent."""
    rows = []
    for n, p in enumerate(batch.payments.order_by("id"), start=2):
        rows.append(
            services.ReturnRow(
                row=n,
                key=p.idempotency_key,
                account=crypto.decrypt(p.account_enc, context=services.PAYMENT_ACCOUNT_CONTEXT),
                amount=p.amount,
                success=True,
                reference=f"{paid_on:%Y%m%d}{rng.randrange(10**10):010d}",
                paid_on=paid_on,
            )
        )
    return rows


def _allocation_for(county6: str, year: int) -> FundAllocation:
    return FundAllocation.objects.get(
        region_code=county6.ljust(12, "0"), year=year, source=FundSource.CENTRAL
    )


def _claims(rng: random.Random, result: SubsidyResult, actors: _Actors, county6, today) -> None:
    days = services.publicity_days()
    # Days ago each claim was reviewed: the older, the further along.
    reviewed_ago = {
        ClaimStatus.RECONCILED: 2 * days + 20,
        ClaimStatus.PAYING: 2 * days + 10,
        ClaimStatus.VERIFIED: days + 5,
        ClaimStatus.PUBLICISING: 0,
    }
    states = list(_STATES)
    for role, org, submit in _candidates(county6):
        if not states:
            break
        try:
            with transaction.atomic():
                claimant, made = _org_login(role, org)
                claim = submit(claimant)
        except ValidationError:
            continue  # nothing claimable in it (already claimed, nobody eligible)
        if made:
            actors.logins.append((claimant.username, Role(role).label, org.name))
        state = states.pop(0)
        if state != ClaimStatus.SUBMITTED:
            reviewed = today - timedelta(days=reviewed_ago[state])
            claim = services.review(claim, actor=actors.reviewer, today=reviewed)
        if state == ClaimStatus.PUBLICISING:
            line = claim.lines.order_by("id").first()
            services.file_complaint(
                line, text=rng.choice(_COMPLAINTS), contact=f"139{rng.randrange(10**8):08d}"
            )
            result.complaints += 1
        if state in (ClaimStatus.VERIFIED, ClaimStatus.PAYING, ClaimStatus.RECONCILED):
            verified = reviewed + timedelta(days=days)  # the day after the publicity ends
            claim = services.verify(
                claim,
                actor=actors.verifier,
                allocation=_allocation_for(county6, verified.year),
                today=verified,
            )
        if state in (ClaimStatus.PAYING, ClaimStatus.RECONCILED):
            batch = services.create_batch([claim], actor=actors.payer)
            result.batches += 1
            if state == ClaimStatus.RECONCILED:
                paid_on = verified + timedelta(days=3)
                services.apply_bank_return(
                    batch, _return_rows(rng, batch, paid_on), actor=actors.payer
                )
        claim.refresh_from_db()
        result.claims[claim.status] = result.claims.get(claim.status, 0) + 1
    result.logins = actors.logins
