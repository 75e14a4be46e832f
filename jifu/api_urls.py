"""``/api/``: one router for every app's viewsets, the OpenAPI schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from jifu.accounts.api.views import ObtainTokenView, UserViewSet
from jifu.audit.api.views import AuditEventViewSet
from jifu.employment.api.views import (
    EmployerViewSet,
    FollowUpViewSet,
    JobPostViewSet,
    LabourExportProgramViewSet,
    PlacementViewSet,
    StartupViewSet,
)
from jifu.planning.api.plans import AnnualPlanViewSet, TargetViewSet
from jifu.planning.api.progress import ProgressView
from jifu.planning.api.supervision import SupervisionVisitViewSet
from jifu.regions.api.views import RegionViewSet
from jifu.registry.api.views import HouseholdViewSet, PersonViewSet
from jifu.subsidies.api.views import (
    FundAllocationViewSet,
    PaymentViewSet,
    SubsidyClaimViewSet,
    SubsidyStandardViewSet,
)
from jifu.training.api.views import (
    CertificateViewSet,
    EnrolmentViewSet,
    InstitutionViewSet,
    OccupationViewSet,
    TrainingClassViewSet,
)

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("users", UserViewSet, basename="user")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("households", HouseholdViewSet, basename="household")
router.register("persons", PersonViewSet, basename="person")
router.register("occupations", OccupationViewSet, basename="occupation")
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("classes", TrainingClassViewSet, basename="trainingclass")
router.register("enrolments", EnrolmentViewSet, basename="enrolment")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("employers", EmployerViewSet, basename="employer")
router.register(
    "labour-export-programs", LabourExportProgramViewSet, basename="labourexportprogram"
)
router.register("jobs", JobPostViewSet, basename="jobpost")
router.register("placements", PlacementViewSet, basename="placement")
router.register("follow-ups", FollowUpViewSet, basename="followup")
router.register("startups", StartupViewSet, basename="startup")
router.register("standards", SubsidyStandardViewSet, basename="subsidystandard")
router.register("funds", FundAllocationViewSet, basename="fundallocation")
router.register("claims", SubsidyClaimViewSet, basename="subsidyclaim")
router.register("payments", PaymentViewSet, basename="payment")
router.register("targets", TargetViewSet, basename="target")
router.register("plans", AnnualPlanViewSet, basename="annualplan")
router.register("supervision", SupervisionVisitViewSet, basename="supervisionvisit")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("progress/", ProgressView.as_view(), name="api-progress"),
    path("", include(router.urls)),
]
