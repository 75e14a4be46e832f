import django_filters
from django.http import Http404

from jifu.core.api import ScopedReadOnlyViewSet

from .. import codes
from ..filtersets import RegionFilterSet
from ..lookup import canonical_code
from ..models import Region
from .serializers import RegionSerializer


class RegionAPIFilterSet(RegionFilterSet):
    """The list page's filters plus ``parent`` (any code form) and ``code`` (prefix)."""

    parent = django_filters.CharFilter(method="filter_parent")
    code = django_filters.CharFilter(method="filter_code")

    class Meta(RegionFilterSet.Meta):
        fields = [*RegionFilterSet.Meta.fields, "parent", "code"]

    def filter_parent(self, queryset, name, value):
        try:
            return queryset.filter(parent__code=canonical_code(value))
        except codes.RegionCodeError:
            return queryset.none()

    def filter_code(self, queryset, name, value):
        digits = "".join(ch for ch in value if ch.isdigit())
        return queryset.filter(code__startswith=digits) if digits else queryset.none()


class RegionViewSet(ScopedReadOnlyViewSet):
    """Regions in the caller's scope. Detail: ``/api/regions/{code}/`` (6, 9 or 12 digits)."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionAPIFilterSet
    lookup_field = "code"
    lookup_value_regex = "[0-9]{6,12}"

    def get_object(self):
        try:
            code = canonical_code(self.kwargs["code"])
        except codes.RegionCodeError:
            raise Http404 from None
        self.kwargs["code"] = code
        return super().get_object()
