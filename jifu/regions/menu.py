from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "system",
    _("基础数据"),
    90,
    MenuItem(_("行政区划"), "regions:region_list", "regions.view_region", "geo"),
)
