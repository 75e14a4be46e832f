"""Training API representations. Trainees appear only as name and masked ID number."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jifu.registry.models import Person

from ..models import Certificate, Enrolment, Institution, Occupation, TrainingClass


class OccupationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = [
            "id",
            "code",
            "name",
            "group",
            "is_special_operation",
            "min_safety_hours",
            "key_industry",
            "active",
        ]


class InstitutionSerializer(serializers.ModelSerializer):
    occupations = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Institution
        fields = [
            "id",
            "credit_code",
            "name",
            "kind",
            "licence_no",
            "licence_valid_until",
            "occupations",
            "region_code",
            "address",
            "contact_name",
            "contact_phone",
            "status",
        ]


class TrainingClassSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.credit_code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    occupation = serializers.CharField(source="occupation.code", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    enrolled = serializers.IntegerField(read_only=True, help_text=_("在训及已结业学员数"))
    applied = serializers.IntegerField(read_only=True, help_text=_("待村镇确认的报名数"))

    class Meta:
        model = TrainingClass
        fields = [
            "id",
            "code",
            "institution",
            "institution_name",
            "occupation",
            "occupation_name",
            "level",
            "training_type",
            "delivery_mode",
            "place_code",
            "address",
            "start_date",
            "end_date",
            "theory_hours",
            "practice_hours",
            "safety_hours",
            "capacity",
            "enrolled",
            "applied",
            "teachers",
            "project",
            "status",
            "review_note",
            "created_at",
        ]


class PersonBriefSerializer(serializers.ModelSerializer):
    """A trainee as the training API shows one: never the ID number in clear."""

    id_number = serializers.CharField(source="id_number_masked", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "name", "id_number"]


class EnrolmentSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    class_code = serializers.CharField(source="training_class.code", read_only=True)
    occupation = serializers.CharField(source="training_class.occupation.code", read_only=True)
    institution = serializers.CharField(
        source="training_class.institution.credit_code", read_only=True
    )
    attendance_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "training_class",
            "class_code",
            "occupation",
            "institution",
            "person",
            "village_code",
            "status",
            "source",
            "enrolled_on",
            "sessions_present",
            "sessions_total",
            "attendance_rate",
        ]


class CertificateSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    occupation = serializers.CharField(source="occupation.code", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "kind",
            "person",
            "occupation",
            "occupation_name",
            "level",
            "issuer",
            "issued_on",
            "village_code",
            "enrolment",
        ]
