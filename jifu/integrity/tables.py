import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import Finding, ScanRun


class FindingTable(BaseTable):
    id = tables.Column(verbose_name=_("编号"), linkify=True)
    severity = tables.Column(verbose_name=_("严重程度"))

    class Meta(BaseTable.Meta):
        model = Finding
        fields = ("id", "rule", "severity", "detail", "status", "last_seen", "present")
        empty_text = _("没有疑点")

    def render_severity(self, record):
        css = {"high": "danger", "medium": "warning", "low": "secondary"}[record.severity]
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', css, record.get_severity_display()
        )


class ScanTable(BaseTable):
    class Meta(BaseTable.Meta):
        model = ScanRun
        fields = ("started_at", "region_code", "trigger", "found", "new", "seconds")
        empty_text = _("尚未扫描")
