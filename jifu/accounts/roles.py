"""Roles, the region level each role works at, and what each role may do.

Permissions are Django permission strings (``app.action_model``) granted by
role in code rather than stored per user: a role's duties are policy, reviewed
with the code, and the three administrators of MLPS 2.0 (等保) must stay
separated — none of them reads programme or personal data by default.
Later apps add their permissions to ``ROLE_PERMISSIONS`` through
``grant()`` in their ``roles.py``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE = "province", _("省级人社/扶贫部门")
    PREFECTURE = "prefecture", _("市州人社局")
    COUNTY_HRSS = "county_hrss", _("县人社局")
    COUNTY_POVERTY = "county_poverty", _("县扶贫办")
    COUNTY_FINANCE = "county_finance", _("县财政局")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")
    INSTITUTION = "institution", _("培训机构")
    SCHOOL = "school", _("技工院校")
    EMPLOYER = "employer", _("用人单位")
    AUDITOR = "auditor", _("审计监督")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


ORG_ROLES = {Role.INSTITUTION, Role.SCHOOL, Role.EMPLOYER}
ADMIN_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN}

# The region level a user of each role must be scoped to; None means any level.
ROLE_LEVEL = {
    Role.PROVINCE: "province",
    Role.PREFECTURE: "prefecture",
    Role.COUNTY_HRSS: "county",
    Role.COUNTY_POVERTY: "county",
    Role.COUNTY_FINANCE: "county",
    Role.TOWNSHIP: "township",
    Role.VILLAGE: "village",
    Role.INSTITUTION: None,
    Role.SCHOOL: None,
    Role.EMPLOYER: None,
    Role.AUDITOR: None,
    Role.SYSADMIN: "province",
    Role.SECADMIN: "province",
    Role.AUDITADMIN: "province",
}

OFFICE_ROLES = {
    Role.PROVINCE,
    Role.PREFECTURE,
    Role.COUNTY_HRSS,
    Role.COUNTY_POVERTY,
    Role.COUNTY_FINANCE,
    Role.TOWNSHIP,
    Role.VILLAGE,
}
ALL_ROLES = set(Role)
PROGRAMME_READERS = OFFICE_ROLES | ORG_ROLES | {Role.AUDITOR}

ROLE_PERMISSIONS: dict[str, set[str]] = {role: set() for role in Role}


def grant(roles, *perms: str) -> None:
    for role in roles:
        ROLE_PERMISSIONS[role].update(perms)


# Regions are reference data every working role reads within its scope; the
# province office corrects poverty categories, the system administrator too.
grant(PROGRAMME_READERS | {Role.SYSADMIN}, "regions.view_region")
grant({Role.PROVINCE, Role.SYSADMIN}, "regions.change_region", "regions.import_region")
# Accounts: the system administrator creates and edits users; the security
# administrator sees them (to lock and unlock); offices see the users in their area.
grant({Role.SYSADMIN}, "accounts.view_user", "accounts.add_user", "accounts.change_user")
grant({Role.SECADMIN}, "accounts.view_user", "accounts.lock_user")
grant({Role.PROVINCE, Role.PREFECTURE, Role.COUNTY_HRSS}, "accounts.view_user")
# The audit log is read by the audit administrator only; verify is its duty.
grant({Role.AUDITADMIN}, "audit.view_auditevent", "audit.verify_auditevent")
