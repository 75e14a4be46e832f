"""Who does what with subsidies.

Institutions claim for their classes, employers for 以工代训, villages and the
county HR office for persons; the county HR office reviews (初审), publicises
and answers complaints; the county finance bureau verifies (复核), pays and
reconciles; the province sets standards and eligibility rules; allocations are
entered by the finance bureau of the level that receives the money.
"""

from jifu.accounts.roles import OFFICE_ROLES, Role, grant

READERS = OFFICE_ROLES | {Role.AUDITOR}

grant(
    READERS | {Role.INSTITUTION, Role.EMPLOYER, Role.SYSADMIN},
    "subsidies.view_subsidystandard",
    "subsidies.view_eligibilityrule",
)
grant({Role.PROVINCE}, "subsidies.add_subsidystandard", "subsidies.change_subsidystandard")
grant({Role.PROVINCE}, "subsidies.change_eligibilityrule")
grant(READERS, "subsidies.view_fundallocation")
grant({Role.COUNTY_FINANCE, Role.PROVINCE, Role.PREFECTURE}, "subsidies.add_fundallocation")
grant(
    READERS | {Role.INSTITUTION, Role.EMPLOYER},
    "subsidies.view_subsidyclaim",
    "subsidies.view_claimline",
    "subsidies.view_payment",
)
grant(
    {Role.INSTITUTION, Role.EMPLOYER, Role.VILLAGE, Role.COUNTY_HRSS},
    "subsidies.add_subsidyclaim",
)
grant({Role.COUNTY_HRSS}, "subsidies.review_subsidyclaim", "subsidies.view_complaint")
grant({Role.COUNTY_FINANCE}, "subsidies.verify_subsidyclaim", "subsidies.pay_subsidyclaim")
grant(
    {Role.COUNTY_FINANCE, Role.COUNTY_HRSS, Role.PREFECTURE, Role.PROVINCE, Role.AUDITOR},
    "subsidies.view_paymentbatch",
    "subsidies.view_mismatch",
    "subsidies.view_complaint",
)
