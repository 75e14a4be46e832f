"""Read-only training API, scoped like the pages: every list is ``restrict(user)``.

Register with ``ROUTES`` (prefix, viewset, basename) so the paths are
``/api/occupations/``, ``/api/institutions/``, ``/api/classes/``,
``/api/enrolments/`` and ``/api/certificates/``.
"""

from django.db.models import Count, Q

from jifu.core.api import ScopedReadOnlyViewSet

from ..choices import EnrolmentStatus
from ..models import Certificate, Enrolment, Institution, Occupation, TrainingClass
from .filtersets import (
    CertificateFilterSet,
    EnrolmentFilterSet,
    InstitutionFilterSet,
    OccupationFilterSet,
    TrainingClassFilterSet,
)
from .serializers import (
    CertificateSerializer,
    EnrolmentSerializer,
    InstitutionSerializer,
    OccupationSerializer,
    TrainingClassSerializer,
)


class OccupationViewSet(ScopedReadOnlyViewSet):
    """The occupation catalogue (reference data: every reader sees all of it)."""

    queryset = Occupation.objects.all()
    serializer_class = OccupationSerializer
    filterset_class = OccupationFilterSet


class InstitutionViewSet(ScopedReadOnlyViewSet):
    """Institutions in the caller's region; an institution user sees only itself."""

    queryset = Institution.objects.prefetch_related("occupations")
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilterSet


class TrainingClassViewSet(ScopedReadOnlyViewSet):
    """Classes by place; an institution user sees only its own classes."""

    # Meta.ordering is dropped from aggregate (GROUP BY) queries: order explicitly.
    queryset = (
        TrainingClass.objects.select_related("institution", "occupation")
        .annotate(
            enrolled=Count(
                "enrolments",
                filter=Q(
                    enrolments__status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED]
                ),
            ),
            applied=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.APPLIED)),
        )
        .order_by("-start_date", "code")
    )
    serializer_class = TrainingClassSerializer
    filterset_class = TrainingClassFilterSet


class EnrolmentViewSet(ScopedReadOnlyViewSet):
    """Trainees by their village; an institution user sees its own classes' trainees."""

    queryset = Enrolment.objects.select_related(
        "person", "training_class__occupation", "training_class__institution"
    )
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilterSet


class CertificateViewSet(ScopedReadOnlyViewSet):
    """Certificates by the holder's village; an institution user sees those of its classes."""

    queryset = Certificate.objects.select_related("person", "occupation")
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet


ROUTES = [
    ("occupations", OccupationViewSet, "occupation"),
    ("institutions", InstitutionViewSet, "institution"),
    ("classes", TrainingClassViewSet, "trainingclass"),
    ("enrolments", EnrolmentViewSet, "enrolment"),
    ("certificates", CertificateViewSet, "certificate"),
]
