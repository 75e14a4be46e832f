"""Filters of the subsidies API (usable by list pages too: they derive from BaseFilterSet).

Codes are the public identifiers: an occupation by its code (4-10-01-06), an
institution or employer by its credit code, a class by its code, a claim and a
payment batch by their numbers, a region by its division code (``region``
selects everything under it, on the row's scope field).
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter

from ..models import FundAllocation, Payment, SubsidyClaim, SubsidyStandard


class SubsidyStandardFilterSet(BaseFilterSet):
    occupation = django_filters.CharFilter(field_name="occupation__code", label=_("职业编码"))
    # Standards set for this region and below; a county's claims also use the
    # province's standards, which ?region=620000 lists.
    region = RegionPrefixFilter(field_name="region_code", label=_("适用区划"))
    in_force_on = django_filters.DateFilter(method="filter_in_force_on", label=_("有效日期"))

    class Meta:
        model = SubsidyStandard
        fields = ["item", "occupation", "region", "in_force_on"]

    def filter_in_force_on(self, queryset, name, value):
        # The same window as rules.standard_for: both ends inclusive, no end = open.
        return queryset.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=value),
            effective_from__lte=value,
        )


class FundAllocationFilterSet(BaseFilterSet):
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = FundAllocation
        fields = ["source", "year", "region"]


class SubsidyClaimFilterSet(BaseFilterSet):
    institution = django_filters.CharFilter(
        field_name="institution__credit_code", label=_("培训机构统一社会信用代码")
    )
    employer = django_filters.CharFilter(
        field_name="employer__credit_code", label=_("用人单位统一社会信用代码")
    )
    training_class = django_filters.CharFilter(
        field_name="training_class__code", label=_("培训班编号")
    )
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = SubsidyClaim
        fields = ["status", "kind", "number", "institution", "employer", "training_class", "region"]


class PaymentFilterSet(BaseFilterSet):
    batch = django_filters.CharFilter(field_name="batch__number", label=_("批次号"))
    claim = django_filters.CharFilter(field_name="line__claim__number", label=_("申领编号"))
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = Payment
        fields = ["status", "batch", "claim", "region"]
