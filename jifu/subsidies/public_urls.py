"""Public (no-login) subsidy pages: 公示 and 举报; included by ``jifu.public_urls``."""

from django.urls import path

from . import public

urlpatterns = [
    path("publicity/", public.PublicityListView.as_view(), name="publicity_list"),
    path("publicity/<str:number>/", public.PublicityDetailView.as_view(), name="publicity_detail"),
]
