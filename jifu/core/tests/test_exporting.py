"""Ledger exports: xlsx layout and print setup, cell types, formula-injection
escaping, CSV encoding and streaming, download headers. Files are read back
with openpyxl / csv rather than compared byte for byte."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from jifu.core.exporting import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Column,
    Ledger,
    content_disposition,
    csv_response,
    escape_cell,
    sheet_title,
    stream_csv,
    write_csv,
    write_xlsx,
    xlsx_response,
)

TITLE = "东乡族自治县贫困劳动力台账"
REGION = "临夏回族自治州东乡族自治县"
AS_OF = date(2019, 12, 31)
COLUMNS = [
    Column("姓名", 10),
    Column("银行账号", 24),
    Column("培训人数", 10, "int"),
    Column("补贴金额（元）", 14, "decimal"),
    Column("培训日期", 12, "date"),
]
ACCOUNT = "6222021234567890123"
ROWS = [
    ["马晓明", ACCOUNT, 3, Decimal("1200.50"), date(2019, 6, 1)],
    ["=1+1", "+8613912345678", -2, Decimal("-15.25"), datetime(2019, 7, 2, 9, 30)],
    ["-x", "@SUM(A1:A2)", 0, None, None],
    ["\tcmd", "＝HYPERLINK()", None, 0.5, date(2019, 8, 3)],
]
TOTALS = ["合计", "", 1, Decimal("1185.75"), ""]
NOTES = ["制表单位：东乡族自治县人社局", "制表人：马丽    审核人：何军"]


def make_ledger(rows=ROWS, totals=TOTALS, notes=NOTES, columns=COLUMNS, title=TITLE):
    return Ledger(
        title=title,
        region=REGION,
        as_of=AS_OF,
        columns=columns,
        rows=iter(rows),  # a one-shot iterator, like a queryset .iterator()
        totals=totals,
        notes=notes,
    )


@pytest.fixture(scope="module")
def sheet():
    out = io.BytesIO()
    assert write_xlsx(make_ledger(), out) == len(ROWS)
    out.seek(0)
    return load_workbook(out).active


def values(ws, row):
    return [ws.cell(row, col).value for col in range(1, len(COLUMNS) + 1)]


def read_csv(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- escaping ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+8613912345678", "'+8613912345678"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("马晓明", "马晓明"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (Decimal("-1.5"), Decimal("-1.5")),
    ],
)
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_sheet_title_is_valid_for_excel():
    assert sheet_title("a[b]c:d*e?f/g\\h") == "abcdefgh"
    assert len(sheet_title("台" * 40)) == 31
    assert sheet_title("[]") == "Sheet1"


def test_column_kind_is_checked():
    with pytest.raises(ValueError):
        Column("x", kind="money")


# --- xlsx -------------------------------------------------------------------


def test_xlsx_title_region_and_header(sheet):
    assert sheet.title == TITLE
    assert sheet["A1"].value == TITLE
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 16
    assert sheet["A1"].alignment.horizontal == "center"
    assert sheet["A2"].value == f"单位：{REGION}    截至：2019年12月31日"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:E1", "A2:E2"} <= merged
    assert values(sheet, 3) == [c.header for c in COLUMNS]
    header = sheet["B3"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("D9D9D9")
    assert header.border.left.style == "thin" and header.alignment.wrap_text


def test_xlsx_data_starts_at_row_4_and_is_escaped(sheet):
    assert values(sheet, 4)[:3] == ["马晓明", ACCOUNT, 3]
    assert values(sheet, 5)[:2] == ["'=1+1", "'+8613912345678"]
    assert values(sheet, 6)[:2] == ["'-x", "'@SUM(A1:A2)"]
    assert values(sheet, 7)[:2] == ["'\tcmd", "'＝HYPERLINK()"]
    assert sheet["A5"].data_type == "s"  # not a formula


def test_xlsx_types(sheet):
    account = sheet["B4"]
    assert account.value == ACCOUNT and account.data_type == "s"  # never 6.2E+18
    assert sheet["C5"].value == -2 and sheet["C5"].data_type == "n"
    assert sheet["D5"].value == pytest.approx(-15.25)
    assert sheet["D5"].number_format == "#,##0.00"
    assert sheet["D7"].value == pytest.approx(0.5)
    assert sheet["E4"].is_date and sheet["E4"].value.date() == date(2019, 6, 1)
    assert sheet["E4"].number_format == "yyyy-mm-dd"
    assert sheet["E5"].value.date() == date(2019, 7, 2)  # datetime shown as its date
    assert sheet["C7"].value is None and sheet["E6"].value is None


def test_xlsx_totals_and_notes(sheet):
    totals_row = 4 + len(ROWS)
    assert values(sheet, totals_row) == ["合计", None, 1, pytest.approx(1185.75), None]
    assert all(sheet.cell(totals_row, col).font.b for col in range(1, 6))
    assert not sheet["A4"].font.b
    assert values(sheet, totals_row + 1) == [None] * 5
    assert sheet.cell(totals_row + 2, 1).value == NOTES[0]
    assert sheet.cell(totals_row + 3, 1).value == NOTES[1]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"A{totals_row + 3}:E{totals_row + 3}" in merged


def test_xlsx_print_setup(sheet):
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert sheet.column_dimensions["B"].width == 24


def test_xlsx_without_totals_or_notes():
    out = io.BytesIO()
    assert write_xlsx(make_ledger(totals=None, notes=()), out) == len(ROWS)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert ws.max_row == 3 + len(ROWS)


def test_xlsx_drops_characters_excel_cannot_hold():
    out = io.BytesIO()
    write_xlsx(make_ledger(rows=[["a\x0bb", "1", 1, 1, None]], totals=None), out)
    assert load_workbook(io.BytesIO(out.getvalue())).active["A4"].value == "ab"


def test_row_of_wrong_width_is_rejected_without_leaving_a_temp_file():
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    before = list(ALL_TEMP_FILES)
    with pytest.raises(ValueError, match="data row 2"):
        write_xlsx(make_ledger(rows=[ROWS[0], ["too", "short"]]), io.BytesIO())
    assert not set(ALL_TEMP_FILES) - set(before)
    with pytest.raises(ValueError, match="totals row"):
        write_csv(make_ledger(totals=["合计"]), io.BytesIO())


# --- CSV --------------------------------------------------------------------


def test_csv_encoding_and_content():
    out = io.BytesIO()
    assert write_csv(make_ledger(), out) == len(ROWS)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 1 + len(ROWS) + 1 and b"\n" not in data.replace(b"\r\n", b"")
    rows = read_csv(data)
    assert rows[0] == [c.header for c in COLUMNS]  # no title, region or notes
    assert rows[1] == ["马晓明", ACCOUNT, "3", "1200.50", "2019-06-01"]
    assert rows[2] == ["'=1+1", "'+8613912345678", "-2", "-15.25", "2019-07-02"]
    assert rows[3] == ["'-x", "'@SUM(A1:A2)", "0", "", ""]
    assert rows[4][:2] == ["'\tcmd", "'＝HYPERLINK()"]
    assert rows[-1] == ["合计", "", "1", "1185.75", ""]
    assert len(rows) == 1 + len(ROWS) + 1


def test_stream_csv_chunks_match_write_csv():
    whole = io.BytesIO()
    write_csv(make_ledger(), whole)
    chunks = list(stream_csv(make_ledger(), chunk_rows=1))
    assert chunks[0] == b"\xef\xbb\xbf"
    assert len(chunks) > 3
    assert b"".join(chunks) == whole.getvalue()


def test_generator_with_totals_accumulated_while_streaming():
    total = {"people": 0, "amount": Decimal(0)}

    def rows():
        for i in range(10_000):
            people, amount = i % 7, Decimal(i) / 100
            total["people"] += people
            total["amount"] += amount
            yield [f"户{i:05d}", f"62220212345678{i:05d}", people, amount, AS_OF]

    def totals():
        return ["合计", "", total["people"], total["amount"], ""]

    columns = COLUMNS
    ledger = Ledger(TITLE, REGION, AS_OF, columns, rows(), totals=totals)
    out = io.BytesIO()
    assert write_xlsx(ledger, out) == 10_000
    ws = load_workbook(io.BytesIO(out.getvalue()), read_only=True).active
    last = [c.value for c in next(ws.iter_rows(min_row=10_004, max_row=10_004))]
    assert last[:3] == ["合计", None, total["people"]]
    assert last[3] == pytest.approx(float(total["amount"]))

    total.update(people=0, amount=Decimal(0))
    ledger = Ledger(TITLE, REGION, AS_OF, columns, rows(), totals=totals)
    parsed = read_csv(b"".join(stream_csv(ledger)))
    assert len(parsed) == 1 + 10_000 + 1
    assert parsed[-1] == ["合计", "", str(total["people"]), str(total["amount"]), ""]


# --- responses --------------------------------------------------------------


def test_content_disposition_has_utf8_name_and_ascii_fallback():
    name = f"{TITLE}_20191231.xlsx"
    header = content_disposition(name)
    assert f"filename*=UTF-8''{quote(name)}" in header
    assert 'filename="20191231.xlsx"' in header
    assert header.isascii()
    assert 'filename="export.csv"' in content_disposition('台账"\r\n.csv')


def test_xlsx_response():
    response = xlsx_response(make_ledger())
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    encoded = quote(f"{TITLE}_20191231.xlsx")
    assert f"filename*=UTF-8''{encoded}" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    # Close the spooled file itself: response.close() would fire request_finished,
    # which touches database connections this test does not use.
    response.file_to_stream.close()
    assert int(response["Content-Length"]) == len(body)
    assert load_workbook(io.BytesIO(body)).active["A1"].value == TITLE


def test_csv_response_streams():
    response = csv_response(make_ledger(), "贫困劳动力.csv")
    assert response.streaming
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert (
        "filename*=UTF-8''%E8%B4%AB%E5%9B%B0%E5%8A%B3%E5%8A%A8%E5%8A%9B.csv"
        in (response["Content-Disposition"])
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and read_csv(body)[-1][0] == "合计"


def test_numbers_in_text_columns_stay_unescaped_text():
    row = [-5, 6222021234567890123, 1, 1, None]
    out = io.BytesIO()
    write_xlsx(make_ledger(rows=[row], totals=None), out)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert ws["A4"].value == "-5" and ws["A4"].data_type == "s"
    assert ws["B4"].value == "6222021234567890123" and ws["B4"].data_type == "s"
    csv_out = io.BytesIO()
    write_csv(make_ledger(rows=[row], totals=None), csv_out)
    assert read_csv(csv_out.getvalue())[1][:2] == ["-5", "6222021234567890123"]
