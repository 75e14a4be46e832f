import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter

from .choices import ClassStatus, EnrolmentStatus, InstitutionKind, InstitutionStatus, TrainingType
from .models import Appraisal, Certificate, Enrolment, Institution, Occupation, TrainingClass


class OccupationFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或编码"))

    class Meta:
        model = Occupation
        fields = ["q", "is_special_operation", "key_industry"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value))


class InstitutionFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    kind = django_filters.ChoiceFilter(choices=InstitutionKind.choices, label=_("机构类型"))
    status = django_filters.ChoiceFilter(choices=InstitutionStatus.choices, label=_("状态"))
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = Institution
        fields = ["q", "kind", "status", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(credit_code__startswith=value.upper()))


class TrainingClassFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("班级编号、职业或机构"))
    status = django_filters.ChoiceFilter(choices=ClassStatus.choices, label=_("状态"))
    training_type = django_filters.ChoiceFilter(choices=TrainingType.choices, label=_("培训类型"))
    start_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("开班不早于")
    )
    start_before = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("开班不晚于")
    )
    region = RegionPrefixFilter(field_name="place_code")

    class Meta:
        model = TrainingClass
        fields = ["q", "status", "training_type", "start_after", "start_before", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__startswith=value)
            | Q(occupation__name__contains=value)
            | Q(institution__name__contains=value)
        )


class EnrolmentFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("学员姓名或班级编号"))
    status = django_filters.ChoiceFilter(choices=EnrolmentStatus.choices, label=_("状态"))
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = Enrolment
        fields = ["q", "status", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(person__name__contains=value) | Q(training_class__code__startswith=value)
        )


class CertificateFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("证书编号或姓名"))
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = Certificate
        fields = ["q", "kind", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__startswith=value.upper()) | Q(person__name__contains=value)
        )


class AppraisalFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        field_name="person__name", lookup_expr="contains", label=_("姓名")
    )
    region = RegionPrefixFilter(field_name="village_code")

    class Meta:
        model = Appraisal
        fields = ["q", "passed", "region"]
