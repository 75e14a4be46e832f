"""The three training imports keep the person import's contract on messy files.

Each messy workbook has a merged title row, header synonyms, columns in
another order and extra columns; every refusal reason appears once with the
Excel row and the column as written in the file. A second import of the same
file changes nothing; a file unusable as a whole writes nothing.
"""

import csv
import io
import json
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jifu.audit.models import AuditEvent
from jifu.core import creditcode, idnumber
from jifu.core.importing import UnusableFile
from jifu.registry.importers import import_persons
from jifu.registry.tests.factories import ledger, standard_rows
from jifu.training import importers
from jifu.training.choices import ClassStatus, EnrolmentStatus
from jifu.training.importers import import_classes, import_enrolments, import_institutions
from jifu.training.models import Assessment, Certificate, Enrolment, Institution, TrainingClass

TODAY = date(2019, 12, 31)
COUNTS = ("rows", "created", "updated", "unchanged", "rejected", "duplicates")

CC_SCHOOL = creditcode.make("12622900MB0000001")  # 临夏州技工学校
CC_PRIVATE = creditcode.make("52622926MJ0000001")  # a private school in 东乡
CC_LAPSED = creditcode.make("52622926MJ0000002")  # its licence lapsed in March 2019
CC_UNKNOWN = creditcode.make("52622926MJ0000009")  # valid, but never registered
BAD_CC = CC_PRIVATE[:17] + ("0" if CC_PRIVATE[17] != "0" else "1")  # wrong check character

ID_MA = idnumber.make("622926", date(1980, 5, 1), 11)  # 马文 (registry fixtures)
ID_HAN = idnumber.make("622926", date(1982, 3, 9), 22)  # 韩梅
ID_TUO = idnumber.make("622926", date(1975, 7, 7), 41)  # 妥德
ID_WANG = idnumber.make("620121", date(1985, 1, 1), 51)  # 王永 (the other county)
ID_STRANGER = idnumber.make("622926", date(1990, 2, 2), 61)  # in no registry


def counts(report) -> dict:
    return {k: getattr(report, k) for k in COUNTS}


def totals(*values: int) -> dict:
    """Expected counts, in the order of ``COUNTS``."""
    return dict(zip(COUNTS, values, strict=True))


def xlsx(title: str, header: list, rows: list) -> bytes:
    """A workbook as offices keep it: a merged title row, then the header, then the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([None] * len(header))  # trailing blank row
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list, rows: list) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def errors_by_row(report) -> dict:
    return {e.row: (e.column, e.message) for e in report.errors}


# --- institutions ---------------------------------------------------------------------

INSTITUTION_HEADER = ["序号", "机构类型", "信用代码", "单位名称", "核准工种", "区划代码", "有效期至", "许可证号", "联系人", "电话", "备注"]  # fmt: skip
INSTITUTION_ROWS = [
    # 3: superseded by row 9
    [1, "技校", CC_SCHOOL, "临夏州技工学校（旧名）", "4-10-01-06", 622900, date(2021, 12, 31), "甘人社技001", "马老师", 13800001111, ""],
    # 4: a private school at its township, codes separated every way, a date written in Chinese
    [2, "民办培训学校", CC_PRIVATE, "东乡县陇原职业培训学校", "4-10-01-06，6-31-01-03;4-03-02-01", "622926100", "2021年12月31日", "人社民62292600001号", "韩校长", "0930-7123456", ""],
    # 5: the credit code's check character is wrong
    [3, "培训学校", BAD_CC, "错码培训学校", "4-10-01-06", "622926", "2021-12-31", "", "", "", ""],
    # 6: an occupation code not in the catalogue
    [4, "培训学校", CC_LAPSED, "未知工种培训学校", "4-10-01-06、9-99-99-99", "622926", "2021-12-31", "", "", "", ""],
    # 7: a kind no synonym knows
    [5, "大学", CC_UNKNOWN, "某大学", "4-10-01-06", "622926", "2021-12-31", "", "", "", ""],
    # 8: a region code that does not exist
    [6, "企业", creditcode.make("91622926MA0000003"), "某公司", "4-10-01-06", "622999", "", "", "", "", ""],
    # 9: the same school as row 3, later: this one wins
    [7, "技工学校", CC_SCHOOL, "临夏州技工学校", "4-10-01-06、6-31-01-03、6-18-02-04", "622900000000", datetime(2021, 12, 31), "甘人社技001", "马老师", "13800001111", "更名"],
]  # fmt: skip


def institutions_xlsx() -> bytes:
    return xlsx("2019年度培训机构名册", INSTITUTION_HEADER, INSTITUTION_ROWS)


def test_institutions_from_a_messy_workbook(world):
    report = import_institutions(institutions_xlsx(), filename="机构.xlsx", today=TODAY)
    assert counts(report) == totals(7, 2, 0, 0, 4, 1)
    errors = errors_by_row(report)
    assert {row: column for row, (column, _m) in errors.items()} == {
        5: "信用代码",
        6: "核准工种",
        7: "机构类型",
        8: "区划代码",
    }
    assert "校验位" in errors[5][1]
    assert "9-99-99-99" in errors[6][1]
    assert "622999" in errors[8][1]
    assert [w.row for w in report.warnings] == [3]

    school = Institution.objects.get(credit_code=CC_SCHOOL)
    assert (school.name, school.kind, school.region_code) == (
        "临夏州技工学校",
        "technical_school",
        "622900000000",
    )
    assert (
        school.licence_valid_until == date(2021, 12, 31) and school.contact_phone == "13800001111"
    )
    assert set(school.occupations.values_list("code", flat=True)) == {
        "4-10-01-06",
        "6-31-01-03",
        "6-18-02-04",
    }
    private = Institution.objects.get(credit_code=CC_PRIVATE)
    assert (private.kind, private.region_code, private.status) == (
        "private",
        "622926100000",
        "active",
    )
    assert private.occupations.count() == 3 and private.contact_phone == "0930-7123456"
    assert (
        AuditEvent.objects.filter(action="import", object_type="training.institution").count() == 1
    )


def test_institutions_twice_changes_nothing_and_a_change_is_an_update(world):
    import_institutions(institutions_xlsx(), today=TODAY)
    again = import_institutions(institutions_xlsx(), today=TODAY)
    assert counts(again) == totals(7, 0, 0, 2, 4, 1)
    # Narrowing the approved occupations alone is an update.
    header = ["统一社会信用代码", "机构名称", "机构类型", "核准职业编码", "所在区划代码"]
    changed = import_institutions(
        csv_bytes(
            header,
            [[CC_PRIVATE, "东乡县陇原职业培训学校", "民办职业培训机构", "4-10-01-06", "622926100"]],
        )
    )
    assert (changed.updated, changed.unchanged) == (1, 0)
    private = Institution.objects.get(credit_code=CC_PRIVATE)
    assert list(private.occupations.values_list("code", flat=True)) == ["4-10-01-06"]
    # A column the file leaves out stays as it was.
    assert private.licence_no == "人社民62292600001号"


# --- classes ----------------------------------------------------------------------------


@pytest.fixture
def persons(world):
    """The registry fixtures' persons: 马文, 韩梅, 马小 and 妥德 in 东乡, 王永 in 永登."""
    report = import_persons(ledger(standard_rows()), filename="t.csv", today=date(2019, 6, 30))
    assert report.rejected == 0, report.errors
    return world


@pytest.fixture
def institutions(persons):
    header = [
        "统一社会信用代码",
        "机构名称",
        "机构类型",
        "核准职业编码",
        "所在区划代码",
        "许可证有效期至",
    ]
    report = import_institutions(
        csv_bytes(
            header,
            [
                [CC_PRIVATE, "东乡县陇原职业培训学校", "培训学校", "4-10-01-06、6-31-01-03、4-03-02-01", "622926", "2021-12-31"],
                [CC_LAPSED, "东乡县过期培训学校", "培训学校", "4-10-01-06", "622926", "2019-03-31"],
            ],
        )
    )  # fmt: skip
    assert report.created == 2, report.errors
    return persons


CLASS_HEADER = ["序号", "培训班编号", "职业", "工种编码", "承训机构", "信用代码", "培训等级", "培训类别", "办班方式", "培训地点", "开班时间", "结业时间", "理论学时", "实操学时", "安全学时", "计划培训人数"]  # fmt: skip


def _class(
    n,
    code,
    occupation,
    occ_code,
    credit=CC_PRIVATE,
    start="2019-03-01",
    end="2019-03-15",
    safety=0,
    **kw,
):
    return [
        n, code, occupation, occ_code, kw.get("name", "东乡县陇原职业培训学校"), credit, kw.get("level", "五级/初级工"),
        kw.get("type", "就业技能培训"), kw.get("mode", "集中办班"), kw.get("place", "622926100"), start, end,
        40, 60, safety, kw.get("capacity", 30),
    ]  # fmt: skip


CLASS_ROWS = [
    # 3: superseded by row 13
    _class(1, "BJ-2019-001", "家政服务员", "4-10-01-06", capacity=30),
    # 4: 电工 is a special operation: 8 safety hours are too few
    _class(
        2,
        "BJ-2019-002",
        "电工",
        "6-31-01-03",
        start="2019-05-01",
        end="2019-05-20",
        safety=8,
        level="初级",
    ),
    # 5: the same with its 16 safety hours, at a village, the level as a number
    _class(
        3,
        "BJ-2019-003",
        "电工",
        "6-31-01-03",
        start="2019-05-01",
        end="2019-05-20",
        safety=16,
        level=5,
        place="622926100201",
    ),
    # 6: 养老护理员 is outside the institution's approved occupations
    _class(4, "BJ-2019-004", "养老护理员", "4-10-01-05"),
    # 7: the institution's licence lapsed before the class started
    _class(
        5,
        "BJ-2019-005",
        "家政服务员",
        "4-10-01-06",
        credit=CC_LAPSED,
        start="2019-06-01",
        end="2019-06-10",
    ),
    # 8: the occupation code says 家政服务员, the name column 电工
    _class(6, "BJ-2019-006", "电工", "4-10-01-06"),
    # 9: a future class, its institution named differently (a warning, not a refusal)
    _class(
        7,
        "BJ-2020-001",
        "家政服务员",
        "4-10-01-06",
        start=date(2020, 3, 1),
        end=date(2020, 3, 10),
        name="陇原培训学校",
    ),
    # 10: running on TODAY
    _class(
        8,
        "BJ-2019-008",
        "中式烹调师",
        "4-03-02-01",
        start="2019/12/20",
        end="2020/1/10",
        level="初级工",
    ),
    # 11: a county is no training place
    _class(9, "BJ-2019-009", "家政服务员", "4-10-01-06", place="622926"),
    # 12: ends before it starts
    _class(10, "BJ-2019-010", "家政服务员", "4-10-01-06", start="2019-04-10", end="2019-04-01"),
    # 13: row 3 again, later: this one wins
    _class(11, "BJ-2019-001", "家政服务员", "4-10-01-06", capacity=35),
    # 14: an institution never registered
    _class(12, "BJ-2019-012", "家政服务员", "4-10-01-06", credit=CC_UNKNOWN),
    # 15: a malformed credit code
    _class(13, "BJ-2019-013", "家政服务员", "4-10-01-06", credit=BAD_CC),
]


def classes_xlsx() -> bytes:
    return xlsx("2019年职业技能培训班汇总表", CLASS_HEADER, CLASS_ROWS)


def test_classes_from_a_messy_workbook(institutions):
    report = import_classes(classes_xlsx(), filename="培训班.xlsx", today=TODAY)
    assert counts(report) == totals(13, 4, 0, 0, 8, 1)
    errors = errors_by_row(report)
    assert {row: column for row, (column, _m) in errors.items()} == {
        4: "安全学时", 6: "工种编码", 7: "信用代码", 8: "职业", 11: "培训地点", 12: "结业时间", 14: "信用代码", 15: "信用代码",
    }  # fmt: skip
    assert "安全课时不得少于 16" in errors[4][1]
    assert "不在" in errors[6][1] and "核准职业范围内" in errors[6][1]
    assert "办学许可证已于 2019-03-31 到期" in errors[7][1]
    assert "家政服务员" in errors[8][1] and "电工" in errors[8][1]
    assert "乡镇或村" in errors[11][1]
    assert "尚未登记" in errors[14][1]
    assert [w.row for w in report.warnings] == [3, 9]  # the duplicate; the other institution name

    statuses = dict(TrainingClass.objects.values_list("code", "status"))
    assert statuses == {
        "BJ-2019-001": ClassStatus.COMPLETED,
        "BJ-2019-003": ClassStatus.COMPLETED,
        "BJ-2020-001": ClassStatus.APPROVED,
        "BJ-2019-008": ClassStatus.RUNNING,
    }
    first = TrainingClass.objects.get(code="BJ-2019-001")
    assert (first.capacity, first.level, first.place_code, first.training_type) == (
        35,
        5,
        "622926100000",
        "employment",
    )
    assert TrainingClass.objects.get(code="BJ-2019-003").place_code == "622926100201"


def test_classes_twice_changes_nothing_and_never_go_back(institutions):
    import_classes(classes_xlsx(), today=TODAY)
    TrainingClass.objects.filter(code="BJ-2019-001").update(status=ClassStatus.ASSESSED)
    again = import_classes(classes_xlsx(), today=TODAY)
    assert counts(again) == totals(13, 0, 0, 4, 8, 1)
    assert TrainingClass.objects.get(code="BJ-2019-001").status == ClassStatus.ASSESSED
    # Months later the future class has started: the same file moves it on.
    later = import_classes(classes_xlsx(), today=date(2020, 3, 5))
    assert later.updated == 2  # BJ-2020-001 is running, BJ-2019-008 has ended
    assert TrainingClass.objects.get(code="BJ-2020-001").status == ClassStatus.RUNNING
    assert TrainingClass.objects.get(code="BJ-2019-008").status == ClassStatus.COMPLETED


# --- enrolments ---------------------------------------------------------------------------


@pytest.fixture
def classes(institutions):
    header = ["班级编号", "培训机构统一社会信用代码", "职业编码", "等级", "培训类型", "培训方式", "培训地点区划代码", "开班日期", "结业日期", "安全课时", "计划人数"]  # fmt: skip
    rows = [
        ["PX-2019-01", CC_PRIVATE, "4-10-01-06", "五级", "就业技能培训", "集中办班", "622926100", "2019-03-01", "2019-03-15", 0, 30],
        ["PX-2019-02", CC_PRIVATE, "4-10-01-06", "", "就业技能培训", "送培训下乡", "622926100", "2019-03-10", "2019-03-20", 0, 30],
        ["PX-2019-03", CC_PRIVATE, "4-03-02-01", "5", "就业技能培训", "集中办班", "622926100", "2019-06-01", "2019-06-10", 0, 30],
        ["PX-2020-01", CC_PRIVATE, "4-10-01-06", "", "就业技能培训", "集中办班", "622926100", "2020-03-01", "2020-03-10", 0, 30],
    ]  # fmt: skip
    report = import_classes(csv_bytes(header, rows), today=TODAY)
    assert report.created == 4, report.errors
    return institutions


ENROLMENT_HEADER = ["序号", "学员姓名", "公民身份号码", "培训班编号", "报名时间", "应到天数", "实际出勤天数", "考核情况", "成绩", "证书名称", "证书号", "证书级别", "发证时间"]  # fmt: skip
ENROLMENT_ROWS = [
    # 3: attended 14 of 15 days, passed, a training certificate
    [1, "马文", ID_MA, "PX-2019-01", date(2019, 2, 20), 15, 14, "合格", 85, "培训合格证", "CERT-2019-000001", None, date(2019, 3, 20)],
    # 4: the same person in an overlapping class
    [2, "马文", ID_MA, "PX-2019-02", None, 10, 10, None, None, None, None, None, None],
    # 5: 10 of 15 days is below the threshold for the assessment
    [3, "韩梅", ID_HAN, "PX-2019-01", None, 15, 10, "合格", 80, None, None, None, None],
    # 6: the certificate number of row 3 (written in lower case)
    [4, "妥德", ID_TUO, "PX-2019-01", None, 15, 15, "合格", 90, "培训合格证", "cert-2019-000001", None, "2019-03-20"],
    # 7: a trainee from the other county who failed
    [5, "王永", ID_WANG, "PX-2019-01", None, 15, 12, "不合格", 55, None, None, None, None],
    # 8: a class that does not exist
    [6, "马文", ID_MA, "PX-2019-99", None, None, None, None, None, None, None, None, None],
    # 9: a person in no registry
    [7, "张三", ID_STRANGER, "PX-2019-03", None, None, None, None, None, None, None, None, None],
    # 10: the right number, the wrong name
    [8, "马武", ID_MA, "PX-2019-03", None, None, None, None, None, None, None, None, None],
    # 11: superseded by row 12
    [9, "韩梅", ID_HAN, "PX-2019-03", None, 10, 9, None, None, None, None, None, None],
    # 12: full marks, a skill-level certificate
    [10, "韩梅", ID_HAN, "PX-2019-03", "2019-05-20", 10, 10, "合格", 92.5, "职业技能等级证书", "CERT-2019-000002", "五级", "2019-06-20"],
    # 13: enrolled in a class that has not started
    [11, "妥德", ID_TUO, "PX-2020-01", "2019-12-01", None, None, None, None, None, None, None, None],
    # 14: attendance in a class that has not started
    [12, "王永", ID_WANG, "PX-2020-01", None, 5, 3, None, None, None, None, None, None],
    # 15: a certificate for a trainee who failed
    [13, "妥德", ID_TUO, "PX-2019-03", None, 10, 10, "不合格", 50, "培训合格证", "CERT-2019-000003", None, "2019-06-20"],
]  # fmt: skip
ENROLMENT_COUNTS = totals(13, 4, 0, 0, 8, 1)


def enrolments_xlsx() -> bytes:
    return xlsx("2019年培训学员花名册", ENROLMENT_HEADER, ENROLMENT_ROWS)


def test_enrolments_from_a_messy_workbook(classes):
    report = import_enrolments(enrolments_xlsx(), filename="学员.xlsx", today=TODAY)
    assert counts(report) == ENROLMENT_COUNTS
    errors = errors_by_row(report)
    assert {row: column for row, (column, _m) in errors.items()} == {
        4: "培训班编号", 5: "考核情况", 6: "证书号", 8: "培训班编号", 9: "公民身份号码", 10: "公民身份号码",
        14: "应到天数", 15: "证书号",
    }  # fmt: skip
    assert "日期重叠" in errors[4][1] and "PX-2019-01" in errors[4][1]
    assert "出勤率 67% 低于 70%" in errors[5][1]
    assert "证书编号重复" in errors[6][1]
    assert "PX-2019-99" in errors[8][1]
    assert errors[9][1] == errors[10][1] == "实名库中没有此人或姓名不符"
    assert "合格后才能发证" in errors[15][1]
    assert [w.row for w in report.warnings] == [11]

    ma = Enrolment.objects.select_related("assessment").get(person__name="马文")
    assert (ma.status, ma.source, ma.sessions_present, ma.sessions_total) == (
        EnrolmentStatus.COMPLETED,
        "import",
        14,
        15,
    )
    assert ma.enrolled_on == date(2019, 2, 20) and ma.village_code == "622926100201"
    assert (ma.assessment.result, float(ma.assessment.score), ma.assessment.assessed_on) == (
        "pass",
        85.0,
        date(2019, 3, 15),
    )
    cert = Certificate.objects.get(number="CERT-2019-000001")
    # A training certificate has no level; a skill-level one takes its class's unless it says otherwise.
    assert (cert.kind, cert.level, cert.enrolment_id) == ("training", None, ma.pk)
    assert cert.issuer == "东乡县陇原职业培训学校"
    han = Certificate.objects.get(number="CERT-2019-000002")
    assert (han.kind, han.level, han.person.name, han.occupation.code) == (
        "skill_level",
        5,
        "韩梅",
        "4-03-02-01",
    )
    wang = Enrolment.objects.get(person__name="王永")
    assert wang.assessment.result == "fail" and not wang.certificates.exists()
    future = Enrolment.objects.get(person__name="妥德")
    assert (future.status, future.sessions_total, future.enrolled_on) == (
        EnrolmentStatus.ENROLLED,
        0,
        date(2019, 12, 1),
    )
    assert (Enrolment.objects.count(), Assessment.objects.count(), Certificate.objects.count()) == (
        4,
        3,
        2,
    )


def test_enrolments_twice_change_nothing(classes):
    import_enrolments(enrolments_xlsx(), today=TODAY)
    again = import_enrolments(enrolments_xlsx(), today=TODAY)
    assert counts(again) == {**ENROLMENT_COUNTS, "created": 0, "unchanged": 4}
    assert (Enrolment.objects.count(), Assessment.objects.count(), Certificate.objects.count()) == (
        4,
        3,
        2,
    )


def test_enrolment_rules_against_what_is_stored(classes):
    import_enrolments(enrolments_xlsx(), today=TODAY)
    header = [
        "班级编号",
        "身份证号码",
        "姓名",
        "出勤天数",
        "应出勤天数",
        "考核结果",
        "证书类型",
        "证书编号",
        "发证日期",
    ]
    rows = [
        # 马文 is stored in PX-2019-01 (checked by rules.overlap_problem)
        ["PX-2019-02", ID_MA, "马文", 10, 10, "", "", "", ""],
        # a certificate number already issued to 马文
        [
            "PX-2019-03",
            ID_TUO,
            "妥德",
            10,
            10,
            "合格",
            "培训合格证",
            "CERT-2019-000001",
            "2019-06-20",
        ],
        # attendance now below the threshold under a stored assessment
        ["PX-2019-01", ID_WANG, "王永", 10, 15, "", "", "", ""],
        # a corrected attendance is an update
        ["PX-2019-01", ID_MA, "马文", 15, 15, "合格", "", "", ""],
    ]
    report = import_enrolments(csv_bytes(header, rows), today=TODAY)
    assert (report.rejected, report.updated) == (3, 1), report.errors
    messages = [e.message for e in report.errors]
    assert "日期重叠" in messages[0] and "见第" not in messages[0]
    assert "证书编号重复" in messages[1]
    assert "低于 70%" in messages[2]
    assert (
        Enrolment.objects.get(
            person__name="马文", training_class__code="PX-2019-01"
        ).sessions_present
        == 15
    )


def test_batches_a_dry_run_and_the_audit(classes, monkeypatch):
    # The overlap and the duplicate certificate number fall in later batches.
    monkeypatch.setattr(importers, "BATCH_SIZE", 2)
    dry = import_enrolments(enrolments_xlsx(), today=TODAY, dry_run=True)
    assert counts(dry) == ENROLMENT_COUNTS
    assert not Enrolment.objects.exists() and not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(object_type="training.enrolment").exists()
    real = import_enrolments(enrolments_xlsx(), today=TODAY)
    assert counts(real) == ENROLMENT_COUNTS and real.errors == dry.errors
    # 11 rows reach the batches (row 8 is refused on reading, row 11 is a duplicate): 6 batches.
    events = AuditEvent.objects.filter(action="import", object_type="training.enrolment")
    assert events.count() == 6


@pytest.mark.parametrize("importer", [import_institutions, import_classes, import_enrolments])
@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n" + b"0" * 100, b"", "姓名,地址\n张三,兰州\n".encode()]
)
def test_an_unusable_file_writes_nothing(classes, importer, content):
    before = (
        Institution.objects.count(),
        TrainingClass.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(UnusableFile):
        importer(content, today=TODAY)
    assert (
        Institution.objects.count(),
        TrainingClass.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_commands_report_and_exit_codes(classes, tmp_path, capsys):
    path = tmp_path / "机构.xlsx"
    path.write_bytes(institutions_xlsx())
    report_path = tmp_path / "report.json"
    call_command(
        "jifu_import", "institutions", str(path), "--report", str(report_path), "--dry-run"
    )
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert {k: report[k] for k in COUNTS} == totals(7, 1, 1, 0, 4, 1)
    assert {"row", "column", "message"} <= set(report["errors"][0])
    assert "试导入" in capsys.readouterr().out
    assert not Institution.objects.filter(
        credit_code=CC_SCHOOL
    ).exists()  # a dry run writes nothing

    path = tmp_path / "学员.xlsx"
    path.write_bytes(enrolments_xlsx())
    call_command("jifu_import", "enrolments", str(path))
    assert "导入完成" in capsys.readouterr().out and Enrolment.objects.exists()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes("姓名,地址\n张三,兰州\n".encode())
    for subcommand in ("institutions", "classes", "enrolments"):
        with pytest.raises(CommandError) as exc:
            call_command("jifu_import", subcommand, str(bad))
        assert exc.value.returncode == 2 and " / " in str(exc.value)


# --- demo data -------------------------------------------------------------------------------


def _training_snapshot():
    return (
        list(Institution.objects.order_by("credit_code").values_list("credit_code", "name", "region_code")),
        list(TrainingClass.objects.order_by("code").values_list("code", "occupation__code", "place_code", "start_date", "status")),
        sorted(Enrolment.objects.values_list("training_class__code", "person__name", "sessions_present", "sessions_total")),
        sorted(Certificate.objects.values_list("number", "kind", "person__name")),
    )  # fmt: skip


def test_demo_training_data_keeps_the_rules_and_the_seed(db):
    from jifu.demo import loader, training_data
    from jifu.training import rules

    result = loader.build(persons=600, counties=["622927", "621126"], seed=7, with_users=False)
    training = result.training
    assert training.enrolments == 600 // 8 == Enrolment.objects.count()
    assert (training.institutions, training.classes) == (
        Institution.objects.count(),
        TrainingClass.objects.count(),
    )

    schools = Institution.objects.filter(kind="technical_school")
    assert sorted(schools.values_list("region_code", flat=True)) == ["621100000000", "622900000000"]
    for county in ("622927", "621126"):
        assert (
            1
            <= Institution.objects.filter(kind="private", region_code=county + "000000").count()
            <= 3
        )
    for institution in Institution.objects.all():
        assert creditcode.normalize(institution.credit_code) == institution.credit_code
        assert (
            institution.licence_valid_until == date(2021, 12, 31)
            and institution.occupations.exists()
        )

    as_of = training_data.AS_OF
    for c in TrainingClass.objects.select_related("institution", "occupation", "place"):
        assert rules.safety_hours_problem(c.occupation, c.safety_hours) is None
        assert rules.institution_problem(c.institution, c.occupation, c.start_date) is None
        assert c.place.level == "township" and c.place_code[:6] in ("622927", "621126")
        assert date(2018, 9, 1) <= c.start_date <= c.end_date <= date(2020, 12, 31)
        expected = (
            {ClassStatus.ASSESSED, ClassStatus.COMPLETED} if c.end_date < as_of
            else {ClassStatus.RUNNING} if c.start_date <= as_of else {ClassStatus.APPROVED}
        )  # fmt: skip
        assert c.status in expected
    for e in Enrolment.objects.active().select_related("person", "training_class"):
        assert rules.overlap_problem(e.person, e.training_class) is None
        assert e.sessions_present <= e.sessions_total
    for a in Assessment.objects.select_related("enrolment__training_class"):
        assert a.enrolment.training_class.status == ClassStatus.ASSESSED
        assert rules.attendance_problem(a.enrolment) is None
    assert Certificate.objects.exists()
    assert not Certificate.objects.exclude(enrolment__assessment__result="pass").exists()
    rates = [
        e.attendance_rate
        for e in Enrolment.objects.filter(sessions_total__gt=0).exclude(status="withdrawn")
    ]
    assert sum(r >= 0.8 for r in rates) > len(rates) / 2

    # The same seed gives the same records; a second run adds nothing.
    snapshot = _training_snapshot()
    assert loader.build(
        persons=600, counties=["622927", "621126"], seed=7, with_users=False
    ).training.skipped
    # Employment demo rows point at the classes: they go first.
    from jifu.employment.models import Placement, Startup, WorkBasedTraining

    for model in (
        WorkBasedTraining,
        Placement,
        Startup,
        Certificate,
        Assessment,
        Enrolment,
        TrainingClass,
        Institution,
    ):
        model.objects.all().delete()
    loader.build(persons=600, counties=["622927", "621126"], seed=7, with_users=False)
    assert _training_snapshot() == snapshot
