"""Read-only API of targets and annual plans, scoped like the pages.

``/api/targets/`` — each target with ``allocated`` (split to the level below) and
``unallocated`` (未分解; null for a percentage); ``/api/plans/`` — each county plan
with its lines (township, occupation, wanting, trained, planned, capacity).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jifu.core.api import ScopedReadOnlyViewSet

from .. import services_plans as services
from ..filtersets_plans import PlanFilterSet, TargetFilterSet
from ..models import AnnualPlan, PlanLine, Target

AMOUNT = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class TargetSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    level = serializers.CharField(source="region.level", read_only=True)
    allocated = serializers.SerializerMethodField(
        help_text=_("已分解到下一级的合计（比率指标为空）")
    )
    unallocated = serializers.SerializerMethodField(help_text=_("未分解（比率指标为空）"))

    class Meta:
        model = Target
        fields = [
            "id",
            "region_code",
            "region_name",
            "level",
            "year",
            "kind",
            "training_type",
            "value",
            "allocated",
            "unallocated",
            "note",
        ]

    @extend_schema_field(AMOUNT)
    def get_allocated(self, obj):
        if obj.kind not in services.ADDITIVE_KINDS:
            return None
        return f"{obj.allocated:.2f}"

    @extend_schema_field(AMOUNT)
    def get_unallocated(self, obj):
        if obj.kind not in services.ADDITIVE_KINDS:
            return None
        return f"{obj.value - obj.allocated:.2f}"


class PlanLineSerializer(serializers.ModelSerializer):
    township_code = serializers.CharField(source="township.code", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    occupation = serializers.CharField(
        source="occupation.code", read_only=True, allow_null=True, help_text=_("职业编码")
    )
    occupation_name = serializers.CharField(
        source="occupation.name", read_only=True, allow_null=True
    )

    class Meta:
        model = PlanLine
        fields = [
            "id",
            "township_code",
            "township_name",
            "occupation",
            "occupation_name",
            "wish",
            "wanting",
            "trained",
            "planned",
            "capacity",
        ]


class AnnualPlanSerializer(serializers.ModelSerializer):
    county_name = serializers.CharField(source="region.name", read_only=True)
    planned_total = serializers.SerializerMethodField(help_text=_("计划培训人次合计"))
    lines = PlanLineSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = [
            "id",
            "region_code",
            "county_name",
            "year",
            "status",
            "note",
            "review_note",
            "drafted_at",
            "submitted_at",
            "approved_at",
            "planned_total",
            "lines",
        ]

    def get_planned_total(self, obj) -> int:
        return sum(line.planned for line in obj.lines.all())


class TargetViewSet(ScopedReadOnlyViewSet):
    """Targets of the caller's region and below, with what each has split and not split."""

    queryset = services.with_allocation(Target.objects.select_related("region")).order_by(
        "region_code", "year", "kind", "training_type", "id"
    )
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet


class AnnualPlanViewSet(ScopedReadOnlyViewSet):
    """Counties' annual training plans with their lines (``?year=``, ``?status=``, ``?region=``)."""

    queryset = AnnualPlan.objects.select_related("region").prefetch_related(
        Prefetch(
            "lines",
            queryset=PlanLine.objects.select_related("township", "occupation").order_by(
                "township__code", "-wanting", "id"
            ),
        )
    )
    serializer_class = AnnualPlanSerializer
    filterset_class = PlanFilterSet
