"""Ledgers (台账) and list exports of the registry, built on ``jifu.core.exporting``.

Exports are masked by default; a role that may reveal values can ask for a
full export, which decrypts each value and is an audit event like every export.
"""

from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from jifu.audit import services as audit
from jifu.core import crypto
from jifu.core.exporting import Column, Ledger

from .choices import EmploymentStatus, FiveList
from .services import SENSITIVE

PERSON_COLUMNS = [
    Column("序号", 6, "int"),
    Column("县(市、区)", 12),
    Column("乡(镇)", 12),
    Column("村", 12),
    Column("户编号", 22),
    Column("户主姓名", 10),
    Column("姓名", 10),
    Column("身份证号码", 21),
    Column("性别", 5),
    Column("民族", 8),
    Column("与户主关系", 8),
    Column("文化程度", 10),
    Column("联系电话", 14),
    Column("贫困户属性", 12),
    Column("脱贫年度", 8, "int"),
    Column("劳动能力", 12),
    Column("就业状态", 8),
    Column("就业地点", 9),
    Column("务工单位", 16),
    Column("月收入(元)", 10, "decimal"),
    Column("是否有培训意愿", 8),
    Column("意愿培训工种", 16),
    Column("是否有就业意愿", 8),
    Column("是否有创业意愿", 8),
    Column("银行账号", 22),
    Column("帮扶责任人", 10),
]


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def person_rows(queryset, *, full: bool, names: dict[str, str], totals: dict):
    """Stream ledger rows; ``totals`` is filled while streaming for the totals row."""
    qs = queryset.select_related("household", "household__head").order_by(
        "village_code", "household__household_no", "id"
    )
    for n, p in enumerate(qs.iterator(chunk_size=2000), start=1):
        h = p.household
        if full:
            id_number = crypto.decrypt(p.id_number_enc, context=SENSITIVE["id_number"][0])
            phone = (
                crypto.decrypt(p.phone_enc, context=SENSITIVE["phone"][0]) if p.phone_enc else ""
            )
            bank = (
                crypto.decrypt(p.bank_account_enc, context=SENSITIVE["bank_account"][0])
                if p.bank_account_enc
                else ""
            )
        else:
            id_number, phone, bank = p.id_number_masked, p.phone_masked, p.bank_account_masked
        totals["persons"] += 1
        totals["employed"] += p.employment_status == EmploymentStatus.EMPLOYED
        totals["wants_training"] += p.wants_training
        yield [
            n,
            names.get(p.village_code[:6], ""),
            names.get(p.village_code[:9], ""),
            names.get(p.village_code, ""),
            h.household_no,
            h.head.name if h.head_id else "",
            p.name,
            id_number,
            p.get_gender_display(),
            p.ethnicity,
            p.get_relation_to_head_display(),
            p.get_education_display() if p.education else "",
            phone,
            h.get_poverty_status_display(),
            h.exit_year,
            p.get_labour_ability_display(),
            p.get_employment_status_display() if p.employment_status else "",
            p.get_employment_place_display() if p.employment_place else "",
            p.employer,
            p.monthly_income,
            _yes(p.wants_training),
            "、".join(p.wanted_occupation_list),
            _yes(p.wants_job),
            _yes(p.wants_business),
            bank,
            h.helping_cadre,
        ]


def region_names(prefix: str) -> dict[str, str]:
    """Names of the regions under ``prefix`` keyed by their 6/9/12-digit prefixes."""
    from jifu.regions.models import Region

    out = {}
    for code, name, level in Region.objects.filter(code__startswith=prefix[:6]).values_list(
        "code", "name", "level"
    ):
        out[{"county": code[:6], "township": code[:9]}.get(level, code)] = name
    return out


def _totals_row(totals: dict) -> list:
    """The 合计 row under the ledger, aligned with PERSON_COLUMNS."""
    row: list = [""] * len(PERSON_COLUMNS)
    headers = [c.header for c in PERSON_COLUMNS]
    row[0] = "合计"
    row[headers.index("姓名")] = f"{totals['persons']} 人"
    row[headers.index("就业状态")] = f"已就业 {totals['employed']}"
    row[headers.index("是否有培训意愿")] = f"有意愿 {totals['wants_training']}"
    return row


def person_ledger(
    queryset, *, title: str, region, actor, full: bool = False, as_of: date | None = None
) -> Ledger:
    """A ledger of persons (one row per labourer, totals at the end), audited as an export."""
    totals = {"persons": 0, "employed": 0, "wants_training": 0}
    with transaction.atomic():
        audit.record(
            "export",
            actor=actor,
            object_type="registry.person",
            object_repr=title[:200],
            region_code=region.code,
            message="明文导出" if full else "脱敏导出",
            after={"full": full},
        )
    return Ledger(
        title=title,
        region=region.full_name(),
        as_of=as_of or timezone.localdate(),
        columns=PERSON_COLUMNS,
        rows=person_rows(queryset, full=full, names=region_names(region.code), totals=totals),
        totals=lambda: _totals_row(totals),
        notes=[
            "制表单位：" + region.full_name(),
            "说明：身份证号码、联系电话、银行账号" + ("为明文，请妥善保管" if full else "已脱敏"),
        ],
    )


def five_list_counts(queryset, children) -> list[dict]:
    """Counts of the five lists for each sub-region (one query per list level)."""
    rows = []
    for child in children:
        under = queryset.filter(village_code__startswith=child.prefix)
        force = under.labour_force()
        counts = force.aggregate(
            total=Count("id"),
            employed=Count("id", filter=Q(employment_status=EmploymentStatus.EMPLOYED)),
            unemployed=Count("id", filter=Q(employment_status=EmploymentStatus.UNEMPLOYED)),
            wants_training=Count("id", filter=Q(wants_training=True)),
            wants_job=Count("id", filter=Q(wants_job=True)),
            wants_business=Count("id", filter=Q(wants_business=True)),
        )
        rows.append({"region": child, **counts})
    return rows


FIVE_LIST_KEYS = [k for k, _label in FiveList.choices]
