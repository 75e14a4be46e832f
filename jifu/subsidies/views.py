"""Pages of subsidies (being written)."""

from django.views.generic import TemplateView


class _Stub(TemplateView):
    template_name = "base.html"


ClaimListView = ClaimDetailView = ComplaintListView = BatchListView = BatchDetailView = _Stub
FundListView = StandardListView = RuleListView = _Stub
