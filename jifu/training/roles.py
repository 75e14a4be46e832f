"""Who does what in training.

Institutions declare classes, run them (open, attendance, completion,
assessment) and enrol registry persons they find by full ID number and name;
the county HR office registers institutions and approves or returns classes;
villages and townships enrol their people and confirm public applications.
"""

from jifu.accounts.roles import OFFICE_ROLES, PROGRAMME_READERS, Role, grant

READERS = OFFICE_ROLES | {Role.AUDITOR, Role.INSTITUTION}
COUNTY_OFFICE = {Role.COUNTY_HRSS}

grant(PROGRAMME_READERS | {Role.SYSADMIN}, "training.view_occupation")
grant({Role.PROVINCE, Role.SYSADMIN}, "training.add_occupation", "training.change_occupation")
grant(
    READERS,
    "training.view_institution",
    "training.view_trainingclass",
    "training.view_enrolment",
    "training.view_certificate",
    "training.view_appraisal",
)
grant(
    COUNTY_OFFICE | {Role.PREFECTURE, Role.PROVINCE},
    "training.add_institution",
    "training.change_institution",
)
grant({Role.INSTITUTION}, "training.add_trainingclass", "training.run_trainingclass")
grant(COUNTY_OFFICE, "training.review_trainingclass")
grant({Role.VILLAGE, Role.TOWNSHIP, Role.INSTITUTION, Role.COUNTY_HRSS}, "training.add_enrolment")
grant({Role.VILLAGE, Role.TOWNSHIP}, "training.confirm_enrolment")
grant({Role.INSTITUTION, Role.COUNTY_HRSS}, "training.add_certificate", "training.add_appraisal")
grant({Role.COUNTY_HRSS, Role.PROVINCE}, "training.import_trainingclass")
grant({Role.INSTITUTION}, "training.find_person")
