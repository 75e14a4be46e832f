import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable
from jifu.training.choices import SkillLevel, TrainingType

from .choices import PaymentStatus
from .models import (
    EligibilityRule,
    FundAllocation,
    Mismatch,
    Payment,
    PaymentBatch,
    SubsidyStandard,
)

# --- payments ---

PAYMENT_STATUS_CSS = {
    PaymentStatus.PENDING: "secondary",
    PaymentStatus.PAID: "success",
    PaymentStatus.FAILED: "danger",
}


class PaymentBatchTable(BaseTable):
    number = tables.Column(verbose_name=_("批次号"), linkify=True)
    region = tables.Column(verbose_name=_("区划"), accessor="region_name", default="—")
    created_by = tables.Column(verbose_name=_("经办人"), accessor="created_by__username")
    payment_count = tables.Column(verbose_name=_("笔数"))
    total = tables.Column(verbose_name=_("金额(元)"), attrs={"td": {"class": "text-end"}})
    paid_count = tables.Column(verbose_name=_("已支付"))
    failed_count = tables.Column(verbose_name=_("支付失败"))
    mismatch_count = tables.Column(verbose_name=_("对账差异"))

    class Meta(BaseTable.Meta):
        model = PaymentBatch
        fields = (
            "number",
            "region",
            "created_at",
            "created_by",
            "payment_count",
            "total",
            "paid_count",
            "failed_count",
            "mismatch_count",
            "returned_at",
            "reconciled",
        )
        empty_text = _("没有支付批次")

    def render_total(self, value):
        # SQLite's SUM drops the scale of a decimal: always show cents.
        return format(value, ".2f")

    def render_mismatch_count(self, value):
        if not value:
            return "0"
        return format_html('<span class="badge text-bg-warning">{}</span>', value)


class PaymentTable(BaseTable):
    """The instructions of a batch. Accounts are shown masked: the full one is only in the bank file."""

    idempotency_key = tables.Column(
        verbose_name=_("指令编号"), attrs={"td": {"class": "font-monospace"}}
    )
    account_masked = tables.Column(
        verbose_name=_("收款账号"), attrs={"td": {"class": "font-monospace"}}
    )
    amount = tables.Column(verbose_name=_("金额(元)"), attrs={"td": {"class": "text-end"}})
    claim = tables.Column(
        verbose_name=_("申领编号"),
        accessor="line__claim__number",
        linkify=lambda record: record.line.claim.get_absolute_url(),
    )
    item = tables.Column(
        verbose_name=_("补贴项目"), accessor="line__get_item_display", orderable=False
    )
    status = tables.Column(verbose_name=_("状态"))

    class Meta(BaseTable.Meta):
        model = Payment
        fields = (
            "idempotency_key",
            "payee_name",
            "payee_kind",
            "account_masked",
            "amount",
            "claim",
            "item",
            "status",
            "bank_reference",
            "paid_on",
            "failure_reason",
        )
        empty_text = _("该批次没有支付指令")

    def render_status(self, record):
        css = PAYMENT_STATUS_CSS.get(record.status, "secondary")
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', css, record.get_status_display()
        )


class MismatchTable(BaseTable):
    kind = tables.Column(verbose_name=_("差异类型"))
    payment = tables.Column(
        verbose_name=_("指令编号"), accessor="payment__idempotency_key", default="—"
    )

    class Meta(BaseTable.Meta):
        model = Mismatch
        fields = ("kind", "row", "payment", "detail")
        empty_text = _("没有对账差异")
        orderable = False

    def render_kind(self, record):
        return format_html(
            '<span class="badge text-bg-warning" data-kind="{}">{}</span>',
            record.kind,
            record.get_kind_display(),
        )


# --- funds and standards ---


def _fund_money(value) -> str:
    """1234567.5 → 1,234,567.50 (grouped, two decimals)."""
    from django.template.defaultfilters import floatformat

    return floatformat(value, "2g")


class _FundMoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return _fund_money(value)


class AllocationTable(BaseTable):
    region = tables.Column(verbose_name=_("区划"), accessor="region__name", order_by="region_code")
    amount = _FundMoneyColumn(verbose_name=_("下达金额(元)"))
    committed = _FundMoneyColumn(verbose_name=_("已核准待支付(元)"))
    paid = _FundMoneyColumn(verbose_name=_("已支付(元)"))
    # Annotated by the view (amount − committed − paid), so that it sorts in the database.
    remaining = _FundMoneyColumn(verbose_name=_("余额(元)"))

    class Meta(BaseTable.Meta):
        model = FundAllocation
        fields = (
            "year",
            "region",
            "source",
            "amount",
            "committed",
            "paid",
            "remaining",
            "document",
            "allocated_on",
        )
        empty_text = _("没有符合条件的资金下达")


class StandardTable(BaseTable):
    region = tables.Column(
        verbose_name=_("适用区划"), accessor="region__name", order_by="region_code"
    )
    occupation = tables.Column(
        verbose_name=_("职业(工种)"), accessor="occupation__name", default=_("所有职业")
    )
    level = tables.Column(verbose_name=_("等级"), default=_("不限"))
    training_type = tables.Column(verbose_name=_("培训类型"), default=_("不限"))
    amount = tables.Column(verbose_name=_("标准"), attrs={"td": {"class": "text-end text-nowrap"}})
    uplift = tables.Column(
        verbose_name=_("重点产业上浮"),
        accessor="key_industry_pct",
        empty_values=(),
        orderable=False,
    )
    max_months = tables.Column(verbose_name=_("最长补贴月数"), default="—")
    # Both dates in one column: the page is wide enough for the amounts that way.
    effective = tables.Column(
        verbose_name=_("有效期"),
        accessor="effective_from",
        order_by=("effective_from", "effective_to"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    state = tables.Column(verbose_name=_("状态"), empty_values=(), orderable=False)
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = SubsidyStandard
        fields = (
            "item",
            "region",
            "occupation",
            "level",
            "training_type",
            "amount",
            "uplift",
            "max_months",
            "effective",
            "document",
            "state",
            "actions",
        )
        empty_text = _("没有符合条件的补贴标准")

    def before_render(self, request):
        if not request.user.has_perm("subsidies.change_subsidystandard"):
            self.columns.hide("actions")

    def render_level(self, value):
        return SkillLevel(value).label

    def render_training_type(self, value):
        return TrainingType(value).label

    def render_amount(self, record):
        return f"{_fund_money(record.amount)} {record.get_unit_display()}"

    def render_uplift(self, record):
        if record.key_industry_pct:
            return f"{record.key_industry_pct.normalize():f}%"
        if record.key_industry_amount:
            return f"{_fund_money(record.key_industry_amount)} {record.get_unit_display()}"
        return "—"

    def render_effective(self, record):
        start = f"{record.effective_from:%Y-%m-%d}"
        if record.effective_to is None:
            return format_html("{} {}", start, _("起"))
        return format_html("{} {} {}", start, _("至"), f"{record.effective_to:%Y-%m-%d}")

    def render_state(self, record):
        from django.utils import timezone

        today = timezone.localdate()
        if record.effective_from > today:
            css, label = "info", _("未生效")
        elif record.effective_to is not None and record.effective_to < today:
            css, label = "secondary", _("已失效")
        else:
            css, label = "success", _("现行")
        return format_html('<span class="badge text-bg-{}">{}</span>', css, label)

    def render_actions(self, record):
        links = []
        if record.effective_to is None:
            links.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
                    reverse("subsidies:standard_end", args=[record.pk]),
                    _("设定失效"),
                )
            )
        links.append(
            format_html(
                '<a class="btn btn-sm btn-outline-secondary" href="{}?copy={}">{}</a>',
                reverse("subsidies:standard_add"),
                record.pk,
                _("复制"),
            )
        )
        return format_html(
            '<span class="d-flex flex-wrap gap-1">{}</span>',
            format_html_join("", "{}", ((link,) for link in links)),
        )


class RuleTable(BaseTable):
    code = tables.Column(
        verbose_name=_("规则编码"), attrs={"td": {"class": "font-monospace small"}}
    )
    enabled = tables.Column(verbose_name=_("启用"))
    limit = tables.Column(verbose_name=_("限值"), default="—")
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = EligibilityRule
        fields = ("name", "code", "enabled", "limit", "message", "actions")
        empty_text = _("没有资格规则")

    def before_render(self, request):
        if not request.user.has_perm("subsidies.change_eligibilityrule"):
            self.columns.hide("actions")

    def render_enabled(self, value):
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("启用"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("停用"))

    def render_actions(self, record):
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            reverse("subsidies:rule_edit", args=[record.pk]),
            _("修改"),
        )
