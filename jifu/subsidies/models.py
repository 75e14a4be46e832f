"""Subsidies and funds: standards, eligibility rules, allocations, claims, payments.

Nobody is paid twice for the same thing: a claim line holds a (person, item,
period) slot under a partial unique index while it is live; a payment
instruction is unique per line while not failed and carries an idempotency key;
approvals and payments run under row locks. An allocation's committed and paid
amounts can never exceed it (a check constraint, not only Python).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet

from .choices import (
    LIVE_LINE_STATUSES,
    ClaimKind,
    ClaimStatus,
    ComplaintStatus,
    FundSource,
    LineStatus,
    MismatchKind,
    PayeeKind,
    PaymentStatus,
    SubsidyItem,
    Unit,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class SubsidyStandard(models.Model):
    """补贴标准: an amount for an item, in a region and below, from a date.

    The most specific standard wins: the deepest region, then one naming the
    occupation, the level, the training type; then the latest effective date.
    """

    item = models.CharField(_("补贴项目"), max_length=20, choices=SubsidyItem.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("适用区划代码"), max_length=12, db_index=True)
    occupation = models.ForeignKey(
        "training.Occupation",
        verbose_name=_("职业(工种)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("不填则适用于所有职业"),
    )
    level = models.PositiveSmallIntegerField(_("等级"), null=True, blank=True)
    training_type = models.CharField(_("培训类型"), max_length=20, blank=True)
    amount = models.DecimalField(_("标准"), **MONEY)
    unit = models.CharField(_("单位"), max_length=8, choices=Unit.choices)
    # 重点产业职业需求指导目录: a percentage or a fixed amount on top.
    key_industry_pct = models.DecimalField(
        _("重点产业上浮比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    key_industry_amount = models.DecimalField(
        _("重点产业上浮金额(元)"), null=True, blank=True, **MONEY
    )
    max_months = models.PositiveSmallIntegerField(
        _("最长补贴月数"), null=True, blank=True, help_text=_("以工代训")
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    document = models.CharField(_("政策文号"), max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"
    # Reference data: every office reads every standard (a county's own, the province's).
    scope_everyone = True

    class Meta:
        ordering = ["item", "region_code", "-effective_from"]
        verbose_name = _("补贴标准")
        verbose_name_plural = _("补贴标准")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="standard_amount_positive"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="standard_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_item_display()} {self.amount}{self.get_unit_display()}"

    def get_absolute_url(self):
        return reverse("subsidies:standard_list") + f"?item={self.item}"


class EligibilityRule(models.Model):
    """One configurable eligibility rule: on or off, its limit, its message.

    The logic lives in ``rules.py`` keyed by ``code``; the province edits the
    rest. ``{limit}`` in the message is replaced by the limit.
    """

    code = models.CharField(_("规则编码"), max_length=40, unique=True)
    name = models.CharField(_("规则"), max_length=100)
    enabled = models.BooleanField(_("启用"), default=True)
    limit = models.PositiveSmallIntegerField(_("限值"), null=True, blank=True)
    message = models.CharField(_("不符合时的提示"), max_length=200)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = None
    scope_everyone = True

    class Meta:
        ordering = ["id"]
        verbose_name = _("补贴资格规则")
        verbose_name_plural = _("补贴资格规则")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("subsidies:rule_list")


class FundAllocation(models.Model):
    """资金: one year's allocation from one source to one region.

    ``committed`` is set aside by approved claims, ``paid`` left with the bank;
    a constraint keeps their sum within ``amount``.
    """

    source = models.CharField(_("资金来源"), max_length=30, choices=FundSource.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("下达金额"), **MONEY)
    committed = models.DecimalField(_("已核准待支付"), default=Decimal("0"), **MONEY)
    paid = models.DecimalField(_("已支付"), default=Decimal("0"), **MONEY)
    document = models.CharField(_("资金文号"), max_length=100, blank=True)
    allocated_on = models.DateField(_("下达日期"))

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-year", "region_code", "source"]
        verbose_name = _("资金下达")
        verbose_name_plural = _("资金下达")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(paid__gte=0), name="allocation_use_positive"
            ),
            # The balance can never go below zero, whatever writes to the table.
            models.CheckConstraint(
                condition=Q(amount__gte=F("committed") + F("paid")), name="allocation_not_overdrawn"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_source_display()} {self.document or self.region_code}"

    def get_absolute_url(self):
        return reverse("subsidies:fund_list") + f"?year={self.year}"

    @property
    def balance(self) -> Decimal:
        return self.amount - self.committed - self.paid


class SubsidyClaim(models.Model):
    """补贴申领: a set of lines for one class, person or employer, and its workflow."""

    number = models.CharField(_("申领编号"), max_length=30, unique=True)
    kind = models.CharField(_("申领类型"), max_length=10, choices=ClaimKind.choices)
    # The county whose offices review, publicise, verify and pay the claim.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("受理县"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("受理县代码"), max_length=12, db_index=True)
    institution = models.ForeignKey(
        "training.Institution",
        verbose_name=_("培训机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_claims",
    )
    employer = models.ForeignKey(
        "employment.Employer",
        verbose_name=_("用人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_claims",
    )
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("培训班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_claims",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    note = models.TextField(_("说明"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    publicity_from = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_until = models.DateField(_("公示截止"), null=True, blank=True)
    allocation = models.ForeignKey(
        FundAllocation,
        verbose_name=_("列支资金"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    # Trainees the rules left out, and why: [{"person", "id_number" (masked), "item", "reason"}].
    refusals = models.JSONField(_("未纳入人员及原因"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"
    scope_org_field = ("institution__credit_code", "employer__credit_code")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("补贴申领")
        verbose_name_plural = _("补贴申领")
        permissions = [
            ("review_subsidyclaim", "县人社局初审"),
            ("verify_subsidyclaim", "县财政复核"),
            ("pay_subsidyclaim", "拨付"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("subsidies:claim_detail", args=[self.pk])


class ClaimLineQuerySet(RestrictedQuerySet):
    def live(self):
        return self.filter(status__in=LIVE_LINE_STATUSES)


class ClaimLine(models.Model):
    """One beneficiary's amount in a claim, with the rule that set it."""

    claim = models.ForeignKey(
        SubsidyClaim, verbose_name=_("补贴申领"), on_delete=models.CASCADE, related_name="lines"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="subsidy_lines",
    )
    village_code = models.CharField(_("所在村代码"), max_length=12, db_index=True)
    item = models.CharField(_("补贴项目"), max_length=20, choices=SubsidyItem.choices)
    # What the person is paid for, once: "4-10-01-06/5" (occupation/level) for
    # training and appraisal, "2026" (year) for the living allowance,
    # "2026-03" (month) for 以工代训, "startup" for start-up training.
    period = models.CharField(_("补贴期间/对象"), max_length=40)
    # The occupation and level a training or appraisal subsidy is for (queried by
    # the integrity rules: "not a lower level after a higher one").
    occupation = models.ForeignKey(
        "training.Occupation",
        verbose_name=_("职业(工种)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("等级"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("补贴年度"))
    quantity = models.DecimalField(_("数量"), max_digits=8, decimal_places=2, default=1)
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    rule = models.CharField(_("计算依据"), max_length=300)
    standard = models.ForeignKey(
        SubsidyStandard, verbose_name=_("补贴标准"), on_delete=models.PROTECT, related_name="+"
    )
    enrolment = models.ForeignKey(
        "training.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "training.Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appraisal = models.ForeignKey(
        "training.Appraisal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    work_training = models.ForeignKey(
        "employment.WorkBasedTraining",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payee_kind = models.CharField(_("收款账户类型"), max_length=12, choices=PayeeKind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=LineStatus.choices, default=LineStatus.PENDING
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ClaimLineQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = ("claim__institution__credit_code", "claim__employer__credit_code")

    class Meta:
        ordering = ["claim", "id"]
        verbose_name = _("申领明细")
        verbose_name_plural = _("申领明细")
        constraints = [
            # Never paid twice: one live line per person, item and period, across all claims.
            models.UniqueConstraint(
                fields=["person", "item", "period"],
                condition=Q(status__in=LIVE_LINE_STATUSES),
                name="one_live_line_per_person_item_period",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="line_amount_positive"),
        ]

    def __str__(self):
        return f"{self.claim.number} · {self.person.name} · {self.get_item_display()}"

    def get_absolute_url(self):
        return self.claim.get_absolute_url()


class Complaint(models.Model):
    """举报 against one publicised line; an open one holds the claim's verification."""

    line = models.ForeignKey(
        ClaimLine, verbose_name=_("申领明细"), on_delete=models.CASCADE, related_name="complaints"
    )
    region_code = models.CharField(_("受理县代码"), max_length=12, db_index=True)
    text = models.TextField(_("举报内容"))
    contact_enc = models.TextField(_("联系方式（密文）"), blank=True)
    contact_masked = models.CharField(_("联系方式"), max_length=40, blank=True)
    filed_at = models.DateTimeField(_("举报时间"), auto_now_add=True)
    status = models.CharField(
        _("处理状态"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    answer = models.TextField(_("处理意见"), blank=True)
    answered_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("公示举报")
        verbose_name_plural = _("公示举报")

    def __str__(self):
        return f"{self.line} · {self.get_status_display()}"

    def get_absolute_url(self):
        return self.line.claim.get_absolute_url()


class PaymentBatch(models.Model):
    """One bank batch file of payment instructions, and what the bank returned."""

    number = models.CharField(_("批次号"), max_length=30, unique=True)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    returned_at = models.DateTimeField(_("回单导入时间"), null=True, blank=True)
    reconciled = models.BooleanField(_("已对账"), default=False)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("支付批次")
        verbose_name_plural = _("支付批次")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("subsidies:batch_detail", args=[self.pk])


class Payment(models.Model):
    """支付指令 for one claim line: payee, account, amount, idempotency key, outcome."""

    line = models.ForeignKey(
        ClaimLine, verbose_name=_("申领明细"), on_delete=models.PROTECT, related_name="payments"
    )
    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("支付批次"), on_delete=models.PROTECT, related_name="payments"
    )
    allocation = models.ForeignKey(
        FundAllocation,
        verbose_name=_("列支资金"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    village_code = models.CharField(_("所在村代码"), max_length=12, db_index=True)
    region_code = models.CharField(_("受理县代码"), max_length=12, db_index=True)
    # Sent to the bank with the instruction; the bank refuses a key it has seen.
    idempotency_key = models.CharField(_("指令编号"), max_length=40, unique=True)
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    payee_name = models.CharField(_("收款人"), max_length=100)
    payee_kind = models.CharField(_("收款账户类型"), max_length=12, choices=PayeeKind.choices)
    account_enc = models.TextField(_("收款账号（密文）"))
    account_bidx = models.CharField(_("收款账号索引"), max_length=80, db_index=True)
    account_masked = models.CharField(_("收款账号"), max_length=40)
    status = models.CharField(
        _("状态"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    bank_reference = models.CharField(_("银行流水号"), max_length=60, blank=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"
    scope_org_field = (
        "line__claim__institution__credit_code",
        "line__claim__employer__credit_code",
    )

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = _("支付指令")
        verbose_name_plural = _("支付指令")
        constraints = [
            # One instruction per line unless the bank refused the earlier one.
            models.UniqueConstraint(
                fields=["line"],
                condition=~Q(status=PaymentStatus.FAILED),
                name="one_live_payment_per_line",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return self.idempotency_key

    def get_absolute_url(self):
        return self.batch.get_absolute_url()


class Mismatch(models.Model):
    """One discrepancy found when the bank's return file was reconciled."""

    batch = models.ForeignKey(
        PaymentBatch,
        verbose_name=_("支付批次"),
        on_delete=models.CASCADE,
        related_name="mismatches",
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="mismatches"
    )
    kind = models.CharField(_("差异类型"), max_length=10, choices=MismatchKind.choices)
    row = models.PositiveIntegerField(_("回单行号"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=300)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = _("对账差异")
        verbose_name_plural = _("对账差异")

    def __str__(self):
        return f"{self.batch} {self.get_kind_display()}"

    def get_absolute_url(self):
        return self.batch.get_absolute_url()
