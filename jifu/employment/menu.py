from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "employment",
    _("就业创业"),
    30,
    MenuItem(_("就业安置"), "employment:placement_list", "employment.view_placement", "briefcase"),
    MenuItem(_("就业回访"), "employment:followup_list", "employment.view_followup", "telephone"),
    MenuItem(_("就业成效"), "employment:outcomes", "employment.view_placement", "bar-chart"),
    MenuItem(_("招聘岗位"), "employment:job_list", "employment.view_jobpost", "megaphone"),
    MenuItem(_("用人单位"), "employment:employer_list", "employment.view_employer", "buildings"),
    MenuItem(
        _("劳务输转"),
        "employment:program_list",
        "employment.view_labourexportprogram",
        "signpost-split",
    ),
    MenuItem(
        _("劳务品牌"), "employment:brand_list", "employment.view_labourbrand", "bookmark-star"
    ),
    MenuItem(
        _("以工代训"), "employment:worktraining_list", "employment.view_workbasedtraining", "tools"
    ),
    MenuItem(_("创业实体"), "employment:startup_list", "employment.view_startup", "shop"),
    MenuItem(_("创业带头人"), "employment:leader_list", "employment.view_startup", "star"),
)
