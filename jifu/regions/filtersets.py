import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter

from .choices import PovertyCategory, RegionLevel
from .models import Region


class RegionFilterSet(BaseFilterSet):
    """Shared by the region list page and ``/api/regions/``."""

    q = django_filters.CharFilter(method="search", label=_("名称或代码"))
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("层级"))
    poverty_category = django_filters.ChoiceFilter(
        choices=[c for c in PovertyCategory.choices if c[0]], label=_("贫困县类别")
    )
    deep_poverty = YesNoFilter(method="filter_deep", label=_("深度贫困县"))
    region = RegionPrefixFilter(field_name="code")

    class Meta:
        model = Region
        fields = ["q", "level", "poverty_category", "deep_poverty", "region"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value))

    def filter_deep(self, queryset, name, value):
        if value is None:
            return queryset
        deep = Region.objects.deep_poverty().values("pk")
        return queryset.filter(pk__in=deep) if value else queryset.exclude(pk__in=deep)
