from rest_framework import serializers

from ..models import Household, Person


class HouseholdSerializer(serializers.ModelSerializer):
    head = serializers.CharField(source="head.name", default=None, read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "household_no",
            "village_code",
            "poverty_status",
            "exit_year",
            "head",
            "resettled",
            "helping_cadre",
        ]


class PersonSerializer(serializers.ModelSerializer):
    """Sensitive values only ever masked through the API."""

    household_no = serializers.CharField(source="household.household_no", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    bank_account = serializers.CharField(source="bank_account_masked", read_only=True)
    wanted_occupations = serializers.ListField(
        source="wanted_occupation_list", child=serializers.CharField(), read_only=True
    )
    is_labourer = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "household_no",
            "village_code",
            "relation_to_head",
            "education",
            "id_number",
            "phone",
            "bank_account",
            "labour_ability",
            "employment_status",
            "employment_place",
            "employer",
            "monthly_income",
            "wants_training",
            "wanted_occupations",
            "wants_job",
            "wants_business",
            "status",
            "is_labourer",
        ]

    def get_is_labourer(self, obj) -> bool:
        return obj.is_labourer()


class IdNumberSearchSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=40)
