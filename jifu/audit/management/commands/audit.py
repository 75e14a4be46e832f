from jifu.core.commands import JifuCommand

from ... import services


class Command(JifuCommand):
    help = "审计日志 / audit log"
    subcommands = {
        "verify": "重算哈希链，发现被修改或删除的记录 / recompute the hash chain to find edited or deleted rows"
    }

    def handle_verify(self, **options):
        result = services.verify()
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            self.fail(
                f"审计链异常：{len(result.problems)} 处问题（共 {result.checked} 条）",
                f"audit chain broken: {len(result.problems)} problem(s) in {result.checked} rows",
            )
        services.record_verification(None, result)
        self.ok(
            f"审计链完整：{result.checked} 条记录", f"audit chain intact: {result.checked} rows"
        )
