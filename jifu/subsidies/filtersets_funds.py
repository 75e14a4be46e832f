"""Search forms of the fund, standard and rule lists; ``region`` is set by the region tree."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter
from jifu.core.widgets import DateInput
from jifu.training.models import Occupation

from .choices import FundSource, SubsidyItem
from .models import EligibilityRule, FundAllocation, SubsidyStandard


class AllocationFilterSet(BaseFilterSet):
    year = django_filters.ChoiceFilter(label=_("年度"), choices=[], empty_label=_("全部年度"))
    source = django_filters.ChoiceFilter(
        label=_("资金来源"), choices=FundSource.choices, empty_label=_("全部来源")
    )
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = FundAllocation
        fields = ["year", "source", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years the user has allocations for (the view passes the restricted queryset).
        years = self.queryset.order_by("-year").values_list("year", flat=True).distinct()
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in years]


class StandardFilterSet(BaseFilterSet):
    item = django_filters.ChoiceFilter(
        label=_("补贴项目"), choices=SubsidyItem.choices, empty_label=_("全部项目")
    )
    occupation = django_filters.ModelChoiceFilter(
        label=_("职业(工种)"),
        queryset=Occupation.objects.filter(active=True),
        method="filter_occupation",
    )
    in_force_on = django_filters.DateFilter(
        label=_("在此日期有效"), method="filter_in_force", widget=DateInput
    )
    region = django_filters.CharFilter(label=_("区划"), method="filter_region")

    class Meta:
        model = SubsidyStandard
        fields = ["item", "occupation", "in_force_on", "region"]

    def filter_occupation(self, qs, name, value):
        # A standard for all occupations applies to this one too.
        return qs.filter(Q(occupation=value) | Q(occupation__isnull=True)) if value else qs

    def filter_in_force(self, qs, name, value):
        return qs.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=value), effective_from__lte=value
        )

    def filter_region(self, qs, name, value):
        """Standards that matter in a region: those of the region and its superiors
        (they apply there) and those of the places under it (more specific ones)."""
        from jifu.regions import codes
        from jifu.regions.lookup import resolve
        from jifu.regions.models import Region

        try:
            region = resolve(value)
        except (codes.RegionCodeError, Region.DoesNotExist):
            return qs.none()
        above = []
        node = region
        while node is not None:
            above.append(node.code)
            node = node.parent
        return qs.filter(Q(region_code__in=above) | Q(region_code__startswith=region.prefix))


class RuleFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("规则"))
    enabled = YesNoFilter(label=_("启用"))

    class Meta:
        model = EligibilityRule
        fields = ["q", "enabled"]
