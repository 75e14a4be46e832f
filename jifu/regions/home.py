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


def prefecture_map(user) -> list[dict] | None:
    """Deep-poverty counties per prefecture, for the province/prefecture home map."""
    if not user.has_perm("regions.view_region") or user.region.level not in (
        "province",
        "prefecture",
    ):
        return None
    from django.db.models import Count, Q

    url = reverse("regions:region_list")
    rows = (
        Region.objects.restrict(user)
        .filter(level="prefecture")
        .annotate(
            deep=Count(
                "children",
                filter=Q(children__poverty_category__in=["liangzhou_yixian", "province_deep"]),
            )
        )
        .order_by("code")
    )
    return [
        {
            "name": r.name,
            "value": r.deep,
            "url": f"{url}?region={r.code}&level=county&deep_poverty=true",
        }
        for r in rows
    ]
