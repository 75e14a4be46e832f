"""What every page of the shell needs: the menu, the user's scope, the system name."""

from django.utils.translation import gettext_lazy as _

from . import menu


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"system_name": _("技能扶贫行动管理信息系统")}
    scope_label = user.region.full_name() if user.region_id else ""
    if user.is_org_user and user.org_credit_code:
        scope_label = f"{scope_label} · {user.org_credit_code}"
    return {
        "system_name": _("技能扶贫行动管理信息系统"),
        "menu_groups": menu.for_user(user, request.path),
        "scope_label": scope_label,
    }
