"""The work list of employment on each role's home page: follow-ups due and overdue;
for an employer, the poor labourers it employs now."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.home import register

from .choices import PlacementStatus
from .models import FollowUp, Placement


@register(8)
def employment_cards(user):
    cards = []
    if user.has_perm("employment.change_followup"):
        follow_ups = FollowUp.objects.restrict(user)
        url = reverse("employment:followup_list")
        cards += [
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
    if user.role == "employer" and user.has_perm("employment.view_placement"):
        cards.append(
            {
                "label": _("在岗贫困劳动力"),
                "value": Placement.objects.restrict(user)
                .filter(status=PlacementStatus.EMPLOYED)
                .count(),
                "url": reverse("employment:placement_list") + "?status=employed",
            }
        )
    return cards
