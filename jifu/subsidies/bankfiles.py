"""The files exchanged with the bank: the batch file jifu sends, the return file it gets back.

批量代发文件 (``batch_ledger``): one row per payment instruction with the payee's
FULL account. It is the one place a full account leaves jifu, so only a role
that may pay builds it, and every build is an ``export`` audit event. The xlsx
is the printable ledger (title, totals, notes); the CSV is the machine file for
the bank's upload page: header and data only, UTF-8 with BOM, each account
prefixed with a tab so that Excel keeps it as text instead of rounding it to
6.22848E+18 (the tab is whitespace every reader strips, unlike an apostrophe).

银行回单 (``read_return``): the bank's answer per instruction, read from xlsx,
xls or CSV (UTF-8 or GBK) whatever the header's wording. It is all or nothing:
one unreadable cell refuses the whole file, naming every bad row and column,
because a half-applied return would pay some lines and silently skip others.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone

from jifu.audit import services as audit
from jifu.core import bankaccount, crypto, exporting
from jifu.core import spreadsheet as sheet
from jifu.core.exporting import Column, Ledger
from jifu.core.importing import RowError, UnusableFile
from jifu.core.spreadsheet import CellError, FieldSpec

from . import services
from .models import Payment, PaymentBatch
from .services import ReturnRow

PAY_PERMISSION = "subsidies.pay_subsidyclaim"
EXPORT_MESSAGE = "含完整账号的银行代发文件"

# --- the batch file ----------------------------------------------------------------------------

BATCH_COLUMNS = [
    Column("指令编号", 28),
    Column("收款人", 24),
    Column("收款账号", 24),
    Column("账户类型", 16),
    Column("金额", 12, "decimal"),
    Column("用途/摘要", 34),
    Column("申领编号", 20),
]
ACCOUNT_INDEX = 2  # 收款账号: written as text in both formats


def _region_name(code: str) -> str:
    from jifu.regions.models import Region

    region = Region.objects.filter(code=code).first()
    return region.full_name() if region else code


def batch_ledger(batch: PaymentBatch, *, actor, fmt: str = "xlsx") -> Ledger:
    """The bank batch file of ``batch``, with full accounts; audited as an export.

    Raises ``PermissionDenied`` unless ``actor`` may pay and the batch is in its
    scope. Every instruction of the batch is listed, paid or not: the file is the
    batch as it was instructed, and the idempotency key in 指令编号 makes the bank
    refuse an instruction it has already carried out.
    """
    if not actor.has_perm(PAY_PERMISSION):
        raise PermissionDenied
    if not PaymentBatch.objects.restrict(actor).filter(pk=batch.pk).exists():
        raise PermissionDenied
    payments = Payment.objects.filter(batch=batch).select_related("line", "line__claim")
    count = payments.count()
    total = sum(payments.values_list("amount", flat=True), Decimal("0"))
    with transaction.atomic():
        audit.record(
            "export",
            actor=actor,
            obj=batch,
            after={"payments": count, "total": total, "format": fmt},
            message=EXPORT_MESSAGE,
        )

    def rows():
        for p in payments.order_by("id").iterator(chunk_size=500):
            account = crypto.decrypt(p.account_enc, context=services.PAYMENT_ACCOUNT_CONTEXT)
            claim = p.line.claim
            yield [
                p.idempotency_key,
                p.payee_name,
                account,
                p.get_payee_kind_display(),
                p.amount,
                f"{claim.number} {p.line.get_item_display()}",
                claim.number,
            ]

    return Ledger(
        title=f"批量代发文件 {batch.number}",
        region=_region_name(batch.region_code),
        as_of=timezone.localdate(),
        columns=BATCH_COLUMNS,
        rows=rows(),
        totals=["合计", f"{count} 笔", "", "", total, "", ""],
        notes=(
            f"批次号 {batch.number}，共 {count} 笔，合计 {total} 元。",
            "本文件含完整收款账号，仅用于向银行提交代发，请妥善保管，提交后及时删除。",
            "“指令编号”是每笔指令的唯一编号，银行回单须原样返回；同一编号银行不得重复支付。",
        ),
    )


def _csv_cell(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if value is None:
        return ""
    return exporting.escape_cell(value) if isinstance(value, str) else value


def stream_batch_csv(ledger: Ledger) -> Iterator[bytes]:
    """The batch file as CSV bytes: BOM, header, one row per instruction (no totals, no notes).

    Text is escaped against formulas as ``core.exporting`` does; the account,
    digits only, gets a leading tab instead (see the module docstring), which
    ``escape_cell`` would otherwise have turned into a visible apostrophe.
    """
    yield codecs.BOM_UTF8
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([c.header for c in ledger.columns])
    for n, row in enumerate(ledger.rows, 1):
        cells = [_csv_cell(v) for v in row]
        account = str(row[ACCOUNT_INDEX])
        if not account.isdigit():  # only ever digits; anything else is escaped as text
            raise ValueError(f"row {n}: the account is not digits only")
        cells[ACCOUNT_INDEX] = "\t" + account
        writer.writerow(cells)
        if n % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if tail := buffer.getvalue():
        yield tail.encode("utf-8")


def batch_response(batch: PaymentBatch, *, actor, fmt: str):
    """The batch file as a download (``fmt`` is "xlsx" or "csv"); never cached."""
    ledger = batch_ledger(batch, actor=actor, fmt=fmt)
    filename = f"{batch.number}_批量代发.{fmt}"
    if fmt == "xlsx":
        response = exporting.xlsx_response(ledger, filename)
    elif fmt == "csv":
        response = StreamingHttpResponse(
            stream_batch_csv(ledger), content_type=exporting.CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = exporting.content_disposition(filename)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    response["Cache-Control"] = "no-store"
    return response


# --- the bank's return file --------------------------------------------------------------------

RETURN_FIELDS = [
    FieldSpec(
        "key",
        "指令编号",
        ("指令号", "支付指令编号", "客户流水号", "商户流水号", "业务流水号", "业务参考号"),
        required=True,
    ),
    FieldSpec(
        "account",
        "收款账号",
        ("收款人账号", "收款账户", "收方账号", "账号", "卡号", "银行账号", "入账账号"),
        required=True,
    ),
    FieldSpec(
        "amount",
        "金额",
        ("金额(元)", "交易金额", "代发金额", "支付金额", "实付金额", "发生额"),
        required=True,
    ),
    FieldSpec(
        "result",
        "处理结果",
        ("交易结果", "支付结果", "处理状态", "交易状态", "支付状态", "状态", "结果"),
        required=True,
    ),
    FieldSpec("reference", "银行流水号", ("流水号", "交易流水号", "银行交易流水号", "核心流水号")),
    FieldSpec("paid_on", "支付日期", ("交易日期", "入账日期", "处理日期", "记账日期", "日期")),
    FieldSpec(
        "reason", "失败原因", ("错误原因", "错误信息", "失败信息", "返回信息", "处理说明", "备注")
    ),
]
_SUCCESS, _FAILURE = "S", "F"
RESULT_WORDS = {
    "成功": _SUCCESS,
    "失败": _FAILURE,
    "已支付": _SUCCESS,
    "支付成功": _SUCCESS,
    "交易成功": _SUCCESS,
    "处理成功": _SUCCESS,
    "入账成功": _SUCCESS,
    "已入账": _SUCCESS,
    "1": _SUCCESS,
    "S": _SUCCESS,
    "success": _SUCCESS,
    "true": _SUCCESS,
    "支付失败": _FAILURE,
    "交易失败": _FAILURE,
    "处理失败": _FAILURE,
    "入账失败": _FAILURE,
    "退回": _FAILURE,
    "已退回": _FAILURE,
    "退票": _FAILURE,
    "0": _FAILURE,
    "F": _FAILURE,
    "fail": _FAILURE,
    "failed": _FAILURE,
    "false": _FAILURE,
}
_TOTALS_ROW = re.compile(r"^(合计|总计|小计)")
# Ways Excel users force a cell to text: '6228…, ="6228…", "6228…".
_TEXT_WRAPPER = re.compile(r"""^=?["']*|["']*$""")
MAX_RETURN_BYTES = 20 * 1024 * 1024
MAX_LISTED_ERRORS = 20


class ReturnFileRefused(UnusableFile):
    """The return file has unreadable rows: nothing of it is applied. ``errors`` lists them all."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = errors[:MAX_LISTED_ERRORS]
        more = len(errors) - len(shown)
        zh = "；".join(f"第 {e.row} 行“{e.column}”列：{e.message}" for e in shown)
        en = "; ".join(f"row {e.row} [{e.column}]: {e.message}" for e in shown)
        super().__init__(
            f"回单中有 {len(errors)} 处无法识别，整个文件未导入：{zh}"
            + (f"；另有 {more} 处" if more else ""),
            f"{len(errors)} unreadable cell(s) in the return file; nothing was imported: {en}"
            + (f"; {more} more" if more else ""),
        )


def _account(value: object) -> str:
    # Excel keeps 15 significant digits: a longer account in a number cell has lost some.
    if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) > 15:
        raise CellError("银行账号被 Excel 存成了数字，末几位已丢失，请将该列设为文本后重新填写")
    raw = _TEXT_WRAPPER.sub("", sheet.text(value)) if isinstance(value, str) else value
    try:
        digits = bankaccount.normalize(raw)
    except bankaccount.BankAccountError as exc:
        raise CellError(exc.message_zh) from None
    if not digits:
        raise CellError("收款账号不能为空")
    return digits


def _amount(value: object) -> Decimal:
    amount = sheet.decimal_amount(value)
    if amount is None:
        raise CellError("金额不能为空")
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(f"金额“{sheet.text(value)}”超过两位小数")
    return amount.quantize(Decimal("0.01"))


def _success(value: object) -> bool:
    code = sheet.choice(value, RESULT_WORDS)
    if not code:
        raise CellError("处理结果不能为空，应为“成功”或“失败”")
    return code == _SUCCESS


def read_return(source, *, filename: str | None = None) -> list[ReturnRow]:
    """The rows of the bank's return file, or ``UnusableFile`` (nothing is applied).

    ``source`` is a path, bytes or a binary file object (an upload). A totals row
    (合计/总计) and a row with no account, amount or result (a note under the
    table) are skipped; an instruction only there is then reported as missing by
    the reconciliation, never lost. Any other row must be readable in full, and
    an instruction may appear only once.
    """
    errors: list[RowError] = []
    out: list[ReturnRow] = []
    first_seen: dict[str, int] = {}
    with sheet.open_ledger(
        source, RETURN_FIELDS, filename=filename, max_bytes=MAX_RETURN_BYTES
    ) as reader:
        columns = reader.columns

        def cell(r, key, convert, **kwargs):
            try:
                return convert(r.values.get(key), **kwargs)
            except CellError as exc:
                errors.append(RowError(r.row, columns.get(key, key), exc.message))
                return None

        for r in reader.rows():
            key = sheet.text(r.values.get("key"))
            # Cells arrive harmonised: a blank or whitespace-only cell is None.
            if _TOTALS_ROW.match(key) or all(
                r.values.get(k) is None for k in ("account", "amount", "result")
            ):
                continue
            if not key:
                errors.append(RowError(r.row, columns["key"], "指令编号不能为空"))
            elif key in first_seen:
                errors.append(
                    RowError(r.row, columns["key"], f"指令编号 {key} 与第 {first_seen[key]} 行重复")
                )
            else:
                first_seen[key] = r.row
            account = cell(r, "account", _account)
            amount = cell(r, "amount", _amount)
            success = cell(r, "result", _success)
            paid_on = cell(r, "paid_on", sheet.date_value, epoch_1904=reader.epoch_1904)
            out.append(
                ReturnRow(
                    row=r.row,
                    key=key,
                    account=account or "",
                    amount=amount,
                    success=bool(success),
                    reference=sheet.text(r.values.get("reference"))[:60],
                    paid_on=paid_on,
                    reason=sheet.text(r.values.get("reason"))[:200],
                )
            )
    if errors:
        raise ReturnFileRefused(errors)
    if not out:
        raise UnusableFile("回单中没有任何支付结果行", "the return file has no payment result rows")
    return out
