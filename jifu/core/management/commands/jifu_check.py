from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jifu.core.commands import JifuCommand


class Command(JifuCommand):
    help = "检查配置、数据库和参考数据 / check settings, database and reference data"

    def add_arguments(self, parser):
        parser.add_argument(
            "--deploy", action="store_true", help="同时做生产部署检查 / include deployment checks"
        )

    def handle(self, *args, deploy, **options):
        call_command("check", deploy=deploy)
        problems = []
        vendor = connection.vendor
        try:
            connection.ensure_connection()
        except Exception as exc:  # the message is what the operator needs
            self.fail(f"无法连接数据库：{exc}", f"cannot connect to the database: {exc}")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            problems.append(
                (
                    "有未执行的数据库迁移，请运行 jifu migrate",
                    f"{len(pending)} pending migrations: run jifu migrate",
                )
            )
        else:
            from jifu.regions.models import Region

            if not Region.objects.filter(level="county").exists():
                problems.append(
                    (
                        "尚未装载行政区划，请运行 jifu regions load",
                        "no regions loaded: run jifu regions load",
                    )
                )
        if settings.PRODUCTION and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
            problems.append(
                ("生产模式使用了开发密钥", "production mode uses the development SECRET_KEY")
            )
        if settings.PRODUCTION and not settings.JIFU_DATA_KEY:
            problems.append(
                ("生产模式未设置 JIFU_DATA_KEY", "JIFU_DATA_KEY is not set in production mode")
            )
        try:
            from jifu.core import crypto

            crypto.get_keyring()
        except Exception as exc:  # a malformed or missing key is reported, not raised
            problems.append((f"数据加密密钥不可用：{exc}", "the data encryption key is unusable"))
        for zh, en in problems:
            self.stderr.write(f"{zh} / {en}")
        if problems:
            self.fail(f"发现 {len(problems)} 个问题", f"{len(problems)} problem(s) found")
        self.ok(f"检查通过（数据库：{vendor}）", f"all checks passed (database: {vendor})")
