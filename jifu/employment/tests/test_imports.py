"""The placement import keeps the contract of the other imports on messy files.

Every refusal appears once with its row and the column as written in the file;
a second import of the same file changes nothing; a changed row is an audited
update; a new placement gets its twelve follow-ups and moves the person to
已就业 in the registry; a dry run and an unusable file write nothing.
"""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.core.management.base import CommandError

from jifu.audit.models import AuditEvent
from jifu.core import creditcode, idnumber
from jifu.core.importing import ImportReport, UnusableFile
from jifu.employment import rules
from jifu.employment.importers import TEMPLATE_HEADERS, import_placements, template_workbook
from jifu.employment.models import FollowUp, Placement
from jifu.employment.tests.fixtures import finished_fixture, id_numbers, place, today  # noqa: F401
from jifu.registry.choices import PersonStatus
from jifu.registry.models import Person
from jifu.training import importers as training_importers

COUNTS = ("rows", "created", "updated", "unchanged", "rejected", "duplicates")
HEADER = ["身份证号码", "姓名", "用人单位名称", "统一社会信用代码", "就业地点", "就业省份", "入职日期", "月工资", "是否签订合同", "就业渠道", "关联班级编号"]  # fmt: skip
NOT_FOUND = "实名库中没有此人或姓名不符"
UNREGISTERED = creditcode.make("91620121MA0000007")  # valid, but no employer has it


def counts(report) -> dict:
    return {k: getattr(report, k) for k in COUNTS}


def totals(*values: int) -> dict:
    """Expected counts, in the order of ``COUNTS``."""
    return dict(zip(COUNTS, values, strict=True))


def errors_by_row(report) -> dict:
    return {e.row: (e.column, e.message) for e in report.errors}


def xlsx(header: list, rows: list, title: str = "2020年就业安置台账") -> bytes:
    """A workbook as offices keep it: a merged title row, the header, the rows, a blank row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([None] * len(header))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list, rows: list) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def row(name, start, **kw) -> list:
    """A row in ``HEADER`` order; the ID number is the standard ledger's for ``name``."""
    return [
        kw.get("id_number", id_numbers().get(name)), kw.get("written_name", name),
        kw.get("employer", "兰州某餐饮公司"), kw.get("credit", ""), kw.get("place", "省内县外"),
        kw.get("province", "甘肃省"), start, kw.get("wage", 3000), kw.get("contract", "是"),
        kw.get("channel", "组织输转"), kw.get("class_code", ""),
    ]  # fmt: skip


# The messy workbook: other header names, columns in another order, 序号 and 备注 columns.
MESSY_HEADER = ["序号", "姓名", "公民身份号码", "就业单位", "信用代码", "务工地点", "务工省份", "上岗日期", "月工资(元)", "签订劳动合同", "就业方式", "培训班编号", "备注"]  # fmt: skip


def messy_rows(finished) -> list:
    ids, t = id_numbers(), today()
    start = t - timedelta(days=20)
    employer = finished.employers["a"]
    ma = ids["马文"]
    bad_check = ma[:17] + ("0" if ma[17] != "0" else "1")
    bad_credit = employer.credit_code[:17] + ("0" if employer.credit_code[17] != "0" else "1")
    stranger = idnumber.make("622926", t.replace(year=1990, month=2, day=2), 61)
    return [
        # 3: 马文, in the county, at the registered employer, after his class
        [1, "马文", ma, "测试家政服务公司A", employer.credit_code, "县内", "", start, "3,200元", "是", "组织输转", "A-JY-1", ""],
        # 4: superseded by row 13 (same person and start date)
        [2, "韩梅", ids["韩梅"], "临夏某公司", "", "县内", "甘肃", start, 2000, "否", "自主就业", "", "旧"],
        # 5: the ID number's check digit is wrong
        [3, "马文", bad_check, "某公司", "", "县内", "", start, 3000, "是", "自主就业", "", ""],
        # 6: 马文's number, another name
        [4, "马武", ma, "某公司", "", "县内", "", start - timedelta(days=5), 3000, "是", "自主就业", "", ""],
        # 7: a class that does not exist
        [5, "妥德", ids["妥德"], "某公司", "", "县内", "", start, 3000, "是", "自主就业", "a-jy-99", ""],
        # 8: 妥德 did not take part in 马文's class
        [6, "妥德", ids["妥德"], "某公司", "", "县内", "", start, 3000, "是", "自主就业", "A-JY-1", ""],
        # 9: 省外, yet in Gansu
        [7, "妥德", ids["妥德"], "某公司", "", "省外", "甘肃省", start - timedelta(days=1), 3000, "是", "自主就业", "", ""],
        # 10: starts in the future
        [8, "妥德", ids["妥德"], "某公司", "", "县内", "", t + timedelta(days=3), 3000, "是", "自主就业", "", ""],
        # 11: the credit code's check character is wrong
        [9, "妥德", ids["妥德"], "某公司", bad_credit, "县内", "", start - timedelta(days=2), 3000, "是", "自主就业", "", ""],
        # 12: a channel nobody knows
        [10, "妥德", ids["妥德"], "某公司", "", "县内", "", start - timedelta(days=3), 3000, "是", "网上找的", "", ""],
        # 13: 韩梅 again, later: this row wins; 省内县外 given as its code, the channel as a synonym
        [11, "韩 梅", ids["韩梅"], "兰州某餐饮公司", "", "in_province", "甘肃", start, "", "是", "自主务工", "", ""],
        # 14: 王永 of the other county, out of the province
        [12, "王永", ids["王永"], "广州某电子厂", "", "省外", "广东", start.strftime("%Y年%m月%d日"), 4500, "有", "公益性岗位", "B-JY-1", ""],
        # 15: a number in no registry
        [13, "张三", stranger, "某公司", "", "县内", "", start, 3000, "是", "自主就业", "", ""],
        # 16: a place of work that is not one of the three
        [14, "妥德", ids["妥德"], "某公司", "", "国外", "", start - timedelta(days=4), 3000, "是", "自主就业", "", ""],
    ]  # fmt: skip


MESSY_COUNTS = totals(14, 3, 0, 0, 10, 1)


def messy_xlsx(finished) -> bytes:
    return xlsx(MESSY_HEADER, messy_rows(finished))


def test_placements_from_a_messy_workbook(finished):
    start = today() - timedelta(days=20)
    report = import_placements(messy_xlsx(finished), filename="就业.xlsx")
    assert counts(report) == MESSY_COUNTS, report.errors
    errors = errors_by_row(report)
    assert {r: column for r, (column, _m) in errors.items()} == {
        5: "公民身份号码", 6: "公民身份号码", 7: "培训班编号", 8: "培训班编号", 9: "务工省份",
        10: "上岗日期", 11: "信用代码", 12: "就业方式", 15: "公民身份号码", 16: "务工地点",
    }  # fmt: skip
    assert "校验" in errors[5][1]
    # A wrong name and an unknown number read alike: the file never learns whose a number is.
    assert errors[6][1] == errors[15][1] == NOT_FOUND
    assert errors[7][1] == "培训班 A-JY-99 不存在"
    assert errors[8][1] == "妥德未参加培训班 A-JY-1"
    # The words of the rules the entry screen applies.
    assert errors[9][1] == rules.place_problem("out_of_province", "甘肃省")
    assert errors[10][1] == rules.start_date_problem(today() + timedelta(days=3), today())
    assert errors[11][1] == "统一社会信用代码校验位不正确"
    assert "网上找的" in errors[12][1] and "组织输转" in errors[12][1]
    assert "国外" in errors[16][1]
    assert [(w.row, "以第 13 行为准" in w.message) for w in report.warnings] == [(4, True)]

    ma = Placement.objects.get(person__name="马文")
    assert (ma.employer, ma.employer_name, ma.start_date, ma.end_date) == (
        finished.employers["a"],
        "测试家政服务公司A",
        start,
        None,
    )
    assert (ma.place, ma.province, ma.monthly_wage, ma.has_contract, ma.channel) == (
        "in_county",
        "甘肃省",
        Decimal("3200.00"),
        True,
        "organised",
    )
    assert (ma.training_class, ma.status, ma.village_code) == (
        finished.classes["a"],
        "employed",
        "622926100201",
    )
    han = Placement.objects.get(person__name="韩梅")
    assert (han.employer_name, han.place, han.province, han.monthly_wage, han.channel) == (
        "兰州某餐饮公司",
        "in_province",
        "甘肃省",
        None,
        "self",
    )
    wang = Placement.objects.get(person__name="王永")
    assert (wang.place, wang.province, wang.has_contract, wang.channel, wang.village_code) == (
        "out_of_province",
        "广东省",
        True,
        "public_welfare",
        "620121100201",
    )
    assert Placement.objects.count() == 3

    # Twelve monthly follow-ups per new placement, none cancelled.
    for placement in Placement.objects.all():
        follow_ups = list(placement.follow_ups.order_by("month_no"))
        assert [f.month_no for f in follow_ups] == list(range(1, 13))
        assert [f.due_on for f in follow_ups] == [
            placement.start_date + relativedelta(months=n) for n in range(1, 13)
        ]
        assert not any(f.cancelled for f in follow_ups)
        assert {f.village_code for f in follow_ups} == {placement.village_code}
    assert FollowUp.objects.count() == 36

    # The registry follows: the five lists filter on these fields.
    person = Person.objects.get(name="马文")
    assert (
        person.employment_status,
        person.employment_place,
        person.employer,
        person.monthly_income,
    ) == ("employed", "in_county", "测试家政服务公司A", Decimal("3200.00"))
    assert Person.objects.get(name="王永").employment_place == "out_of_province"
    assert Person.objects.get(name="妥德").employment_status == "unemployed"
    # One event for the batch's registry changes, each person's before and after in it.
    registry = AuditEvent.objects.get(object_type="registry.person", action="update")
    pks = dict(Person.objects.values_list("name", "pk"))
    assert set(registry.after) == {str(pks[n]) for n in ("马文", "韩梅", "王永")}
    assert registry.before[str(pks["马文"])] == {
        "employment_status": "unemployed", "employment_place": "", "employer": "", "monthly_income": None,
    }  # fmt: skip
    assert registry.after[str(pks["马文"])] == {
        "employment_status": "employed", "employment_place": "in_county",
        "employer": "测试家政服务公司A", "monthly_income": "3200.00",
    }  # fmt: skip
    imported = AuditEvent.objects.get(action="import", object_type="employment.placement")
    assert sorted(imported.after["created"]) == sorted(
        f"{p.person_id}/{p.start_date.isoformat()}" for p in Placement.objects.all()
    )
    assert imported.after["rejected"] == 5  # refused once the person is known
    assert not AuditEvent.objects.filter(action="update", object_type="employment.placement")


def test_the_same_file_as_csv_and_with_openpyxl(finished):
    rows = messy_rows(finished)
    for r in rows:  # a CSV carries text, not dates
        r[7] = str(r[7])
    report = import_placements(csv_bytes(MESSY_HEADER, rows), filename="就业.csv")
    assert counts(report) == MESSY_COUNTS
    again = import_placements(messy_xlsx(finished), engine="openpyxl")
    assert counts(again) == {**MESSY_COUNTS, "created": 0, "unchanged": 3}
    # The CSV has no title row: its lines are one less than the workbook's rows.
    assert [(e.row + 1, e.column, e.message) for e in report.errors] == [
        (e.row, e.column, e.message) for e in again.errors
    ]


def test_twice_changes_nothing_and_a_change_is_an_audited_update(finished):
    import_placements(messy_xlsx(finished))
    events = AuditEvent.objects.count()
    again = import_placements(messy_xlsx(finished))
    assert counts(again) == {**MESSY_COUNTS, "created": 0, "unchanged": 3}
    # Only the batch's own import event: nothing was written.
    assert AuditEvent.objects.count() == events + 1
    assert FollowUp.objects.count() == 36

    start = today() - timedelta(days=20)
    changed = import_placements(
        csv_bytes(
            HEADER,
            [
                row("马文", start, employer="测试家政服务公司A", place="县内", wage=3500),
                # Blank optional cells keep what is stored (the wage, the class, the employer).
                row("王永", start, employer="广州某电子厂", place="省外", province="广东省",
                    wage="", contract="是", channel="公益性岗位"),
            ],
        )
    )  # fmt: skip
    assert counts(changed) == totals(2, 0, 1, 1, 0, 0), changed.errors
    ma = Placement.objects.get(person__name="马文")
    assert ma.monthly_wage == Decimal("3500.00")
    assert ma.employer == finished.employers["a"] and ma.training_class == finished.classes["a"]
    update = AuditEvent.objects.get(action="update", object_type="employment.placement")
    key = f"{ma.person_id}/{start.isoformat()}"
    assert (update.before, update.after) == (
        {key: {"monthly_wage": "3200.00"}},
        {key: {"monthly_wage": "3500.00"}},
    )
    assert Person.objects.get(name="马文").monthly_income == Decimal("3500.00")
    assert ma.follow_ups.count() == 12 and FollowUp.objects.count() == 36
    assert Placement.objects.get(person__name="王永").monthly_wage == Decimal("4500.00")


def test_a_new_job_ends_the_earlier_one_as_record_placement_does(finished):
    t = today()
    earlier = place(finished.world, "马文", start=t - timedelta(days=200), monthly_wage=2800)
    start = t - timedelta(days=20)
    # 妥德's three jobs, out of order: each person's jobs are applied in date order.
    rows = [
        row("马文", start, place="县内"),
        row("妥德", t - timedelta(days=400), employer="第一家"),
        row("妥德", t - timedelta(days=40), employer="第三家"),
        row("妥德", t - timedelta(days=200), employer="第二家"),
    ]
    report = import_placements(csv_bytes(HEADER, rows))
    assert counts(report) == totals(4, 4, 0, 0, 0, 0), report.errors

    earlier.refresh_from_db()
    assert (earlier.end_date, earlier.status, earlier.leave_reason) == (
        start - timedelta(days=1),
        "left",
        "other",
    )
    # Months after the end are no longer asked for.
    cancelled = {f.month_no for f in earlier.follow_ups.filter(cancelled=True)}
    assert cancelled == {
        n for n in range(1, 13) if earlier.start_date + relativedelta(months=n) > earlier.end_date
    }
    assert cancelled and len(cancelled) < 12

    jobs = Placement.objects.filter(person__name="妥德").order_by("start_date")
    assert [(j.employer_name, j.end_date, j.status) for j in jobs] == [
        ("第一家", t - timedelta(days=201), "left"),
        ("第二家", t - timedelta(days=41), "left"),
        ("第三家", None, "employed"),
    ]
    for job in jobs:
        assert {f.month_no for f in job.follow_ups.filter(cancelled=False)} == {
            n
            for n in range(1, 13)
            if not job.end_date or job.start_date + relativedelta(months=n) <= job.end_date
        }
    tuo = Person.objects.get(name="妥德")
    assert (tuo.employment_status, tuo.employer) == ("employed", "第三家")

    # A job recorded late, before one already known, ended when the next began.
    late = import_placements(
        csv_bytes(HEADER, [row("马文", t - timedelta(days=300), employer="更早的单位")])
    )
    assert late.created == 1
    oldest = Placement.objects.get(person__name="马文", employer_name="更早的单位")
    assert (oldest.end_date, oldest.status) == (earlier.start_date - timedelta(days=1), "left")
    # The registry still shows the latest job.
    assert Person.objects.get(name="马文").employer == "兰州某餐饮公司"


def _records(name: str) -> tuple:
    """A person's placements with their follow-ups, and the registry's employment fields."""
    jobs = [
        (
            p.start_date, p.end_date, p.status, p.leave_reason, p.employer_name, p.place,
            p.province, p.monthly_wage, p.has_contract, p.channel, p.village_code,
            [(f.month_no, f.due_on, f.cancelled, f.village_code) for f in p.follow_ups.order_by("month_no")],
        )
        for p in Placement.objects.filter(person__name=name).order_by("start_date")
    ]  # fmt: skip
    person = Person.objects.get(name=name)
    registry = (person.employment_status, person.employment_place, person.employer)
    return jobs, registry, person.monthly_income


def test_the_import_writes_what_record_placement_writes(finished):
    t = today()
    d0, d1, d2 = t - timedelta(days=500), t - timedelta(days=300), t - timedelta(days=45)
    world = finished.world
    # Both have a job recorded on screen, still open.
    place(world, "韩梅", start=d0)
    place(world, "妥德", start=d0)
    # Two newer jobs each: one after the other through the service for 韩梅 …
    place(world, "韩梅", start=d1, employer_name="第二家")
    place(world, "韩梅", start=d2, employer_name="第三家", place="in_county", monthly_wage=4100)
    # … and through one import, the newest first, for 妥德.
    rows = [
        row("妥德", d2, employer="第三家", place="县内", wage=4100),
        row("妥德", d1, employer="第二家", wage=3200),
    ]
    report = import_placements(csv_bytes(HEADER, rows))
    assert counts(report) == totals(2, 2, 0, 0, 0, 0), report.errors
    jobs, registry, income = _records("妥德")
    assert (jobs, registry, income) == _records("韩梅")
    assert [j[1] for j in jobs] == [d1 - timedelta(days=1), d2 - timedelta(days=1), None]
    assert registry == ("employed", "in_county", "第三家") and income == Decimal("4100.00")


def test_a_dry_run_writes_nothing(finished):
    events = AuditEvent.objects.count()
    dry = import_placements(messy_xlsx(finished), dry_run=True)
    assert counts(dry) == MESSY_COUNTS
    assert not Placement.objects.exists() and not FollowUp.objects.exists()
    assert AuditEvent.objects.count() == events
    assert Person.objects.get(name="马文").employment_status == "unemployed"
    real = import_placements(messy_xlsx(finished))
    assert counts(real) == MESSY_COUNTS and real.errors == dry.errors


def test_batches_each_have_their_audit_event(finished, monkeypatch):
    monkeypatch.setattr(training_importers, "BATCH_SIZE", 2)
    report = import_placements(messy_xlsx(finished))
    assert counts(report) == MESSY_COUNTS
    # 8 rows reach the batches (rows 5, 7, 11, 12 and 16 fail on reading, row 4 is a duplicate).
    events = AuditEvent.objects.filter(action="import", object_type="employment.placement")
    assert events.count() == 4
    created = [key for e in events for key in e.after["created"]]
    assert sorted(created) == sorted(
        f"{p.person_id}/{p.start_date.isoformat()}" for p in Placement.objects.all()
    )
    assert sum(e.after["rejected"] for e in events) == 5  # refused once the person is known


def test_person_rules_scope_and_employer_warnings(finished):
    start = today() - timedelta(days=20)
    Person.objects.filter(name="妥德").update(
        status=PersonStatus.DEAD, status_date=start - timedelta(days=5)
    )
    rows = [
        row("妥德", start),  # died before the job started
        row("马文", start, credit=finished.employers["a"].credit_code, employer="别的名字"),
        row("韩梅", start, credit=UNREGISTERED),
        row("王永", start, place="省外", province="广东"),  # the other county
    ]
    report = import_placements(csv_bytes(HEADER, rows), scope_prefix="622926")
    assert counts(report) == totals(4, 2, 0, 0, 2, 0)
    errors = errors_by_row(report)
    assert errors[2] == ("身份证号码", "妥德的人员状态为“已死亡”")
    assert errors[5] == ("身份证号码", NOT_FOUND)  # outside the scope reads as unknown
    warnings = {w.row: w.message for w in report.warnings}
    assert "别的名字" in warnings[3] and "测试家政服务公司A" in warnings[3]
    assert UNREGISTERED in warnings[4] and "尚未登记" in warnings[4]
    assert Placement.objects.get(person__name="马文").employer == finished.employers["a"]
    assert Placement.objects.get(person__name="韩梅").employer is None


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n" + b"0" * 100, b"", "姓名,地址\n张三,兰州\n".encode()],
)
def test_an_unusable_file_writes_nothing(finished, content):
    events = AuditEvent.objects.count()
    with pytest.raises(UnusableFile):
        import_placements(content)
    assert not Placement.objects.exists() and AuditEvent.objects.count() == events


def test_a_missing_required_column_is_unusable(finished):
    header = [h for h in HEADER if h != "就业渠道"]
    rows = [row("马文", today() - timedelta(days=20))[:9] + [""]]
    with pytest.raises(UnusableFile) as exc:
        import_placements(csv_bytes(header, rows))
    assert "就业渠道" in exc.value.message_zh
    assert not Placement.objects.exists()


def test_the_template_has_the_headers_in_order_and_imports_exactly(finished):
    assert TEMPLATE_HEADERS == HEADER
    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    sheet = book.active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A2"].number_format == "@"  # ID numbers stay text
    start = today() - timedelta(days=20)
    filled = [
        row("马文", start, class_code="A-JY-1"),
        row("王永", start, place="省外", province="广东省", contract="否"),
    ]
    for r, values in enumerate(filled, start=2):  # into the formatted rows, as a clerk types
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_placements(buffer.getvalue())
    assert counts(report) == totals(2, 2, 0, 0, 0, 0), report.errors
    assert not Placement.objects.get(person__name="王永").has_contract


def test_command_exit_codes_report_and_messages(finished, tmp_path, capsys):
    path = tmp_path / "就业.xlsx"
    path.write_bytes(messy_xlsx(finished))
    report_path = tmp_path / "report.json"
    call_command("jifu_import", "placements", str(path), "--report", str(report_path), "--dry-run")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert {k: report[k] for k in COUNTS} == MESSY_COUNTS
    out, err = capsys.readouterr()
    assert "试导入" in out and "dry run" in out and " / " in out
    assert "第 5 行 / row 5 [公民身份号码]" in err
    assert not Placement.objects.exists()

    # The same keys as the other imports' reports.
    enrolment_file = tmp_path / "学员.csv"
    enrolment_file.write_bytes(
        csv_bytes(["班级编号", "身份证号码", "姓名"], [["A-JY-1", id_numbers()["马文"], "马文"]])
    )
    enrolment_report = tmp_path / "enrolments.json"
    call_command(
        "jifu_import", "enrolments", str(enrolment_file), "--report", str(enrolment_report)
    )
    other = json.loads(enrolment_report.read_text(encoding="utf-8"))
    assert set(report) == set(other) == set(ImportReport().as_dict())
    assert set(report["errors"][0]) == {"row", "column", "message"}
    assert set(report["warnings"][0]) == {"row", "message"}

    call_command("jifu_import", "placements", str(path), "--engine", "openpyxl")
    out = capsys.readouterr().out
    assert "导入完成：共 14 行，新增 3" in out and "imported: 14 rows, 3 created" in out
    assert Placement.objects.count() == 3

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    for target in (bad, tmp_path / "missing.xlsx"):
        with pytest.raises(CommandError) as exc:
            call_command("jifu_import", "placements", str(target))
        assert exc.value.returncode == 2 and " / " in str(exc.value)
    assert Placement.objects.count() == 3
