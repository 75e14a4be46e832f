"""Filters of the employment API (usable by list pages too: they derive from BaseFilterSet).

Codes are the public identifiers: an employer by its credit code, a class by its
code, an occupation by its code (4-10-01-06), a region by its division code
(``region`` selects everything under it, on the row's scope field).
"""

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter

from ..choices import FollowUpState, StartupStatus
from ..models import Employer, FollowUp, JobPost, LabourExportProgram, Placement, Startup


class EmployerFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("单位名称"))
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = Employer
        fields = ["credit_code", "q", "kind", "status", "province", "region"]


class LabourExportProgramFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("项目名称"))
    employer = django_filters.CharFilter(
        field_name="employer__credit_code", label=_("用人单位统一社会信用代码")
    )
    brand = django_filters.CharFilter(field_name="brand__name", label=_("劳务品牌"))
    region = RegionPrefixFilter(field_name="region_code")
    # ?start_date_after=2020-03-01&start_date_before=2020-03-31
    start_date = django_filters.DateFromToRangeFilter(label=_("输转日期"))

    class Meta:
        model = LabourExportProgram
        fields = ["q", "employer", "brand", "destination_province", "region", "start_date"]


class JobPostFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="contains", label=_("岗位名称"))
    occupation = django_filters.CharFilter(field_name="occupation__code", label=_("职业编码"))
    employer = django_filters.CharFilter(
        field_name="employer__credit_code", label=_("用人单位统一社会信用代码")
    )
    region = RegionPrefixFilter(field_name="region_code")
    posted_on = django_filters.DateFromToRangeFilter(label=_("发布日期"))

    class Meta:
        model = JobPost
        fields = ["q", "status", "occupation", "employer", "place", "region", "posted_on"]


class PlacementFilterSet(BaseFilterSet):
    person = django_filters.NumberFilter(field_name="person_id", label=_("人员"))
    employer = django_filters.CharFilter(
        field_name="employer__credit_code", label=_("用人单位统一社会信用代码")
    )
    training_class = django_filters.CharFilter(
        field_name="training_class__code", label=_("培训班编号")
    )
    institution = django_filters.CharFilter(
        field_name="training_class__institution__credit_code", label=_("培训机构统一社会信用代码")
    )
    job = django_filters.NumberFilter(field_name="job_id", label=_("招聘岗位"))
    export_program = django_filters.NumberFilter(
        field_name="export_program_id", label=_("劳务输转项目")
    )
    region = RegionPrefixFilter(field_name="village_code")
    # ?start_after=2020-03-01&start_before=2020-03-31
    start = django_filters.DateFromToRangeFilter(field_name="start_date", label=_("入职日期"))

    class Meta:
        model = Placement
        fields = [
            "person",
            "channel",
            "place",
            "status",
            "employer",
            "training_class",
            "institution",
            "job",
            "export_program",
            "region",
            "start",
        ]


class FollowUpFilterSet(BaseFilterSet):
    state = django_filters.ChoiceFilter(
        choices=FollowUpState.choices, method="filter_state", label=_("回访状态")
    )
    placement = django_filters.NumberFilter(field_name="placement_id", label=_("就业安置"))
    employer = django_filters.CharFilter(
        field_name="placement__employer__credit_code", label=_("用人单位统一社会信用代码")
    )
    institution = django_filters.CharFilter(
        field_name="placement__training_class__institution__credit_code",
        label=_("培训机构统一社会信用代码"),
    )
    region = RegionPrefixFilter(field_name="village_code")
    due_on = django_filters.DateFromToRangeFilter(label=_("应回访日期"))

    class Meta:
        model = FollowUp
        fields = ["state", "placement", "month_no", "employer", "institution", "region", "due_on"]

    def filter_state(self, queryset, name, value):
        # The same cut-offs as FollowUp.state(); "today" is the deployment's local
        # date, not the server clock's (they differ for eight hours a day on UTC hosts).
        on = timezone.localdate()
        if value == FollowUpState.DUE:
            return queryset.due(on)
        if value == FollowUpState.OVERDUE:
            return queryset.overdue(on)
        if value == FollowUpState.UPCOMING:
            return queryset.pending().filter(due_on__gt=on)
        if value == FollowUpState.DONE:
            return queryset.filter(cancelled=False, done_on__isnull=False)
        return queryset.filter(cancelled=True)


def leader_q() -> Q:
    """创业带头人, as ``Startup.is_leader`` says it in Python."""
    return Q(
        status=StartupStatus.OPERATING,
        poor_jobs_created__gte=settings.JIFU_LEADER_MIN_POOR_JOBS,
    )


class StartupFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="contains", label=_("经营实体名称")
    )
    leader = YesNoFilter(method="filter_leader", label=_("创业带头人"))
    incubated = YesNoFilter(label=_("入驻创业孵化基地"))
    training_class = django_filters.CharFilter(
        field_name="training_class__code", label=_("创业培训班编号")
    )
    institution = django_filters.CharFilter(
        field_name="training_class__institution__credit_code", label=_("培训机构统一社会信用代码")
    )
    # The founder's village (the scope) and, separately, where the business is.
    region = RegionPrefixFilter(field_name="village_code")
    place = RegionPrefixFilter(field_name="place_code", label=_("经营地点"))
    started_on = django_filters.DateFromToRangeFilter(label=_("创业日期"))

    class Meta:
        model = Startup
        fields = [
            "q",
            "kind",
            "status",
            "leader",
            "incubated",
            "training_class",
            "institution",
            "region",
            "place",
            "started_on",
        ]

    def filter_leader(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(leader_q()) if value else queryset.exclude(leader_q())
