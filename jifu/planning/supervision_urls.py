"""URLs of the planning supervision pages: visits, commendations and accountability,
the annual work summary and highlights."""

from django.urls import path

from . import supervision_views as views

urlpatterns = [
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/add/", views.VisitCreateView.as_view(), name="visit_add"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/rectify/", views.VisitRectifyView.as_view(), name="visit_rectify"),
    path("visits/<int:pk>/close/", views.VisitCloseView.as_view(), name="visit_close"),
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/add/", views.ActionCreateView.as_view(), name="action_add"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/generate/", views.ReportGenerateView.as_view(), name="report_generate"),
    path("reports/upload/", views.ReportUploadView.as_view(), name="report_upload"),
    path("reports/<int:pk>/final/", views.ReportDownloadView.as_view(), name="report_download"),
    path("highlights/", views.HighlightListView.as_view(), name="highlight_list"),
    path("highlights/add/", views.HighlightCreateView.as_view(), name="highlight_add"),
]
