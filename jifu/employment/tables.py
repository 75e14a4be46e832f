import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import (
    Employer,
    FollowUp,
    JobPost,
    LabourBrand,
    LabourExportProgram,
    Placement,
    Startup,
    WorkBasedTraining,
)


class EmployerTable(BaseTable):
    name = tables.Column(verbose_name=_("单位名称"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Employer
        fields = ("name", "credit_code", "kind", "industry", "province", "contact_name", "status")
        empty_text = _("没有符合条件的用人单位")


class JobTable(BaseTable):
    title = tables.Column(verbose_name=_("岗位名称"), linkify=True)
    employer = tables.Column(verbose_name=_("用人单位"), accessor="employer__name")

    class Meta(BaseTable.Meta):
        model = JobPost
        fields = (
            "title",
            "employer",
            "place",
            "location",
            "wage_min",
            "wage_max",
            "headcount",
            "posted_on",
            "closes_on",
            "status",
        )
        empty_text = _("没有符合条件的岗位")


class PlacementTable(BaseTable):
    person = tables.Column(
        verbose_name=_("姓名"),
        accessor="person__name",
        linkify=lambda record: record.get_absolute_url(),
    )
    id_number = tables.Column(
        verbose_name=_("身份证号码"), accessor="person__id_number_masked", orderable=False
    )
    training_class = tables.Column(
        verbose_name=_("关联班级编号"), accessor="training_class__code", default="—"
    )

    class Meta(BaseTable.Meta):
        model = Placement
        fields = (
            "person",
            "id_number",
            "employer_name",
            "start_date",
            "end_date",
            "place",
            "province",
            "monthly_wage",
            "has_contract",
            "channel",
            "training_class",
            "status",
        )
        empty_text = _("没有符合条件的就业登记")


class FollowUpTable(BaseTable):
    person = tables.Column(verbose_name=_("姓名"), accessor="placement__person__name")
    village = tables.Column(
        verbose_name=_("村"), accessor="placement__person__household__village__name"
    )
    employer = tables.Column(verbose_name=_("用人单位"), accessor="placement__employer_name")
    state = tables.Column(verbose_name=_("回访状态"), empty_values=(), orderable=False)
    action = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = FollowUp
        fields = (
            "person",
            "village",
            "employer",
            "month_no",
            "due_on",
            "state",
            "done_on",
            "still_employed",
        )
        empty_text = _("没有符合条件的回访")

    def render_state(self, record):
        css = {"overdue": "danger", "due": "warning", "done": "success"}.get(
            record.state(), "secondary"
        )
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', css, record.get_state_display()
        )

    def render_action(self, record):
        if record.state() in ("due", "overdue"):
            return format_html(
                '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
                reverse("employment:followup_record", args=[record.pk]),
                _("回访"),
            )
        return format_html('<a href="{}">{}</a>', record.placement.get_absolute_url(), _("查看"))


class ProgramTable(BaseTable):
    name = tables.Column(verbose_name=_("项目名称"), linkify=True)
    brand = tables.Column(verbose_name=_("劳务品牌"), accessor="brand__name", default="—")
    employer = tables.Column(verbose_name=_("用人单位"), accessor="employer__name", default="—")
    people = tables.Column(verbose_name=_("已输转人数"), accessor="people", orderable=False)

    class Meta(BaseTable.Meta):
        model = LabourExportProgram
        fields = (
            "name",
            "brand",
            "destination_province",
            "destination_city",
            "employer",
            "start_date",
            "planned_count",
            "people",
        )
        empty_text = _("没有符合条件的劳务输转项目")


class BrandTable(BaseTable):
    region = tables.Column(verbose_name=_("所属区划"), accessor="region__name")
    occupation = tables.Column(
        verbose_name=_("职业(工种)"), accessor="occupation__name", default="—"
    )
    people = tables.Column(verbose_name=_("已输转人数"), accessor="people", orderable=False)

    class Meta(BaseTable.Meta):
        model = LabourBrand
        fields = ("name", "region", "occupation", "description", "people")
        empty_text = _("没有劳务品牌")


class WorkTrainingTable(BaseTable):
    person = tables.Column(verbose_name=_("姓名"), accessor="person__name")
    id_number = tables.Column(
        verbose_name=_("身份证号码"), accessor="person__id_number_masked", orderable=False
    )
    employer = tables.Column(verbose_name=_("用人单位"), accessor="employer__name")
    occupation = tables.Column(verbose_name=_("培训工种"), accessor="occupation__name", default="—")
    month = tables.DateColumn(verbose_name=_("月份"), format="Y-m")

    class Meta(BaseTable.Meta):
        model = WorkBasedTraining
        fields = (
            "person",
            "id_number",
            "employer",
            "month",
            "occupation",
            "training_hours",
            "mentor",
            "wage",
        )
        empty_text = _("没有以工代训记录")


class StartupTable(BaseTable):
    name = tables.Column(verbose_name=_("经营实体名称"), linkify=True)
    founder = tables.Column(verbose_name=_("创业人"), accessor="founder__name")
    place = tables.Column(verbose_name=_("经营地点"), accessor="place__name")
    leader = tables.BooleanColumn(
        verbose_name=_("创业带头人"), accessor="is_leader", orderable=False
    )

    class Meta(BaseTable.Meta):
        model = Startup
        fields = (
            "name",
            "founder",
            "kind",
            "industry",
            "started_on",
            "place",
            "jobs_created",
            "poor_jobs_created",
            "leader",
            "status",
        )
        empty_text = _("没有符合条件的创业实体")
