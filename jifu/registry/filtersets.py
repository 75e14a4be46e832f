import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jifu.core import idnumber
from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter

from . import services
from .choices import EmploymentStatus, FiveList, PersonStatus, PovertyStatus
from .models import GuidanceRecord, Household, HouseholdPlan, OutreachEvent, Person


class PersonFilterSet(BaseFilterSet):
    """Shared by the person list, the five lists, the ledgers and ``/api/persons/``.

    ``q`` finds a name, a village, pinyin initials (马文 → mw), the last digits
    of an ID number as shown masked, or a full ID number (through its blind index, so
    the number itself is never compared or stored in clear).
    """

    q = django_filters.CharFilter(method="search", label=_("姓名、拼音首字母、身份证号或村"))
    five_list = django_filters.ChoiceFilter(
        choices=FiveList.choices, method="filter_five_list", label=_("五名单")
    )
    poverty_status = django_filters.ChoiceFilter(
        field_name="household__poverty_status", choices=PovertyStatus.choices, label=_("贫困户属性")
    )
    employment_status = django_filters.ChoiceFilter(
        choices=EmploymentStatus.choices[1:], label=_("就业状态")
    )
    status = django_filters.ChoiceFilter(choices=PersonStatus.choices, label=_("人员状态"))
    wanted_occupation = django_filters.CharFilter(
        method="filter_occupation", label=_("意愿培训工种")
    )
    labour_force = YesNoFilter(method="filter_labour_force", label=_("劳动力"))
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = Person
        fields = [
            "q",
            "five_list",
            "poverty_status",
            "employment_status",
            "status",
            "wanted_occupation",
            "labour_force",
            "region",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        try:
            return queryset.filter(id_number_bidx=services.id_number_index(value))
        except idnumber.IdNumberError:
            pass
        condition = Q(name__contains=value) | Q(household__village__name__contains=value)
        if value.isascii() and value.isalpha():
            condition |= Q(name_initials__startswith=value.lower())
        digits = value.upper().replace("*", "")
        if digits[:-1].isdigit() and len(digits) >= 4:
            condition |= Q(id_number_masked__endswith=digits[-4:])
        return queryset.filter(condition)

    def filter_five_list(self, queryset, name, value):
        return queryset.five_list(value) if value else queryset

    def filter_occupation(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(wanted_occupations__contains=f"|{value}|") if value else queryset

    def filter_labour_force(self, queryset, name, value):
        if value is None:
            return queryset
        force = queryset.labour_force()
        return force if value else queryset.exclude(pk__in=force.values("pk"))


class HouseholdFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("户编号或户主姓名"))
    poverty_status = django_filters.ChoiceFilter(
        choices=PovertyStatus.choices, label=_("贫困户属性")
    )
    resettled = YesNoFilter(label=_("易地扶贫搬迁户"))
    without_plan = YesNoFilter(method="filter_without_plan", label=_("无一户一策"))
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = Household
        fields = ["q", "poverty_status", "resettled", "without_plan", "region"]

    def search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(household_no__startswith=value) | Q(head__name__contains=value))
            if value
            else queryset
        )

    def filter_without_plan(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(plans__isnull=True)
            if value
            else queryset.filter(plans__isnull=False).distinct()
        )


class HouseholdPlanFilterSet(BaseFilterSet):
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = HouseholdPlan
        fields = ["status", "region"]


class GuidanceFilterSet(BaseFilterSet):
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = GuidanceRecord
        fields = ["region"]


class OutreachFilterSet(BaseFilterSet):
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = OutreachEvent
        fields = ["kind", "region"]
