"""Search forms of the employment lists; ``region`` is set by the region tree."""

from datetime import date

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter

from .choices import FollowUpState, StartupStatus
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


class EmployerFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("单位名称"))
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = Employer
        fields = ["q", "credit_code", "kind", "status", "region"]


class JobFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="contains", label=_("岗位名称"))
    employer = django_filters.CharFilter(
        field_name="employer__name", lookup_expr="contains", label=_("用人单位")
    )
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = JobPost
        fields = ["q", "employer", "place", "status", "region"]


class PlacementFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="person__name", label=_("姓名"))
    employer = django_filters.CharFilter(
        field_name="employer_name", lookup_expr="contains", label=_("用人单位")
    )
    training_class = django_filters.CharFilter(
        field_name="training_class__code", label=_("关联班级编号")
    )
    start_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("入职日期起")
    )
    start_before = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("入职日期止")
    )
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = Placement
        fields = [
            "q",
            "employer",
            "channel",
            "place",
            "status",
            "training_class",
            "start_after",
            "start_before",
            "region",
        ]


class FollowUpFilterSet(BaseFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("回访状态"), choices=FollowUpState.choices, method="filter_state"
    )
    q = django_filters.CharFilter(field_name="placement__person__name", label=_("姓名"))
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = FollowUp
        fields = ["state", "q", "region"]

    def filter_state(self, qs, name, value):
        today = date.today()
        if value == FollowUpState.DUE:
            return qs.due(today)
        if value == FollowUpState.OVERDUE:
            return qs.overdue(today)
        if value == FollowUpState.DONE:
            return qs.filter(done_on__isnull=False)
        if value == FollowUpState.CANCELLED:
            return qs.filter(cancelled=True)
        if value == FollowUpState.UPCOMING:
            return qs.pending().filter(due_on__gt=today)
        return qs


class ProgramFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("项目名称"))
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = LabourExportProgram
        fields = ["q", "destination_province", "brand", "region"]


class BrandFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("品牌名称"))
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = LabourBrand
        fields = ["q", "region"]


class WorkTrainingFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="person__name", label=_("姓名"))
    employer = django_filters.NumberFilter(field_name="employer_id", widget=forms.HiddenInput)
    month = django_filters.DateFilter(label=_("月份"))
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = WorkBasedTraining
        fields = ["q", "employer", "month", "region"]


class StartupFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="contains", label=_("经营实体名称")
    )
    founder = django_filters.CharFilter(field_name="founder__name", label=_("创业人"))
    leader = YesNoFilter(label=_("创业带头人"), method="filter_leader")
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = Startup
        fields = ["q", "founder", "kind", "status", "leader", "region"]

    def filter_leader(self, qs, name, value):
        leaders = {
            "status": StartupStatus.OPERATING,
            "poor_jobs_created__gte": settings.JIFU_LEADER_MIN_POOR_JOBS,
        }
        if value is None:
            return qs
        return qs.filter(**leaders) if value else qs.exclude(**leaders)
