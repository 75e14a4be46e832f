"""Supervision API (``/api/supervision/``), read-only and scoped like the pages, and
the filters of the supervision, commendation and highlight lists (the pages use them too).

A visit is filed under the visited region: a county office sees the visits to
its county, a prefecture those to itself and its counties, the province all.
``?overdue=true`` gives the visits still 整改中 after their due date.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jifu.core.api import ScopedReadOnlyViewSet
from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter
from jifu.core.widgets import DateInput

from .. import services_supervision as services
from ..choices import VisitStatus
from ..models import Action, Highlight, SupervisionVisit

# --- filters -----------------------------------------------------------------------------------


class VisitFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("督导组或问题"))
    overdue = YesNoFilter(method="filter_overdue", label=_("逾期未整改"))
    region = RegionPrefixFilter(field_name="region_code")
    # ?visited_after=2019-03-01&visited_before=2019-03-31
    visited_after = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="gte", label=_("督导日期起"), widget=DateInput
    )
    visited_before = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="lte", label=_("督导日期止"), widget=DateInput
    )

    class Meta:
        model = SupervisionVisit
        fields = ["q", "status", "overdue", "region", "visited_after", "visited_before"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(team__contains=value) | Q(issues__contains=value))

    def filter_overdue(self, queryset, name, value):
        late = services.overdue(queryset)
        if value:
            return late
        return queryset.exclude(pk__in=late.values("pk"))


class ActionFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="subject", lookup_expr="contains", label=_("对象"))
    region = RegionPrefixFilter(field_name="region_code")
    year = django_filters.NumberFilter(field_name="decided_on__year", label=_("年度"))

    class Meta:
        model = Action
        fields = ["q", "kind", "year", "region"]


class HighlightFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="contains", label=_("标题"))
    region = RegionPrefixFilter(field_name="region_code")
    year = django_filters.NumberFilter(field_name="submitted_on__year", label=_("年度"))

    class Meta:
        model = Highlight
        fields = ["q", "year", "region"]


# --- representations -----------------------------------------------------------------------------


class ActionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = ["id", "kind", "decided_on", "subject", "reason", "document", "region_code"]


class SupervisionVisitSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    overdue = serializers.SerializerMethodField(help_text=_("整改中且已过整改期限"))
    actions = ActionBriefSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionVisit
        fields = [
            "id",
            "region_code",
            "region_name",
            "visited_on",
            "team",
            "issues",
            "rectification",
            "due",
            "status",
            "overdue",
            "rectified_on",
            "result",
            "actions",
        ]

    def get_overdue(self, obj) -> bool:
        # The deployment's local date, as the ?overdue filter uses.
        return obj.status == VisitStatus.OPEN and obj.due is not None and obj.due < _today()


def _today():
    return timezone.localdate()


class SupervisionVisitViewSet(ScopedReadOnlyViewSet):
    """督导 visits in the caller's area, with the commendations and accountability
    actions recorded against each; ``?overdue=true|false``, ``?status=``, ``?region=``."""

    queryset = SupervisionVisit.objects.select_related("region").prefetch_related("actions")
    serializer_class = SupervisionVisitSerializer
    filterset_class = VisitFilterSet
    # The actions shown lie within the visited region (services.record_action), so
    # whoever may read the visit may read them.


ROUTES = [("supervision", SupervisionVisitViewSet, "supervisionvisit")]
