"""The work list of employment on each role's home page: follow-ups due and overdue."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.home import register

from .models import FollowUp


@register(8)
def employment_cards(user):
    if not user.has_perm("employment.change_followup"):
        return []
    follow_ups = FollowUp.objects.restrict(user)
    url = reverse("employment:followup_list")
    return [
        {
            "label": _("逾期未回访"),
            "value": follow_ups.overdue().count(),
            "url": f"{url}?state=overdue",
        },
        {
            "label": _("本期待回访"),
            "value": follow_ups.due().count(),
            "url": f"{url}?state=due",
        },
    ]
