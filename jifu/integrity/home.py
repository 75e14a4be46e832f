"""Findings on the dashboards of the county, prefecture and province."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.home import register

from .choices import FindingStatus, Severity
from .models import Finding


@register(15)
def integrity_cards(user):
    if not user.has_perm("integrity.view_finding"):
        return []
    # Each card counts exactly what the list it links to shows.
    findings = Finding.objects.restrict(user).filter(status=FindingStatus.NEW)
    url = reverse("integrity:finding_list")
    return [
        {
            "label": _("待核查疑点"),
            "value": findings.count(),
            "url": f"{url}?status=new",
        },
        {
            "label": _("高风险疑点"),
            "value": findings.filter(severity=Severity.HIGH).count(),
            "url": f"{url}?status=new&severity=high",
        },
    ]
