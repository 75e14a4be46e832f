from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "system",
    _("基础数据"),
    90,
    MenuItem(_("用户管理"), "accounts:user_list", "accounts.view_user", "people"),
)
