"""Who does what in employment.

Villages and townships record their people's jobs, follow them up and recommend
them to posts; the county HR office registers employers, labour brands and
export programmes and sees everything in its county; employers post jobs, record
the poor labourers they hire (found by full ID number and name) and their
以工代训 months; institutions follow up the trainees of their own classes.
"""

from jifu.accounts.roles import OFFICE_ROLES, Role, grant

READERS = OFFICE_ROLES | {Role.AUDITOR}
COUNTY = {Role.COUNTY_HRSS}
FRONTLINE = {Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY_HRSS}

grant(
    READERS | {Role.EMPLOYER},
    "employment.view_employer",
    "employment.view_commitment",
    "employment.view_jobpost",
    "employment.view_recommendation",
    "employment.view_placement",
    "employment.view_followup",
    "employment.view_labourexportprogram",
    "employment.view_workbasedtraining",
)
grant(READERS | {Role.INSTITUTION}, "employment.view_startup", "employment.view_startupfollowup")
# Institutions follow their trainees into jobs: they see those placements and follow-ups.
grant(
    {Role.INSTITUTION},
    "employment.view_placement",
    "employment.view_followup",
    "employment.change_followup",
)
grant(READERS, "employment.view_labourbrand")
grant(
    COUNTY | {Role.PREFECTURE, Role.PROVINCE},
    "employment.add_employer",
    "employment.change_employer",
)
grant(
    COUNTY | {Role.EMPLOYER},
    "employment.add_commitment",
    "employment.add_jobpost",
    "employment.change_jobpost",
)
grant(COUNTY | {Role.PREFECTURE, Role.PROVINCE}, "employment.add_labourbrand")
grant(COUNTY, "employment.add_labourexportprogram")
grant(FRONTLINE, "employment.add_recommendation")
grant({Role.EMPLOYER}, "employment.change_recommendation", "employment.find_person")
grant(FRONTLINE | {Role.EMPLOYER}, "employment.add_placement", "employment.change_placement")
grant(FRONTLINE, "employment.change_followup")
grant({Role.EMPLOYER}, "employment.add_workbasedtraining")
grant(FRONTLINE, "employment.add_startup", "employment.change_startup")
grant({Role.COUNTY_HRSS, Role.PROVINCE}, "employment.import_placement")
