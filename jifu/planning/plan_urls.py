"""URLs of the target and annual-plan pages (included by ``planning.urls``)."""

from django.urls import path

from . import plan_views as views

urlpatterns = [
    path("targets/", views.TargetListView.as_view(), name="target_list"),
    path("targets/set/", views.TargetSetView.as_view(), name="target_set"),
    path("targets/<int:pk>/split/", views.TargetSplitView.as_view(), name="target_split"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/draft/", views.PlanDraftView.as_view(), name="plan_draft"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/adjust/", views.PlanAdjustView.as_view(), name="plan_adjust"),
    path("plans/<int:pk>/redraft/", views.PlanRedraftView.as_view(), name="plan_redraft"),
    path("plans/<int:pk>/submit/", views.PlanSubmitView.as_view(), name="plan_submit"),
    path("plans/<int:pk>/approve/", views.PlanApproveView.as_view(), name="plan_approve"),
    path("plans/<int:pk>/return/", views.PlanReturnView.as_view(), name="plan_return"),
]
