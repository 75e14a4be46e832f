import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import Appraisal, Certificate, Enrolment, Institution, Occupation, TrainingClass


class OccupationTable(BaseTable):
    class Meta(BaseTable.Meta):
        model = Occupation
        fields = (
            "code",
            "name",
            "group",
            "is_special_operation",
            "min_safety_hours",
            "key_industry",
            "active",
        )


class InstitutionTable(BaseTable):
    name = tables.Column(verbose_name=_("机构名称"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Institution
        fields = (
            "name",
            "credit_code",
            "kind",
            "licence_no",
            "licence_valid_until",
            "status",
            "contact_name",
        )


class TrainingClassTable(BaseTable):
    code = tables.Column(verbose_name=_("班级编号"), linkify=True)
    occupation = tables.Column(verbose_name=_("职业(工种)"), accessor="occupation__name")
    institution = tables.Column(verbose_name=_("培训机构"), accessor="institution__name")
    place = tables.Column(verbose_name=_("培训地点"), accessor="place__name")
    enrolled = tables.Column(verbose_name=_("学员"), accessor="enrolled_count", orderable=False)

    class Meta(BaseTable.Meta):
        model = TrainingClass
        fields = (
            "code",
            "occupation",
            "level",
            "training_type",
            "delivery_mode",
            "institution",
            "place",
            "start_date",
            "end_date",
            "capacity",
            "enrolled",
            "status",
        )
        empty_text = _("没有符合条件的培训班")


class EnrolmentTable(BaseTable):
    person = tables.Column(verbose_name=_("学员"), accessor="person__name")
    id_number = tables.Column(
        verbose_name=_("身份证号码"), accessor="person__id_number_masked", orderable=False
    )
    training_class = tables.Column(
        verbose_name=_("培训班"),
        accessor="training_class__code",
        linkify=lambda record: record.training_class.get_absolute_url(),
    )
    occupation = tables.Column(
        verbose_name=_("职业(工种)"), accessor="training_class__occupation__name"
    )
    attendance = tables.Column(verbose_name=_("出勤"), empty_values=(), orderable=False)
    result = tables.Column(verbose_name=_("考核"), accessor="assessment__result", default="—")

    class Meta(BaseTable.Meta):
        model = Enrolment
        fields = (
            "person",
            "id_number",
            "training_class",
            "occupation",
            "status",
            "source",
            "enrolled_on",
            "attendance",
            "result",
        )
        empty_text = _("没有学员")

    def render_attendance(self, record):
        return f"{record.sessions_present}/{record.sessions_total}"

    def render_result(self, record):
        return record.assessment.get_result_display()


class CertificateTable(BaseTable):
    person = tables.Column(verbose_name=_("持证人"), accessor="person__name")
    occupation = tables.Column(verbose_name=_("职业(工种)"), accessor="occupation__name")

    class Meta(BaseTable.Meta):
        model = Certificate
        fields = ("number", "kind", "person", "occupation", "level", "issuer", "issued_on")


class AppraisalTable(BaseTable):
    person = tables.Column(verbose_name=_("姓名"), accessor="person__name")
    id_number = tables.Column(
        verbose_name=_("身份证号码"), accessor="person__id_number_masked", orderable=False
    )
    occupation = tables.Column(verbose_name=_("职业(工种)"), accessor="occupation__name")

    class Meta(BaseTable.Meta):
        model = Appraisal
        fields = (
            "person",
            "id_number",
            "occupation",
            "level",
            "appraised_on",
            "passed",
            "organisation",
        )
        empty_text = _("没有鉴定记录")
