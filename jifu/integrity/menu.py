from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "integrity",
    _("疑点核查"),
    45,
    MenuItem(
        _("疑点清单"), "integrity:finding_list", "integrity.view_finding", "shield-exclamation"
    ),
    MenuItem(_("扫描记录"), "integrity:scan_list", "integrity.view_scanrun", "clock-history"),
)
