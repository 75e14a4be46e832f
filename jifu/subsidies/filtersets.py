"""Search forms of the claim lists; ``region`` is set by the region tree."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter

from .models import Complaint, SubsidyClaim


class ClaimFilterSet(BaseFilterSet):
    number = django_filters.CharFilter(lookup_expr="contains", label=_("申领编号"))
    training_class = django_filters.CharFilter(
        field_name="training_class__code", label=_("班级编号")
    )
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = SubsidyClaim
        fields = ["number", "kind", "status", "training_class", "region"]


class ComplaintFilterSet(BaseFilterSet):
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = Complaint
        fields = ["status", "region"]
