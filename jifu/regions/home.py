from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.home import register

from .models import Region


@register(10)
def region_cards(user):
    qs = Region.objects.restrict(user)
    if not user.has_perm("regions.view_region"):
        return []
    counts = dict.fromkeys(("county", "township", "village"), 0)
    for level in counts:
        counts[level] = qs.filter(level=level).count()
    url = reverse("regions:region_list")
    return [
        {"label": _("县(市、区)"), "value": counts["county"], "url": f"{url}?level=county"},
        {
            "label": _("深度贫困县"),
            "value": qs.deep_poverty().count(),
            "url": f"{url}?level=county&deep_poverty=true",
        },
        {"label": _("乡(镇、街道)"), "value": counts["township"], "url": f"{url}?level=township"},
        {"label": _("村(社区)"), "value": counts["village"], "url": f"{url}?level=village"},
    ]
