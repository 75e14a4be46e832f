"""Planning pages: dashboards (dashboard_urls), targets and plans (plan_urls),
supervision, reports and highlights (supervision_urls)."""

from . import dashboard_urls, plan_urls, supervision_urls

app_name = "planning"

urlpatterns = [*dashboard_urls.urlpatterns, *plan_urls.urlpatterns, *supervision_urls.urlpatterns]
