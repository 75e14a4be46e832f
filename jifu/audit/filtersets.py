import django_filters
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter

from .choices import AuditAction
from .models import AuditEvent


class AuditEventFilterSet(BaseFilterSet):
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("操作"))
    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="iexact", label=_("操作人账号")
    )
    object_type = django_filters.CharFilter(lookup_expr="exact", label=_("对象类型"))
    since = django_filters.DateFilter(
        field_name="timestamp", lookup_expr="date__gte", label=_("起始日期")
    )
    until = django_filters.DateFilter(
        field_name="timestamp", lookup_expr="date__lte", label=_("截止日期")
    )
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "object_type", "since", "until", "region"]
