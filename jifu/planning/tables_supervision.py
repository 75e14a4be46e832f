import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .choices import ActionKind, VisitStatus
from .models import Action, Highlight, SupervisionVisit

STATUS_BADGE = {
    VisitStatus.OPEN: "warning",
    VisitStatus.RECTIFIED: "info",
    VisitStatus.CLOSED: "success",
}


class VisitTable(BaseTable):
    region = tables.Column(verbose_name=_("被督导县"), accessor="region__name")
    visited_on = tables.Column(verbose_name=_("督导日期"), linkify=True)
    issues = tables.Column(verbose_name=_("发现问题"), orderable=False)
    status = tables.Column(verbose_name=_("状态"))

    class Meta(BaseTable.Meta):
        model = SupervisionVisit
        fields = ("visited_on", "region", "team", "issues", "due", "status", "rectified_on")
        empty_text = _("没有符合条件的督导记录")

    def render_issues(self, value):
        return value if len(value) <= 60 else value[:60] + "…"

    def render_status(self, value, record):
        badge = format_html(
            '<span class="badge text-bg-{}">{}</span>',
            STATUS_BADGE.get(record.status, "secondary"),
            record.get_status_display(),
        )
        if (
            record.status == VisitStatus.OPEN
            and record.due is not None
            and record.due < timezone.localdate()
        ):
            badge += format_html(
                ' <span class="badge text-bg-danger" data-testid="overdue">{}</span>',
                _("逾期"),
            )
        return badge


class ActionTable(BaseTable):
    region = tables.Column(verbose_name=_("区划"), accessor="region__name")
    kind = tables.Column(verbose_name=_("类型"))
    visit = tables.Column(verbose_name=_("关联督导"), linkify=True, default="—")

    class Meta(BaseTable.Meta):
        model = Action
        fields = ("decided_on", "kind", "region", "subject", "reason", "document", "visit")
        empty_text = _("没有表扬或问责记录")

    def render_kind(self, value, record):
        colour = "success" if record.kind == ActionKind.COMMENDATION else "danger"
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', colour, record.get_kind_display()
        )


class HighlightTable(BaseTable):
    title = tables.TemplateColumn(
        verbose_name=_("标题"),
        template_code=(
            '<details><summary class="fw-semibold">{{ record.title }}</summary>'
            '<div class="small mt-1" style="white-space: pre-line">{{ record.body }}</div>'
            "</details>"
        ),
        order_by=("title",),
    )
    region = tables.Column(verbose_name=_("区划"), accessor="region__name")
    submitted_by = tables.Column(verbose_name=_("报送人"), default="—")

    class Meta(BaseTable.Meta):
        model = Highlight
        fields = ("submitted_on", "region", "title", "submitted_by")
        empty_text = _("没有亮点经验")
