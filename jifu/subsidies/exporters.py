"""The county subsidy ledger (补贴发放台账): one row per claim line, masked as on screen."""

from jifu.core.exporting import Column, Ledger, audited_ledger

from .models import ClaimLine

LEDGER_COLUMNS = [
    Column("序号", 6, "int"),
    Column("申领编号", 20),
    Column("申领类型", 14),
    Column("姓名", 10),
    Column("身份证号码", 21),
    Column("补贴项目", 16),
    Column("年度", 6, "int"),
    Column("数量", 6, "decimal"),
    Column("金额", 12, "decimal"),
    Column("计算依据", 50),
    Column("收款账户类型", 14),
    Column("明细状态", 10),
    Column("申领状态", 10),
    Column("班级编号", 18),
]


def subsidy_ledger(claims, *, actor) -> Ledger:
    area = actor.region.name if actor.region_id else ""
    title = f"{area}补贴发放台账"

    def rows():
        lines = (
            ClaimLine.objects.filter(claim__in=claims.order_by().values("pk"))
            .select_related("claim", "claim__training_class", "person")
            .order_by("claim__region_code", "claim_id", "id")
        )
        for n, line in enumerate(lines.iterator(chunk_size=1000), start=1):
            claim = line.claim
            yield [
                n,
                claim.number,
                claim.get_kind_display(),
                line.person.name,
                line.person.id_number_masked,
                line.get_item_display(),
                line.year,
                line.quantity,
                line.amount,
                line.rule,
                line.get_payee_kind_display(),
                line.get_status_display(),
                claim.get_status_display(),
                claim.training_class.code if claim.training_class_id else "",
            ]

    return audited_ledger(actor, app="subsidies", title=title, columns=LEDGER_COLUMNS, rows=rows())
