"""Export lists and ledgers (台账) to Excel (.xlsx) and CSV.

One `Ledger` describes a table; `write_xlsx` lays it out for printing on A4
landscape, `write_csv` / `stream_csv` give a plain, re-importable table, and
`xlsx_response` / `csv_response` wrap both for Django views.

Rows are consumed exactly once and never held in memory, so `Ledger.rows` may
be a generator of millions of rows (for querysets pass e.g.
``qs.values_list(...).iterator(chunk_size=2000)``). A ledger can therefore be
written only once.

Layout of the xlsx sheet:

* row 1 the title, row 2 "单位：… 截至：…", row 3 the header, data from row 4,
  then an optional bold totals row and, after a blank row, the notes;
* openpyxl's write-only worksheet has no ``merge_cells()``, but it does write
  ``ws.merged_cells`` at the end of the sheet, so the title, the region line
  and the notes are merged across all columns by adding ranges there directly;
* rows 1-3 repeat on every printed page, the panes freeze below the header,
  every page is fitted to the paper width and numbered in the footer.

CSV carries only the header, the data and the totals row (no title, region or
notes) so that it re-imports cleanly. It cannot carry cell types: Excel opening
a CSV will still show long digit strings such as bank accounts as 6.2E+18,
which is why officials should be given the xlsx.

Every text cell in both formats is escaped against formula injection (see
`escape_cell`); the apostrophe stays part of the value when re-imported.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import math
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import BinaryIO
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

KINDS = ("text", "int", "decimal", "date")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Keep xlsx exports in memory up to this size, then spill to a temporary file.
XLSX_SPOOL_BYTES = 32 * 1024 * 1024

HEADER_ROWS = 3  # title, region line, column headers
DATE_FORMAT = "yyyy-mm-dd"
DECIMAL_FORMAT = "#,##0.00"
FOOTER = "第 &P 页，共 &N 页"

# OWASP CSV-injection triggers, plus their full-width forms, which a Chinese
# IME produces and which spreadsheet software may normalise to ASCII.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_SHEET_TITLE_INVALID = re.compile(r"[\[\]:*?/\\]")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Column:
    """One column of a ledger: its printed header, Excel width and value kind."""

    header: str
    width: float = 12
    kind: str = "text"  # "text" | "int" | "decimal" | "date"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.header!r}: kind must be one of {KINDS}")


@dataclass
class Ledger:
    """A table to export.

    `totals` is a row of values, or a callable returning one (or None) that is
    called only after every row has been consumed, so totals can be summed up
    while the rows stream past.
    """

    title: str
    region: str
    as_of: date
    columns: list[Column]
    rows: Iterable[Sequence[object]]
    totals: Sequence[object] | Callable[[], Sequence[object] | None] | None = None
    notes: Sequence[str] = ()

    def resolve_totals(self) -> Sequence[object] | None:
        """The totals row; call only after the rows have been consumed."""
        return self.totals() if callable(self.totals) else self.totals

    @property
    def region_line(self) -> str:
        # Built by hand rather than with strftime("%Y年…"), which depends on the C locale.
        d = self.as_of
        return f"单位：{self.region}    截至：{d.year}年{d.month:02d}月{d.day:02d}日"

    def filename(self, extension: str) -> str:
        """The default download name, e.g. "东乡…台账_20191231.xlsx"."""
        return f"{self.title}_{self.as_of:%Y%m%d}.{extension}"


def escape_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in a cell value.

    A string starting with = + - @ tab or carriage return (or full-width ＝＋－＠)
    gets a leading apostrophe, as OWASP advises for CSV injection. Numbers and
    other non-strings are returned unchanged (a negative number is a number);
    None becomes "".
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # A number rendered as text cannot carry a formula: "-5" stays "-5".
        return str(value)
    return escape_cell(str(value))


def _coerce(value: object, kind: str) -> object:
    """The value to store for a column kind: an escaped str, a number, a date or None.

    Anything that does not fit a numeric or date column is kept as escaped
    text rather than guessed at, so a "合计" or "—" in such a column survives.
    """
    if value is None or value == "":
        return None
    if kind in ("int", "decimal"):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float | Decimal):
            return value if math.isfinite(value) else None
    elif kind == "date":
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.date()
        if isinstance(value, date):
            return value
    return _as_text(value)


def _check_width(row: Sequence[object], columns: Sequence[Column], where: str) -> None:
    if len(row) != len(columns):
        raise ValueError(f"{where}: expected {len(columns)} values, got {len(row)}")


# --- xlsx -------------------------------------------------------------------

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def sheet_title(title: str) -> str:
    """An Excel-valid sheet name: invalid characters removed, at most 31 characters."""
    # Excel also rejects names that start or end with an apostrophe.
    name = _SHEET_TITLE_INVALID.sub("", title)[:31].strip().strip("'")
    return name or "Sheet1"


def _display_width(text: str) -> int:
    """Width in Excel character units: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _style(ws, **attributes):
    """Register a cell style once and return its style array.

    Each data cell is then created with `style_array=` instead of assigning
    font/border/format per cell, which re-hashes every style object and made
    a 20,000-row export about 45% slower. `_style` is private to openpyxl;
    the round-trip tests catch a change in it.
    """
    proto = WriteOnlyCell(ws)
    for name, value in attributes.items():
        setattr(proto, name, value)
    return proto._style


def _cell(ws, value: object, style) -> Cell:
    """A write-only cell carrying a registered style array."""
    # Like WriteOnlyCell: row and column are placeholders that append() overwrites.
    return Cell(ws, row=1, column=1, value=value, style_array=style)


def _setup_sheet(ws, ledger: Ledger) -> None:
    """Column widths, panes and print setup; write-only sheets need them before any row."""
    columns = ledger.columns
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.width

    # Write-only rows get no automatic height, so size the wrapped title and headers.
    ws.row_dimensions[1].height = 30
    lines = max(
        (math.ceil(_display_width(c.header) / max(c.width - 1, 1)) for c in columns), default=1
    )
    ws.row_dimensions[3].height = 15 * max(lines, 1) + 4

    ws.freeze_panes = f"A{HEADER_ROWS + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages high as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"1:{HEADER_ROWS}"
    ws.oddFooter.center.text = FOOTER


def write_xlsx(ledger: Ledger, out: BinaryIO) -> int:
    """Write the ledger as a printable xlsx workbook to `out`; return the number of data rows.

    Uses openpyxl's write-only mode (rows go straight to a temporary file as
    inline strings), so memory stays flat however many rows there are.
    """
    if not ledger.columns:
        raise ValueError("a ledger needs at least one column")
    wb = Workbook(write_only=True)
    wb.properties.creator = "jifu"
    ws = wb.create_sheet(sheet_title(ledger.title))
    _setup_sheet(ws, ledger)
    try:
        count = _append_rows(ws, ledger)
    except BaseException:
        _discard(ws)
        raise
    wb.save(out)
    return count


def _discard(ws) -> None:
    """Delete a failed sheet's temporary file, which openpyxl would keep until the process exits."""
    writer = ws._writer
    if writer is None:
        return
    with contextlib.suppress(Exception):
        ws.close()
    with contextlib.suppress(OSError, ValueError):
        writer.cleanup()


def _append_rows(ws, ledger: Ledger) -> int:
    """Append title, region line, header, data, totals and notes; return the data row count."""
    columns = ledger.columns
    last = get_column_letter(len(columns))

    def merge_row(row: int) -> None:
        if len(columns) > 1:
            ws.merged_cells.add(f"A{row}:{last}{row}")

    def text_cell(value: object, style) -> Cell:
        return _cell(ws, ILLEGAL_CHARACTERS_RE.sub("", _as_text(value)), style)

    title_style = _style(
        ws,
        font=Font(bold=True, size=16),
        alignment=Alignment(horizontal="center", vertical="center"),
    )
    plain_style = _style(ws, alignment=Alignment(horizontal="left", vertical="center"))
    header_style = _style(
        ws,
        font=Font(bold=True),
        fill=PatternFill("solid", fgColor="D9D9D9"),
        border=_BORDER,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )

    ws.append([text_cell(ledger.title, title_style)])
    merge_row(1)
    ws.append([text_cell(ledger.region_line, plain_style)])
    merge_row(2)
    ws.append([text_cell(c.header, header_style) for c in columns])

    def cell_styles(bold: bool) -> list:
        formats = {"date": DATE_FORMAT, "decimal": DECIMAL_FORMAT}
        return [
            _style(
                ws,
                border=_BORDER,
                font=Font(bold=bold),
                number_format=formats.get(c.kind, "General"),
            )
            for c in columns
        ]

    def row_cells(values: Sequence[object], styles: list) -> list[Cell]:
        cells = []
        for column, style, value in zip(columns, styles, values, strict=True):
            value = _coerce(value, column.kind)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # xlsx cannot hold them
            cells.append(_cell(ws, value, style))
        return cells

    data_styles = cell_styles(bold=False)
    count = 0
    for count, row in enumerate(ledger.rows, 1):
        _check_width(row, columns, f"data row {count}")
        ws.append(row_cells(row, data_styles))

    totals = ledger.resolve_totals()
    if totals is not None:
        _check_width(totals, columns, "totals row")
        ws.append(row_cells(totals, cell_styles(bold=True)))

    if ledger.notes:
        ws.append([])
        first = HEADER_ROWS + count + (totals is not None) + 2
        for offset, note in enumerate(ledger.notes):
            ws.append([text_cell(note, plain_style)])
            merge_row(first + offset)
    return count


# --- CSV --------------------------------------------------------------------


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never "1E+2"
    if isinstance(value, date):
        return value.isoformat()
    return value


def stream_csv(ledger: Ledger, chunk_rows: int = 1000) -> Iterator[bytes]:
    """Yield the ledger as CSV bytes: the UTF-8 BOM, then chunks of `chunk_rows` rows.

    Only the header, data and totals rows are written (see the module
    docstring). The generator's return value is the number of data rows.
    """
    columns = ledger.columns
    # The BOM makes Excel read the file as UTF-8 instead of the ANSI code page (GBK).
    yield codecs.BOM_UTF8
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    def drain() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    def write(values: Sequence[object]) -> None:
        writer.writerow(
            [_csv_value(_coerce(v, c.kind)) for c, v in zip(columns, values, strict=True)]
        )

    writer.writerow([_as_text(c.header) for c in columns])
    count = 0
    for count, row in enumerate(ledger.rows, 1):
        _check_width(row, columns, f"data row {count}")
        write(row)
        if count % chunk_rows == 0:
            yield drain()

    totals = ledger.resolve_totals()
    if totals is not None:
        _check_width(totals, columns, "totals row")
        write(totals)
    if tail := drain():
        yield tail
    return count


def write_csv(ledger: Ledger, out: BinaryIO) -> int:
    """Write the ledger as UTF-8 CSV (with BOM, CRLF) to `out`; return the number of data rows."""
    chunks = stream_csv(ledger)
    while True:
        try:
            out.write(next(chunks))
        except StopIteration as done:
            return done.value


# --- HTTP responses ---------------------------------------------------------


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback name and the RFC 5987 UTF-8 name.

    Browsers use filename*; the fallback (non-ASCII dropped) is for old clients.
    """
    path = PurePath(filename.replace("/", "_").replace("\\", "_"))
    stem = _UNSAFE_FILENAME.sub("_", path.stem).strip("._") or "export"
    suffix = _UNSAFE_FILENAME.sub("", path.suffix)
    return f"attachment; filename=\"{stem}{suffix}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(ledger: Ledger, filename: str | None = None) -> FileResponse:
    """The ledger as an xlsx download.

    The zip must be complete before it can be sent, so it is built in a
    spooled file: in memory up to 32 MB, then on disk.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    try:
        write_xlsx(ledger, spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename or ledger.filename("xlsx"))
    return response


def csv_response(ledger: Ledger, filename: str | None = None) -> StreamingHttpResponse:
    """The ledger as a streamed CSV download.

    Rows are produced while the response is sent; an error in the middle
    truncates the download since the 200 status has already gone out.
    """
    response = StreamingHttpResponse(stream_csv(ledger), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename or ledger.filename("csv"))
    return response


def audited_ledger(actor, *, app: str, title: str, columns, rows) -> Ledger:
    """A masked ledger of ``app`` for ``actor``'s area, its export recorded in the audit log."""
    from django.db import transaction
    from django.utils import timezone

    from jifu.audit import services as audit

    region_code = actor.region.code if actor.region_id else ""
    with transaction.atomic():
        audit.record(
            "export",
            actor=actor,
            object_type=app,
            object_repr=title[:200],
            region_code=region_code,
            message="脱敏导出",
        )
    return Ledger(
        title=title,
        region=actor.region.full_name() if actor.region_id else "",
        as_of=timezone.localdate(),
        columns=columns,
        rows=rows,
    )
