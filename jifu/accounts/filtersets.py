import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter

from .models import User
from .roles import Role


class UserFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("账号或姓名"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("角色"))
    is_active = YesNoFilter(label=_("启用"))
    locked = YesNoFilter(method="filter_locked", label=_("锁定"))
    region = RegionPrefixFilter(field_name="region__code")

    class Meta:
        model = User
        fields = ["q", "role", "is_active", "locked", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__contains=value))

    def filter_locked(self, queryset, name, value):
        if value is None:
            return queryset
        locked = Q(locked_until__gt=timezone.now())
        return queryset.filter(locked) if value else queryset.exclude(locked)
