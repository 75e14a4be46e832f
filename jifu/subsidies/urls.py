from django.urls import path

from . import fund_views, payment_views, views

app_name = "subsidies"

urlpatterns = [
    # Claims and their workflow (views.py).
    path("claims/", views.ClaimListView.as_view(), name="claim_list"),
    path("claims/add/class/", views.ClassClaimCreateView.as_view(), name="claim_add_class"),
    path("claims/add/person/", views.PersonClaimCreateView.as_view(), name="claim_add_person"),
    path(
        "claims/add/employer/", views.EmployerClaimCreateView.as_view(), name="claim_add_employer"
    ),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim_detail"),
    path("claims/<int:pk>/review/", views.ClaimReviewView.as_view(), name="claim_review"),
    path("claims/<int:pk>/return/", views.ClaimReturnView.as_view(), name="claim_return"),
    path("claims/<int:pk>/reject/", views.ClaimRejectView.as_view(), name="claim_reject"),
    path("claims/<int:pk>/verify/", views.ClaimVerifyView.as_view(), name="claim_verify"),
    path("claims/<int:pk>/resubmit/", views.ClaimResubmitView.as_view(), name="claim_resubmit"),
    path("complaints/", views.ComplaintListView.as_view(), name="complaint_list"),
    path(
        "complaints/<int:pk>/answer/", views.ComplaintAnswerView.as_view(), name="complaint_answer"
    ),
    # Payment batches, bank files and reconciliation (payment_views.py).
    path("batches/", payment_views.BatchListView.as_view(), name="batch_list"),
    path("batches/add/", payment_views.BatchCreateView.as_view(), name="batch_add"),
    path("batches/<int:pk>/", payment_views.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/export/", payment_views.BatchExportView.as_view(), name="batch_export"),
    path("batches/<int:pk>/return/", payment_views.BatchReturnView.as_view(), name="batch_return"),
    # Funds, standards and eligibility rules (fund_views.py).
    path("funds/", fund_views.FundListView.as_view(), name="fund_list"),
    path("funds/add/", fund_views.AllocationCreateView.as_view(), name="allocation_add"),
    path("standards/", fund_views.StandardListView.as_view(), name="standard_list"),
    path("standards/add/", fund_views.StandardCreateView.as_view(), name="standard_add"),
    path("standards/<int:pk>/end/", fund_views.StandardEndView.as_view(), name="standard_end"),
    path("rules/", fund_views.RuleListView.as_view(), name="rule_list"),
    path("rules/<int:pk>/", fund_views.RuleEditView.as_view(), name="rule_edit"),
]
