"""The bank batch file, the bank's return file and the payment-batch pages.

A claim is walked to 财政复核通过 through the services, then paid the way a
county finance bureau does it: a batch from the page, the bank file downloaded
(full accounts, audited), the bank's answer uploaded, the batch reconciled.
"""

import codecs
import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.cli import VERBS
from jifu.core import crypto
from jifu.core.exporting import Ledger
from jifu.core.importing import UnusableFile
from jifu.subsidies import bankfiles, services
from jifu.subsidies.choices import ClaimStatus, LineStatus, PaymentStatus
from jifu.subsidies.models import ClaimLine, Mismatch, Payment, PaymentBatch, SubsidyClaim

from .fixtures import (  # noqa: F401 - pytest fixtures
    ACCOUNTS,
    INSTITUTION_ACCOUNT,
    assert_balances_match_payments,
    claimable_fixture,
    today,
)

pytestmark = pytest.mark.django_db

FULL_ACCOUNTS = [*ACCOUNTS.values(), INSTITUTION_ACCOUNT]
RESULT_HEADERS = ["处理结果", "银行流水号", "支付日期", "失败原因"]


# --- helpers -------------------------------------------------------------------------------------


def _walk_to_verified(claimable, side="a"):
    """Submitted by the institution, reviewed by the HR office, verified after the publicity."""
    w = claimable.world
    claim = services.submit_class_claim(
        actor=w.user(Role.INSTITUTION, side), training_class=claimable.classes[side]
    )
    services.review(claim, actor=w.user(Role.COUNTY_HRSS, side))
    services.verify(
        claim,
        actor=w.user(Role.COUNTY_FINANCE, side),
        allocation=claimable.allocations[side],
        today=today() + timedelta(days=8),
    )
    claim.refresh_from_db()
    return claim


def _payer(world, side="a"):
    """A second finance officer: the one who verified a claim may not also pay it."""
    return account_services.create_user(
        actor=None,
        username=f"finance_{side}2",
        role=Role.COUNTY_FINANCE,
        region=world.user(Role.COUNTY_FINANCE, side).region,
        password="x" * 12,
    )


def _paying(claimable, side="a"):
    claim = _walk_to_verified(claimable, side)
    payer = _payer(claimable.world, side)
    batch = services.create_batch([claim], actor=payer)
    return claim, payer, batch


def _download(client, batch, fmt) -> bytes:
    response = client.get(reverse("subsidies:batch_export", args=[batch.pk]), {"format": fmt})
    assert response.status_code == 200, response.status_code
    assert response["Cache-Control"] == "no-store"
    return b"".join(response.streaming_content)


def _xlsx_rows(data: bytes) -> tuple[openpyxl.Workbook, list[list]]:
    """The exported workbook and its instruction rows (header on row 3, data from row 4)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert [c.value for c in ws[3]] == [c.header for c in bankfiles.BATCH_COLUMNS]
    rows = []
    for row in ws.iter_rows(min_row=4):
        if row[0].value == "合计":
            break
        assert row[2].data_type == "s"  # the account is text: every digit kept
        rows.append([c.value for c in row])
    return wb, rows


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert records[0] == [c.header for c in bankfiles.BATCH_COLUMNS]
    for record in records[1:]:
        # A leading tab makes Excel keep the account as text instead of 6.22848E+18.
        assert record[2].startswith("\t") and record[2][1:].isdigit()
    return records[1:]


def _expected(batch) -> dict[str, tuple[str, Decimal]]:
    return {
        p.idempotency_key: (
            crypto.decrypt(p.account_enc, context=services.PAYMENT_ACCOUNT_CONTEXT),
            p.amount,
        )
        for p in batch.payments.all()
    }


def _bank_return_xlsx(rows: list[list], *, headers=None) -> bytes:
    """A return file as the bank's own workbook: a title row, then the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["中国农业银行批量代发结果"])
    ws.append(headers or ["指令编号", "收款账号", "金额", *RESULT_HEADERS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, batch, content: bytes, name: str):
    return client.post(
        reverse("subsidies:batch_return", args=[batch.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def _good_return(batch) -> bytes:
    rows = [
        [key, account, amount, "成功", f"BANK{n:06d}", today(), ""]
        for n, (key, (account, amount)) in enumerate(sorted(_expected(batch).items()), 1)
    ]
    return _bank_return_xlsx(rows)


def _page(client, batch) -> str:
    response = client.get(batch.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- the round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_from_the_page_to_a_reconciled_claim(claimable, client, fmt):
    claim = _walk_to_verified(claimable)
    payer = _payer(claimable.world)
    client.force_login(payer)

    # The county finance bureau sees the verified claim, its amount and the total.
    page = client.get(reverse("subsidies:batch_add")).content.decode()
    assert claim.number in page and "4640.00" in page
    response = client.post(reverse("subsidies:batch_add"), {"claims": [claim.pk]})
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYING
    expected = _expected(batch)
    assert len(expected) == 4

    # The bank file carries every instruction with its FULL account.
    data = _download(client, batch, fmt)
    if fmt == "xlsx":
        wb, rows = _xlsx_rows(data)
        exported = {r[0]: (r[2], Decimal(str(r[4]))) for r in rows}
    else:
        records = _csv_rows(data)
        exported = {r[0]: (r[2].strip(), Decimal(r[4])) for r in records}
    assert exported == expected
    assert {account for account, _ in exported.values()} == {
        ACCOUNTS["马文"],
        ACCOUNTS["韩梅"],
        INSTITUTION_ACCOUNT,
    }

    # The bank answers in the file it was given, with its result columns added.
    if fmt == "xlsx":
        ws = wb.active
        for offset, header in enumerate(RESULT_HEADERS):
            ws.cell(row=3, column=8 + offset, value=header)
        for n in range(len(rows)):
            ws.cell(row=4 + n, column=8, value="成功")
            ws.cell(row=4 + n, column=9, value=f"NYYH{n:08d}")
            ws.cell(row=4 + n, column=10, value=today())
        out = io.BytesIO()
        wb.save(out)
        returned, name = out.getvalue(), "回单.xlsx"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([c.header for c in bankfiles.BATCH_COLUMNS] + RESULT_HEADERS)
        for n, record in enumerate(records):
            writer.writerow([*record, "1", f"NYYH{n:08d}", today().strftime("%Y/%m/%d"), ""])
        # Bank systems on Chinese Windows write GBK.
        returned, name = buffer.getvalue().encode("gbk"), "回单.csv"

    response = _upload(client, batch, returned, name)
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = client.get(response["Location"])
    assert "本次支付成功 4 笔" in page.content.decode() and "对账差异 0 处" in page.content.decode()
    totals = page.context["totals"]
    assert totals["paid"] == totals["all"] == {"count": 4, "amount": Decimal("4640.00")}
    assert totals["pending"]["count"] == totals["failed"]["count"] == 0

    claim.refresh_from_db()
    batch.refresh_from_db()
    allocation = claimable.allocations["a"]
    allocation.refresh_from_db()
    assert claim.status == ClaimStatus.RECONCILED
    assert batch.reconciled and batch.returned_at is not None
    total = sum(amount for _, amount in expected.values())
    assert allocation.paid == total == Decimal("4640.00") and allocation.committed == 0
    assert set(batch.payments.values_list("status", flat=True)) == {PaymentStatus.PAID}
    assert set(batch.payments.values_list("paid_on", flat=True)) == {today()}
    assert all(p.bank_reference.startswith("NYYH") for p in batch.payments.all())
    assert_balances_match_payments()


def test_a_return_with_four_discrepancies_lists_exactly_those_four(claimable, client):
    _, payer, batch = _paying(claimable)
    client.force_login(payer)
    payments = list(batch.payments.order_by("id"))
    expected = _expected(batch)

    def row(p, *, amount=None, account=None):
        own_account, own_amount = expected[p.idempotency_key]
        return [p.idempotency_key, account or own_account, amount or own_amount, "S", "R1", today()]

    rows = [
        row(payments[0], amount=payments[0].amount + 1),  # amount changed
        row(payments[1], account="6200000000000000000"),  # account changed
        row(payments[2]),  # as instructed
        # payments[3] is missing
        ["ZF-NOT-OURS-1", "6200000000000000001", "10.00", "S", "R9", today()],  # unknown key
    ]
    # The bank's own wording of the header.
    headers = ["客户流水号", "收款人账号", "交易金额", "交易状态", "流水号", "交易日期"]
    response = _upload(client, batch, _bank_return_xlsx(rows, headers=headers), "回单.xlsx")
    assert response.status_code == 302

    page = _page(client, batch)
    assert page.count('data-kind="') == 4
    for kind in ("amount", "account", "missing", "unknown"):
        assert page.count(f'data-kind="{kind}"') == 1, kind
    assert "ZF-NOT-OURS-1" in page and payments[3].idempotency_key in page
    kinds = {m.kind: m for m in Mismatch.objects.filter(batch=batch)}
    assert set(kinds) == {"amount", "account", "missing", "unknown"}
    assert kinds["amount"].payment == payments[0] and kinds["amount"].row == 3
    assert kinds["account"].payment == payments[1] and kinds["account"].row == 4
    assert kinds["missing"].payment == payments[3] and kinds["missing"].row is None
    assert kinds["unknown"].payment is None and kinds["unknown"].row == 6

    # Only the instruction that matched is paid; the claim waits for the rest.
    statuses = {p.pk: p.status for p in Payment.objects.filter(batch=batch)}
    assert statuses == {
        payments[0].pk: PaymentStatus.PENDING,
        payments[1].pk: PaymentStatus.PENDING,
        payments[2].pk: PaymentStatus.PAID,
        payments[3].pk: PaymentStatus.PENDING,
    }
    batch.refresh_from_db()
    assert not batch.reconciled
    assert SubsidyClaim.objects.get().status == ClaimStatus.PAYING
    assert_balances_match_payments()


def test_a_malformed_return_changes_nothing_and_names_the_row_and_column(claimable, client):
    _, payer, batch = _paying(claimable)
    client.force_login(payer)
    expected = sorted(_expected(batch).items())
    rows = [[key, account, amount, "成功", "R", today()] for key, (account, amount) in expected]
    rows[2][2] = "12O.00"  # a letter O typed for a zero, on spreadsheet row 5
    response = _upload(client, batch, _bank_return_xlsx(rows), "回单.xlsx")

    assert response.status_code == 200
    body = response.content.decode()
    assert "整个文件未导入" in body
    errors = response.context["row_errors"]
    assert [(e.row, e.column) for e in errors] == [(5, "金额")]
    assert "“12O.00”不是有效的数字" in errors[0].message
    assert 'data-testid="row-errors"' in body and "<td>5</td><td>金额</td>" in body

    batch.refresh_from_db()
    assert batch.returned_at is None and not batch.reconciled
    assert set(batch.payments.values_list("status", flat=True)) == {PaymentStatus.PENDING}
    assert not Mismatch.objects.exists()
    assert not AuditEvent.objects.filter(action="import", object_id=str(batch.pk)).exists()
    assert_balances_match_payments()


def test_uploading_the_same_return_again_pays_nothing_twice(claimable, client):
    claim, payer, batch = _paying(claimable)
    client.force_login(payer)
    returned = _good_return(batch)
    first = client.get(_upload(client, batch, returned, "回单.xlsx")["Location"])
    assert "本次支付成功 4 笔" in first.content.decode()
    allocation = claimable.allocations["a"]
    allocation.refresh_from_db()
    paid = allocation.paid

    again = client.get(_upload(client, batch, returned, "回单.xlsx")["Location"])
    body = again.content.decode()
    assert "本次支付成功 0 笔" in body and "此前已处理 4 笔" in body
    allocation.refresh_from_db()
    claim.refresh_from_db()
    assert allocation.paid == paid == Decimal("4640.00")
    assert claim.status == ClaimStatus.RECONCILED
    assert ClaimLine.objects.filter(claim=claim, status=LineStatus.PAID).count() == 4
    assert Payment.objects.filter(batch=batch, status=PaymentStatus.PAID).count() == 4
    assert_balances_match_payments()


def test_a_line_the_bank_refused_is_paid_again_in_a_new_batch(claimable, client):
    claim, payer, batch = _paying(claimable)
    client.force_login(payer)
    expected = sorted(_expected(batch).items())
    rows = [[key, account, amount, "成功", "R", today(), ""] for key, (account, amount) in expected]
    refused_key = rows[0][0]
    rows[0][3:] = ["失败", "", "", "户名与账号不符"]
    response = client.get(_upload(client, batch, _bank_return_xlsx(rows), "回单.xlsx")["Location"])
    body = response.content.decode()
    assert "本次支付成功 3 笔，支付失败 1 笔" in body
    assert 'data-kind="failed"' in body and "户名与账号不符" in body
    refused = Payment.objects.get(idempotency_key=refused_key)
    assert refused.status == PaymentStatus.FAILED and refused.line.status == LineStatus.FAILED
    assert_balances_match_payments()  # the refused amount stays set aside, not paid

    # The claim comes back on the create page with just the refused line.
    page = client.get(reverse("subsidies:batch_add")).content.decode()
    assert claim.number in page and "含支付失败待重新拨付的明细" in page
    assert f">{refused.amount}</td>" in page
    response = client.post(reverse("subsidies:batch_add"), {"claims": [claim.pk]})
    second = PaymentBatch.objects.exclude(pk=batch.pk).get()
    assert response["Location"] == second.get_absolute_url()
    again = second.payments.get()
    # A new instruction key: the bank must not take it for the refused one.
    assert again.line_id == refused.line_id and again.idempotency_key.endswith("-2")
    account, amount = _expected(second)[again.idempotency_key]
    returned = _bank_return_xlsx([[again.idempotency_key, account, amount, "成功", "R2", today()]])
    _upload(client, second, returned, "回单2.xlsx")
    again.refresh_from_db()
    assert again.status == PaymentStatus.PAID
    allocation = claimable.allocations["a"]
    allocation.refresh_from_db()
    assert allocation.paid == Decimal("4640.00") and allocation.committed == 0
    assert ClaimLine.objects.filter(claim=claim, status=LineStatus.PAID).count() == 4
    assert_balances_match_payments()


def test_the_csv_bank_file_escapes_formulas_and_keeps_accounts_as_text():
    ledger = Ledger(
        title="t",
        region="r",
        as_of=date(2026, 3, 5),
        columns=bankfiles.BATCH_COLUMNS,
        rows=[
            [
                "K-1",
                '=HYPERLINK("http://x")',
                "6228480012345678901",
                "个人银行账户",
                Decimal("1000.50"),
                "+摘要",
                "BT1",
            ]
        ],
        totals=["合计", "1 笔", "", "", Decimal("1000.50"), "", ""],
        notes=("含完整账号",),
    )
    data = b"".join(bankfiles.stream_batch_csv(ledger))
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    # Header and data only: the totals and notes would be instructions to a bank's importer.
    assert records[1] == [
        "K-1",
        '\'=HYPERLINK("http://x")',
        "\t6228480012345678901",
        "个人银行账户",
        "1000.50",
        "'+摘要",
        "BT1",
    ]
    assert len(records) == 2


# --- who may see and download what -----------------------------------------------------------------


def test_the_export_is_audited_and_refused_to_the_county_hr_office(claimable, client):
    _, payer, batch = _paying(claimable)
    client.force_login(payer)
    _download(client, batch, "xlsx")
    _download(client, batch, "csv")
    events = AuditEvent.objects.filter(
        action="export", object_type="subsidies.paymentbatch", object_id=str(batch.pk)
    )
    assert events.count() == 2
    assert {e.message for e in events} == {"含完整账号的银行代发文件"}
    assert {e.actor_username for e in events} == {payer.username}
    assert {e.after["format"] for e in events} == {"xlsx", "csv"}

    hr = claimable.world.user(Role.COUNTY_HRSS)
    client.force_login(hr)
    url = reverse("subsidies:batch_export", args=[batch.pk])
    assert client.get(url, {"format": "xlsx"}).status_code == 403
    assert client.get(url, {"format": "csv"}).status_code == 403
    assert _upload(client, batch, _good_return(batch), "回单.xlsx").status_code == 403
    assert events.count() == 2  # a refused download is no export
    # The HR office follows the batch, without the buttons for the bank file.
    page = _page(client, batch)
    assert batch.number in page and url not in page
    assert client.get(reverse("subsidies:batch_add")).status_code == 403


def test_the_batch_page_never_shows_a_full_account(claimable, client):
    _, payer, batch = _paying(claimable)
    client.force_login(payer)
    expected = sorted(_expected(batch).items())
    # An account mismatch too: its detail names both accounts, masked.
    rows = [[key, account, amount, "成功", "R", today()] for key, (account, amount) in expected]
    rows[0][1] = "6212340000000000999"
    _upload(client, batch, _bank_return_xlsx(rows), "回单.xlsx")
    for user in (payer, claimable.world.user(Role.COUNTY_HRSS)):
        client.force_login(user)
        page = _page(client, batch)
        for account in [*FULL_ACCOUNTS, "6212340000000000999"]:
            assert account not in page
        assert crypto.mask_bank_account(INSTITUTION_ACCOUNT) in page
        assert crypto.mask_bank_account("6212340000000000999") in page


def test_another_countys_batch_is_404(claimable, client):
    _, _, batch = _paying(claimable)
    world = claimable.world
    for role in (Role.COUNTY_FINANCE, Role.COUNTY_HRSS):
        client.force_login(world.user(role, "b"))
        assert client.get(batch.get_absolute_url()).status_code == 404
        export = reverse("subsidies:batch_export", args=[batch.pk])
        assert client.get(export, {"format": "xlsx"}).status_code == 404
        assert client.get(reverse("subsidies:batch_return", args=[batch.pk])).status_code == 404
        assert _upload(client, batch, b"x", "x.csv").status_code == 404
        assert batch.number not in client.get(reverse("subsidies:batch_list")).content.decode()
    client.force_login(world.user(Role.COUNTY_HRSS, "a"))
    assert batch.number in client.get(reverse("subsidies:batch_list")).content.decode()


def test_the_batch_page_refuses_the_officer_who_verified(claimable, client):
    claim = _walk_to_verified(claimable)
    verifier = claimable.world.user(Role.COUNTY_FINANCE)
    client.force_login(verifier)
    page = client.get(reverse("subsidies:batch_add")).content.decode()
    assert "须由他人拨付" in page
    response = client.post(reverse("subsidies:batch_add"), {"claims": [claim.pk]})
    assert response.status_code == 200
    assert "同一人不能办理同一申领的两个环节" in response.content.decode()
    assert not PaymentBatch.objects.exists()
    # Nothing chosen is said so, not a server error.
    response = client.post(reverse("subsidies:batch_add"), {"claims": ["x"]})
    assert "请至少选择一个待拨付的申领" in response.content.decode()


# --- reading the return file -------------------------------------------------------------------------


def test_read_return_understands_the_banks_wordings_and_encodings():
    text = (
        "代发结果\r\n"
        "指令号,收款人账号,交易金额,交易状态,交易流水号,入账日期,错误信息\r\n"
        'K-1,\'6228480012345678901,"1,320.00",已支付,B1,2026年3月5日,\r\n'
        'K-2,"=""6228480012345678902""",1000,S,B2,20260305,\r\n'
        "K-3,\t6228 4800 1234 5678 903,1000.5,1,B3,2026-03-05 10:20:30,\r\n"
        "K-4,６２２８４８００１２３４５６７８９０４,50元,F,,,户名不符\r\n"
        "K-5,6228480012345678905,50,0,,,账户已销户\r\n"
        "K-6,6228480012345678906,50,失败,,,\r\n"
        "合计,,3470.50,,,,\r\n"
    )
    rows = bankfiles.read_return(text.encode("gbk"), filename="回单.csv")
    assert [r.key for r in rows] == ["K-1", "K-2", "K-3", "K-4", "K-5", "K-6"]
    assert [r.row for r in rows] == [3, 4, 5, 6, 7, 8]
    assert [r.success for r in rows] == [True, True, True, False, False, False]
    assert {r.account[-3:] for r in rows} == {"901", "902", "903", "904", "905", "906"}
    assert all(len(r.account) == 19 and r.account.isdigit() for r in rows)
    assert [r.amount for r in rows[:4]] == [
        Decimal("1320.00"),
        Decimal("1000.00"),
        Decimal("1000.50"),
        Decimal("50.00"),
    ]
    assert {r.paid_on for r in rows[:3]} == {date(2026, 3, 5)}
    assert rows[3].reason == "户名不符" and rows[0].reference == "B1"


def test_read_return_refuses_the_whole_file_naming_every_bad_cell():
    text = (
        "指令编号,收款账号,金额,处理结果,支付日期\r\n"
        "K-1,6228480012345678901,abc,成功,2026-03-05\r\n"
        "K-2,6228480012345678902,10,大概吧,2026-03-05\r\n"
        "K-3,6228480012345678903,10,成功,2026-02-30\r\n"
        "K-4,6.22848E+18,10,成功,\r\n"
        "K-1,6228480012345678901,10,成功,\r\n"
        "K-6,6228480012345678906,10.005,成功,\r\n"
    )
    with pytest.raises(bankfiles.ReturnFileRefused) as exc:
        bankfiles.read_return(text.encode("utf-8"), filename="r.csv")
    found = [(e.row, e.column) for e in exc.value.errors]
    assert found == [
        (2, "金额"),
        (3, "处理结果"),
        (4, "支付日期"),
        (5, "收款账号"),
        (6, "指令编号"),
        (7, "金额"),
    ]
    assert "第 2 行“金额”列" in exc.value.message_zh and "整个文件未导入" in exc.value.message_zh
    assert "row 2 [金额]" in exc.value.message_en
    messages = [e.message for e in exc.value.errors]
    assert "可选：成功、失败" in messages[1]
    assert "被 Excel 存成了数字" in messages[3]
    assert "与第 2 行重复" in messages[4]


def test_read_return_refuses_files_that_are_not_a_return():
    with pytest.raises(UnusableFile, match="缺少必需的列"):
        bankfiles.read_return("指令编号,收款账号,金额\r\nK,1,2\r\n".encode(), filename="r.csv")
    with pytest.raises(UnusableFile, match="没有任何支付结果行"):
        bankfiles.read_return("指令编号,收款账号,金额,处理结果\r\n".encode(), filename="r.csv")


# --- the command line ----------------------------------------------------------------------------------


def test_cli_exit_codes(claimable, tmp_path):
    assert VERBS["bank-return"][0] == "jifu_bank_return"
    claim, payer, batch = _paying(claimable)
    good = tmp_path / "回单.xlsx"
    good.write_bytes(_good_return(batch))
    bad = tmp_path / "坏回单.csv"
    bad.write_text("指令编号,收款账号,金额,处理结果\r\nK,6228480012345678901,十元,成功\r\n")
    report = tmp_path / "report.json"

    # An unusable file: exit 2, nothing applied, the report names the cell.
    with pytest.raises(CommandError) as exc:
        call_command(
            "jifu_bank_return", batch.number, str(bad), "--user", payer.username, "--report", report
        )
    assert exc.value.returncode == 2 and " / " in str(exc.value)
    assert json.loads(report.read_text())["errors"] == [
        {"row": 2, "column": "金额", "message": "“十元”不是有效的数字"}
    ]
    with pytest.raises(CommandError) as exc:
        call_command("jifu_bank_return", batch.number, str(tmp_path / "none.xlsx"), "--user", "x")
    assert exc.value.returncode == 1  # the unknown user is named before the file is looked at
    with pytest.raises(CommandError) as exc:
        call_command(
            "jifu_bank_return", batch.number, str(tmp_path / "none.xlsx"), "--user", payer.username
        )
    assert exc.value.returncode == 2
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 0

    # Someone who may not pay, or a batch out of the user's scope: exit 1.
    hr = claimable.world.user(Role.COUNTY_HRSS)
    other = claimable.world.user(Role.COUNTY_FINANCE, "b")
    for username in (hr.username, other.username):
        with pytest.raises(CommandError) as exc:
            call_command("jifu_bank_return", batch.number, str(good), "--user", username)
        assert exc.value.returncode == 1
    with pytest.raises(CommandError) as exc:
        call_command("jifu_bank_return", "ZF000", str(good), "--user", payer.username)
    assert exc.value.returncode == 1

    # The real return: exit 0, the claim reconciled, audited under the named user.
    out = io.StringIO()
    call_command(
        "jifu_bank_return",
        batch.number,
        str(good),
        "--user",
        payer.username,
        "--report",
        report,
        stdout=out,
    )
    assert "本次支付成功 4 笔" in out.getvalue() and "4 paid" in out.getvalue()
    data = json.loads(report.read_text())
    assert (data["applied"], data["paid"], data["mismatches"], data["reconciled"]) == (
        True,
        4,
        0,
        True,
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RECONCILED
    event = AuditEvent.objects.get(action="import", object_id=str(batch.pk))
    assert event.actor_username == payer.username and event.channel == "cli"
    assert_balances_match_payments()
