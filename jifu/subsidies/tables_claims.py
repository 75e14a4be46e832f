"""Tables of the claim pages (claims, complaints)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import Complaint, SubsidyClaim


class ClaimTable(BaseTable):
    number = tables.Column(verbose_name=_("申领编号"), linkify=True)
    claimant = tables.Column(verbose_name=_("申领单位/人"), empty_values=(), orderable=False)
    training_class = tables.Column(
        verbose_name=_("培训班"), accessor="training_class__code", default="—"
    )
    n_lines = tables.Column(verbose_name=_("明细"), accessor="n_lines", orderable=False)
    total = tables.Column(verbose_name=_("金额(元)"), accessor="total", orderable=False)

    class Meta(BaseTable.Meta):
        model = SubsidyClaim
        fields = (
            "number",
            "kind",
            "claimant",
            "training_class",
            "n_lines",
            "total",
            "status",
            "submitted_at",
        )
        empty_text = _("没有符合条件的补贴申领")

    def render_claimant(self, record):
        if record.institution_id:
            return record.institution.name
        if record.employer_id:
            return record.employer.name
        return _("个人")

    def render_total(self, value):
        return f"{value or 0:,.2f}"


class ComplaintTable(BaseTable):
    claim = tables.Column(verbose_name=_("申领编号"), accessor="line__claim__number")
    person = tables.Column(verbose_name=_("被举报人员"), accessor="line__person__name")
    item = tables.Column(verbose_name=_("补贴项目"), accessor="line", orderable=False)
    action = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = Complaint
        fields = ("claim", "person", "item", "text", "filed_at", "status", "answer", "action")
        empty_text = _("没有举报")

    def render_item(self, record):
        return f"{record.line.get_item_display()} {record.line.amount} 元"

    def render_action(self, record):
        if record.status != "open":
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            reverse("subsidies:complaint_answer", args=[record.pk]),
            _("处理"),
        )
