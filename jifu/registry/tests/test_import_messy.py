"""A ledger as counties really keep it imports with exact counts, in xlsx, xls and csv.

Every quirk of real ledgers appears here: title rows, a two-row merged header,
header synonyms, columns in another order, extra columns, full-width
characters and stray spaces, phones stored as numbers and in scientific
notation, an ID number Excel turned into a number, a 15-digit legacy ID, date
serials, every way of writing yes and no, region names with and without
suffixes (and one that stays ambiguous), and trailing blank rows.
"""

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
import xlwt
from django.core.management import call_command
from django.core.management.base import CommandError

from jifu.core import idnumber
from jifu.regions import services as region_services
from jifu.registry.importers import import_persons
from jifu.registry.models import Household, Person

TODAY = date(2019, 12, 31)


def _id(birth, seq):
    return idnumber.make("622926", birth, seq)


ID_MA = _id(date(1980, 5, 1), 11)
LEGACY = "622926750707123"  # 15 digits: 1975-07-07, sequence 123 (male)

# Upper header row (merged parents) and lower header row, as the county office drew them.
UPPER = [
    "序号",
    "县",
    "乡镇",
    "村名",
    "户编号",
    "基本信息",
    None,
    None,
    None,
    "与户主关系",
    "联系方式",
    "贫困属性",
    "脱贫年份",
    "劳动技能",
    "就业情况",
    None,
    None,
    "意愿",
    None,
    None,
    None,
    "银行卡号",
    "帮扶人",
    "备注",
]
LOWER = [
    None,
    None,
    None,
    None,
    None,
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    None,
    None,
    None,
    None,
    None,
    "就业状态",
    "务工地点",
    "月收入",
    "培训意愿",
    "意愿工种",
    "就业意愿",
    "创业意愿",
    None,
    None,
    None,
]
MERGED_PARENTS = [(6, 9), (15, 17), (18, 21)]  # 1-based column spans of 基本信息, 就业情况, 意愿


def _row(
    n,
    county,
    township,
    village,
    hh,
    name,
    id_number,
    gender="男",
    relation="户主",
    phone="13800001111",
    status="建档立卡贫困户",
    exit_year=None,
    training="是",
    job="否",
    business="否",
    bank="6222021234567890123",
):
    return [
        n,
        county,
        township,
        village,
        hh,
        name,
        id_number,
        gender,
        "东乡族",
        relation,
        phone,
        status,
        exit_year,
        "普通劳动力",
        "未就业",
        "",
        "",
        training,
        "家政服务员",
        job,
        business,
        bank,
        "马帮扶",
        "备注",
    ]


# Expected outcome beside each data row (Excel row numbers start at 5).
DATA = [
    # 5: full-width ID digits and a name with stray spaces; superseded by row 9
    _row(
        1,
        "东乡县",
        "锁南镇",
        "测试一村",
        "622926100201000101",
        " 马 文 ",
        ID_MA.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ),
    # 6: phone stored as a number; √ for yes
    _row(
        2,
        "东乡族自治县",
        "锁南镇",
        "测试一村",
        "622926100201000102",
        "韩梅",
        _id(date(1982, 3, 9), 22),
        "女",
        phone=13912345678,
        training="√",
        job="×",
    ),
    # 7: phone in scientific notation
    _row(
        3,
        "东乡县",
        "锁南",
        "测试一村",
        "622926100201000103",
        "妥德",
        _id(date(1975, 7, 8), 41),
        phone="1.3712345678E+10",
    ),
    # 8: the ID number was kept by Excel as a number and lost its last digits → rejected
    _row(
        4,
        "东乡县",
        "锁南镇",
        "测试一村",
        "622926100201000104",
        "马成",
        float(_id(date(1990, 1, 1), 51)[:17] + "0"),
    ),
    # 9: the same person as row 5, later: this one wins
    _row(
        5, "东乡县", "锁南镇", "测试一村", "622926100201000101", "马文", ID_MA, phone="13812345678"
    ),
    # 10: "红星" is both 红星村 and 红星社区 → ambiguous, rejected
    _row(6, "东乡县", "锁南镇", "红星", "622926100202000001", "杨一", _id(date(1988, 8, 8), 61)),
    # 11: township without suffix, village with it
    _row(7, "东乡县", "锁南", "红星村", "622926100202000002", "杨二", _id(date(1989, 9, 9), 71)),
    # 12: exit year given as an Excel date serial (2019-12-01)
    _row(
        8,
        "东乡县",
        "锁南镇",
        "红星村",
        "622926100202000003",
        "杨三",
        _id(date(1987, 7, 7), 81),
        status="已脱贫户",
        exit_year=43800,
    ),
    # 13: stated gender contradicts the ID number → rejected
    _row(
        9,
        "东乡县",
        "锁南镇",
        "红星村",
        "622926100202000004",
        "杨四",
        _id(date(1986, 6, 6), 91),
        gender="女",
    ),
    # 14: bank account stored as a number → rejected
    _row(
        10,
        "东乡县",
        "锁南镇",
        "红星村",
        "622926100202000005",
        "杨五",
        _id(date(1985, 5, 5), 101),
        bank=6.222021234567891e18,
    ),
    # 15: a 15-digit legacy ID; 有/无/Y/N for yes and no
    _row(
        11,
        "东乡县",
        "锁南镇",
        "红星村",
        "622926100202000006",
        "杨六",
        LEGACY,
        training="有",
        job="Y",
        business="N",
    ),
    # 16: wrong check digit → rejected
    _row(
        12,
        "东乡县",
        "锁南镇",
        "红星村",
        "622926100202000007",
        "杨七",
        _id(date(1984, 4, 4), 111)[:17] + ("0" if _id(date(1984, 4, 4), 111)[17] != "0" else "1"),
    ),
]
EXPECTED = {"rows": 12, "created": 6, "updated": 0, "unchanged": 0, "rejected": 5, "duplicates": 1}
REJECTED = {8: "公民身份号码", 10: "村名", 13: "性别", 14: "银行卡号", 16: "公民身份号码"}
TITLE = "东乡族自治县2019年建档立卡贫困劳动力台账"


def xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(UPPER))
    ws.append(["填报单位：锁南镇人民政府", None, None, None, None, "填报日期：2019年12月"])
    ws.append(UPPER)
    ws.append(LOWER)
    for start, end in MERGED_PARENTS:
        ws.merge_cells(start_row=3, start_column=start, end_row=3, end_column=end)
    for col, value in enumerate(UPPER, start=1):
        if value and LOWER[col - 1] is None:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    for row in DATA:
        ws.append(row)
    for _ in range(3):  # trailing "blank" rows that only carry a border or a number format
        ws.append([None] * len(UPPER))
    ws.cell(row=ws.max_row, column=1).number_format = "@"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xls_bytes() -> bytes:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("台账")
    ws.write_merge(0, 0, 0, len(UPPER) - 1, TITLE)
    ws.write(1, 0, "填报单位：锁南镇人民政府")
    for col, value in enumerate(UPPER):
        if value is None:
            continue
        span = next((end for start, end in MERGED_PARENTS if start == col + 1), None)
        if span:
            ws.write_merge(2, 2, col, span - 1, value)
        elif LOWER[col] is None:
            ws.write_merge(2, 3, col, col, value)
        else:
            ws.write(2, col, value)
    for col, value in enumerate(LOWER):
        if value is not None:
            ws.write(3, col, value)
    for r, row in enumerate(DATA, start=4):
        for col, value in enumerate(row):
            if value is not None:
                ws.write(r, col, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(encoding: str) -> bytes:
    """CSV cannot merge: a title line, then the lower header where there is one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([TITLE])
    header = [lower or upper for upper, lower in zip(UPPER, LOWER, strict=True)]
    writer.writerow(header)
    for row in DATA:
        writer.writerow(
            ["" if v is None else (repr(v) if isinstance(v, float) else v) for v in row]
        )
    writer.writerow([""] * len(header))
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def villages(world):
    region_services.import_villages(
        "code,name\n622926100202,红星村\n622926100203,红星社区\n".encode()
    )
    return world


def _check(report, first_data_row=5):
    counts = {k: v for k, v in report.as_dict().items() if k not in ("errors", "warnings")}
    assert counts == EXPECTED, report.errors
    offset = first_data_row - 5
    # The column is named as it stands in the file: under a merged parent, "parent/column".
    got = {e.row: e.column.split("/")[-1] for e in report.errors}
    assert got == {row + offset: column for row, column in REJECTED.items()}
    assert [w.row for w in report.warnings] == [5 + offset]
    assert all(e.message for e in report.errors)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_messy_xlsx(villages, engine):
    report = import_persons(xlsx_bytes(), filename="台账.xlsx", engine=engine, today=TODAY)
    _check(report)
    assert {e.row: e.column for e in report.errors}[13] == "基本信息/性别"
    messages = {e.row: e.message for e in report.errors}
    assert "数字" in messages[8] and "丢失" in messages[8]
    assert "2" in messages[10] and "红星" in messages[10]
    ma = Person.objects.get(id_number_masked=ID_MA[:4] + "*" * 10 + ID_MA[-4:])
    assert ma.name == "马文" and ma.phone_masked == "138****5678"
    assert Person.objects.get(name="韩梅").phone_masked == "139****5678"
    assert Person.objects.get(name="妥德").phone_masked == "137****5678"
    legacy = Person.objects.get(name="杨六")
    assert legacy.birth_date == date(1975, 7, 7) and legacy.gender == "M"
    assert (legacy.wants_training, legacy.wants_job, legacy.wants_business) == (True, True, False)
    assert Household.objects.get(household_no="622926100202000003").exit_year == 2019
    assert Person.objects.get(name="韩梅").wants_training is True


def test_the_same_file_twice_changes_nothing(villages):
    import_persons(xlsx_bytes(), filename="a.xlsx", today=TODAY)
    before = {p.pk: (p.updated_at, p.phone_enc) for p in Person.objects.all()}
    again = import_persons(xlsx_bytes(), filename="a.xlsx", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.duplicates, again.rejected) == (
        0,
        0,
        6,
        1,
        5,
    )
    assert {p.pk: (p.updated_at, p.phone_enc) for p in Person.objects.all()} == before


def test_messy_xls(villages):
    _check(import_persons(xls_bytes(), filename="台账.xls", today=TODAY))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_messy_csv(villages, encoding):
    _check(import_persons(csv_bytes(encoding), filename="台账.csv", today=TODAY), first_data_row=3)


def test_command_report_and_exit_codes(villages, tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx_bytes())
    report_path = tmp_path / "report.json"
    call_command("jifu_import", "persons", str(path), "--report", str(report_path), "--dry-run")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert {k: report[k] for k in EXPECTED} == EXPECTED
    assert {"row", "column", "message"} <= set(report["errors"][0])
    assert not Person.objects.exists()  # a dry run writes nothing
    assert "试导入" in capsys.readouterr().out

    for bad in (b"\x89PNG\r\n\x1a\n" + b"0" * 100, b"", "姓名,地址\n张三,兰州\n".encode()):
        bad_path = tmp_path / "bad.xlsx"
        bad_path.write_bytes(bad)
        with pytest.raises(CommandError) as exc:
            call_command("jifu_import", "persons", str(bad_path))
        assert exc.value.returncode == 2
        assert " / " in str(exc.value)  # Chinese / English
    assert not Person.objects.exists() and not Household.objects.exists()


def test_rows_outside_the_scope_are_rejected(villages):
    from jifu.regions.models import Region

    county_b = Region.objects.get(code="620121000000")
    report = import_persons(xlsx_bytes(), county=county_b, today=TODAY)
    assert report.rejected == 12 - 0 and report.created == 0
    assert "东乡" in report.errors[0].message


def test_names_with_dots_and_characters_outside_gbk(villages):
    from .factories import VILLAGE_A, ledger, person

    rows = [
        person(VILLAGE_A, "622926100201000201", "努尔兰·沙吾提", date(1990, 1, 1), 11),
        person(
            VILLAGE_A, "622926100201000202", "吉𠮷祥", date(1991, 1, 1), 21
        ),  # 𠮷 is outside GBK and the BMP
        person(VILLAGE_A, "622926100201000203", "阿依古丽•买买提", date(1992, 1, 1), 31),
    ]
    report = import_persons(ledger(rows), filename="名单.csv", today=TODAY)
    assert report.created == 3, report.errors
    assert set(Person.objects.values_list("name", flat=True)) == {
        "努尔兰·沙吾提",
        "吉𠮷祥",
        "阿依古丽·买买提",
    }
    again = import_persons(ledger(rows), filename="名单.csv", today=TODAY)
    assert again.unchanged == 3


def test_the_downloaded_template_imports_exactly(villages):
    """Fill the template a county downloads, as a clerk would, and import it."""
    from jifu.registry.jobs import template_workbook

    from .factories import VILLAGE_A, VILLAGE_B, person

    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    sheet = book.active
    rows = [
        person(VILLAGE_A, "622926100201000301", "甲", date(1980, 1, 1), 11),
        person(VILLAGE_A, "622926100201000301", "乙", date(1981, 1, 1), 22, relation="配偶"),
        person(VILLAGE_B, "620121100201000301", "丙", date(1982, 1, 1), 31),
        {**person(VILLAGE_A, "622926100201000302", "丁", date(1983, 1, 1), 41), "与户主关系": ""},
    ]
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(sheet[1], start=1):
            sheet.cell(row=r, column=c, value=row[header.value] or None)
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_persons(buffer.getvalue(), filename="模板.xlsx", today=TODAY)
    counts = {k: v for k, v in report.as_dict().items() if k not in ("errors", "warnings")}
    assert counts == {
        "rows": 4,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "duplicates": 0,
    }
    # The county column decides where a row goes (丙 is in 永登县); 丁 has no relation to the head.
    assert [(e.row, e.column) for e in report.errors] == [(5, "与户主关系")]
    assert Household.objects.get(household_no="622926100201000301").members.count() == 2
