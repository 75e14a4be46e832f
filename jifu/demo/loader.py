"""Put demo data into the database: villages, demo logins, and (as the
registry and later apps arrive) the people and their records.

Everything here is synthetic; nothing describes a real person.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from jifu.accounts import services as account_services
from jifu.accounts.models import User
from jifu.accounts.roles import Role
from jifu.regions import services as region_services
from jifu.regions.models import Region
from jifu.registry.importers import TEMPLATE_HEADERS, import_persons

from . import employment_data, generator, subsidy_data, training_data

DEMO_PASSWORD = "Jifu#Demo2018"  # noqa: S105 - printed demo logins, embedded demo only

# The ledger template headers, in the template's order.
LEDGER_HEADERS = TEMPLATE_HEADERS


class DemoDataError(Exception):
    def __init__(self, message_zh: str, message_en: str):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass
class DemoResult:
    data: generator.DemoData
    persons: int = 0
    households: int = 0
    villages_created: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    training: training_data.TrainingResult | None = None
    employment: employment_data.EmploymentResult | None = None
    subsidies: subsidy_data.SubsidyResult | None = None


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def ledger_rows(data: generator.DemoData):
    """The generated persons as rows of the standard ledger template."""
    names = {
        r.code: r.name
        for r in Region.objects.filter(
            code__in={v.code12[:9].ljust(12, "0") for v in data.villages}
            | {v.code12[:6].ljust(12, "0") for v in data.villages}
        )
    }
    villages = {v.code12: v for v in data.villages}
    for household in data.households:
        village = villages[household.village_code12]
        head = next(
            (m for m in household.members if m.relation_to_head == "户主"), household.members[0]
        )
        for p in household.members:
            yield [
                names.get(village.county_code6.ljust(12, "0"), ""),
                names.get(village.township_code9.ljust(12, "0"), ""),
                village.name,
                household.household_no,
                head.name,
                p.name,
                p.id_number,
                "男" if p.gender == "M" else "女",
                p.ethnicity,
                p.relation_to_head,
                p.education,
                p.phone,
                household.poverty_status,
                household.exit_year or "",
                p.labour_ability,
                p.employment_status,
                p.employment_place,
                p.employer,
                p.monthly_income or "",
                _yes(p.wants_training) if p.employment_status else "",
                "、".join(p.wanted_occupations),
                _yes(p.wants_job) if p.employment_status else "",
                _yes(p.wants_business) if p.employment_status else "",
                p.bank_account,
                p.helping_cadre,
            ]


def _demo_users(data: generator.DemoData) -> list[tuple[str, str, str]]:
    """One login per region-scoped role, in the first demo county (东乡县 when present)."""
    counties = sorted({v.county_code6 for v in data.villages})
    county6 = "622926" if "622926" in counties else (counties[0] if counties else None)
    if county6 is None:
        return []
    county = Region.objects.get(code=county6.ljust(12, "0"))
    village = min((v for v in data.villages if v.county_code6 == county6), key=lambda v: v.code12)
    township = Region.objects.get(code=village.township_code9.ljust(12, "0"))
    village_region = Region.objects.get(code=village.code12)
    scopes = {
        Role.PROVINCE: Region.objects.get(code="620000000000"),
        Role.PREFECTURE: county.parent,
        Role.COUNTY_HRSS: county,
        Role.COUNTY_POVERTY: county,
        Role.COUNTY_FINANCE: county,
        Role.TOWNSHIP: township,
        Role.VILLAGE: village_region,
        Role.AUDITOR: county,
        Role.SYSADMIN: Region.objects.get(code="620000000000"),
        Role.SECADMIN: Region.objects.get(code="620000000000"),
        Role.AUDITADMIN: Region.objects.get(code="620000000000"),
    }
    logins = []
    for role, region in scopes.items():
        username = f"demo_{role.value}"
        if not User.objects.filter(username=username).exists():
            account_services.create_user(
                actor=None,
                username=username,
                role=role,
                region=region,
                password=DEMO_PASSWORD,
                full_name=f"演示{role.label}",
            )
        logins.append((username, role.label, region.full_name()))
    return logins


def _institution_login(data: generator.DemoData) -> list[tuple[str, str, str]]:
    """A login for the demo county's first training institution (org roles come with their orgs)."""
    from jifu.training.models import Institution

    counties = sorted({v.county_code6 for v in data.villages})
    county6 = "622926" if "622926" in counties else (counties[0] if counties else None)
    # The institution with the most classes, so that its demo login has work to show.
    institution = (
        Institution.objects.filter(region_code__startswith=county6)
        .annotate(n=Count("classes"))
        .order_by("-n", "credit_code")
        .first()
        if county6
        else None
    )
    if institution is None:
        return []
    username = "demo_institution"
    if not User.objects.filter(username=username).exists():
        account_services.create_user(
            actor=None,
            username=username,
            role=Role.INSTITUTION,
            region=institution.region,
            org_credit_code=institution.credit_code,
            password=DEMO_PASSWORD,
            full_name=f"演示{institution.name}",
        )
    return [(username, Role.INSTITUTION.label, institution.name)]


def _employer_login(data: generator.DemoData) -> list[tuple[str, str, str]]:
    """A login for the demo county's employer with the most placements (so it has work to show)."""
    from jifu.employment.models import Employer

    counties = sorted({v.county_code6 for v in data.villages})
    county6 = "622926" if "622926" in counties else (counties[0] if counties else None)
    employer = (
        Employer.objects.filter(region_code__startswith=county6)
        .annotate(n=Count("placements"))
        .order_by("-n", "credit_code")
        .first()
        if county6
        else None
    )
    if employer is None:
        return []
    username = "demo_employer"
    if not User.objects.filter(username=username).exists():
        account_services.create_user(
            actor=None,
            username=username,
            role=Role.EMPLOYER,
            region=employer.region,
            org_credit_code=employer.credit_code,
            password=DEMO_PASSWORD,
            full_name=f"演示{employer.name}",
        )
    return [(username, Role.EMPLOYER.label, employer.name)]


def build(
    *,
    persons: int,
    counties: list[str] | None,
    seed: int,
    with_users: bool = True,
    enrolments: int | None = None,
) -> DemoResult:
    """Villages, logins, the registry (through the ledger import), training and employment records.

    ``enrolments`` defaults to about one per 8 persons (see ``training_data``).
    """
    if not Region.objects.filter(level="county").exists():
        region_services.load_reference()
    if counties:
        known = set(Region.objects.filter(level="county").values_list("code", flat=True))
        unknown = [c for c in counties if c.ljust(12, "0") not in known]
        if unknown:
            raise DemoDataError(
                f"未知的县级区划代码：{', '.join(unknown)}",
                f"unknown county codes: {', '.join(unknown)}",
            )
    data = generator.generate(persons=persons, counties=counties, seed=seed)
    result = DemoResult(
        data=data,
        persons=sum(len(h.members) for h in data.households),
        households=len(data.households),
    )
    with transaction.atomic():
        result.villages_created = region_services.ensure_villages(data.villages, source="demo-data")
        if with_users:
            result.logins = _demo_users(data)
    # The people go in the way real ones do: as a ledger through the importer.
    report = import_persons(ledger_bytes(data), filename="demo-ledger.csv")
    if report.rejected:
        first = report.errors[0]
        raise DemoDataError(
            f"演示台账有 {report.rejected} 行被拒绝（第 {first.row} 行：{first.message}）",
            f"{report.rejected} demo ledger rows were rejected (first at row {first.row})",
        )
    result.notes.append(
        f"实名库：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged} / "
        f"registry: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    )
    result.training = training = training_data.build(data, seed=seed, enrolments=enrolments)
    # After training: placements follow the trainees of the classes that ended.
    result.employment = employment = employment_data.build(data, seed=seed)
    if with_users:
        result.logins.extend(_institution_login(data))
        result.logins.extend(_employer_login(data))
    # After the logins: the demo claims are submitted, reviewed and paid by them.
    result.subsidies = subsidies = subsidy_data.build(data, seed=seed, with_users=with_users)
    result.logins.extend(subsidies.logins)
    # Targets split by registered labourers, then the dashboards' summaries, so the
    # demo dashboards show the data just made (the worker refreshes them later).
    from jifu.planning.demo_targets import seed_targets
    from jifu.planning.summaries import rebuild

    seed_targets()
    rebuild()
    if training.skipped:
        result.notes.append(
            "培训：演示培训机构已存在，未重复生成 / training: the demo institutions exist already; nothing added"
        )
    elif training.enrolments < training.wanted:
        result.notes.append(
            f"培训：有培训意愿的劳动力不足，只生成了 {training.enrolments} 人次（要求 {training.wanted}） / "
            f"training: only {training.enrolments} of {training.wanted} enrolments (too few labourers want training)"
        )
    if employment.skipped:
        result.notes.append(
            "就业：演示用人单位已存在，未重复生成，实名库就业状态已按就业记录更新 / "
            "employment: the demo employers exist already; nothing added, registry employment re-synced"
        )
    result.notes.extend(subsidies.notes)
    return result


def ledger_bytes(data: generator.DemoData) -> bytes:
    """The generated people as a UTF-8 ledger CSV (what a county would upload)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(LEDGER_HEADERS)
    writer.writerows(ledger_rows(data))
    return buffer.getvalue().encode("utf-8-sig")
