"""Employment ledgers: placements (with follow-up results), start-ups, employers.

Persons appear masked, as on screen; every export is an audit event.
"""

from jifu.core.exporting import Column, Ledger, audited_ledger

PLACEMENT_COLUMNS = [
    Column("序号", 6, "int"),
    Column("姓名", 10),
    Column("身份证号码", 21),
    Column("村", 12),
    Column("用人单位名称", 24),
    Column("统一社会信用代码", 20),
    Column("就业地点", 10),
    Column("就业省份", 10),
    Column("详细地点", 16),
    Column("入职日期", 11, "date"),
    Column("离岗日期", 11, "date"),
    Column("月工资", 10, "decimal"),
    Column("是否签订合同", 8),
    Column("就业渠道", 10),
    Column("关联班级编号", 18),
    Column("已回访次数", 8, "int"),
    Column("状态", 8),
]
STARTUP_COLUMNS = [
    Column("序号", 6, "int"),
    Column("经营实体名称", 24),
    Column("创业人", 10),
    Column("身份证号码", 21),
    Column("经营实体类型", 12),
    Column("经营行业", 12),
    Column("创业日期", 11, "date"),
    Column("经营地点", 16),
    Column("创业担保贷款", 12, "decimal"),
    Column("创业补贴", 12, "decimal"),
    Column("带动就业人数", 8, "int"),
    Column("带动贫困劳动力就业人数", 8, "int"),
    Column("经营状态", 8),
]
EMPLOYER_COLUMNS = [
    Column("序号", 6, "int"),
    Column("单位名称", 28),
    Column("统一社会信用代码", 20),
    Column("单位类型", 14),
    Column("所属行业", 12),
    Column("所在省份", 10),
    Column("联系人", 10),
    Column("联系电话", 14),
    Column("状态", 8),
]


def _ledger(actor, title: str, columns, rows) -> Ledger:
    return audited_ledger(actor, app="employment", title=title, columns=columns, rows=rows)


def _area(actor) -> str:
    return actor.region.name if actor.region_id else ""


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def placement_ledger(queryset, *, actor) -> Ledger:
    from django.db.models import Count, Q

    title = f"{_area(actor)}就业安置台账"

    def rows():
        qs = (
            queryset.select_related(
                "person", "person__household__village", "employer", "training_class"
            )
            .annotate(done=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=False)))
            .order_by("village_code", "start_date", "id")
        )
        for n, p in enumerate(qs.iterator(chunk_size=1000), start=1):
            yield [
                n,
                p.person.name,
                p.person.id_number_masked,
                p.person.household.village.name,
                p.employer_name,
                p.employer.credit_code if p.employer else "",
                p.get_place_display(),
                p.province,
                p.location,
                p.start_date,
                p.end_date,
                p.monthly_wage,
                _yes_no(p.has_contract),
                p.get_channel_display(),
                p.training_class.code if p.training_class else "",
                p.done,
                p.get_status_display(),
            ]

    return _ledger(actor, title, PLACEMENT_COLUMNS, rows())


def startup_ledger(queryset, *, actor) -> Ledger:
    title = f"{_area(actor)}创业实体台账"

    def rows():
        qs = queryset.select_related("founder", "place").order_by(
            "village_code", "started_on", "id"
        )
        for n, s in enumerate(qs.iterator(chunk_size=1000), start=1):
            yield [
                n,
                s.name,
                s.founder.name,
                s.founder.id_number_masked,
                s.get_kind_display(),
                s.industry,
                s.started_on,
                s.place.name,
                s.loan_amount,
                s.subsidy_amount,
                s.jobs_created,
                s.poor_jobs_created,
                s.get_status_display(),
            ]

    return _ledger(actor, title, STARTUP_COLUMNS, rows())


def employer_ledger(queryset, *, actor) -> Ledger:
    title = f"{_area(actor)}用人单位台账"

    def rows():
        for n, e in enumerate(queryset.order_by("name").iterator(chunk_size=1000), start=1):
            yield [
                n,
                e.name,
                e.credit_code,
                e.get_kind_display(),
                e.industry,
                e.province,
                e.contact_name,
                e.contact_phone,
                e.get_status_display(),
            ]

    return _ledger(actor, title, EMPLOYER_COLUMNS, rows())
