import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import GuidanceRecord, Household, OutreachEvent, Person


class PersonTable(BaseTable):
    name = tables.Column(verbose_name=_("姓名"), linkify=True)
    id_number_masked = tables.Column(verbose_name=_("身份证号码"), orderable=False)
    age = tables.Column(verbose_name=_("年龄"), accessor="age", orderable=False)
    household = tables.Column(
        verbose_name=_("户编号"), linkify=lambda record: record.household.get_absolute_url()
    )
    village = tables.Column(
        verbose_name=_("村"), accessor="household__village__name", orderable=False
    )
    phone_masked = tables.Column(verbose_name=_("联系电话"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Person
        fields = (
            "name",
            "gender",
            "age",
            "id_number_masked",
            "village",
            "household",
            "relation_to_head",
            "labour_ability",
            "employment_status",
            "wants_training",
            "wants_job",
            "wants_business",
            "phone_masked",
        )
        empty_text = _("没有符合条件的人员")


class HouseholdTable(BaseTable):
    household_no = tables.Column(verbose_name=_("户编号"), linkify=True)
    head = tables.Column(verbose_name=_("户主"), accessor="head__name")
    village = tables.Column(verbose_name=_("村"), accessor="village__name")
    members = tables.Column(verbose_name=_("人口"), accessor="member_count", orderable=False)

    class Meta(BaseTable.Meta):
        model = Household
        fields = (
            "household_no",
            "head",
            "village",
            "poverty_status",
            "exit_year",
            "members",
            "resettled",
            "helping_cadre",
        )
        empty_text = _("没有符合条件的户")


class GuidanceTable(BaseTable):
    person = tables.Column(verbose_name=_("人员"), linkify=True)

    class Meta(BaseTable.Meta):
        model = GuidanceRecord
        fields = ("date", "person", "counsellor", "recommended_occupations", "content")


class OutreachTable(BaseTable):
    region = tables.Column(verbose_name=_("乡镇或村"))

    class Meta(BaseTable.Meta):
        model = OutreachEvent
        fields = ("date", "region", "kind", "title", "people_reached", "notes")
