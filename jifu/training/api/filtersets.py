"""Filters of the training API (usable by list pages too: they derive from BaseFilterSet).

Codes are the public identifiers: an occupation by its code (4-10-01-06), an
institution by its credit code, a region by its division code (``region``
selects everything under it, on the row's scope field).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter

from ..models import Certificate, Enrolment, Institution, Occupation, TrainingClass


class OccupationFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("名称"))
    special = YesNoFilter(field_name="is_special_operation", label=_("特种作业/高危行业"))
    key_industry = YesNoFilter(label=_("重点产业职业需求指导目录"))
    active = YesNoFilter(label=_("启用"))

    class Meta:
        model = Occupation
        fields = ["code", "group", "q", "special", "key_industry", "active"]


class InstitutionFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("机构名称"))
    occupation = django_filters.CharFilter(
        field_name="occupations__code", distinct=True, label=_("核准职业编码")
    )
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = Institution
        fields = ["credit_code", "q", "kind", "status", "occupation", "region"]


class TrainingClassFilterSet(BaseFilterSet):
    occupation = django_filters.CharFilter(field_name="occupation__code", label=_("职业编码"))
    institution = django_filters.CharFilter(
        field_name="institution__credit_code", label=_("机构统一社会信用代码")
    )
    region = RegionPrefixFilter(field_name="place_code")
    # ?start_date_after=2019-03-01&start_date_before=2019-03-31, likewise end_date.
    start_date = django_filters.DateFromToRangeFilter(label=_("开班日期"))
    end_date = django_filters.DateFromToRangeFilter(label=_("结业日期"))

    class Meta:
        model = TrainingClass
        fields = [
            "code",
            "status",
            "occupation",
            "level",
            "training_type",
            "delivery_mode",
            "institution",
            "region",
            "start_date",
            "end_date",
        ]


class EnrolmentFilterSet(BaseFilterSet):
    training_class = django_filters.NumberFilter(field_name="training_class_id", label=_("培训班"))
    class_code = django_filters.CharFilter(field_name="training_class__code", label=_("班级编号"))
    occupation = django_filters.CharFilter(
        field_name="training_class__occupation__code", label=_("职业编码")
    )
    training_type = django_filters.CharFilter(
        field_name="training_class__training_type", label=_("培训类型")
    )
    institution = django_filters.CharFilter(
        field_name="training_class__institution__credit_code", label=_("机构统一社会信用代码")
    )
    region = RegionPrefixFilter(field_name="village_code")
    enrolled_on = django_filters.DateFromToRangeFilter(label=_("报名日期"))
    start_date = django_filters.DateFromToRangeFilter(
        field_name="training_class__start_date", label=_("开班日期")
    )
    end_date = django_filters.DateFromToRangeFilter(
        field_name="training_class__end_date", label=_("结业日期")
    )

    class Meta:
        model = Enrolment
        fields = [
            "status",
            "source",
            "training_class",
            "class_code",
            "occupation",
            "training_type",
            "institution",
            "region",
            "enrolled_on",
            "start_date",
            "end_date",
        ]


class CertificateFilterSet(BaseFilterSet):
    number = django_filters.CharFilter(method="filter_number", label=_("证书编号"))
    occupation = django_filters.CharFilter(field_name="occupation__code", label=_("职业编码"))
    institution = django_filters.CharFilter(
        field_name="enrolment__training_class__institution__credit_code",
        label=_("机构统一社会信用代码"),
    )
    region = RegionPrefixFilter(field_name="village_code")
    issued_on = django_filters.DateFromToRangeFilter(label=_("发证日期"))

    class Meta:
        model = Certificate
        fields = ["number", "kind", "level", "occupation", "institution", "region", "issued_on"]

    def filter_number(self, queryset, name, value):
        # Numbers are stored trimmed and upper-cased (services.issue_certificate).
        value = value.strip().upper()
        return queryset.filter(number=value) if value else queryset
