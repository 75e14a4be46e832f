from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "planning",
    _("目标与督导"),
    5,
    MenuItem(_("工作进度"), "planning:dashboard", "planning.view_progressfact", "speedometer2"),
    MenuItem(_("目标任务"), "planning:target_list", "planning.view_target", "bullseye"),
    MenuItem(_("年度计划"), "planning:plan_list", "planning.view_annualplan", "calendar3"),
    MenuItem(_("督导"), "planning:visit_list", "planning.view_supervisionvisit", "clipboard-check"),
    MenuItem(_("表扬与问责"), "planning:action_list", "planning.view_action", "megaphone"),
    MenuItem(
        _("年度工作总结"), "planning:report_list", "planning.view_annualreport", "file-earmark-word"
    ),
    MenuItem(_("亮点经验"), "planning:highlight_list", "planning.view_highlight", "lightbulb"),
)
