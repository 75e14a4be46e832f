import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import AnnualPlan


class PlanTable(BaseTable):
    region = tables.Column(
        verbose_name=_("县"),
        accessor="region__name",
        linkify=lambda record: record.get_absolute_url(),
    )
    lines = tables.Column(verbose_name=_("明细条数"), accessor="line_count", orderable=False)
    wanting = tables.Column(verbose_name=_("有意愿人次"), accessor="wanting_total", orderable=False)
    planned = tables.Column(
        verbose_name=_("计划培训人次"), accessor="planned_total", orderable=False
    )

    class Meta(BaseTable.Meta):
        model = AnnualPlan
        fields = (
            "region",
            "year",
            "status",
            "lines",
            "wanting",
            "planned",
            "drafted_at",
            "submitted_at",
            "approved_at",
        )
        empty_text = _("没有符合条件的年度培训计划")
