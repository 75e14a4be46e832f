from django.urls import path

from . import views

app_name = "employment"

urlpatterns = [
    path("employers/", views.EmployerListView.as_view(), name="employer_list"),
    path("employers/add/", views.EmployerCreateView.as_view(), name="employer_add"),
    path("employers/<int:pk>/", views.EmployerDetailView.as_view(), name="employer_detail"),
    path(
        "employers/<int:pk>/commitments/add/",
        views.CommitmentCreateView.as_view(),
        name="commitment_add",
    ),
    path("jobs/", views.JobListView.as_view(), name="job_list"),
    path("jobs/add/", views.JobCreateView.as_view(), name="job_add"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/recommend/", views.RecommendView.as_view(), name="job_recommend"),
    path("jobs/<int:pk>/close/", views.CloseJobView.as_view(), name="job_close"),
    path(
        "recommendations/<int:pk>/decline/",
        views.DeclineView.as_view(),
        name="recommendation_decline",
    ),
    path("placements/", views.PlacementListView.as_view(), name="placement_list"),
    path("placements/find/", views.FindPersonView.as_view(), name="placement_find"),
    path(
        "placements/template.xlsx",
        views.PlacementTemplateView.as_view(),
        name="placement_template",
    ),
    path("placements/add/", views.PlacementCreateView.as_view(), name="placement_add"),
    path("placements/<int:pk>/", views.PlacementDetailView.as_view(), name="placement_detail"),
    path("placements/<int:pk>/end/", views.PlacementEndView.as_view(), name="placement_end"),
    path("follow-ups/", views.FollowUpListView.as_view(), name="followup_list"),
    path("follow-ups/<int:pk>/record/", views.FollowUpRecordView.as_view(), name="followup_record"),
    path("outcomes/", views.OutcomeView.as_view(), name="outcomes"),
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    path("programs/add/", views.ProgramCreateView.as_view(), name="program_add"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program_detail"),
    path("brands/", views.BrandListView.as_view(), name="brand_list"),
    path("brands/add/", views.BrandCreateView.as_view(), name="brand_add"),
    path("work-training/", views.WorkTrainingListView.as_view(), name="worktraining_list"),
    path("work-training/add/", views.WorkTrainingCreateView.as_view(), name="worktraining_add"),
    path("startups/", views.StartupListView.as_view(), name="startup_list"),
    path("startups/add/", views.StartupCreateView.as_view(), name="startup_add"),
    path("startups/<int:pk>/", views.StartupDetailView.as_view(), name="startup_detail"),
    path(
        "startups/<int:pk>/follow-up/",
        views.StartupFollowUpView.as_view(),
        name="startup_follow_up",
    ),
    path("leaders/", views.LeaderListView.as_view(), name="leader_list"),
]
