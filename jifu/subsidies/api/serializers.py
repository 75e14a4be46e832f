"""Subsidies API representations.

Beneficiaries appear only as name and masked ID number (the training API's
brief form); payee accounts only masked — the ciphertext and the blind index
never leave the database. Institutions, employers and classes by their codes,
claims and batches by their numbers.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jifu.training.api.serializers import PersonBriefSerializer

from ..models import MONEY, ClaimLine, FundAllocation, Payment, SubsidyClaim, SubsidyStandard


class SubsidyStandardSerializer(serializers.ModelSerializer):
    occupation = serializers.CharField(source="occupation.code", read_only=True, allow_null=True)
    occupation_name = serializers.CharField(
        source="occupation.name", read_only=True, allow_null=True
    )

    class Meta:
        model = SubsidyStandard
        fields = [
            "id",
            "item",
            "region_code",
            "occupation",
            "occupation_name",
            "level",
            "training_type",
            "amount",
            "unit",
            "key_industry_pct",
            "key_industry_amount",
            "max_months",
            "effective_from",
            "effective_to",
            "document",
        ]


class FundAllocationSerializer(serializers.ModelSerializer):
    balance = serializers.DecimalField(
        read_only=True, help_text=_("余额（下达金额 − 已核准待支付 − 已支付）"), **MONEY
    )

    class Meta:
        model = FundAllocation
        fields = [
            "id",
            "source",
            "region_code",
            "year",
            "amount",
            "committed",
            "paid",
            "balance",
            "document",
            "allocated_on",
        ]


class ClaimLineSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)

    class Meta:
        model = ClaimLine
        fields = [
            "id",
            "person",
            "village_code",
            "item",
            "period",
            "year",
            "quantity",
            "amount",
            "rule",
            "status",
            "payee_kind",
            "note",
        ]


class RefusalSerializer(serializers.Serializer):
    """A trainee the rules left out of the claim (stored with the masked ID number)."""

    person = serializers.CharField(read_only=True, help_text=_("姓名"))
    id_number = serializers.CharField(read_only=True, help_text=_("身份证号码（脱敏）"))
    item = serializers.CharField(read_only=True, help_text=_("补贴项目"))
    reason = serializers.CharField(read_only=True, help_text=_("原因"))


class SubsidyClaimSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(
        source="institution.credit_code", read_only=True, allow_null=True
    )
    institution_name = serializers.CharField(
        source="institution.name", read_only=True, allow_null=True
    )
    employer = serializers.CharField(source="employer.credit_code", read_only=True, allow_null=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True, allow_null=True)
    training_class = serializers.CharField(
        source="training_class.code", read_only=True, allow_null=True
    )
    refusals = RefusalSerializer(many=True, read_only=True)
    # Totals leave out lines taken off the claim (已核减): what is claimed, what was paid.
    line_count = serializers.IntegerField(read_only=True, help_text=_("明细数（不含已核减）"))
    total_amount = serializers.DecimalField(
        read_only=True, help_text=_("申领金额（不含已核减）"), **MONEY
    )
    paid_amount = serializers.DecimalField(read_only=True, help_text=_("已支付金额"), **MONEY)
    lines = ClaimLineSerializer(many=True, read_only=True)

    class Meta:
        model = SubsidyClaim
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "region_code",
            "institution",
            "institution_name",
            "employer",
            "employer_name",
            "training_class",
            "note",
            "submitted_at",
            "review_note",
            "publicity_from",
            "publicity_until",
            "allocation",
            "line_count",
            "total_amount",
            "paid_amount",
            "refusals",
            "lines",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    batch = serializers.CharField(source="batch.number", read_only=True)
    claim = serializers.CharField(source="line.claim.number", read_only=True)

    class Meta:
        model = Payment
        # Never account_enc or account_bidx: the masked account is all a reader needs.
        fields = [
            "id",
            "idempotency_key",
            "batch",
            "claim",
            "line",
            "allocation",
            "region_code",
            "amount",
            "payee_name",
            "payee_kind",
            "account_masked",
            "status",
            "bank_reference",
            "paid_on",
            "failure_reason",
            "created_at",
        ]
