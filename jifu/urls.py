from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from jifu.core.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("regions/", include("jifu.regions.urls")),
    path("accounts/", include("jifu.accounts.urls")),
    path("audit/", include("jifu.audit.urls")),
    path("registry/", include("jifu.registry.urls")),
    path("training/", include("jifu.training.urls")),
    path("employment/", include("jifu.employment.urls")),
    path("subsidies/", include("jifu.subsidies.urls")),
    path("integrity/", include("jifu.integrity.urls")),
    path("planning/", include("jifu.planning.urls")),
    # 政务公开: open classes, applications, certificate look-up, subsidy publicity, without login.
    path("public/", include("jifu.public_urls")),
    path("api/", include("jifu.api_urls")),
]
