from django.urls import path

from . import views

app_name = "subsidies"

urlpatterns = [
    path("claims/", views.ClaimListView.as_view(), name="claim_list"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim_detail"),
    path("complaints/", views.ComplaintListView.as_view(), name="complaint_list"),
    path("batches/", views.BatchListView.as_view(), name="batch_list"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("funds/", views.FundListView.as_view(), name="fund_list"),
    path("standards/", views.StandardListView.as_view(), name="standard_list"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
]
