"""Who may do what in the registry.

Offices and cadres read the registry of their area; village, township and the
county offices keep it; county offices and above may reveal a full ID number,
phone or bank account (an audited act). Organisation users do not read the
registry here: they see their own trainees through the training app.
"""

from jifu.accounts.roles import OFFICE_ROLES, Role, grant

REGISTRY_MODELS = ("household", "person", "householdplan", "guidancerecord", "outreachevent")
KEEPERS = {Role.COUNTY_HRSS, Role.COUNTY_POVERTY, Role.TOWNSHIP, Role.VILLAGE}
REVEALERS = {Role.PROVINCE, Role.PREFECTURE, Role.COUNTY_HRSS, Role.COUNTY_POVERTY}

grant(OFFICE_ROLES | {Role.AUDITOR}, *(f"registry.view_{m}" for m in REGISTRY_MODELS))
grant(KEEPERS, *(f"registry.{a}_{m}" for m in REGISTRY_MODELS for a in ("add", "change")))
grant({Role.COUNTY_HRSS, Role.COUNTY_POVERTY, Role.PROVINCE}, "registry.import_person")
grant(REVEALERS, "registry.reveal_person")
grant(OFFICE_ROLES | {Role.AUDITOR}, "registry.export_person")
grant(
    {Role.COUNTY_HRSS, Role.COUNTY_POVERTY, Role.PROVINCE},
    "core.view_importjob",
    "core.add_importjob",
)
