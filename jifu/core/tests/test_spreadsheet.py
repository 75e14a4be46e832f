"""Tests for jifu.core.spreadsheet: reading messy ledgers and normalising cells."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from jifu.core.importing import UnusableFile
from jifu.core.spreadsheet import (
    CellError,
    FieldSpec,
    choice,
    date_value,
    decimal_amount,
    integer,
    name,
    normalise_label,
    open_ledger,
    phone,
    text,
    year,
    yes_no,
)
from jifu.core.tests import messy_files as mf

FIELDS = [
    FieldSpec("county", "县(市、区)"),
    FieldSpec("township", "乡(镇)"),
    FieldSpec("village", "村"),
    FieldSpec("household_no", "户编号"),
    FieldSpec("name", "姓名", required=True),
    FieldSpec("id_number", "身份证号码", ("身份证号", "公民身份号码", "身份证号码(18位)"), True),
    FieldSpec("phone", "联系电话", ("联系方式", "手机号码", "手机", "电话")),
    FieldSpec("wants_training", "是否有培训意愿", ("培训意愿",)),
    FieldSpec("monthly_income", "月收入(元)", ("月收入", "月均收入")),
]

ENGINES = ["calamine", "openpyxl"]


def read(data, engine="calamine", fields=FIELDS, **kwargs):
    with open_ledger(data, fields, engine=engine, **kwargs) as reader:
        return reader, list(reader.rows())


def unusable(data, fields=FIELDS, **kwargs) -> UnusableFile:
    with pytest.raises(UnusableFile) as exc:
        open_ledger(data, fields, **kwargs)
    return exc.value


# --- header detection ------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_plain_header_in_row_one(engine):
    data = mf.xlsx([["姓名", "身份证号码", "联系电话"], ["张三", mf.ID_1, "13812345678"]])
    reader, rows = read(data, engine)
    assert reader.header_row == 1
    assert reader.columns == {"name": "姓名", "id_number": "身份证号码", "phone": "联系电话"}
    assert reader.ignored_columns == []
    assert (reader.format, reader.engine, reader.sheet_name) == ("xlsx", engine, "台账")
    assert [(r.row, r.values) for r in rows] == [
        (2, {"name": "张三", "id_number": mf.ID_1, "phone": "13812345678"})
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_title_rows_and_two_row_merged_header(engine):
    reader, rows = read(mf.title_and_two_row_header(), engine)
    assert reader.header_row == 4
    assert reader.columns == {
        "county": "县（市、区）",
        "township": "乡（镇）",
        "name": "姓名",
        "id_number": "身份证号码",
        "phone": "联系方式/手机",
        "wants_training": "是否有培训意愿",
        "monthly_income": "就业情况/月收入(元)",
    }
    assert reader.ignored_columns == [
        "序号",
        "联系方式/固话",
        "就业情况/就业状态",
        "就业情况/就业地点",
        "就业情况/务工单位",
        "备注",
    ]
    # Excel rows: 5 and 7 hold people; 6 is blank, 8 has only 序号, 9-10 are whitespace.
    assert [r.row for r in rows] == [5, 7]
    assert rows[0].values == {
        "county": "东乡县",
        "township": "锁南镇",
        "name": "马 小 花",
        "id_number": mf.ID_1,
        "phone": 13812345678,
        "wants_training": "是",
        "monthly_income": 3500,
    }
    assert rows[1].values["phone"] == "1.3812345678E+10"
    assert rows[1].values["monthly_income"] == "3,500元"


def test_group_row_above_real_header_is_treated_as_title():
    rows = [
        ["基本信息", None, None, "就业情况", None],
        ["姓名", "身份证号", "手机号码", "就业状态", "月均收入"],
        ["张三", mf.ID_1, "13812345678", "已就业", 3000],
    ]
    reader, data = read(mf.xlsx(rows, merges=["A1:C1", "D1:E1"]))
    assert reader.header_row == 2
    assert reader.columns["monthly_income"] == "月均收入"
    assert [r.row for r in data] == [3]


@pytest.mark.parametrize(
    "header,key",
    [
        ("身份证号", "id_number"),
        ("公民身份号码", "id_number"),
        ("身份证号码(18位)", "id_number"),
        ("身份证号码（18位）", "id_number"),
        ("联系方式", "phone"),
        ("手机号码", "phone"),
        ("电话", "phone"),
        ("培训意愿", "wants_training"),
        ("月均收入", "monthly_income"),
    ],
)
def test_header_synonyms(header, key):
    other = "姓名" if key != "name" else "户编号"
    cols = [other, "村", header] + (["身份证号码"] if key != "id_number" else [])
    reader, _ = read(mf.xlsx([cols, ["x"] * len(cols)]))
    assert reader.columns[key] == header


def test_columns_in_any_order_and_extra_columns_ignored():
    header = ["备注", "联系电话", "序号", "村", "身份证号码", "性别", "姓名"]
    reader, rows = read(mf.xlsx([header, ["外出", "", 1, "红星村", mf.ID_1, "男", "张三"]]))
    assert reader.columns == {
        "phone": "联系电话",
        "village": "村",
        "id_number": "身份证号码",
        "name": "姓名",
    }
    assert reader.ignored_columns == ["备注", "序号", "性别"]
    assert rows[0].values == {
        "phone": None,
        "village": "红星村",
        "id_number": mf.ID_1,
        "name": "张三",
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_full_width_and_space_laden_headers(engine):
    header = [
        "姓　名",
        "＊身份证号码\n（必填）",
        " 联系电话 *",
        "月收入（元）",
        "县（市、区）",
        "户 编 号",
    ]
    reader, rows = read(mf.xlsx([header, ["张三", mf.ID_1, None, 1, "东乡县", "0001"]]), engine)
    assert set(reader.columns) == {
        "name",
        "id_number",
        "phone",
        "monthly_income",
        "county",
        "household_no",
    }
    assert reader.columns["id_number"] == "＊身份证号码 （必填）"  # as a person reads it
    assert rows[0].values["household_no"] == "0001"


def test_duplicate_header_first_wins():
    header = ["姓名", "身份证号码", "手机", "姓名", "联系电话"]
    reader, rows = read(mf.xlsx([header, ["张三", mf.ID_1, "138", "李四", "139"]]))
    assert reader.columns["name"] == "姓名"
    assert reader.columns["phone"] == "手机"
    assert reader.ignored_columns == ["姓名", "联系电话"]
    assert rows[0].values == {"name": "张三", "id_number": mf.ID_1, "phone": "138"}


@pytest.mark.parametrize("engine", ENGINES)
def test_row_numbers_are_excel_rows_when_data_starts_lower_right(engine):
    rows = [
        ["某某村台账"],
        [],
        ["姓名", "身份证号码", "村"],
        ["张三", mf.ID_1, "红星村"],
        [],
        [],
        ["李四", mf.ID_2, None],
        [None, "   ", None],
    ]
    reader, data = read(mf.xlsx(rows, start="C3"), engine)
    assert reader.header_row == 5
    assert [(r.row, r.values["name"]) for r in data] == [(6, "张三"), (9, "李四")]


@pytest.mark.parametrize("engine", ENGINES)
def test_column_number_row_under_header_is_skipped(engine):
    rows = [
        ["序号", "姓名", "身份证号码", "村", "户编号"],
        ["甲", 1, 2, 3, 4],
        [1, "张三", mf.ID_1, "红星村", "01"],
    ]
    reader, data = read(mf.xlsx(rows), engine)
    assert reader.header_row == 2
    assert [r.row for r in data] == [3]


@pytest.mark.parametrize("engine", ENGINES)
def test_first_visible_sheet_with_a_header_is_used(engine):
    before = [
        ("隐藏", [["姓名", "身份证号码", "村"], ["隐藏的人", mf.ID_2, "x"]], "hidden"),
        ("填表说明", [["请按模板填写"], ["身份证号码必须为18位"]], "visible"),
    ]
    data = mf.xlsx([["姓名", "身份证号码", "村"], ["张三", mf.ID_1, "红星村"]], before=before)
    reader, rows = read(data, engine)
    assert reader.sheet_name == "台账"
    assert [r.values["name"] for r in rows] == ["张三"]


@pytest.mark.parametrize("engine", ENGINES)
def test_epoch_1904_is_reported(engine):
    data = mf.xlsx([["姓名", "身份证号码", "村"], ["张三", mf.ID_1, "x"]], epoch_1904=True)
    reader, _ = read(data, engine)
    assert reader.epoch_1904 is True
    assert read(mf.xlsx([["姓名", "身份证号码", "村"]]), engine)[0].epoch_1904 is False


def test_both_engines_give_identical_rows():
    fields = FIELDS
    _, fast = read(mf.every_cell_type(), "calamine", fields)
    _, streamed = read(mf.every_cell_type(), "openpyxl", fields)
    assert fast == streamed
    assert fast[0].values["village"] == date(2019, 3, 5)
    assert fast[0].values["household_no"] == datetime(2019, 3, 5, 10, 30)
    assert fast[0].values["wants_training"] is True
    assert fast[1].values["phone"] == 13812345678
    assert fast[1].values["household_no"] is None  # an Excel error cell
    assert fast[1].values["name"] == " 李四\n"  # raw: normalising is the helpers' job
    assert fast[2].values["monthly_income"] == -1.5


def test_both_engines_identical_on_the_messy_county_ledger():
    a_reader, a_rows = read(mf.title_and_two_row_header(), "calamine")
    b_reader, b_rows = read(mf.title_and_two_row_header(), "openpyxl")
    assert a_rows == b_rows
    assert (a_reader.columns, a_reader.ignored_columns, a_reader.header_row) == (
        b_reader.columns,
        b_reader.ignored_columns,
        b_reader.header_row,
    )


def test_rows_can_be_read_twice_and_from_a_path_or_file(tmp_path):
    data = mf.title_and_two_row_header()
    path = tmp_path / "东乡县台账.XLS"  # wrong extension: the content decides
    path.write_bytes(data)
    with open_ledger(path, FIELDS) as reader:
        assert [r.row for r in reader.rows()] == [r.row for r in reader.rows()] == [5, 7]
    with open(path, "rb") as fh, open_ledger(fh, FIELDS, engine="openpyxl") as reader:
        assert [r.row for r in reader.rows()] == [5, 7]
        assert not fh.closed
    _, rows = read(io.BytesIO(data))
    assert len(rows) == 2


# --- CSV ---------------------------------------------------------------------


CSV_ROWS = [
    ["东乡县2019年贫困劳动力台账"],
    ["序号", "姓名", "身份证号", "联系电话", "月收入（元）"],
    [1, "张三", mf.ID_1, "13812345678", "3500"],
    [2, "李四", mf.ID_2, "", "3,500"],
    [3, "", "", "", ""],
    ["", "", "", "", ""],
]


@pytest.mark.parametrize(
    "encoding,delimiter",
    [("utf-8-sig", ","), ("utf-8", ","), ("gbk", ","), ("gb18030", ";"), ("utf-16", "\t")],
)
def test_csv_encodings_and_delimiters(encoding, delimiter):
    data = mf.csv_bytes(CSV_ROWS, encoding=encoding, delimiter=delimiter)
    reader, rows = read(data)
    assert (reader.format, reader.delimiter, reader.header_row) == ("csv", delimiter, 2)
    assert reader.columns["id_number"] == "身份证号"
    assert reader.columns["monthly_income"] == "月收入（元）"
    assert [(r.row, r.values["name"]) for r in rows] == [(3, "张三"), (4, "李四")]
    assert rows[1].values == {
        "name": "李四",
        "id_number": mf.ID_2,
        "phone": None,
        "monthly_income": "3,500",
    }


def test_csv_gbk_is_detected_as_gb18030():
    reader, rows = read(mf.csv_bytes(CSV_ROWS, encoding="gbk"))
    assert reader.encoding == "gb18030"
    assert rows[0].values["name"] == "张三"


def test_csv_line_numbers_use_the_line_a_multi_line_cell_starts_on():
    text_ = (
        "姓名,身份证号码,村\r\n"
        '"张\r\n三",' + mf.ID_1 + ",红星村\r\n"
        "\r\n"
        "李四," + mf.ID_2 + ',"多行\n村名"\r\n'
        "王五," + mf.ID_1 + ",x\r\n"
        ",,\r\n"
    )
    _, rows = read(text_.encode("utf-8"))
    assert [(r.row, r.values["name"]) for r in rows] == [(2, "张\r\n三"), (5, "李四"), (7, "王五")]


# --- unusable files -------------------------------------------------------------


def test_png_is_not_a_spreadsheet():
    err = unusable(mf.PNG, filename="photo.xlsx")
    assert err.message_zh == "不是可识别的电子表格（xlsx、xls 或 csv）"
    assert err.message_en == "not a recognisable spreadsheet (xlsx, xls or csv)"


def test_ole2_garbage_is_an_unreadable_xls():
    err = unusable(mf.OLE2_GARBAGE, filename="台账.xls")
    assert "无法读取该 xls 文件" in err.message_zh
    assert "cannot read this xls file" in err.message_en


def test_password_protected_workbook_is_explained():
    # Encrypted xlsx files are OLE2 containers holding an EncryptedPackage stream.
    data = mf.OLE2_GARBAGE + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    assert unusable(data).message_zh == "文件设置了密码，请取消密码后再上传"


def test_corruption_below_the_header():
    rows = [["姓名", "身份证号码", "村"]] + [[f"张{i}", mf.ID_1, "x"] for i in range(100)]
    good = mf.xlsx(rows)
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    cut = sheet.index(b'<row r="60"')
    bad = mf.rewrite_zip(
        good, {"xl/worksheets/sheet1.xml": sheet[:cut] + b'<row r="60"><c><is><t>x</q>'}
    )
    assert "已损坏" in unusable(bad).message_zh  # calamine parses the sheet up front
    seen = []
    reader = open_ledger(bad, FIELDS, engine="openpyxl")  # streams, so it fails later
    with reader, pytest.raises(UnusableFile, match="已损坏"):
        for row in reader.rows():
            seen.append(row.row)
    assert seen[-1] == 59


def test_html_saved_as_xls_is_explained():
    page = "<html><body><table><tr><td>姓名</td><td>身份证号码</td></tr></table></body></html>"
    err = unusable(page.encode("utf-8"), filename="导出.xls")
    assert "网页" in err.message_zh and "save it as .xlsx" in err.message_en


def test_zip_bomb_by_ratio():
    data = mf.zip_bomb()
    assert len(data) < 100_000
    err = unusable(data)
    assert err.message_zh.startswith("文件疑似压缩炸弹")
    assert "zip bomb" in err.message_en


def test_zip_bomb_by_total_size():
    data = mf.zip_bomb(entry_size=1024 * 1024, entries=4)
    assert "压缩炸弹" in unusable(data, max_bytes=64 * 1024).message_zh


def test_zip_bomb_with_lying_sizes():
    assert "压缩炸弹" in unusable(mf.lying_zip_bomb()).message_zh


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "part,body",
    [
        ("xl/worksheets/sheet1.xml", mf.BILLION_LAUGHS),
        ("xl/sharedStrings.xml", mf.BILLION_LAUGHS.decode().encode("utf-16")),
        ("xl/styles.xml", b'<?xml version="1.0"?><!-- ' + b"x" * 70_000 + b" --><a/>"),
    ],
)
def test_xml_with_doctype_or_entity_is_rejected(engine, part, body):
    err = unusable(mf.xml_bomb(part, body), engine=engine)
    assert "DOCTYPE/ENTITY" in err.message_zh


def test_corrupt_and_foreign_zips():
    good = mf.xlsx([["姓名", "身份证号码", "村"]])
    assert "已损坏" in unusable(good[: len(good) // 2]).message_zh
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", mf.CONTENT_TYPES)
        z.writestr("word/document.xml", b"<document/>")
    assert unusable(docx.getvalue()).message_en.startswith("not a recognisable spreadsheet")


def test_missing_required_header():
    data = mf.xlsx([["序号", "村", "联系电话", "户编号", "姓名"], [1, "x", "y", "z", "张三"]])
    err = unusable(data)
    assert err.message_zh == "缺少必需的列：身份证号码"
    assert err.message_en == "missing required columns: 身份证号码 (id_number)"


def test_missing_both_required_headers_are_listed_in_field_order():
    data = mf.csv_bytes([["县（市、区）", "村", "联系电话", "户编号"], ["a", "b", "c", "d"]])
    assert unusable(data).message_zh == "缺少必需的列：姓名、身份证号码"


def test_no_header_at_all():
    err = unusable(mf.xlsx([["hello", "world"], [1, 2]]))
    assert "找不到表头" in err.message_zh and "姓名" in err.message_zh


def test_too_few_known_columns():
    err = unusable(mf.xlsx([["姓名", "身份证号码", "性别"], ["张三", mf.ID_1, "男"]]))
    assert "至少需要 3 列" in err.message_zh


def test_oversize_and_empty_files():
    data = mf.xlsx([["姓名", "身份证号码", "村"]])
    err = unusable(data, max_bytes=1000)
    assert err.message_zh.startswith("文件太大（") and "limit is 1 KB" in err.message_en
    assert unusable(b"").message_zh == "文件是空的"


def test_bad_arguments_are_programming_errors():
    with pytest.raises(ValueError):
        open_ledger(b"a,b", FIELDS, engine="pandas")
    clash = [FieldSpec("a", "电话"), FieldSpec("b", "联系电话", ("电话",))]
    with pytest.raises(ValueError):
        open_ledger(b"a,b", clash)


# --- normalisation helpers -----------------------------------------------------------


def test_normalise_label():
    assert normalise_label(" 身份证\n号码（必填） ") == "身份证号码"
    assert normalise_label("＊月收入（元）*") == "月收入(元)"
    assert normalise_label("ＩＤ") == "id"


@pytest.mark.parametrize(
    "raw,expected",
    [
        (None, ""),
        ("  东乡县\u3000锁南镇\xa0 ", "东乡县 锁南镇"),
        ("第一行\n\n第二行", "第一行 第二行"),
        (2019.0, "2019"),
        (3.5, "3.5"),
        (42, "42"),
        ("ＡＢＣ１２３", "ABC123"),
        (date(2019, 3, 5), "2019-03-05"),
        ("\u200b张三\ufeff", "张三"),
    ],
)
def test_text(raw, expected):
    assert text(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("马 小 花", "马小花"),
        (" 张\u3000三 ", "张三"),
        ("阿卜杜拉•买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉．买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉・买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉.买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉\u00b7买买提", "阿卜杜拉·买买提"),
        ("王\U00020b9f", "王\U00020b9f"),  # outside the BMP
        ("李\ufa0c", "李\ufa0c"),  # CJK compatibility ideograph NFKC would replace
        ("赵\ue000", "赵\ue000"),  # private-use character from an old input method
        (None, ""),
    ],
)
def test_name(raw, expected):
    assert name(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("是", True),
        ("否", False),
        ("有", True),
        ("无", False),
        ("√", True),
        ("×", False),
        ("✓", True),
        ("✗", False),
        ("Y", True),
        ("ｎ", False),
        ("Yes", True),
        ("NO", False),
        ("TRUE", True),
        ("false", False),
        (1, True),
        (0.0, False),
        ("对", True),
        ("1.0", True),
        ("错", False),
        (True, True),
        ("", None),
        (None, None),
        (" 是 ", True),
    ],
)
def test_yes_no(raw, expected):
    assert yes_no(raw) is expected


@pytest.mark.parametrize("raw", ["也许", "2", "是否"])
def test_yes_no_rejects(raw):
    with pytest.raises(CellError) as exc:
        yes_no(raw)
    assert exc.value.message == f"无法识别的是/否值“{raw}”"


@pytest.mark.parametrize(
    "raw,expected",
    [
        (13812345678.0, "13812345678"),
        (13812345678, "13812345678"),
        ("1.3812345678E+10", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("13812345678.0", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0931-8123456", "0931-8123456"),
        ("(0931)8123456", "0931-8123456"),
        ("09318123456", "0931-8123456"),
        ("010-12345678", "010-12345678"),
        ("+86 931 8123456", "0931-8123456"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone(raw, expected):
    assert phone(raw) == expected


@pytest.mark.parametrize(
    "raw,fragment",
    [
        ("1.38123457E+10", "丢失了位数"),
        (1.38123457e15, "丢失了位数"),
        (9318123456, "丢失了位数"),  # landline whose leading 0 was eaten
        (1381234567.8, "丢失了位数"),
        ("8123456", "缺少区号"),
        ("13812345678/13987654321", "多个号码"),
        ("138123", "不是有效"),
        ("电话坏了", "不是有效"),
    ],
)
def test_phone_rejects(raw, fragment):
    with pytest.raises(CellError) as exc:
        phone(raw)
    assert fragment in exc.value.message


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("3,500", 3500),
        ("3500元", 3500),
        ("3500.00", 3500),
        ("３５００", 3500),
        (3500.0, 3500),
        (7, 7),
        ("3人", 3),
        ("", None),
        (None, None),
    ],
)
def test_integer(raw, expected):
    assert integer(raw) == expected


@pytest.mark.parametrize("raw", ["-3", -1, "3.5", "三千", "3,50", True, "1e3"])
def test_integer_rejects(raw):
    with pytest.raises(CellError):
        integer(raw)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("3,500", Decimal("3500")),
        ("3500元", Decimal("3500")),
        ("3500.00", Decimal("3500.00")),
        ("￥3,500.50", Decimal("3500.50")),
        ("１２３４.５", Decimal("1234.5")),
        (3500.1, Decimal("3500.1")),
        ("1.2万", Decimal("12000")),
        (0, Decimal(0)),
        ("  ", None),
    ],
)
def test_decimal_amount(raw, expected):
    assert decimal_amount(raw) == expected


@pytest.mark.parametrize("raw", ["-3500", -0.5, "约3500", "3500-4000", float("nan")])
def test_decimal_amount_rejects(raw):
    with pytest.raises(CellError) as exc:
        decimal_amount(raw)
    assert exc.value.message


@pytest.mark.parametrize(
    "raw,expected",
    [
        (2019, 2019),
        (2019.0, 2019),
        ("2019", 2019),
        ("2019年", 2019),
        ("2019.0", 2019),
        ("2019-12-31", 2019),
        (date(2019, 3, 5), 2019),
        (datetime(2020, 1, 1, 8), 2020),
        (43529, 2019),  # an Excel date serial in a number-formatted cell
        ("", None),
        (None, None),
    ],
)
def test_year(raw, expected):
    assert year(raw) == expected


@pytest.mark.parametrize("raw", [1948, "2101", "19年", 2019.5, "明年"])
def test_year_rejects(raw):
    with pytest.raises(CellError):
        year(raw)


@pytest.mark.parametrize(
    "raw,expected",
    [
        (43529, date(2019, 3, 5)),
        (43529.75, date(2019, 3, 5)),
        ("43529", date(2019, 3, 5)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (1, date(1900, 1, 1)),
        (datetime(2019, 3, 5, 10, 30), date(2019, 3, 5)),
        (date(2019, 3, 5), date(2019, 3, 5)),
        ("2019-03-05", date(2019, 3, 5)),
        ("2019/3/5", date(2019, 3, 5)),
        ("2019.3.5", date(2019, 3, 5)),
        ("20190305", date(2019, 3, 5)),
        (20190305, date(2019, 3, 5)),
        ("2019年3月5日", date(2019, 3, 5)),
        ("2019 年 3 月 5 日", date(2019, 3, 5)),
        ("２０１９年３月５日", date(2019, 3, 5)),
        ("2019年3月", date(2019, 3, 1)),
        ("2019-03", date(2019, 3, 1)),
        ("2019-03-05 00:00:00", date(2019, 3, 5)),
        ("", None),
        (None, None),
    ],
)
def test_date_value(raw, expected):
    assert date_value(raw) == expected


def test_date_value_1904_epoch():
    assert date_value(0, epoch_1904=True) == date(1904, 1, 1)
    assert date_value(42067, epoch_1904=True) == date(2019, 3, 5)


@pytest.mark.parametrize(
    "raw,fragment",
    [
        (60, "不存在"),  # Excel's phantom 1900-02-29
        (0, "无法识别"),
        (-5, "无法识别"),
        ("2019-02-30", "不存在"),
        ("2019年13月", "不存在"),
        ("3/5/2019", "无法识别"),
        ("去年春天", "无法识别"),
        (2019, "只有年份"),
        (True, "无法识别"),
    ],
)
def test_date_value_rejects(raw, fragment):
    with pytest.raises(CellError) as exc:
        date_value(raw)
    assert fragment in exc.value.message


EMPLOYMENT = {
    "已就业": "employed",
    "就业": "employed",
    "未就业": "unemployed",
    "失业": "unemployed",
}


@pytest.mark.parametrize(
    "raw,expected",
    [("已就业", "employed"), (" 未 就 业 ", "unemployed"), ("失业", "unemployed"), ("", "")],
)
def test_choice(raw, expected):
    assert choice(raw, EMPLOYMENT) == expected


def test_choice_rejects_with_the_options():
    with pytest.raises(CellError) as exc:
        choice("退休", EMPLOYMENT)
    assert exc.value.message == "“退休”不是有效的选项，可选：已就业、未就业"
