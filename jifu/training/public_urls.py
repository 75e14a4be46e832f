"""Public (no-login) training pages; included under ``public/`` by jifu.urls."""

from django.urls import path

from . import public

app_name = "public"

urlpatterns = [
    path("", public.OpenClassListView.as_view(), name="class_list"),
    path("classes/<int:pk>/apply/", public.ApplyView.as_view(), name="apply"),
    path("certificates/", public.CertificateLookupView.as_view(), name="certificate_lookup"),
]
