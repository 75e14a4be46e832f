"""Public pages without login (政务公开), one ``public`` namespace for every app's pages."""

from jifu.subsidies.public_urls import urlpatterns as subsidy_pages
from jifu.training.public_urls import urlpatterns as training_pages

app_name = "public"

urlpatterns = training_pages + subsidy_pages
