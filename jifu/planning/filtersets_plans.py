"""Search forms of the plan list and filters of the target and plan API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter

from .choices import TARGET_KINDS
from .models import AnnualPlan, Target


class PlanFilterSet(BaseFilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = AnnualPlan
        fields = ["year", "status", "region"]


class TargetFilterSet(BaseFilterSet):
    """``?region=`` everything under a region; ``?level=county``; ``?whole_action=true``
    the 2018–2020 targets (no year)."""

    region = RegionPrefixFilter(field_name="region_code")
    level = django_filters.CharFilter(field_name="region__level", label=_("层级"))
    year = django_filters.NumberFilter(label=_("年度"))
    whole_action = YesNoFilter(field_name="year", lookup_expr="isnull", label=_("行动期目标"))
    kind = django_filters.ChoiceFilter(
        label=_("指标"), choices=[(k.value, k.label) for k in TARGET_KINDS]
    )

    class Meta:
        model = Target
        fields = ["region", "level", "year", "whole_action", "kind", "training_type"]
