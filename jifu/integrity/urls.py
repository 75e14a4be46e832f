from django.urls import path

from . import views

app_name = "integrity"

urlpatterns = [
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/decide/", views.DecideView.as_view(), name="finding_decide"),
    path("scans/", views.ScanListView.as_view(), name="scan_list"),
    path("scans/now/", views.ScanNowView.as_view(), name="scan_now"),
]
