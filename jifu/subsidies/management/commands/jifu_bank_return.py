"""``jifu bank-return BATCH_NUMBER FILE --user USERNAME [--report R.json]``.

Imports the bank's return file of one payment batch and reconciles it, exactly
as the batch page does, on behalf of a named user: every write is audited with
an actor, and only a user who may pay (the county finance bureau) may do it, for
a batch in that user's scope. Exit 0 when the file was applied (mismatches are
reported, not failures), 2 when the file is unusable (nothing was applied),
1 for anything else (unknown user or batch, no permission).
"""

import json
from dataclasses import asdict
from pathlib import Path

from django.contrib.auth import get_user_model

from jifu.core.commands import JifuCommand
from jifu.core.importing import EXIT_UNUSABLE, UnusableFile

from ... import bankfiles, services
from ...models import Mismatch, PaymentBatch


class Command(JifuCommand):
    help = "导入银行回单并对账 / import the bank's return file of a payment batch and reconcile it"

    def add_arguments(self, parser):
        parser.add_argument("batch", metavar="BATCH_NUMBER", help="批次号 / the batch number")
        parser.add_argument(
            "file", metavar="FILE", help="银行回单（xlsx、xls、csv） / the return file"
        )
        parser.add_argument(
            "--user",
            required=True,
            help="以该用户身份导入（须有拨付权限） / act as this user (who must be allowed to pay)",
        )
        parser.add_argument(
            "--report", help="把 JSON 报告写入此文件 / write the JSON report to this file"
        )

    def handle(self, *args, batch, file, user, report=None, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            self.fail(f"用户 {user} 不存在或已停用", f"no active user {user}")
        if not actor.has_perm(bankfiles.PAY_PERMISSION):
            self.fail(
                f"用户 {user} 没有拨付权限（县财政局）",
                f"user {user} may not pay subsidies (county finance bureau)",
            )
        # The user's scope decides which batches exist for it, as on the web.
        found = PaymentBatch.objects.restrict(actor).filter(number=batch.strip()).first()
        if found is None:
            self.fail(
                f"批次 {batch} 不存在或不在用户 {user} 的管辖范围内",
                f"batch {batch} does not exist or is outside the scope of {user}",
            )
        path = Path(file)
        if not path.is_file():
            self.fail(f"找不到文件 {path}", f"file not found: {path}", EXIT_UNUSABLE)

        try:
            rows = bankfiles.read_return(path, filename=path.name)
        except UnusableFile as exc:
            errors = getattr(exc, "errors", [])
            for error in errors[:50]:
                self.stderr.write(
                    f"第 {error.row} 行 / row {error.row} [{error.column}]: {error.message}"
                )
            self._write_report(
                report,
                {
                    "batch": found.number,
                    "applied": False,
                    "message": exc.message_zh,
                    "errors": [asdict(e) for e in errors],
                },
            )
            self.fail(exc.message_zh, exc.message_en, EXIT_UNUSABLE)

        summary = services.apply_bank_return(found, rows, actor=actor)
        found.refresh_from_db()
        mismatches = list(
            Mismatch.objects.filter(batch=found).select_related("payment").order_by("id")
        )
        for m in mismatches:
            where = f"第 {m.row} 行 / row {m.row} " if m.row else ""
            self.stderr.write(f"{where}[{m.get_kind_display()} / {m.kind}] {m.detail}")
        self._write_report(
            report,
            {
                "batch": found.number,
                "applied": True,
                "rows": len(rows),
                **asdict(summary),
                "reconciled": found.reconciled,
                "mismatch_list": [
                    {"kind": m.kind, "row": m.row, "detail": m.detail} for m in mismatches
                ],
            },
        )
        self.ok(
            f"回单已导入：{len(rows)} 行，本次支付成功 {summary.paid} 笔，支付失败 {summary.failed} 笔，"
            f"此前已处理 {summary.already} 笔，对账差异 {summary.mismatches} 处"
            + ("，批次已对账" if found.reconciled else ""),
            f"return imported: {len(rows)} rows, {summary.paid} paid, {summary.failed} failed, "
            f"{summary.already} already settled, {summary.mismatches} mismatches"
            + ("; the batch is reconciled" if found.reconciled else ""),
        )

    @staticmethod
    def _write_report(report, data: dict) -> None:
        if report:
            Path(report).write_text(
                json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
            )
