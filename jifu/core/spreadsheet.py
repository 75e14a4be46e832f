"""Read ledgers (台账) from messy xlsx / xls / csv files into clean rows.

County offices upload ledgers exactly as they keep them in Excel or WPS: title
rows above the header, two-row headers with merged parent cells, full-width
or space-laden header text, extra columns, trailing blank rows, GBK-encoded
CSV. This module finds the header, maps columns to canonical field keys and
streams the data rows with the row number a person sees in Excel (or the CSV
line number). It never touches the database and checks no business rules.

Cell values are passed as the reader gives them, harmonised only so that both
xlsx engines agree: empty or whitespace-only cells are ``None``, integral
floats are ``int``,
midnight datetimes are ``date`` and Excel error cells (#N/A …) are ``None``.
Importers normalise each cell with the pure helpers at the bottom
(``text``, ``name``, ``yes_no``, ``phone``, ``integer``, ``decimal_amount``,
``year``, ``date_value``, ``choice``), which raise ``CellError`` with a
Chinese message.

A file that is unusable as a whole (unknown format, too big, zip or XML bomb,
corrupt, no recognisable header, missing required columns) raises
``UnusableFile``.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from jifu.core.importing import UnusableFile

__all__ = [
    "CellError",
    "FieldSpec",
    "LedgerReader",
    "SheetRow",
    "choice",
    "date_value",
    "decimal_amount",
    "integer",
    "name",
    "normalise_label",
    "open_ledger",
    "phone",
    "text",
    "year",
    "yes_no",
]

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
HEADER_SCAN_ROWS = 30
# Header rows + one possible lower header row + one possible column-number row.
_SCAN_BUFFER = HEADER_SCAN_ROWS + 2
MIN_HEADER_FIELDS = 3

# Zip-bomb limits. A real ledger's XML compresses 5-30x; 200x on a large
# entry, or more than 2 GiB of XML in total, is not a spreadsheet anyone typed.
MAX_UNCOMPRESSED = 2 * 1024**3
MAX_RATIO_OF_MAX_BYTES = 50
MAX_ENTRY_RATIO = 200
RATIO_CHECK_MIN_SIZE = 10 * 1024**2
MAX_ZIP_ENTRIES = 10_000
XML_PROLOG_LIMIT = 64 * 1024
_INFLATE_CHUNK = 1024 * 1024

# A legitimate CSV line is never longer than this; longer means binary junk or
# an unterminated quote, and reading it whole could exhaust memory.
MAX_CSV_LINE = 1024 * 1024
_TEXT_SNIFF = 64 * 1024

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_NOT_SPREADSHEET = (
    "不是可识别的电子表格（xlsx、xls 或 csv）",
    "not a recognisable spreadsheet (xlsx, xls or csv)",
)
_ZIP_BOMB = (
    "文件疑似压缩炸弹（解压后体积异常巨大），已拒绝",
    "suspected zip bomb (decompresses to an abnormal size); rejected",
)
_XML_BOMB = (
    "文件包含不允许的 XML 声明（DOCTYPE/ENTITY），疑似恶意文件，已拒绝",
    "the workbook XML contains a DOCTYPE/ENTITY declaration (possible XML bomb); rejected",
)
_CORRUPT_XLSX = (
    "xlsx 文件已损坏，无法打开；请用 Excel 或 WPS 打开后重新保存",
    "the xlsx file is corrupt and cannot be opened; re-save it in Excel or WPS",
)
_CORRUPT_XLS = (
    "无法读取该 xls 文件，文件可能已损坏或不是 Excel 工作簿；请用 Excel 或 WPS 打开后另存为 .xlsx",
    "cannot read this xls file: it may be corrupt or not an Excel workbook; "
    "open it in Excel or WPS and save it as .xlsx",
)
_PASSWORD = (
    "文件设置了密码，请取消密码后再上传",
    "the file is password-protected; remove the password and upload it again",
)
_HTML = (
    "文件实际是网页（HTML/XML）格式，并不是真正的 Excel 文件；请用 Excel 或 WPS 打开后另存为 .xlsx",
    "the file is really a web page (HTML/XML), not an Excel workbook; "
    "open it in Excel or WPS and save it as .xlsx",
)


class CellError(ValueError):
    """A single cell holds a value the helper cannot normalise.

    ``message`` is the Chinese message shown to the uploader.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldSpec:
    """A field an importer wants from the ledger and the headers it goes by."""

    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


@dataclass
class SheetRow:
    """One non-blank data row: Excel row number (or CSV line) and raw values by key."""

    row: int
    values: dict[str, object]


# --------------------------------------------------------------------------
# Text normalisation shared by header matching and the cell helpers
# --------------------------------------------------------------------------

# Zero-width characters survive NFKC and str.split(); WPS and web copy-paste
# leave them in cells.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZW_TABLE = str.maketrans("", "", _ZERO_WIDTH)
_WS_RUN = re.compile(r"\s+")
_REQUIRED_MARK = re.compile(r"^(?:[(\[【]必填[)\]】])+|(?:[(\[【]必填[)\]】])+$")


def _protected(ch: str, strict: bool) -> bool:
    """Characters NFKC would corrupt: PUA and CJK compatibility ideographs
    (rare name characters), and for names anything outside GBK/the BMP."""
    o = ord(ch)
    if 0xE000 <= o <= 0xF8FF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F:
        return True
    if not strict or o < 0x80:
        return False
    if o > 0xFFFF:
        return True
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return True
    return False


def _nfkc(s: str, *, strict: bool = False) -> str:
    if s.isascii():
        return s
    if not strict and unicodedata.is_normalized("NFKC", s):
        return s  # the common case for Chinese text; a C-speed check
    if not any(_protected(ch, strict) for ch in s):
        return unicodedata.normalize("NFKC", s)
    # Normalise runs between protected characters so compositions still work.
    out: list[str] = []
    run: list[str] = []
    for ch in s:
        if _protected(ch, strict):
            out.append(unicodedata.normalize("NFKC", "".join(run)))
            run.clear()
            out.append(ch)
        else:
            run.append(ch)
    out.append(unicodedata.normalize("NFKC", "".join(run)))
    return "".join(out)


def normalise_label(value: object) -> str:
    """Normalise a header or option label for comparison.

    NFKC (full-width to half-width), all whitespace removed (including
    newlines inside cells and U+3000), leading/trailing "*" and "(必填)"
    markers removed, lowercased.
    """
    if value is None:
        return ""
    s = value if isinstance(value, str) else text(value)
    s = unicodedata.normalize("NFKC", s).translate(_ZW_TABLE)
    s = _WS_RUN.sub("", s)
    previous = None
    while previous != s:
        previous = s
        s = _REQUIRED_MARK.sub("", s).strip("*")
    return s.lower()


def _is_blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.translate(_ZW_TABLE).strip())


def _display(v: object) -> str:
    """Header text as a person reads it: original characters, whitespace collapsed."""
    if v is None:
        return ""
    if isinstance(v, str):
        return " ".join(v.translate(_ZW_TABLE).split())
    return text(v)


def _harmonise(v: Any) -> Any:
    """Make calamine and openpyxl agree on the same cell (see module docstring)."""
    if v is None or (isinstance(v, str) and _is_blank(v)):
        return None  # calamine drops whitespace-only strings; openpyxl keeps them
    if type(v) is float:
        if v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v
    if type(v) is datetime and v.tzinfo is None and v.time() == time(0):
        return v.date()
    return v


# --------------------------------------------------------------------------
# Sources: one per format, each exposing candidate sheets
# --------------------------------------------------------------------------


class _Sheet:
    """A worksheet (or the CSV) as numbered raw rows; ``cell`` harmonises one cell."""

    name: str = ""

    def iter_rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        raise NotImplementedError

    @staticmethod
    def cell(raw: Sequence[Any], index: int) -> Any:
        return _harmonise(raw[index]) if index < len(raw) else None


class _CalamineSheet(_Sheet):
    def __init__(self, sheet: Any, name: str):
        self._sheet = sheet
        self.name = name

    def iter_rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        # calamine yields rows from row 1 even when the data starts lower
        # (columns start at the first used column, which is harmless because
        # header and data rows share the same offset).
        yield from enumerate(self._sheet.iter_rows(), start=1)


class _OpenpyxlSheet(_Sheet):
    def __init__(self, ws: Any):
        self._ws = ws
        self.name = ws.title
        # Files from some generators carry a wrong <dimension>; read_only mode
        # would silently cut columns/rows to it.
        ws.reset_dimensions()

    def iter_rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            yield from enumerate(self._ws.iter_rows(), start=1)
        except UnusableFile:
            raise
        except Exception as exc:  # corrupt XML found while streaming
            raise UnusableFile(*_CORRUPT_XLSX) from exc

    @staticmethod
    def cell(raw: Sequence[Any], index: int) -> Any:
        if index >= len(raw):
            return None
        c = raw[index]
        if c.data_type == "e":  # calamine reports error cells as empty
            return None
        return _harmonise(c.value)


class _CsvSheet(_Sheet):
    def __init__(self, fp: IO[bytes], encoding: str, delimiter: str):
        self._fp = fp
        self.encoding = encoding
        self.delimiter = delimiter

    def iter_rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        self._fp.seek(0)
        wrapper = io.TextIOWrapper(self._fp, encoding=self.encoding, newline="")
        try:
            reader = csv.reader(_limited_lines(wrapper), delimiter=self.delimiter)
            line = 0
            try:
                for record in reader:
                    # A quoted cell may span lines; report where the record starts.
                    yield line + 1, record
                    line = reader.line_num
            except csv.Error as exc:
                raise UnusableFile(
                    f"第 {reader.line_num} 行 CSV 格式有误：{exc}",
                    f"CSV syntax error at line {reader.line_num}: {exc}",
                ) from exc
        finally:
            wrapper.detach()  # the caller owns the binary file


def _limited_lines(stream: IO[str]) -> Iterator[str]:
    line_no = 0
    while True:
        line = stream.readline(MAX_CSV_LINE)
        if not line:
            return
        line_no += 1
        if len(line) >= MAX_CSV_LINE and not line.endswith(("\n", "\r")):
            raise UnusableFile(
                f"第 {line_no} 行过长，文件不像是表格",
                f"line {line_no} is too long; the file does not look like a table",
            )
        yield line


# --------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------


@dataclass
class _Attempt:
    score: int
    valid: bool
    header_row: int
    positions: dict[str, int]
    columns: dict[str, str]
    ignored: list[str]


def _field_index(fields: Sequence[FieldSpec]) -> dict[str, str]:
    index: dict[str, str] = {}
    keys: set[str] = set()
    for f in fields:
        if f.key in keys:
            raise ValueError(f"duplicate field key {f.key!r}")
        keys.add(f.key)
        for label in (f.header, *f.synonyms):
            norm = normalise_label(label)
            if not norm:
                continue
            other = index.get(norm)
            if other is not None and other != f.key:
                raise ValueError(f"header {label!r} is claimed by {other!r} and {f.key!r}")
            index[norm] = f.key
    return index


def _match(
    cols: list[tuple[str, list[str]]], index: dict[str, str]
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    positions: dict[str, int] = {}
    columns: dict[str, str] = {}
    ignored: list[str] = []
    for c, (display, candidates) in enumerate(cols):
        if not display:
            continue
        key = next((index[n] for n in candidates if n in index), None)
        if key is None or key in positions:  # unknown, or a duplicate: first wins
            ignored.append(display)
            continue
        positions[key] = c
        columns[key] = display
    return positions, columns, ignored


def _looks_like_header_text(v: object) -> bool:
    if not isinstance(v, str):
        return False
    norm = normalise_label(v)
    return bool(norm) and len(norm) <= 30 and not re.fullmatch(r"[\d.,:/\-+]+", norm)


def _is_continuation(upper: list[str], lower_vals: Sequence[Any]) -> bool:
    """Whether the row below a header row is a second header row: header-like
    texts only under blank header cells or under the first cell of a merged
    parent (a non-blank header cell followed by a blank one)."""
    under_blank = False
    seen = False
    for c, v in enumerate(lower_vals):
        if _is_blank(v):
            continue
        if not _looks_like_header_text(v):
            return False
        seen = True
        up = upper[c] if c < len(upper) else ""
        if not up:
            under_blank = True
        elif c + 1 < len(upper) and upper[c + 1]:
            return False
    return seen and under_blank


def _two_row_columns(upper: list[str], lower: list[str]) -> list[tuple[str, list[str]]]:
    cols: list[tuple[str, list[str]]] = []
    carried = ""
    for c in range(max(len(upper), len(lower))):
        up = upper[c] if c < len(upper) else ""
        lo = lower[c] if c < len(lower) else ""
        if up:
            carried = up
        # The parent is carried across the blanks a merged cell leaves, and only
        # where the lower row names a sub-column.
        parent = up or (carried if lo else "")
        if parent and lo:
            p, n = normalise_label(parent), normalise_label(lo)
            cols.append((f"{parent}/{lo}", [n, p + n, p]))
        else:
            display = parent or lo
            cols.append((display, [normalise_label(display)]))
    return cols


_TIANGAN = set("甲乙丙丁戊己庚辛壬癸")


def _is_column_number_row(vals: Sequence[Any]) -> bool:
    """Government forms often number the columns (甲 乙 1 2 3 …) under the header."""
    numbers: list[int] = []
    for v in vals:
        if _is_blank(v):
            continue
        if isinstance(v, bool):
            return False
        if isinstance(v, int):
            numbers.append(v)
            continue
        if isinstance(v, str):
            t = text(v)
            if t.isascii() and t.isdigit():
                numbers.append(int(t))
                continue
            if t in _TIANGAN:
                continue
        return False
    return len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))


def _detect_header(
    grid: list[tuple[int, list[Any]]], fields: Sequence[FieldSpec], index: dict[str, str]
) -> _Attempt | None:
    texts = [[_display(v) for v in vals] for _, vals in grid]
    needed = min(MIN_HEADER_FIELDS, len(fields))
    required = [f.key for f in fields if f.required]
    best: tuple[tuple[bool, int, int], _Attempt] | None = None
    for r in range(min(HEADER_SCAN_ROWS, len(grid))):
        upper = texts[r]
        if not any(upper):
            continue
        positions, columns, ignored = _match([(t, [normalise_label(t)]) for t in upper], index)
        last = r
        # A second header row only counts under a row that is itself a header
        # (so a title row above the header is never taken for a parent row).
        if positions and r + 1 < len(grid) and _is_continuation(upper, grid[r + 1][1]):
            two = _match(_two_row_columns(upper, texts[r + 1]), index)
            if len(two[0]) >= len(positions):
                positions, columns, ignored = two
                last = r + 1
        valid = len(positions) >= needed and all(k in positions for k in required)
        rank = (valid, len(positions), -r)
        if best is None or rank > best[0]:
            if last + 1 < len(grid) and _is_column_number_row(grid[last + 1][1]):
                last += 1
            attempt = _Attempt(len(positions), valid, grid[last][0], positions, columns, ignored)
            best = (rank, attempt)
    return best[1] if best else None


def _header_failure(attempt: _Attempt | None, fields: Sequence[FieldSpec]) -> UnusableFile:
    if attempt is None or attempt.score == 0:
        expected = [f for f in fields if f.required] or list(fields[:MIN_HEADER_FIELDS])
        zh = "、".join(f"“{f.header}”" for f in expected)
        en = ", ".join(f.header for f in expected)
        return UnusableFile(
            f"前 {HEADER_SCAN_ROWS} 行中找不到表头（应包含{zh}等列）",
            f"no header row found in the first {HEADER_SCAN_ROWS} rows (expected columns such as {en})",
        )
    missing = [f for f in fields if f.required and f.key not in attempt.positions]
    if missing:
        return UnusableFile(
            "缺少必需的列：" + "、".join(f.header for f in missing),
            "missing required columns: " + ", ".join(f"{f.header} ({f.key})" for f in missing),
        )
    found = list(attempt.columns.values())
    return UnusableFile(
        f"表头只识别出 {len(found)} 列（{'、'.join(found)}），至少需要 {MIN_HEADER_FIELDS} 列",
        f"only {len(found)} known columns recognised ({', '.join(found)}); "
        f"at least {MIN_HEADER_FIELDS} are needed",
    )


def _scan(sheet: _Sheet) -> list[tuple[int, list[Any]]]:
    grid: list[tuple[int, list[Any]]] = []
    rows = sheet.iter_rows()
    try:
        for rownum, raw in rows:
            grid.append((rownum, [sheet.cell(raw, i) for i in range(len(raw))]))
            if len(grid) >= _SCAN_BUFFER:
                break
    finally:
        rows.close()
    return grid


# --------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------


class LedgerReader:
    """A ledger whose header has been found; iterate ``rows()`` for the data.

    Attributes:
        columns: field key -> header text as it stands in the file (two-row
            headers joined as "联系方式/手机").
        header_row: row number (CSV: line number) of the last header row.
        ignored_columns: headers present in the file that matched no field,
            or duplicated an earlier column.
        format: "xlsx", "xls" or "csv"; engine: "calamine", "openpyxl" or "csv".
        sheet_name: the worksheet used ("" for CSV).
        epoch_1904: the workbook uses the 1904 date system (pass it to
            ``date_value`` for raw serial numbers).
        encoding, delimiter: for CSV, as detected.

    Close it (or use it as a context manager) to release the file.
    """

    def __init__(
        self,
        sheet: _Sheet,
        attempt: _Attempt,
        *,
        fmt: str,
        engine: str,
        filename: str | None,
        epoch_1904: bool,
        closers: list[Callable[[], Any]],
    ):
        self._sheet = sheet
        self._positions = attempt.positions
        self._closers = closers
        self.columns: dict[str, str] = attempt.columns
        self.header_row: int = attempt.header_row
        self.ignored_columns: list[str] = attempt.ignored
        self.format = fmt
        self.engine = engine
        self.filename = filename
        self.sheet_name = sheet.name
        self.epoch_1904 = epoch_1904
        self.encoding: str | None = getattr(sheet, "encoding", None)
        self.delimiter: str | None = getattr(sheet, "delimiter", None)

    def rows(self) -> Iterator[SheetRow]:
        """Stream the data rows after the header, skipping blank rows.

        A row is blank when every mapped cell is empty or whitespace (content in
        unmapped columns such as 序号 does not count). Values are raw, keyed by
        field key; a field whose column is absent is not in ``values``. May be
        called again for another pass. With the openpyxl engine a sheet corrupt
        further down raises ``UnusableFile`` while iterating.
        """
        positions = list(self._positions.items())
        cell = self._sheet.cell
        for rownum, raw in self._sheet.iter_rows():
            if rownum <= self.header_row:
                continue
            values = {key: cell(raw, i) for key, i in positions}
            if all(_is_blank(v) for v in values.values()):
                continue
            yield SheetRow(rownum, values)

    def close(self) -> None:
        """Release the workbook and the file handle."""
        closers, self._closers = self._closers, []
        for close in reversed(closers):
            try:
                close()
            except Exception:  # noqa: S112 - closing must not mask the real outcome
                continue

    def __enter__(self) -> LedgerReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_ledger(
    path_or_bytes: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes],
    fields: list[FieldSpec],
    *,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    engine: str = "calamine",
) -> LedgerReader:
    """Open a ledger file, find its header and return a ``LedgerReader``.

    ``path_or_bytes`` is a path, the file's bytes, or a seekable binary file
    object (e.g. a Django upload; it is not closed). The format is sniffed
    from the content, not the extension. ``engine`` chooses the xlsx reader:
    "calamine" (fast, loads the sheet whole) or "openpyxl" (read-only,
    streams rows); xls always uses calamine. Raises ``UnusableFile`` when the
    file as a whole cannot be used.
    """
    if engine not in ("calamine", "openpyxl"):
        raise ValueError(f"unknown engine {engine!r}")
    index = _field_index(fields)
    fp, owned = _open_input(path_or_bytes)
    closers: list[Callable[[], Any]] = [fp.close] if owned else []
    try:
        size = fp.seek(0, os.SEEK_END)
        if size > max_bytes:
            raise UnusableFile(
                f"文件太大（{_mb(size)}），上限为 {_mb(max_bytes)}",
                f"file too large ({_mb(size)}; the limit is {_mb(max_bytes)})",
            )
        if size == 0:
            raise UnusableFile("文件是空的", "the file is empty")
        fp.seek(0)
        head = fp.read(_TEXT_SNIFF)
        epoch_1904 = False
        if head.startswith(_ZIP_MAGICS):
            epoch_1904 = _inspect_xlsx(fp, max_bytes)
            fmt = "xlsx"
            if engine == "openpyxl":
                sheets = _openpyxl_sheets(fp, closers)
            else:
                sheets = _calamine_sheets(fp, closers, _CORRUPT_XLSX)
        elif head.startswith(_OLE2_MAGIC):
            fmt, engine = "xls", "calamine"
            sheets = _calamine_sheets(fp, closers, None)
        else:
            fmt, engine = "csv", "csv"
            sheets = _csv_sheets(fp, head, index, fields)

        best: _Attempt | None = None
        for sheet in sheets:
            attempt = _detect_header(_scan(sheet), fields, index)
            if attempt and attempt.valid:
                return LedgerReader(
                    sheet,
                    attempt,
                    fmt=fmt,
                    engine=engine,
                    filename=filename,
                    epoch_1904=epoch_1904,
                    closers=closers,
                )
            if attempt and (best is None or attempt.score > best.score):
                best = attempt
        raise _header_failure(best, fields)
    except BaseException:
        for close in reversed(closers):
            try:
                close()
            except Exception:  # noqa: S112 - keep the original error
                continue
        raise


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _open_input(src: Any) -> tuple[IO[bytes], bool]:
    if isinstance(src, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(src) if not isinstance(src, bytes) else src), True
    if isinstance(src, (str, os.PathLike)):
        return open(src, "rb"), True  # noqa: SIM115 - closed by the reader
    if hasattr(src, "read") and hasattr(src, "seek"):
        return src, False
    raise TypeError("open_ledger needs a path, bytes or a binary file object")


# --------------------------------------------------------------------------
# xlsx container checks
# --------------------------------------------------------------------------


def _inspect_xlsx(fp: IO[bytes], max_bytes: int) -> bool:
    """Reject zip bombs, XML bombs, encrypted and non-xlsx zips before any
    parser sees the file; return whether the workbook uses the 1904 epoch."""
    fp.seek(0)
    try:
        zf = zipfile.ZipFile(fp)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnusableFile(*_CORRUPT_XLSX) from exc
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise UnusableFile(*_NOT_SPREADSHEET)
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise UnusableFile(
                "不支持 xlsb（二进制工作簿）格式，请另存为 .xlsx",
                "xlsb workbooks are not supported; save the file as .xlsx",
            )
        raise UnusableFile(*_NOT_SPREADSHEET)  # docx, pptx …
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UnusableFile(*_ZIP_BOMB)
    cap = min(MAX_UNCOMPRESSED, MAX_RATIO_OF_MAX_BYTES * max_bytes)
    if sum(i.file_size for i in infos) > cap:
        raise UnusableFile(*_ZIP_BOMB)
    for info in infos:
        if info.file_size > RATIO_CHECK_MIN_SIZE and (
            info.file_size > MAX_ENTRY_RATIO * max(info.compress_size, 1)
        ):
            raise UnusableFile(*_ZIP_BOMB)
        if info.flag_bits & 0x1:
            raise UnusableFile(*_PASSWORD)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnusableFile(*_CORRUPT_XLSX)
    # The declared sizes can lie; inflate every entry once with a hard cap so
    # that neither parser ever sees more than was declared.
    epoch_1904 = False
    for info in infos:
        lowered = info.filename.lower()
        is_xml = lowered.endswith((".xml", ".rels", ".vml"))
        head = _inflate_checked(fp, info, want_head=is_xml)
        if is_xml and not _xml_prolog_safe(head, complete=len(head) >= info.file_size):
            raise UnusableFile(*_XML_BOMB)
        if info.filename == "xl/workbook.xml":
            epoch_1904 = bool(re.search(rb"date1904\s*=\s*[\"'](?:1|true)[\"']", head))
    return epoch_1904


def _inflate_checked(fp: IO[bytes], info: zipfile.ZipInfo, *, want_head: bool) -> bytes:
    fp.seek(info.header_offset)
    local = fp.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise UnusableFile(*_CORRUPT_XLSX)
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    head = bytearray()
    produced = 0
    remaining = info.compress_size

    def take(out: bytes) -> None:
        nonlocal produced
        produced += len(out)
        if produced > info.file_size:
            raise UnusableFile(*_ZIP_BOMB)
        if want_head and len(head) < XML_PROLOG_LIMIT:
            head.extend(out[: XML_PROLOG_LIMIT - len(head)])

    try:
        while remaining > 0:
            chunk = fp.read(min(_INFLATE_CHUNK, remaining))
            if not chunk:
                raise UnusableFile(*_CORRUPT_XLSX)
            remaining -= len(chunk)
            if inflater is None:
                take(chunk)
                continue
            data = chunk
            while True:
                out = inflater.decompress(data, _INFLATE_CHUNK)
                take(out)
                data = inflater.unconsumed_tail
                if not data and len(out) < _INFLATE_CHUNK:
                    break
        if inflater is not None:
            take(inflater.flush())
    except zlib.error as exc:
        raise UnusableFile(*_CORRUPT_XLSX) from exc
    if produced != info.file_size:
        raise UnusableFile(*_CORRUPT_XLSX)
    return bytes(head)


def _xml_prolog_safe(head: bytes, *, complete: bool) -> bool:
    """No DOCTYPE/ENTITY may appear in an OOXML part; they only exist to
    declare entities, which is how billion-laughs bombs work."""
    # Dropping NULs turns UTF-16/32 markup into ASCII for these checks.
    ascii_view = head.replace(b"\x00", b"").lower()
    if b"<!doctype" in ascii_view or b"<!entity" in ascii_view:
        return False
    t = ascii_view.decode("latin-1").lstrip("\xef\xbb\xbf\xff\xfe")
    i = 0
    while True:
        while i < len(t) and t[i].isspace():
            i += 1
        if i >= len(t):
            return complete  # a prolog longer than the scan window is suspicious
        if t.startswith("<?", i):
            end = t.find("?>", i + 2)
            if end < 0:
                return complete
            i = end + 2
        elif t.startswith("<!--", i):
            end = t.find("-->", i + 4)
            if end < 0:
                return complete
            i = end + 3
        else:
            return not t.startswith("<!", i)


# --------------------------------------------------------------------------
# Workbook engines
# --------------------------------------------------------------------------


def _calamine_sheets(
    fp: IO[bytes], closers: list[Callable[[], Any]], corrupt: tuple[str, str] | None
) -> Iterator[_Sheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    def fail(exc: BaseException) -> UnusableFile:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise exc
        if corrupt is not None:
            return UnusableFile(*corrupt)
        if "password" in str(exc).lower() or _has_encrypted_package(fp):
            return UnusableFile(*_PASSWORD)
        return UnusableFile(*_CORRUPT_XLS)

    fp.seek(0)
    # Rust panics surface as a BaseException subclass; a hostile file must end
    # as UnusableFile, not escape the importer's error handling.
    try:
        wb = CalamineWorkbook.from_filelike(fp)
        metadata = wb.sheets_metadata
    except BaseException as exc:
        raise fail(exc) from exc
    closers.append(wb.close)
    visible = [
        m.name
        for m in metadata
        if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
    ]
    if not visible:
        raise UnusableFile("工作簿中没有可见的工作表", "the workbook has no visible worksheet")
    for sheet_name in visible:
        try:
            sheet = wb.get_sheet_by_name(sheet_name)
        except BaseException as exc:
            raise fail(exc) from exc
        yield _CalamineSheet(sheet, sheet_name)
        del sheet  # free a sheet without a header before loading the next


def _has_encrypted_package(fp: IO[bytes]) -> bool:
    # A password-protected xlsx is an OLE2 container with an EncryptedPackage stream.
    fp.seek(0)
    tail = b""
    while chunk := fp.read(_INFLATE_CHUNK):
        if _ENCRYPTED_PACKAGE in tail + chunk:
            return True
        tail = chunk[-len(_ENCRYPTED_PACKAGE) :]
    return False


def _openpyxl_sheets(fp: IO[bytes], closers: list[Callable[[], Any]]) -> Iterator[_Sheet]:
    import openpyxl

    fp.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # style/extension warnings from WPS files
            wb = openpyxl.load_workbook(fp, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise UnusableFile(*_CORRUPT_XLSX) from exc
    closers.append(wb.close)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise UnusableFile("工作簿中没有可见的工作表", "the workbook has no visible worksheet")
    for ws in visible:
        try:
            sheet = _OpenpyxlSheet(ws)
        except Exception as exc:
            raise UnusableFile(*_CORRUPT_XLSX) from exc
        yield sheet


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------


def _csv_sheets(
    fp: IO[bytes], head: bytes, index: dict[str, str], fields: Sequence[FieldSpec]
) -> Iterator[_Sheet]:
    encoding = _csv_encoding(fp, head)
    sample = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if sample.startswith("mime-version:") or (
        sample.startswith("<") and any(tag in sample[:4096] for tag in _MARKUP_TAGS)
    ):
        # Web systems export HTML tables (or Excel "single file web page") as .xls.
        raise UnusableFile(*_HTML)
    # Pick the delimiter under which a header is found best; ties go to the
    # comma, then tab (WPS "text" export), then semicolon.
    best: tuple[tuple[bool, int, int], _CsvSheet] | None = None
    for order, delimiter in enumerate((",", "\t", ";")):
        sheet = _CsvSheet(fp, encoding, delimiter)
        try:
            attempt = _detect_header(_scan(sheet), fields, index)
        except UnusableFile:
            if delimiter == ",":
                raise
            continue
        rank = (bool(attempt and attempt.valid), attempt.score if attempt else 0, -order)
        if best is None or rank > best[0]:
            best = (rank, sheet)
    assert best is not None
    yield best[1]


_MARKUP_TAGS = ("<html", "<table", "<?xml", "<!doctype", "<head", "<body", "<meta", "<workbook")


def _csv_encoding(fp: IO[bytes], head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if b"\x00" in head or _control_ratio(head) > 0.01:
            raise UnusableFile(*_NOT_SPREADSHEET)  # binary: images, PDFs, archives …
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        if _decodes(fp, encoding):
            return encoding
    raise UnusableFile(
        "无法识别文件的文字编码，请另存为 UTF-8 编码的 CSV 或 xlsx",
        "cannot determine the text encoding; save the file as UTF-8 CSV or xlsx",
    )


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    controls = sum(1 for b in data if b < 0x20 and b not in (9, 10, 12, 13, 0x1A))
    return controls / len(data)


def _decodes(fp: IO[bytes], encoding: str) -> bool:
    # Validate the whole file up front so rows() never fails half-way on a
    # stray byte.
    decoder = codecs.getincrementaldecoder(encoding)()
    fp.seek(0)
    try:
        while chunk := fp.read(_INFLATE_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------
# Cell normalisation helpers
# --------------------------------------------------------------------------


def _quote(v: object) -> str:
    return text(v) if not isinstance(v, str) else " ".join(v.split())


def text(v: object) -> str:
    """Cell as clean text: NFKC, trimmed (also U+3000/NBSP), inner whitespace
    runs collapsed to one space; integral floats without ".0"; None -> "".

    CJK compatibility ideographs and private-use characters (rare characters
    in names and place names) are exempt from NFKC, which would replace them.
    """
    if v is None:
        return ""
    if isinstance(v, str):
        s = v
    elif isinstance(v, bool):
        s = "TRUE" if v else "FALSE"
    elif isinstance(v, float):
        if math.isfinite(v) and v.is_integer():
            s = str(int(v))
        else:
            s = format(Decimal(repr(v)), "f") if math.isfinite(v) else repr(v)
    elif isinstance(v, Decimal):
        s = format(v, "f")
    elif isinstance(v, datetime):
        s = v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    elif isinstance(v, (date, time)):
        s = v.isoformat()
    else:
        s = str(v)
    s = _nfkc(s.translate(_ZW_TABLE))
    return " ".join(s.split())


# Middle-dot look-alikes used in transliterated (e.g. Uyghur, Hui) names.
_DOTS = "•．.・･‧∙⋅·\u0387᛫⸱ꞏ"
_DOT_RUN = re.compile("[" + re.escape(_DOTS) + "]+")


def name(v: object) -> str:
    """A person's name: like ``text`` but with all spaces removed and every
    middle-dot look-alike turned into "·". Characters outside GBK or the BMP
    (rare name characters) are kept untouched."""
    if v is None:
        return ""
    s = v if isinstance(v, str) else text(v)
    s = _nfkc(s.translate(_ZW_TABLE), strict=True)
    s = _WS_RUN.sub("", s)
    return _DOT_RUN.sub("·", s).strip("·")


_YES = {"是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "对"}
_NO = {"否", "无", "×", "✗", "✘", "n", "no", "false", "0", "错", "没有"}


def yes_no(v: object) -> bool | None:
    """是/否 and its many spellings -> True/False; blank -> None."""
    if isinstance(v, bool):
        return v
    s = text(v).replace(" ", "").lower()
    if not s:
        return None
    if re.fullmatch(r"[01]\.0+", s):  # 1.0 / 0.0 from a CSV export of a number cell
        s = s[0]
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise CellError(f"无法识别的是/否值“{_quote(v)}”")


_SCI = re.compile(r"(\d+)(?:\.(\d*))?e\+?(\d+)")
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑–—−_()]")
_LOST_DIGITS = (
    "号码“{}”被保存为数字，丢失了位数（如开头的 0 或末尾几位）；请把该列设为文本格式后重新填写"
)


def phone(v: object) -> str:
    """A Chinese phone number: "13812345678" or a landline "0931-8123456".

    Numbers stored as numbers (13812345678.0, "1.3812345678E+10") are accepted
    when no digits were lost; separators and +86/0086/86 prefixes are dropped.
    Blank -> "".
    """
    if v is None:
        return ""
    if isinstance(v, bool):
        raise CellError(f"“{_quote(v)}”不是电话号码")
    if isinstance(v, (int, float, Decimal)):
        return _numeric_phone(v)
    s = text(v)
    if not s:
        return ""
    compact = s.replace(" ", "").lower()
    if m := _SCI.fullmatch(compact):
        whole, frac, exp = m.group(1), m.group(2) or "", int(m.group(3))
        if len(frac) != exp:  # Excel's display shortened the number
            raise CellError(_LOST_DIGITS.format(s))
        return _numeric_phone(int(whole + frac), shown=s)
    if m := re.fullmatch(r"(\d+)\.0+", compact):
        return _numeric_phone(int(m.group(1)), shown=s)
    parts = re.split(r"[/,;、|]|或", compact)
    if sum(1 for p in parts if len(re.sub(r"\D", "", p)) >= 7) > 1:
        raise CellError(f"“{s}”中有多个号码，只能填写一个")
    international = compact.startswith(("+", "0086"))
    digits = _PHONE_SEPARATORS.sub("", compact).lstrip("+")
    if not digits.isdigit() or not digits.isascii():
        raise CellError(f"“{s}”不是有效的电话号码")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif (international and digits.startswith("86")) or (
        len(digits) == 13 and digits.startswith("861")
    ):
        digits = digits[2:]
    if international and not digits.startswith(("0", "1")):
        digits = "0" + digits  # +86 931 8123456: the trunk 0 is dropped abroad
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    if digits.startswith("0"):
        area = 3 if digits[1:2] in ("1", "2") else 4
        local = digits[area:]
        if 7 <= len(local) <= 8:
            return f"{digits[:area]}-{local}"
    if 7 <= len(digits) <= 8:
        raise CellError(f"固定电话“{s}”缺少区号，请写成“0931-8123456”的形式")
    raise CellError(f"“{s}”不是有效的手机号码或固定电话")


def _numeric_phone(v: int | float | Decimal, shown: str | None = None) -> str:
    shown = shown or text(v)
    if isinstance(v, float) and not (math.isfinite(v) and v.is_integer()):
        raise CellError(_LOST_DIGITS.format(shown))
    if isinstance(v, Decimal) and v != v.to_integral_value():
        raise CellError(_LOST_DIGITS.format(shown))
    digits = str(int(v))
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    raise CellError(_LOST_DIGITS.format(shown))


_UNITS = {"元": 1, "人民币": 1, "人": 1, "个": 1, "天": 1, "次": 1, "岁": 1, "户": 1, "口": 1}
_UNITS |= {"个月": 1, "月": 1, "年": 1, "小时": 1, "亩": 1, "万元": 10_000, "万": 10_000}
_UNIT_RE = re.compile("(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")$")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def _number(v: object) -> Decimal | None:
    """Shared parser for ``integer`` and ``decimal_amount``."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise CellError(f"“{_quote(v)}”不是数字")
    if isinstance(v, int):
        d = Decimal(v)
    elif isinstance(v, float):
        if not math.isfinite(v):
            raise CellError(f"“{_quote(v)}”不是数字")
        d = Decimal(repr(v))
    elif isinstance(v, Decimal):
        d = v
    else:
        s = text(v)
        if not s:
            return None
        t = s.replace(" ", "").replace("−", "-").lstrip("¥$")
        scale = 1
        if m := _UNIT_RE.search(t):
            scale = _UNITS[m.group(1)]
            t = t[: m.start()].lstrip("¥$")
        if _GROUPED_NUMBER.fullmatch(t):
            t = t.replace(",", "")
        if not _PLAIN_NUMBER.fullmatch(t):
            raise CellError(f"“{s}”不是有效的数字")
        try:
            d = Decimal(t) * scale
        except InvalidOperation as exc:  # pragma: no cover - regex guards this
            raise CellError(f"“{s}”不是有效的数字") from exc
    if d < 0:
        raise CellError(f"“{_quote(v)}”不能是负数")
    return d


def integer(v: object) -> int | None:
    """A non-negative whole number ("3,500", "3人", "３", 3.0); blank -> None."""
    d = _number(v)
    if d is None:
        return None
    if d != d.to_integral_value():
        raise CellError(f"“{_quote(v)}”不是整数")
    return int(d)


def decimal_amount(v: object) -> Decimal | None:
    """A non-negative amount ("3,500", "3500元", "3500.00", "¥3500", "1.2万");
    blank -> None."""
    return _number(v)


YEAR_MIN, YEAR_MAX = 1949, 2100


def year(v: object, *, epoch_1904: bool = False) -> int | None:
    """A year from 2019, 2019.0, "2019", "2019年", "2019-12-31" or an Excel
    date (object or serial number); 1949-2100; blank -> None."""
    if v is None or isinstance(v, bool):
        if v is None:
            return None
        raise CellError(f"“{_quote(v)}”不是年份")
    if isinstance(v, (datetime, date)):
        y = v.year
    elif isinstance(v, (int, float)):
        if isinstance(v, float) and not (math.isfinite(v) and v.is_integer()):
            raise CellError(f"“{_quote(v)}”不是年份")
        n = int(v)
        # Years and Excel serials (1949-01-01 is serial 17899) never overlap.
        y = n if n <= YEAR_MAX else date_value(n, epoch_1904=epoch_1904).year  # type: ignore[union-attr]
    else:
        s = text(v).replace(" ", "")
        if not s:
            return None
        if m := re.fullmatch(r"(\d{4})(?:年度?|\.0+)?", s):
            y = int(m.group(1))
        else:
            try:
                parsed = date_value(s)
            except CellError:
                raise CellError(f"无法识别的年份“{s}”") from None
            y = parsed.year  # type: ignore[union-attr]
    if not YEAR_MIN <= y <= YEAR_MAX:
        raise CellError(f"年份“{y}”超出范围（{YEAR_MIN}–{YEAR_MAX}）")
    return y


_MAX_SERIAL = 2958465  # 9999-12-31
_DATE_YMD = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_YM = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def date_value(v: object, *, epoch_1904: bool = False) -> date | None:
    """A date from date/datetime objects, Excel serial numbers (1900 system
    with its fictitious 1900-02-29, or 1904), "2019-03-05", "2019/3/5",
    "2019.3.5", "20190305", "2019年3月5日" or a month ("2019年3月",
    "2019-03" -> the 1st). Blank -> None."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise CellError(f"无法识别的日期“{_quote(v)}”")
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, (int, float, Decimal)):
        return _from_number(v, epoch_1904, _quote(v))
    s = text(v)
    if not s:
        return None
    t = _TIME_SUFFIX.sub("", s).replace(" ", "")
    for pattern, has_day in ((_DATE_YMD, True), (_DATE_COMPACT, True), (_DATE_YM, False)):
        if m := pattern.fullmatch(t):
            y, mo = int(m.group(1)), int(m.group(2))
            d = int(m.group(3)) if has_day else 1
            try:
                return date(y, mo, d)
            except ValueError:
                raise CellError(f"日期“{s}”不存在") from None
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return _from_number(Decimal(t), epoch_1904, s)
    raise CellError(f"无法识别的日期“{s}”，请写成 2019-03-05 的形式")


def _from_number(v: int | float | Decimal, epoch_1904: bool, shown: str) -> date:
    if isinstance(v, float) and not math.isfinite(v):
        raise CellError(f"无法识别的日期“{shown}”")
    days = math.floor(v)
    if YEAR_MIN <= days <= YEAR_MAX and days == v:
        raise CellError(f"“{shown}”只有年份，请填写完整日期")
    if days > _MAX_SERIAL:
        m = _DATE_COMPACT.fullmatch(str(days))  # 20190305 typed into a number cell
        if m and days == v:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                pass
        raise CellError(f"无法识别的日期“{shown}”")
    if epoch_1904:
        if days < 0:
            raise CellError(f"无法识别的日期“{shown}”")
        return date(1904, 1, 1) + timedelta(days=days)
    if days < 1:
        raise CellError(f"无法识别的日期“{shown}”")
    if days == 60:  # Lotus 1-2-3's 1900-02-29, which never existed
        raise CellError(f"日期“{shown}”（1900-02-29）不存在")
    if days < 60:
        return date(1899, 12, 31) + timedelta(days=days)
    return date(1899, 12, 30) + timedelta(days=days)


# Normalised lookups per options mapping: importers call choice() millions of
# times with the same few mappings. Keyed by id() with the mapping kept alive.
_CHOICE_LOOKUPS: dict[int, tuple[Mapping[str, str], dict[str, str]]] = {}


def _choice_lookup(options: Mapping[str, str]) -> dict[str, str]:
    cached = _CHOICE_LOOKUPS.get(id(options))
    if cached is not None and cached[0] is options:
        return cached[1]
    lookup: dict[str, str] = {}
    for label, code in options.items():
        lookup.setdefault(normalise_label(label), code)
    if len(_CHOICE_LOOKUPS) > 256:
        _CHOICE_LOOKUPS.clear()
    _CHOICE_LOOKUPS[id(options)] = (options, lookup)
    return lookup


def choice(v: object, options: Mapping[str, str]) -> str:
    """Map a label or synonym to its code; ``options`` maps labels (compared
    after ``normalise_label``) to codes. Blank -> "".

    The normalised lookup is cached per mapping object: do not mutate a
    mapping after passing it here.
    """
    s = text(v)
    if not s:
        return ""
    lookup = _choice_lookup(options)
    code = lookup.get(s) or lookup.get(normalise_label(s))
    if code is not None:
        return code
    labels: dict[str, str] = {}
    for label, c in options.items():
        labels.setdefault(c, label)
    raise CellError(f"“{s}”不是有效的选项，可选：{'、'.join(labels.values())}")
