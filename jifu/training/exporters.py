"""Training ledgers: the county's classes, an institution's or area's trainees."""

from jifu.core.exporting import Column, Ledger, audited_ledger

CLASS_COLUMNS = [
    Column("序号", 6, "int"),
    Column("班级编号", 18),
    Column("培训机构", 24),
    Column("职业(工种)", 14),
    Column("等级", 12),
    Column("培训类型", 14),
    Column("培训方式", 10),
    Column("培训地点", 16),
    Column("开班日期", 11, "date"),
    Column("结业日期", 11, "date"),
    Column("总课时", 8, "int"),
    Column("安全课时", 8, "int"),
    Column("计划人数", 8, "int"),
    Column("学员", 8, "int"),
    Column("状态", 10),
]
ENROLMENT_COLUMNS = [
    Column("序号", 6, "int"),
    Column("学员", 10),
    Column("身份证号码", 21),
    Column("村", 12),
    Column("班级编号", 18),
    Column("职业(工种)", 14),
    Column("培训机构", 24),
    Column("开班日期", 11, "date"),
    Column("结业日期", 11, "date"),
    Column("出勤", 8),
    Column("出勤率", 8),
    Column("考核结果", 8),
    Column("考核成绩", 8, "decimal"),
    Column("证书编号", 20),
    Column("状态", 8),
]


def class_ledger(queryset, *, actor) -> Ledger:
    title = f"{actor.region.name}培训班台账"

    def rows():
        qs = queryset.select_related("institution", "occupation", "place").order_by(
            "start_date", "code"
        )
        for n, c in enumerate(qs.iterator(chunk_size=1000), start=1):
            yield [
                n,
                c.code,
                c.institution.name,
                c.occupation.name,
                c.get_level_display() if c.level else "",
                c.get_training_type_display(),
                c.get_delivery_mode_display(),
                c.place.name,
                c.start_date,
                c.end_date,
                c.total_hours,
                c.safety_hours,
                c.capacity,
                getattr(c, "enrolled_count", None),
                c.get_status_display(),
            ]

    return audited_ledger(actor, app="training", title=title, columns=CLASS_COLUMNS, rows=rows())


def enrolment_ledger(queryset, *, actor) -> Ledger:
    title = f"{actor.region.name}培训学员台账"

    def rows():
        qs = (
            queryset.select_related(
                "person",
                "person__household__village",
                "training_class",
                "training_class__occupation",
                "training_class__institution",
                "assessment",
            )
            .prefetch_related("certificates")
            .order_by("training_class__start_date", "id")
        )
        for n, e in enumerate(qs.iterator(chunk_size=1000), start=1):
            c, a = e.training_class, getattr(e, "assessment", None)
            rate = e.attendance_rate
            yield [
                n,
                e.person.name,
                e.person.id_number_masked,
                e.person.household.village.name,
                c.code,
                c.occupation.name,
                c.institution.name,
                c.start_date,
                c.end_date,
                f"{e.sessions_present}/{e.sessions_total}",
                f"{rate:.0%}" if rate is not None else "",
                a.get_result_display() if a else "",
                a.score if a else None,
                "、".join(cert.number for cert in e.certificates.all()),
                e.get_status_display(),
            ]

    return audited_ledger(
        actor, app="training", title=title, columns=ENROLMENT_COLUMNS, rows=rows()
    )
