"""Read-only employment API, scoped like the pages: every list is ``restrict(user)``.

Register with ``ROUTES`` (prefix, viewset, basename) so the paths are
``/api/employers/``, ``/api/labour-export-programs/``, ``/api/jobs/``,
``/api/placements/``, ``/api/follow-ups/`` and ``/api/startups/``.
"""

from django.db.models import Count

from jifu.core.api import ScopedReadOnlyViewSet

from ..models import Employer, FollowUp, JobPost, LabourExportProgram, Placement, Startup
from .filtersets import (
    EmployerFilterSet,
    FollowUpFilterSet,
    JobPostFilterSet,
    LabourExportProgramFilterSet,
    PlacementFilterSet,
    StartupFilterSet,
)
from .serializers import (
    EmployerSerializer,
    FollowUpSerializer,
    JobPostSerializer,
    LabourExportProgramSerializer,
    PlacementSerializer,
    StartupSerializer,
)


class EmployerViewSet(ScopedReadOnlyViewSet):
    """Employers of the caller's county; an employer user sees only itself."""

    queryset = Employer.objects.prefetch_related("commitments")
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilterSet


class LabourExportProgramViewSet(ScopedReadOnlyViewSet):
    """Organised transfers of the caller's county; an employer sees those it receives."""

    # Meta.ordering is dropped from aggregate (GROUP BY) queries: order explicitly.
    queryset = (
        LabourExportProgram.objects.select_related("brand", "employer")
        .annotate(placed=Count("placements"))
        .order_by("-start_date", "name", "id")
    )
    serializer_class = LabourExportProgramSerializer
    filterset_class = LabourExportProgramFilterSet


class JobPostViewSet(ScopedReadOnlyViewSet):
    """Job posts published for the caller's county; an employer sees its own."""

    queryset = (
        JobPost.objects.select_related("employer", "occupation")
        .annotate(
            # Two relations joined at once: distinct, or each multiplies the other.
            recommended=Count("recommendations", distinct=True),
            placed=Count("placements", distinct=True),
        )
        .order_by("-posted_on", "id")
    )
    serializer_class = JobPostSerializer
    filterset_class = JobPostFilterSet


class PlacementViewSet(ScopedReadOnlyViewSet):
    """Placements by the person's village; an employer sees its employees, an
    institution the placements of its own classes' trainees."""

    queryset = Placement.objects.select_related("person", "employer", "training_class__institution")
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilterSet


class FollowUpViewSet(ScopedReadOnlyViewSet):
    """Monthly placement follow-ups; ``?state=due|overdue|done|upcoming|cancelled``."""

    queryset = FollowUp.objects.select_related("placement__person")
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilterSet


class StartupViewSet(ScopedReadOnlyViewSet):
    """Businesses by the founder's village; an institution sees its own classes' founders."""

    queryset = Startup.objects.select_related("founder", "training_class").prefetch_related(
        "follow_ups"
    )
    serializer_class = StartupSerializer
    filterset_class = StartupFilterSet


ROUTES = [
    ("employers", EmployerViewSet, "employer"),
    ("labour-export-programs", LabourExportProgramViewSet, "labourexportprogram"),
    ("jobs", JobPostViewSet, "jobpost"),
    ("placements", PlacementViewSet, "placement"),
    ("follow-ups", FollowUpViewSet, "followup"),
    ("startups", StartupViewSet, "startup"),
]
