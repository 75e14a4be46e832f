"""Writes to subsidies: atomic, audited, with the acting user; amounts and
eligibility in ``rules.py``.

The workflow of a claim is 提交 → 县人社局初审 → 公示 → 县财政复核 → 拨付 → 已对账,
with 退回修改 and 不予受理. Each step is taken by the role allowed to take it,
never skipped (the status must be the one before), and one person never takes
two steps of the same claim. Double payment is prevented three times over: a
partial unique index on live claim lines (person, item, period), a unique live
payment per line plus an idempotency key per instruction, and row locks on the
claim, its lines and the allocation during verification and payment.
"""

import uuid
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from jifu.audit import services as audit
from jifu.core import crypto
from jifu.core.bankaccount import ORG_CONTEXT
from jifu.regions.models import Region
from jifu.registry.models import Person

from . import rules
from .choices import (
    ITEM_UNIT,
    ClaimKind,
    ClaimStatus,
    ComplaintStatus,
    LineStatus,
    MismatchKind,
    PayeeKind,
    PaymentStatus,
    SubsidyItem,
)
from .models import (
    ClaimLine,
    Complaint,
    EligibilityRule,
    FundAllocation,
    Mismatch,
    Payment,
    PaymentBatch,
    SubsidyClaim,
    SubsidyStandard,
)

# Functions (lines) -> {line pk: reason} that hold lines back from payment; the
# integrity app registers one (a line touched by an open or confirmed finding).
PAYMENT_BLOCKERS: list = []

PERSON_ACCOUNT_CONTEXT = "person.bank_account"
PAYMENT_ACCOUNT_CONTEXT = "payment.account"


def _refuse(field: str | None, message: str):
    raise ValidationError({field: message} if field else message)


def _require(actor, perm: str) -> None:
    """A user must hold ``perm``; ``actor=None`` is the system itself (migrations, demo data)."""
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied


def publicity_days() -> int:
    return settings.JIFU_PUBLICITY_DAYS


# --- standards, rules, funds ---------------------------------------------------------------------


@transaction.atomic
def save_standard(*, actor, region: Region, **fields) -> SubsidyStandard:
    """Add a standard. Standards are never edited in place: a new one takes effect from a date."""
    _require(actor, "subsidies.add_subsidystandard")
    fields.setdefault("unit", ITEM_UNIT[fields["item"]])
    if fields.get("effective_to") and fields["effective_to"] < fields["effective_from"]:
        _refuse("effective_to", "失效日期不能早于生效日期")
    if fields["amount"] < 0:
        _refuse("amount", "标准不能为负数")
    standard = SubsidyStandard.objects.create(region=region, region_code=region.code, **fields)
    audit.record(
        "create",
        actor=actor,
        obj=standard,
        after={
            "item": standard.item,
            "amount": standard.amount,
            "occupation": standard.occupation_id,
            "level": standard.level,
            "effective_from": standard.effective_from,
        },
    )
    return standard


@transaction.atomic
def end_standard(standard: SubsidyStandard, *, actor, on: date) -> SubsidyStandard:
    _require(actor, "subsidies.change_subsidystandard")
    standard = SubsidyStandard.objects.select_for_update().get(pk=standard.pk)
    if on < standard.effective_from:
        _refuse("effective_to", "失效日期不能早于生效日期")
    before = {"effective_to": standard.effective_to}
    standard.effective_to = on
    standard.save(update_fields=["effective_to"])
    audit.record("update", actor=actor, obj=standard, before=before, after={"effective_to": on})
    return standard


@transaction.atomic
def set_rule(rule: EligibilityRule, *, actor, enabled: bool, limit, message: str):
    _require(actor, "subsidies.change_eligibilityrule")
    rule = EligibilityRule.objects.select_for_update().get(pk=rule.pk)
    before = {"enabled": rule.enabled, "limit": rule.limit, "message": rule.message}
    if rule.limit is not None and limit is None:
        _refuse("limit", "该规则需要限值")
    rule.enabled, rule.limit, rule.message = enabled, limit, message.strip() or rule.message
    rule.save()
    audit.record(
        "update",
        actor=actor,
        obj=rule,
        before=before,
        after={"enabled": rule.enabled, "limit": rule.limit, "message": rule.message},
        object_type="subsidies.eligibilityrule",
        region_code=actor.region.code if actor and actor.region_id else "",
    )
    return rule


@transaction.atomic
def allocate(*, actor, region: Region, **fields) -> FundAllocation:
    _require(actor, "subsidies.add_fundallocation")
    if region.level not in ("province", "prefecture", "county"):
        _refuse("region", "资金只下达到县级及以上区划")
    if fields["amount"] <= 0:
        _refuse("amount", "下达金额须大于零")
    allocation = FundAllocation.objects.create(region=region, region_code=region.code, **fields)
    audit.record(
        "create",
        actor=actor,
        obj=allocation,
        after={"source": allocation.source, "year": allocation.year, "amount": allocation.amount},
    )
    return allocation


# --- computing lines --------------------------------------------------------------------------------


@dataclass
class Refusal:
    person: str
    id_number: str
    item: str
    reason: str


@dataclass
class Computed:
    lines: list[ClaimLine]
    refusals: list[Refusal]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))


def _refusal(person, item, reason) -> Refusal:
    return Refusal(person.name, person.id_number_masked, str(SubsidyItem(item).label), reason)


def compute_class(training_class, *, on: date | None = None, living_payee=PayeeKind.PERSON_BANK):
    """Per-trainee lines of a finished class: the training subsidy of each trainee
    who passed (paid to the institution) and the living allowance of each who
    attended enough (paid to the trainee). Nothing is typed by hand."""
    from jifu.training.choices import ClassStatus, EnrolmentStatus, TrainingType

    on = on or timezone.localdate()
    c = training_class
    if c.status not in (ClassStatus.COMPLETED, ClassStatus.ASSESSED):
        _refuse(None, f"培训班状态为“{c.get_status_display()}”，结业后方可申领")
    book = rules.RuleBook()
    item = (
        SubsidyItem.STARTUP_TRAINING
        if c.training_type == TrainingType.ENTREPRENEURSHIP
        else SubsidyItem.TRAINING
    )
    training_std = rules.standard_for(
        item,
        on=c.start_date,
        region_code=c.place_code,
        occupation=c.occupation,
        level=c.level,
        training_type=c.training_type,
    )
    living_std = rules.standard_for(SubsidyItem.LIVING, on=c.start_date, region_code=c.place_code)
    out = Computed([], [])
    enrolments = (
        c.enrolments.filter(status=EnrolmentStatus.COMPLETED)
        .select_related("person", "person__household", "assessment")
        .prefetch_related("certificates")
        .order_by("id")
    )
    for e in enrolments:
        person = e.person
        problem = rules.poor_labourer_problem(book, person, e.enrolled_on)
        if problem:
            out.refusals.append(_refusal(person, item, problem))
            continue
        # The training subsidy.
        if training_std is None:
            out.refusals.append(_refusal(person, item, "未找到适用的培训补贴标准"))
        else:
            period = (
                "startup"
                if item == SubsidyItem.STARTUP_TRAINING
                else rules.occupation_period(c.occupation, c.level)
            )
            certificate = e.certificates.order_by("issued_on").first()
            certified_on = (
                certificate.issued_on
                if certificate
                else (e.assessment.assessed_on if getattr(e, "assessment", None) else c.end_date)
            )
            pending = sum(
                1
                for line in out.lines
                if line.person_id == person.pk and line.item in rules.COUNTED_PER_YEAR
            )
            problem = (
                rules.passed_problem(book, person, e)
                or rules.per_year_problem(book, person, c.end_date.year, pending)
                or (
                    rules.occupation_level_problems(book, person, item, c.occupation, c.level)
                    if item == SubsidyItem.TRAINING
                    else _once_problem(person, item)
                )
                or rules.claim_window_problem(book, person, certified_on, on)
            )
            if problem:
                out.refusals.append(_refusal(person, item, problem))
            else:
                amount = rules.amount_for(
                    training_std,
                    key_industry=c.occupation.key_industry,
                    label=" ".join(
                        x
                        for x in (
                            c.occupation.name,
                            c.get_level_display() if c.level else "",
                            c.get_training_type_display(),
                        )
                        if x
                    ),
                )
                out.lines.append(
                    ClaimLine(
                        person=person,
                        village_code=person.village_code,
                        item=item,
                        period=period,
                        occupation=c.occupation,
                        level=c.level,
                        year=c.end_date.year,
                        amount=amount.value,
                        rule=amount.rule[:300],
                        standard=training_std,
                        enrolment=e,
                        certificate=certificate,
                        payee_kind=PayeeKind.INSTITUTION,
                    )
                )
        # The living allowance, per day attended.
        if living_std is None:
            continue
        problem = rules.living_problem(book, person, c.end_date.year, e)
        if problem:
            out.refusals.append(_refusal(person, SubsidyItem.LIVING, problem))
            continue
        if not person.bank_account_enc:
            out.refusals.append(
                _refusal(
                    person, SubsidyItem.LIVING, f"{person.name}：实名库中没有银行账号，无法发放"
                )
            )
            continue
        days = e.sessions_present
        amount = rules.amount_for(living_std, quantity=days, label=f"生活费补贴 出勤 {days} 天")
        out.lines.append(
            ClaimLine(
                person=person,
                village_code=person.village_code,
                item=SubsidyItem.LIVING,
                # One slot per class attended; "once a year" is the rule's to count
                # (its limit can be raised), under the person lock.
                period=f"{c.end_date.year}/E{e.pk}",
                year=c.end_date.year,
                quantity=days,
                amount=amount.value,
                rule=amount.rule[:300],
                standard=living_std,
                enrolment=e,
                payee_kind=living_payee,
            )
        )
    return out


def _once_problem(person, item) -> str | None:
    if ClaimLine.objects.live().filter(person=person, item=item).exists():
        return f"{person.name}：已享受过{SubsidyItem(item).label}"
    return None


def compute_person(
    person: Person,
    *,
    item: str,
    enrolment=None,
    appraisal=None,
    on: date | None = None,
    payee_kind=PayeeKind.PERSON_BANK,
) -> Computed:
    """A person's own claim: a skill appraisal, a living allowance, or a training
    the person chose (劳动者自主选择培训机构和项目、按标准领取补贴)."""
    on = on or timezone.localdate()
    book = rules.RuleBook()
    out = Computed([], [])
    if not person.bank_account_enc:
        out.refusals.append(
            _refusal(person, item, f"{person.name}：实名库中没有银行账号，无法发放")
        )
        return out
    if item == SubsidyItem.APPRAISAL:
        if appraisal is None or not appraisal.passed:
            _refuse("appraisal", "请选择一次已通过的职业技能鉴定")
        if appraisal.person_id != person.pk:
            _refuse("appraisal", "所选鉴定不是该人员的")
        std = rules.standard_for(
            item,
            on=appraisal.appraised_on,
            region_code=person.village_code,
            occupation=appraisal.occupation,
            level=appraisal.level,
        )
        problem = (
            rules.poor_labourer_problem(book, person, appraisal.appraised_on)
            or rules.per_year_problem(book, person, appraisal.appraised_on.year)
            or rules.occupation_level_problems(
                book, person, item, appraisal.occupation, appraisal.level
            )
            or rules.claim_window_problem(book, person, appraisal.appraised_on, on)
            or (None if std else "未找到适用的鉴定补贴标准")
        )
        if problem:
            out.refusals.append(_refusal(person, item, problem))
            return out
        amount = rules.amount_for(
            std,
            key_industry=appraisal.occupation.key_industry,
            label=f"{appraisal.occupation.name} {appraisal.get_level_display()} 鉴定",
        )
        out.lines.append(
            ClaimLine(
                person=person,
                village_code=person.village_code,
                item=item,
                period=rules.occupation_period(appraisal.occupation, appraisal.level),
                occupation=appraisal.occupation,
                level=appraisal.level,
                year=appraisal.appraised_on.year,
                amount=amount.value,
                rule=amount.rule[:300],
                standard=std,
                appraisal=appraisal,
                payee_kind=payee_kind,
            )
        )
        return out
    if enrolment is None:
        _refuse("enrolment", "请选择一次培训")
    c = enrolment.training_class
    if enrolment.person_id != person.pk:
        _refuse("enrolment", "所选培训不是该人员的")
    if item == SubsidyItem.LIVING:
        computed = compute_class(c, on=on, living_payee=payee_kind)
        out.lines = [x for x in computed.lines if x.person_id == person.pk and x.item == item]
        out.refusals = [
            r
            for r in computed.refusals
            if r.person == person.name and r.item == str(SubsidyItem(item).label)
        ]
        return out
    if item in (SubsidyItem.TRAINING, SubsidyItem.STARTUP_TRAINING):
        computed = compute_class(c, on=on)
        label = str(SubsidyItem(item).label)
        for line in computed.lines:
            if line.person_id == person.pk and line.item == item:
                line.payee_kind = payee_kind  # the person chose the training: paid to them
                out.lines.append(line)
        out.refusals = [r for r in computed.refusals if r.person == person.name and r.item == label]
        return out
    _refuse("item", "个人申领仅限鉴定补贴、生活费补贴或自主选择培训的培训补贴")


def compute_employer(employer, months) -> Computed:
    """以工代训: one line per employed poor labourer and month, up to the standard's maximum."""
    book = rules.RuleBook()
    out = Computed([], [])
    pending: dict[int, int] = {}
    for wbt in sorted(months, key=lambda m: (m.person_id, m.month)):
        person = wbt.person
        std = rules.standard_for(
            SubsidyItem.WORK_BASED, on=wbt.month, region_code=person.village_code
        )
        problem = (
            (None if wbt.employer_id == employer.pk else "该以工代训记录不属于本单位")
            or rules.poor_labourer_problem(book, person, wbt.month)
            or (None if std else "未找到适用的以工代训补贴标准")
            or rules.work_based_problem(book, person, std, pending.get(person.pk, 0))
        )
        if (
            not problem
            and ClaimLine.objects.live()
            .filter(person=person, item=SubsidyItem.WORK_BASED, period=f"{wbt.month:%Y-%m}")
            .exists()
        ):
            problem = f"{person.name}：{wbt.month:%Y年%m月} 的以工代训补贴已申领"
        if problem:
            out.refusals.append(_refusal(person, SubsidyItem.WORK_BASED, problem))
            continue
        pending[person.pk] = pending.get(person.pk, 0) + 1
        amount = rules.amount_for(std, label=f"以工代训 {wbt.month:%Y年%m月}")
        out.lines.append(
            ClaimLine(
                person=person,
                village_code=person.village_code,
                item=SubsidyItem.WORK_BASED,
                period=f"{wbt.month:%Y-%m}",
                year=wbt.month.year,
                amount=amount.value,
                rule=amount.rule[:300],
                standard=std,
                work_training=wbt,
                payee_kind=PayeeKind.EMPLOYER,
            )
        )
    return out


# --- submitting -------------------------------------------------------------------------------------


def _save_claim(claim: SubsidyClaim, computed: Computed, *, actor) -> SubsidyClaim:
    if not computed.lines:
        reasons = "；".join(r.reason for r in computed.refusals[:5])
        _refuse(None, "没有符合条件的补贴明细" + (f"：{reasons}" if reasons else ""))
    claim.number = f"tmp{uuid.uuid4().hex[:24]}"
    claim.submitted_by = actor
    claim.note = claim.note or ""
    claim.save()
    claim.number = f"BT{claim.region_code[:6]}{timezone.localdate():%Y}{claim.pk:07d}"
    claim.refusals = [asdict(r) for r in computed.refusals]
    claim.save(update_fields=["number", "refusals"])
    for line in computed.lines:
        line.claim = claim
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(computed.lines)
    except IntegrityError:
        # Another claim took the same person, item and period a moment ago.
        _refuse(None, "部分人员的同一补贴刚刚已被其他申领占用，请重新提交")
    audit.record(
        "create",
        actor=actor,
        obj=claim,
        after={
            "kind": claim.kind,
            "lines": len(computed.lines),
            "total": computed.total,
            "refused": len(computed.refusals),
        },
    )
    return claim


def _may_submit(actor) -> None:
    if not actor.has_perm("subsidies.add_subsidyclaim"):
        raise PermissionDenied


def _lock_persons(ids) -> None:
    """Serialise claims for the same people: the eligibility rules count a person's
    live lines (three a year, months of 以工代训…), and two claims checking at the
    same moment must not both see room for one more."""
    list(
        Person.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk").values_list("pk")
    )


def _county_of(code: str) -> Region:
    return Region.objects.get(code=code[:6] + "000000")


@transaction.atomic
def submit_class_claim(
    *, actor, training_class, note: str = "", on: date | None = None
) -> SubsidyClaim:
    """培训机构按班申领: only the class's own institution submits."""
    _may_submit(actor)
    if (
        actor.role == "institution"
        and training_class.institution.credit_code != actor.org_credit_code
    ):
        raise PermissionDenied
    if not training_class.institution.bank_account_enc:
        _refuse(None, "请先由县人社局登记培训机构的收款账户")
    _lock_persons(training_class.enrolments.values_list("person_id", flat=True))
    computed = compute_class(training_class, on=on)
    county = _county_of(training_class.place_code)
    claim = SubsidyClaim(
        kind=ClaimKind.CLASS,
        region=county,
        region_code=county.code,
        institution=training_class.institution,
        training_class=training_class,
        note=note,
    )
    return _save_claim(claim, computed, actor=actor)


@transaction.atomic
def submit_person_claim(
    *, actor, person: Person, item: str, note: str = "", **kwargs
) -> SubsidyClaim:
    """个人申领, filed by the village or county office with the person's documents."""
    _may_submit(actor)
    _lock_persons([person.pk])
    computed = compute_person(person, item=item, **kwargs)
    county = _county_of(person.village_code)
    # Filed under the person's village: the village that filed it keeps seeing it,
    # and every office above (whose prefix the village code starts with) too.
    claim = SubsidyClaim(
        kind=ClaimKind.PERSON, region=county, region_code=person.village_code, note=note
    )
    return _save_claim(claim, computed, actor=actor)


@transaction.atomic
def submit_employer_claim(*, actor, employer, months, note: str = "") -> SubsidyClaim:
    _may_submit(actor)
    months = list(months)
    _lock_persons(m.person_id for m in months)
    if actor.role == "employer" and employer.credit_code != actor.org_credit_code:
        raise PermissionDenied
    if not employer.bank_account_enc:
        _refuse(None, "请先由县人社局登记用人单位的收款账户")
    computed = compute_employer(employer, months)
    county = _county_of(employer.region_code)
    claim = SubsidyClaim(
        kind=ClaimKind.EMPLOYER,
        region=county,
        region_code=county.code,
        employer=employer,
        note=note,
    )
    return _save_claim(claim, computed, actor=actor)


# --- the workflow -------------------------------------------------------------------------------------


def _locked(claim: SubsidyClaim) -> SubsidyClaim:
    return SubsidyClaim.objects.select_for_update().get(pk=claim.pk)


def _in_scope(claim: SubsidyClaim, actor) -> None:
    """The services are called from pages that already scope, but never trust that."""
    if not SubsidyClaim.objects.restrict(actor).filter(pk=claim.pk).exists():
        raise PermissionDenied


def _check_step(claim: SubsidyClaim, *, actor, perm: str, allowed: set, step: str):
    if not actor.has_perm(perm):
        raise PermissionDenied
    _in_scope(claim, actor)
    if claim.status not in allowed:
        _refuse(None, f"申领状态为“{claim.get_status_display()}”，不能{step}")
    earlier = {claim.submitted_by_id, claim.reviewed_by_id, claim.verified_by_id} - {None}
    if actor.pk in earlier:
        _refuse(None, f"同一人不能办理同一申领的两个环节（{step}）")


def _transition(claim, to: str, *, actor, message: str, **fields):
    before = {"status": claim.status}
    claim.status = to
    for key, value in fields.items():
        setattr(claim, key, value)
    claim.save()
    audit.record(
        "update",
        actor=actor,
        obj=claim,
        before=before,
        after={"status": to, **{k: v for k, v in fields.items() if not hasattr(v, "pk")}},
        message=message,
    )
    return claim


@transaction.atomic
def review(
    claim: SubsidyClaim, *, actor, note: str = "", today: date | None = None
) -> SubsidyClaim:
    """县人社局初审 → 公示 for ``JIFU_PUBLICITY_DAYS`` days from today."""
    claim = _locked(claim)
    _check_step(
        claim,
        actor=actor,
        perm="subsidies.review_subsidyclaim",
        allowed={ClaimStatus.SUBMITTED},
        step="初审",
    )
    today = today or timezone.localdate()
    return _transition(
        claim,
        ClaimStatus.PUBLICISING,
        actor=actor,
        message="初审通过，开始公示",
        reviewed_by=actor,
        review_note=note,
        publicity_from=today,
        publicity_until=today + timedelta(days=publicity_days() - 1),
    )


def _release_lines(claim: SubsidyClaim, note: str):
    """Lines of a returned or rejected claim free their (person, item, period) slot."""
    claim.lines.filter(status=LineStatus.PENDING).update(
        status=LineStatus.REJECTED, note=note[:200]
    )


def _check_send_back(claim: SubsidyClaim, *, actor, reason: str, step: str):
    """退回 / 不予受理: the HR office at 初审, the finance bureau during 公示 (before 复核)."""
    if not reason.strip():
        _refuse("reason", f"{step}须说明理由")
    may_review = actor.has_perm("subsidies.review_subsidyclaim")
    may_verify = actor.has_perm("subsidies.verify_subsidyclaim")
    if not (may_review or may_verify):
        raise PermissionDenied
    _in_scope(claim, actor)
    if (may_review and claim.status == ClaimStatus.SUBMITTED) or (
        may_verify and claim.status == ClaimStatus.PUBLICISING
    ):
        return
    _refuse(None, f"申领状态为“{claim.get_status_display()}”，不能{step}")


@transaction.atomic
def return_claim(claim: SubsidyClaim, *, actor, reason: str) -> SubsidyClaim:
    """退回修改: back to the claimant, before the money is set aside; its lines are released."""
    claim = _locked(claim)
    _check_send_back(claim, actor=actor, reason=reason, step="退回")
    _release_lines(claim, f"退回：{reason}")
    return _transition(
        claim, ClaimStatus.RETURNED, actor=actor, message=f"退回修改：{reason}", review_note=reason
    )


@transaction.atomic
def reject_claim(claim: SubsidyClaim, *, actor, reason: str) -> SubsidyClaim:
    """不予受理: the claim ends; its lines are released."""
    claim = _locked(claim)
    _check_send_back(claim, actor=actor, reason=reason, step="不予受理")
    _release_lines(claim, f"不予受理：{reason}")
    return _transition(
        claim, ClaimStatus.REJECTED, actor=actor, message=f"不予受理：{reason}", review_note=reason
    )


@transaction.atomic
def resubmit(claim: SubsidyClaim, *, actor) -> SubsidyClaim:
    """A returned claim is computed afresh by the rules and submitted again."""
    claim = _locked(claim)
    if not actor.has_perm("subsidies.add_subsidyclaim"):
        raise PermissionDenied
    _in_scope(claim, actor)
    if claim.status != ClaimStatus.RETURNED:
        _refuse(None, "只有退回修改的申领可以重新提交")
    _lock_persons(claim.lines.values_list("person_id", flat=True))
    if claim.kind == ClaimKind.CLASS:
        computed = compute_class(claim.training_class)
    elif claim.kind == ClaimKind.EMPLOYER:
        from jifu.employment.models import WorkBasedTraining

        ids = claim.lines.exclude(work_training=None).values_list("work_training_id", flat=True)
        computed = compute_employer(
            claim.employer, WorkBasedTraining.objects.filter(pk__in=list(ids))
        )
    else:
        line = claim.lines.order_by("id").first()
        computed = compute_person(
            line.person,
            item=line.item,
            enrolment=line.enrolment,
            appraisal=line.appraisal,
            payee_kind=line.payee_kind,
        )
    if not computed.lines:
        _refuse(None, "重新计算后没有符合条件的补贴明细")
    for line in computed.lines:
        line.claim = claim
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(computed.lines)
    except IntegrityError:
        _refuse(None, "部分人员的同一补贴已被其他申领占用")
    claim.refusals = [asdict(r) for r in computed.refusals]
    return _transition(
        claim,
        ClaimStatus.SUBMITTED,
        actor=actor,
        message="重新提交",
        submitted_by=actor,
        reviewed_by=None,
        verified_by=None,
        refusals=claim.refusals,
    )


# --- publicity and complaints -------------------------------------------------------------------------


@transaction.atomic
def file_complaint(line: ClaimLine, *, text: str, contact: str = "") -> Complaint:
    """举报 from the public page: holds the line (and the claim's verification) until answered."""
    # Its status now, locked: a verification running at this moment either sees the
    # complaint or has already moved the claim on (and the complaint is refused).
    claim = SubsidyClaim.objects.select_for_update().get(pk=line.claim_id)
    today = timezone.localdate()
    if claim.status != ClaimStatus.PUBLICISING or not (
        claim.publicity_from <= today <= claim.publicity_until
    ):
        _refuse(None, "该申领不在公示期内")
    text = text.strip()
    if len(text) < 5:
        _refuse("text", "请具体说明举报内容（至少 5 个字）")
    contact = contact.strip()[:40]
    complaint = Complaint.objects.create(
        line=line,
        region_code=claim.region_code,
        text=text[:2000],
        contact_enc=crypto.encrypt(contact, context="complaint.contact") if contact else "",
        contact_masked=crypto.mask_phone(contact) if contact else "",
    )
    audit.record("create", obj=complaint, after={"line": line.pk}, message="公示期举报")
    return complaint


@transaction.atomic
def answer_complaint(complaint: Complaint, *, actor, upheld: bool, answer: str) -> Complaint:
    """The county answers: upheld removes the line from the claim, dismissed releases it."""
    if not actor.has_perm("subsidies.review_subsidyclaim"):
        raise PermissionDenied
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not Complaint.objects.restrict(actor).filter(pk=complaint.pk).exists():
        raise PermissionDenied
    if complaint.status != ComplaintStatus.OPEN:
        _refuse(None, "该举报已处理")
    if not answer.strip():
        _refuse("answer", "请填写处理意见")
    complaint.status = ComplaintStatus.UPHELD if upheld else ComplaintStatus.DISMISSED
    complaint.answer, complaint.answered_by, complaint.answered_at = answer, actor, timezone.now()
    complaint.save()
    line = ClaimLine.objects.select_for_update().get(pk=complaint.line_id)
    if upheld and line.status == LineStatus.PENDING:
        line.status, line.note = LineStatus.REJECTED, f"举报属实：{answer}"[:200]
        line.save(update_fields=["status", "note"])
    audit.record(
        "update",
        actor=actor,
        obj=complaint,
        before={"status": ComplaintStatus.OPEN},
        after={"status": complaint.status, "line_status": line.status},
        message=answer[:200],
    )
    return complaint


# --- verification and payment --------------------------------------------------------------------------


@transaction.atomic
def verify(
    claim: SubsidyClaim, *, actor, allocation: FundAllocation, today: date | None = None
) -> SubsidyClaim:
    """县财政复核: after the publicity, with no open complaint, charged to one allocation."""
    claim = _locked(claim)
    _check_step(
        claim,
        actor=actor,
        perm="subsidies.verify_subsidyclaim",
        allowed={ClaimStatus.PUBLICISING},
        step="复核",
    )
    today = today or timezone.localdate()
    if claim.publicity_until is None or today <= claim.publicity_until:
        _refuse(None, f"公示期至 {claim.publicity_until} 止，公示期满后方可复核")
    if Complaint.objects.filter(line__claim=claim, status=ComplaintStatus.OPEN).exists():
        _refuse(None, "有尚未处理的公示举报，处理后方可复核")
    lines = list(
        ClaimLine.objects.select_for_update().filter(claim=claim, status=LineStatus.PENDING)
    )
    if not lines:
        _refuse(None, "没有待核准的明细")
    total = sum((line.amount for line in lines), Decimal("0"))
    allocation = FundAllocation.objects.select_for_update().get(pk=allocation.pk)
    if not claim.region_code.startswith(allocation.region.prefix):
        _refuse("allocation", "所选资金不属于本县或其上级区划")
    if allocation.balance < total:
        _refuse("allocation", f"资金余额 {allocation.balance} 元不足以支付 {total} 元")
    FundAllocation.objects.filter(pk=allocation.pk).update(committed=F("committed") + total)
    ClaimLine.objects.filter(pk__in=[line.pk for line in lines]).update(status=LineStatus.APPROVED)
    return _transition(
        claim,
        ClaimStatus.VERIFIED,
        actor=actor,
        message=f"财政复核通过，核准 {total} 元",
        verified_by=actor,
        allocation=allocation,
    )


def blocked(lines) -> dict[int, str]:
    """line pk → why it is held back from payment (see ``PAYMENT_BLOCKERS``)."""
    held: dict[int, str] = {}
    for blocker in PAYMENT_BLOCKERS:
        for pk, reason in blocker(lines).items():
            held.setdefault(pk, reason)
    return held


def _payee(line: ClaimLine) -> tuple[str, str]:
    """(name, account in clear) of the line's payee; the clear value never leaves this module."""
    claim = line.claim
    if line.payee_kind == PayeeKind.INSTITUTION:
        org = claim.institution or line.enrolment.training_class.institution
        return org.name, crypto.decrypt(
            org.bank_account_enc, context=ORG_CONTEXT
        ) if org.bank_account_enc else ""
    if line.payee_kind == PayeeKind.EMPLOYER:
        org = claim.employer
        return org.name, crypto.decrypt(
            org.bank_account_enc, context=ORG_CONTEXT
        ) if org.bank_account_enc else ""
    person = line.person
    account = (
        crypto.decrypt(person.bank_account_enc, context=PERSON_ACCOUNT_CONTEXT)
        if person.bank_account_enc
        else ""
    )
    return person.name, account


@transaction.atomic
def create_batch(claims, *, actor) -> PaymentBatch:
    """拨付: one payment instruction per approved (or previously failed) line, in one batch.

    Lines are locked and re-read: a line another transaction instructed a moment
    ago is no longer approved and is skipped; the unique index on live payments
    would refuse it anyway.
    """
    if not actor.has_perm("subsidies.pay_subsidyclaim"):
        raise PermissionDenied
    claim_ids = [c.pk for c in claims]
    locked = list(SubsidyClaim.objects.select_for_update().filter(pk__in=claim_ids).order_by("pk"))
    for claim in locked:
        if claim.status not in (ClaimStatus.VERIFIED, ClaimStatus.PAYING, ClaimStatus.PAID):
            _refuse(
                None, f"{claim.number} 状态为“{claim.get_status_display()}”，复核通过后方可拨付"
            )
        if actor.pk in {claim.submitted_by_id, claim.reviewed_by_id, claim.verified_by_id}:
            _refuse(None, f"{claim.number}：同一人不能办理同一申领的两个环节（拨付）")
    lines = list(
        ClaimLine.objects.select_for_update(of=("self",))
        .filter(claim_id__in=claim_ids, status__in=[LineStatus.APPROVED, LineStatus.FAILED])
        .select_related(
            "claim",
            "claim__institution",
            "claim__employer",
            "person",
            "enrolment__training_class__institution",
        )
        .order_by("claim_id", "id")
    )
    if not lines:
        _refuse(None, "没有待支付的明细")
    held = blocked(lines)
    lines = [line for line in lines if line.pk not in held]
    if not lines:
        _refuse(None, "待支付明细均被疑点冻结：" + "；".join(sorted(set(held.values()))[:5]))
    counties = {claim.region.code for claim in locked}
    if len(counties) > 1:
        _refuse(None, "一个支付批次只能包含同一个县的申领")
    for claim in locked:
        _in_scope(claim, actor)
    region_code = locked[0].region.code
    batch = PaymentBatch.objects.create(
        number=f"tmp{uuid.uuid4().hex[:24]}", region_code=region_code, created_by=actor
    )
    batch.number = f"ZF{region_code[:6]}{timezone.localdate():%Y%m%d}{batch.pk:05d}"
    batch.save(update_fields=["number"])
    ring = crypto.get_keyring()
    payments = []
    for line in lines:
        name, account = _payee(line)
        if not account:
            _refuse(None, f"{line}：收款账户未登记")
        attempt = line.payments.count() + 1
        payments.append(
            Payment(
                line=line,
                batch=batch,
                allocation=line.claim.allocation,
                village_code=line.village_code,
                region_code=line.claim.region_code,
                idempotency_key=f"{line.claim.number}-{line.pk}-{attempt}",
                amount=line.amount,
                payee_name=name,
                payee_kind=line.payee_kind,
                account_enc=ring.encrypt(account, PAYMENT_ACCOUNT_CONTEXT),
                account_bidx=ring.blind_index(account, PAYMENT_ACCOUNT_CONTEXT),
                account_masked=crypto.mask_bank_account(account),
            )
        )
    try:
        with transaction.atomic():
            Payment.objects.bulk_create(payments)
    except IntegrityError:
        _refuse(None, "部分明细已有支付指令，不能重复支付")
    ClaimLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        status=LineStatus.INSTRUCTED
    )
    for claim in locked:
        if claim.status == ClaimStatus.VERIFIED:
            claim.paid_by = actor
            _transition(
                claim,
                ClaimStatus.PAYING,
                actor=actor,
                message=f"生成支付批次 {batch.number}",
                paid_by=actor,
            )
    audit.record(
        "create",
        actor=actor,
        obj=batch,
        after={"payments": len(payments), "total": sum((p.amount for p in payments), Decimal("0"))},
    )
    return batch


@dataclass
class ReturnRow:
    """One row of the bank's return file."""

    row: int
    key: str
    account: str
    amount: Decimal | None
    success: bool
    reference: str = ""
    paid_on: date | None = None
    reason: str = ""


@dataclass
class ReturnSummary:
    paid: int = 0
    failed: int = 0
    already: int = 0
    mismatches: int = 0


@transaction.atomic
def apply_bank_return(batch: PaymentBatch, rows: list[ReturnRow], *, actor) -> ReturnSummary:
    """Mark payments paid or failed from the bank's return and reconcile the batch.

    Idempotent: a payment already settled is not settled twice, so importing
    the same return file again changes nothing. Every discrepancy becomes a
    ``Mismatch``: a row for an unknown instruction, an amount or account that
    differs from the instruction (the payment is then not marked paid), an
    instruction the return does not mention, a failure reported by the bank.
    """
    if not actor.has_perm("subsidies.pay_subsidyclaim"):
        raise PermissionDenied
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if not PaymentBatch.objects.restrict(actor).filter(pk=batch.pk).exists():
        raise PermissionDenied
    payments = {
        p.idempotency_key: p
        for p in Payment.objects.select_for_update(of=("self",))
        .filter(batch=batch)
        .select_related("line")
    }
    ring = crypto.get_keyring()
    summary = ReturnSummary()
    batch.mismatches.all().delete()  # a re-import reconciles afresh
    seen = set()
    mismatches = []

    def mismatch(kind, detail, payment=None, row=None):
        mismatches.append(
            Mismatch(
                batch=batch,
                payment=payment,
                kind=kind,
                row=row,
                detail=detail[:300],
                region_code=batch.region_code,
            )
        )

    for r in rows:
        payment = payments.get(r.key)
        if payment is None:
            mismatch(MismatchKind.UNKNOWN, f"指令编号 {r.key} 不在本批次中", row=r.row)
            continue
        seen.add(r.key)
        if r.amount is None or r.amount != payment.amount:
            mismatch(
                MismatchKind.AMOUNT,
                f"{r.key}：指令 {payment.amount} 元，回单 {r.amount} 元",
                payment,
                r.row,
            )
            continue
        if ring.blind_index(r.account, PAYMENT_ACCOUNT_CONTEXT) != payment.account_bidx:
            mismatch(
                MismatchKind.ACCOUNT,
                f"{r.key}：回单账号 {crypto.mask_bank_account(r.account)} 与指令 {payment.account_masked} 不符",
                payment,
                r.row,
            )
            continue
        if payment.status != PaymentStatus.PENDING:
            summary.already += 1
            if payment.status == PaymentStatus.FAILED:
                # Still a failure on record: re-importing must not erase it.
                mismatch(
                    MismatchKind.FAILED,
                    f"{r.key}：银行支付失败 {payment.failure_reason}",
                    payment,
                    r.row,
                )
            continue
        if r.success:
            _settle(payment, r)
            summary.paid += 1
        else:
            payment.status, payment.failure_reason = PaymentStatus.FAILED, r.reason[:200]
            payment.save(update_fields=["status", "failure_reason"])
            ClaimLine.objects.filter(pk=payment.line_id).update(status=LineStatus.FAILED)
            mismatch(MismatchKind.FAILED, f"{r.key}：银行支付失败 {r.reason}", payment, r.row)
            summary.failed += 1
    for key, payment in payments.items():
        if key not in seen and payment.status == PaymentStatus.PENDING:
            mismatch(
                MismatchKind.MISSING,
                f"{key}：回单中没有该指令（{payment.payee_name} {payment.amount} 元）",
                payment,
            )
    Mismatch.objects.bulk_create(mismatches)
    summary.mismatches = len(mismatches)
    batch.returned_at = timezone.now()
    batch.save(update_fields=["returned_at"])
    claim_ids = ClaimLine.objects.filter(payments__batch=batch).values("claim_id")
    # A line paid here may settle a failure in an earlier batch of the same claims.
    touched = PaymentBatch.objects.filter(payments__line__claim_id__in=claim_ids).distinct()
    for other in PaymentBatch.objects.filter(pk__in=touched.values("pk")).order_by("pk"):
        _reconcile_batch(other)
    for claim in SubsidyClaim.objects.select_for_update().filter(pk__in=claim_ids).order_by("pk"):
        _settle_claim(claim, actor=actor)
    audit.record(
        "import",
        actor=actor,
        obj=batch,
        after=asdict(summary),
        message="导入银行回单并对账",
    )
    return summary


def _settle(payment: Payment, r: ReturnRow):
    payment.status, payment.bank_reference = PaymentStatus.PAID, r.reference[:60]
    payment.paid_on = r.paid_on or timezone.localdate()
    payment.save(update_fields=["status", "bank_reference", "paid_on"])
    ClaimLine.objects.filter(pk=payment.line_id).update(status=LineStatus.PAID)
    # From set aside to paid, under the allocation's row lock (taken by update).
    updated = FundAllocation.objects.filter(pk=payment.allocation_id).update(
        committed=F("committed") - payment.amount, paid=F("paid") + payment.amount
    )
    assert updated == 1


def _unresolved(mismatches):
    """Mismatches still open: a bank failure stops counting once its line was paid
    by a later instruction."""
    return mismatches.exclude(kind=MismatchKind.FAILED, payment__line__status=LineStatus.PAID)


def _reconcile_batch(batch: PaymentBatch) -> None:
    payments = Payment.objects.filter(batch=batch)
    settled = (
        not payments.exclude(status=PaymentStatus.PAID)
        .exclude(status=PaymentStatus.FAILED, line__status=LineStatus.PAID)
        .exists()
    )
    reconciled = (
        batch.returned_at is not None
        and settled
        and not _unresolved(batch.mismatches.all()).exists()
    )
    if batch.reconciled != reconciled:
        PaymentBatch.objects.filter(pk=batch.pk).update(reconciled=reconciled)


def _settle_claim(claim: SubsidyClaim, *, actor):
    lines = claim.lines.exclude(status=LineStatus.REJECTED)
    if lines.exclude(status=LineStatus.PAID).exists():
        return
    clean = (
        not _unresolved(Mismatch.objects.filter(payment__line__claim=claim)).exists()
        and not Payment.objects.filter(
            line__claim=claim, batch__reconciled=False, status=PaymentStatus.PAID
        ).exists()
    )
    to = ClaimStatus.RECONCILED if clean else ClaimStatus.PAID
    if claim.status != to:
        _transition(claim, to, actor=actor, message="全部明细已支付" + ("并对账" if clean else ""))


def balances(allocations) -> dict:
    """Totals over allocations: allocated, committed, paid, balance."""
    totals = allocations.aggregate(a=Sum("amount"), c=Sum("committed"), p=Sum("paid"))
    zero = Decimal("0")
    a, c, p = totals["a"] or zero, totals["c"] or zero, totals["p"] or zero
    return {"allocated": a, "committed": c, "paid": p, "balance": a - c - p}
