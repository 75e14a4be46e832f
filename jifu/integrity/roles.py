"""Who sees and decides integrity findings: the county HR office checks and
decides them; the county finance bureau, prefecture, province and auditors see
them (the province decides too, for findings spanning counties)."""

from jifu.accounts.roles import Role, grant

grant(
    {
        Role.COUNTY_HRSS,
        Role.COUNTY_FINANCE,
        Role.COUNTY_POVERTY,
        Role.PREFECTURE,
        Role.PROVINCE,
        Role.AUDITOR,
    },
    "integrity.view_finding",
    "integrity.view_scanrun",
)
grant({Role.COUNTY_HRSS, Role.PROVINCE}, "integrity.decide_finding")
