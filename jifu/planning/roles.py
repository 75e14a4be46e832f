"""Who does what in planning: the province sets targets and splits them; each
level splits its own; counties draft and submit plans, prefectures approve them;
supervision is by the level above; every office reads its dashboard."""

from jifu.accounts.roles import OFFICE_ROLES, Role, grant

READERS = OFFICE_ROLES | {Role.AUDITOR}

grant(READERS | {Role.SYSADMIN}, "planning.view_phase")
grant({Role.PROVINCE}, "planning.change_phase")
grant(READERS, "planning.view_target", "planning.view_progressfact")
grant(
    {Role.PROVINCE, Role.PREFECTURE, Role.COUNTY_HRSS},
    "planning.add_target",
    "planning.change_target",
)
grant(READERS, "planning.view_annualplan")
grant({Role.COUNTY_HRSS}, "planning.add_annualplan", "planning.change_annualplan")
grant({Role.PREFECTURE}, "planning.approve_annualplan")
grant(READERS, "planning.view_supervisionvisit", "planning.view_action")
grant({Role.PROVINCE, Role.PREFECTURE}, "planning.add_supervisionvisit", "planning.add_action")
grant({Role.COUNTY_HRSS, Role.PROVINCE, Role.PREFECTURE}, "planning.change_supervisionvisit")
grant(READERS, "planning.view_annualreport", "planning.view_highlight")
grant(
    {Role.PROVINCE, Role.PREFECTURE, Role.COUNTY_HRSS},
    "planning.add_annualreport",
    "planning.change_annualreport",
)
grant(OFFICE_ROLES, "planning.add_highlight")
