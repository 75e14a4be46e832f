"""URLs of the planning dashboard pages: 工作进度 and its refresh."""

from django.urls import path

from . import dashboard_views

urlpatterns: list = [
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/refresh/", dashboard_views.RefreshView.as_view(), name="dashboard_refresh"),
]
