from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.home import register

from .choices import FiveList
from .models import Household, Person


@register(1)
def registry_cards(user):
    """The five lists and the work list of the registry: households without a plan."""
    if not user.has_perm("registry.view_person"):
        return []
    persons = Person.objects.restrict(user)
    lists = reverse("registry:person_list")
    cards = [
        {
            "label": _("劳动力"),
            "value": persons.labour_force().count(),
            "url": f"{lists}?labour_force=true",
        }
    ]
    for key, label in FiveList.choices:
        cards.append(
            {
                "label": label,
                "value": persons.five_list(key).count(),
                "url": f"{lists}?five_list={key}",
            }
        )
    households = Household.objects.restrict(user)
    cards.append(
        {
            "label": _("无一户一策的户"),
            "value": households.filter(plans__isnull=True).count(),
            "url": reverse("registry:household_list") + "?without_plan=true",
        }
    )
    return cards
