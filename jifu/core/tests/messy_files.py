"""Builders for the messy ledger files the spreadsheet tests read.

Everything is built in memory; people and ID numbers are synthetic.
"""

import csv
import io
import struct
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

import openpyxl

# Synthetic IDs (valid check digits, see jifu.core.idnumber.make).
ID_1 = "62292619900101123X"
ID_2 = "620102199001011233"


def xlsx(
    rows: Sequence[Sequence[object]],
    *,
    merges: Iterable[str] = (),
    start: str = "A1",
    title: str = "台账",
    before: Iterable[tuple[str, Sequence[Sequence[object]], str]] = (),
    epoch_1904: bool = False,
) -> bytes:
    """An xlsx whose main sheet holds ``rows`` from cell ``start``.

    ``before`` lists sheets placed ahead of it as (title, rows, state) where
    state is "visible", "hidden" or "veryHidden".
    """
    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    first = True
    for sheet_title, sheet_rows, state in before:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = sheet_title
        ws.sheet_state = state
        for r in sheet_rows:
            ws.append(list(r))
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    if wb.worksheets[0].sheet_state != "visible":
        wb.active = wb.worksheets.index(ws)
    col0, row0 = openpyxl.utils.cell.coordinate_from_string(start)
    c0 = openpyxl.utils.cell.column_index_from_string(col0)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if v is not None:
                ws.cell(row=row0 + i, column=c0 + j, value=v)
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def title_and_two_row_header() -> bytes:
    """A county ledger as typed: title, unit line, two-row header with merged
    parents (联系方式 over 手机/固话, 就业情况 over four columns), vertically
    merged single headers, a blank gap row, a 序号-only row and trailing
    whitespace rows."""
    rows = [
        ["东乡县2019年贫困劳动力台账"],
        ["填报单位：东乡县扶贫办", None, None, None, None, None, "填报日期：2019年12月"],
        [
            "序号",
            "县（市、区）",
            "乡（镇）",
            "姓名",
            "身份证号码",
            "联系方式",
            None,
            "是否有培训意愿",
            "就业情况",
            None,
            None,
            None,
            "备注",
        ],
        [None] * 5 + ["手机", "固话", None, "就业状态", "就业地点", "务工单位", "月收入(元)"],
        [1, "东乡县", "锁南镇", "马 小 花", ID_1, 13812345678, "0930-7123456", "是", "已就业"]
        + ["兰州", "某建筑公司", 3500, None],
        [None] * 13,
        [2, "东乡县", "达板镇", "阿卜杜拉·买买提", ID_2, "1.3812345678E+10", None, "否", None]
        + [None, None, "3,500元", "外出"],
        [3],
        [None, " ", "\u3000"],
        [None] * 13,
    ]
    merges = ["A1:M1", "F3:G3", "I3:L3"] + [f"{c}3:{c}4" for c in "ABCDEHM"]
    return xlsx(rows, merges=merges)


def csv_bytes(
    rows: Sequence[Sequence[object]], *, encoding: str = "utf-8-sig", delimiter: str = ","
) -> bytes:
    """CSV text for ``rows`` (None -> empty) with quoting where needed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    return out.getvalue().encode(encoding)


def rewrite_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """Copy a zip, replacing (or adding) the named entries."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info.filename, src.read(info.filename))
        for name, body in replace.items():
            dst.writestr(name, body)
    return out.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def zip_bomb(entry_size: int = 20 * 1024 * 1024, entries: int = 1) -> bytes:
    """A small zip whose sheet XML inflates to ``entry_size``-odd bytes of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(entries):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", b"<worksheet>" + b" " * entry_size)
    return out.getvalue()


def lying_zip_bomb(real_size: int = 4 * 1024 * 1024, declared: int = 1000) -> bytes:
    """A zip whose sheet entry claims ``declared`` bytes but inflates to more."""
    data = bytearray(zip_bomb(real_size))
    name = b"xl/worksheets/sheet1.xml"
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode())
    struct.pack_into("<I", data, info.header_offset + 22, declared)  # local header
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_len]) == name:
            struct.pack_into("<I", data, central + 24, declared)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def xml_bomb(part: str = "xl/worksheets/sheet1.xml", body: bytes = BILLION_LAUGHS) -> bytes:
    """A real xlsx whose ``part`` is replaced by an entity-declaring document."""
    return rewrite_zip(xlsx([["姓名", "身份证号码", "联系电话"]]), {part: body})


def every_cell_type() -> bytes:
    """One header and rows holding every cell type a ledger might contain."""
    rows = [
        ["姓名", "身份证号码", "联系电话", "月收入(元)", "是否有培训意愿", "村", "户编号"],
        ["张三", ID_1, 13812345678, 3500, True, date(2019, 3, 5), datetime(2019, 3, 5, 10, 30)],
        [" 李四\n", 6.22926199001011e17, 13812345678.0, 3500.25, "是", time(8, 0), "#N/A"],
        ["王五", None, "0931-8123456", -1.5, False, "  ", 0.1],
    ]
    return xlsx(rows)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
OLE2_GARBAGE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 32
