"""Employment API representations.

Persons appear only as name and masked ID number (the training API's brief
form); employers, classes and occupations by their codes.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jifu.training.api.serializers import PersonBriefSerializer

from ..choices import FollowUpState
from ..models import (
    Commitment,
    Employer,
    FollowUp,
    JobPost,
    LabourExportProgram,
    Placement,
    Startup,
    StartupFollowUp,
)


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commitment
        fields = ["id", "kind", "year", "places", "amount", "description"]


class EmployerSerializer(serializers.ModelSerializer):
    # Commitments are readable by everyone who reads employers (roles.py).
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Employer
        fields = [
            "id",
            "credit_code",
            "name",
            "kind",
            "industry",
            "region_code",
            "province",
            "address",
            "contact_name",
            "contact_phone",
            "status",
            "commitments",
            "created_at",
        ]


class LabourExportProgramSerializer(serializers.ModelSerializer):
    brand = serializers.CharField(source="brand.name", read_only=True, allow_null=True)
    employer = serializers.CharField(source="employer.credit_code", read_only=True, allow_null=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True, allow_null=True)
    placed = serializers.IntegerField(read_only=True, help_text=_("已登记就业人数"))

    class Meta:
        model = LabourExportProgram
        fields = [
            "id",
            "name",
            "brand",
            "region_code",
            "destination_province",
            "destination_city",
            "employer",
            "employer_name",
            "start_date",
            "end_date",
            "planned_count",
            "placed",
            "note",
        ]


class JobPostSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.credit_code", read_only=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    occupation = serializers.CharField(source="occupation.code", read_only=True, allow_null=True)
    occupation_name = serializers.CharField(
        source="occupation.name", read_only=True, allow_null=True
    )
    recommended = serializers.IntegerField(read_only=True, help_text=_("已推荐人数"))
    placed = serializers.IntegerField(read_only=True, help_text=_("经该岗位就业人数"))

    class Meta:
        model = JobPost
        fields = [
            "id",
            "employer",
            "employer_name",
            "title",
            "occupation",
            "occupation_name",
            "wage_min",
            "wage_max",
            "place",
            "location",
            "headcount",
            "posted_on",
            "closes_on",
            "requirements",
            "region_code",
            "status",
            "recommended",
            "placed",
        ]


class PlacementSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    employer = serializers.CharField(source="employer.credit_code", read_only=True, allow_null=True)
    training_class = serializers.CharField(
        source="training_class.code", read_only=True, allow_null=True
    )
    institution = serializers.CharField(
        source="training_class.institution.credit_code", read_only=True, allow_null=True
    )

    class Meta:
        model = Placement
        fields = [
            "id",
            "person",
            "village_code",
            "employer",
            "employer_name",
            "job",
            "export_program",
            "training_class",
            "institution",
            "start_date",
            "end_date",
            "place",
            "province",
            "location",
            "monthly_wage",
            "has_contract",
            "channel",
            "status",
            "leave_reason",
            "created_at",
        ]


class FollowUpSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(source="placement.person", read_only=True)
    employer_name = serializers.CharField(source="placement.employer_name", read_only=True)
    state = serializers.SerializerMethodField(help_text=_("回访状态"))

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "placement",
            "person",
            "employer_name",
            "village_code",
            "month_no",
            "due_on",
            "state",
            "done_on",
            "still_employed",
            "monthly_wage",
            "leave_reason",
            "note",
            "cancelled",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=FollowUpState.choices))
    def get_state(self, obj) -> str:
        # Local date, as the ?state= filter uses.
        return obj.state(timezone.localdate())


class StartupFollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = StartupFollowUp
        fields = ["id", "visited_on", "operating", "jobs", "poor_jobs", "monthly_revenue", "note"]


class StartupSerializer(serializers.ModelSerializer):
    founder = PersonBriefSerializer(read_only=True)
    training_class = serializers.CharField(
        source="training_class.code", read_only=True, allow_null=True
    )
    is_leader = serializers.BooleanField(read_only=True, help_text=_("创业带头人"))
    follow_ups = StartupFollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Startup
        fields = [
            "id",
            "founder",
            "village_code",
            "name",
            "kind",
            "industry",
            "registration_no",
            "started_on",
            "place_code",
            "address",
            "training_class",
            "incubated",
            "loan_amount",
            "subsidy_amount",
            "other_support",
            "jobs_created",
            "poor_jobs_created",
            "is_leader",
            "status",
            "closed_on",
            "follow_ups",
            "created_at",
        ]
