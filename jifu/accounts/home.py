from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.home import register

from .models import User


@register(90)
def user_cards(user):
    if not user.has_perm("accounts.view_user"):
        return []
    qs = User.objects.restrict(user)
    url = reverse("accounts:user_list")
    return [
        {"label": _("用户"), "value": qs.filter(is_active=True).count(), "url": url},
        {
            "label": _("锁定用户"),
            "value": qs.filter(locked_until__isnull=False).count(),
            "url": f"{url}?locked=true",
        },
    ]
