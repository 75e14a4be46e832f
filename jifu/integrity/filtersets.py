from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter

from .models import Finding, ScanRun


class FindingFilterSet(BaseFilterSet):
    present = YesNoFilter(label=_("最近一次扫描仍存在"))
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = Finding
        fields = ["status", "rule", "severity", "present", "region"]


class ScanFilterSet(BaseFilterSet):
    class Meta:
        model = ScanRun
        fields = ["trigger"]
