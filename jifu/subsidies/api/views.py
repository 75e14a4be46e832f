"""Read-only subsidies API, scoped like the pages: every list is ``restrict(user)``.

Register with ``ROUTES`` (prefix, viewset, basename) so the paths are
``/api/standards/``, ``/api/funds/``, ``/api/claims/`` and ``/api/payments/``.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce

from jifu.core.api import ScopedReadOnlyViewSet

from ..choices import LIVE_LINE_STATUSES, LineStatus
from ..models import MONEY, ClaimLine, FundAllocation, Payment, SubsidyClaim, SubsidyStandard
from .filtersets import (
    FundAllocationFilterSet,
    PaymentFilterSet,
    SubsidyClaimFilterSet,
    SubsidyStandardFilterSet,
)
from .serializers import (
    FundAllocationSerializer,
    PaymentSerializer,
    SubsidyClaimSerializer,
    SubsidyStandardSerializer,
)


def _line_sum(condition: Q):
    # Zero rather than null for a claim without such lines; the output field
    # quantizes SQLite's floating sums to cents.
    return Coalesce(
        Sum("lines__amount", filter=condition),
        Value(Decimal("0")),
        output_field=DecimalField(**MONEY),
    )


class SubsidyStandardViewSet(ScopedReadOnlyViewSet):
    """Subsidy standards (reference data: every reader sees all of them, whichever
    region set them); ``?in_force_on=DATE`` keeps those in force that day."""

    queryset = SubsidyStandard.objects.select_related("occupation")
    serializer_class = SubsidyStandardSerializer
    filterset_class = SubsidyStandardFilterSet


class FundAllocationViewSet(ScopedReadOnlyViewSet):
    """Allocations to the caller's region and below, with what is left of each."""

    queryset = FundAllocation.objects.all()
    serializer_class = FundAllocationSerializer
    filterset_class = FundAllocationFilterSet


class SubsidyClaimViewSet(ScopedReadOnlyViewSet):
    """Claims by the county that handles them; an institution or employer user
    sees only its own. Each claim carries all its lines (roles.py grants
    reading lines with reading claims), beneficiaries masked."""

    # Meta.ordering is dropped from aggregate (GROUP BY) queries: order explicitly.
    queryset = (
        SubsidyClaim.objects.select_related("institution", "employer", "training_class")
        .prefetch_related(
            Prefetch("lines", queryset=ClaimLine.objects.select_related("person").order_by("id"))
        )
        .annotate(
            line_count=Count("lines", filter=Q(lines__status__in=LIVE_LINE_STATUSES)),
            total_amount=_line_sum(Q(lines__status__in=LIVE_LINE_STATUSES)),
            paid_amount=_line_sum(Q(lines__status=LineStatus.PAID)),
        )
        .order_by("-submitted_at", "-id")
    )
    serializer_class = SubsidyClaimSerializer
    filterset_class = SubsidyClaimFilterSet


class PaymentViewSet(ScopedReadOnlyViewSet):
    """Payment instructions by the county that pays them; an institution or
    employer user sees those of its own claims (payees of other kinds included)."""

    queryset = Payment.objects.select_related("batch", "line__claim")
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet


ROUTES = [
    ("standards", SubsidyStandardViewSet, "subsidystandard"),
    ("funds", FundAllocationViewSet, "fundallocation"),
    ("claims", SubsidyClaimViewSet, "subsidyclaim"),
    ("payments", PaymentViewSet, "payment"),
]
