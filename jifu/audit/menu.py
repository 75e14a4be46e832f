from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "audit",
    _("安全审计"),
    95,
    MenuItem(_("审计日志"), "audit:event_list", "audit.view_auditevent", "journal"),
)
