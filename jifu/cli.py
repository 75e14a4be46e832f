"""The ``jifu`` command: the operator's entry point, wrapping Django's commands.

``jifu VERB [ARGS]`` runs the management command behind VERB (``jifu regions
load``, ``jifu users create`` …); every verb has ``--help``. Anything not listed
is passed to Django unchanged, so ``jifu shell`` and ``jifu dbshell`` work too.
The database is chosen by ``DATABASE_URL`` for every verb.
"""

import os
import sys

# verb → (management command, Chinese / English summary)
VERBS = {
    "serve": ("serve", "启动网站 / serve the web site"),
    "worker": ("db_worker", "运行后台任务 / run background tasks"),
    "migrate": ("migrate", "创建或升级数据库表 / create or upgrade the database tables"),
    "regions": (
        "regions",
        "行政区划：load 装载甘肃参考数据，import 导入村级区划 / regions: load reference data, import villages",
    ),
    "import": (
        "jifu_import",
        "导入：persons 贫困劳动力台账，institutions、classes、enrolments 培训，placements 就业安置 / "
        "import: persons, institutions, classes, enrolments, placements",
    ),
    "demo-data": ("demo_data", "生成演示数据 / generate synthetic demo data"),
    "users": ("users", "用户：create 新建 / users: create"),
    "audit": ("audit", "审计日志：verify 校验 / audit log: verify the hash chain"),
    "integrity": ("jifu_integrity", "疑点核查：scan 扫描 / integrity: scan"),
    "bank-return": ("jifu_bank_return", "导入银行回单并对账 / import a bank return file"),
    "report": ("report", "年度工作总结：annual 生成草稿 / report: annual work summary"),
    "check": (
        "jifu_check",
        "检查配置、数据库和参考数据 / check settings, database and reference data",
    ),
}


def usage() -> str:
    lines = ["用法 / usage: jifu VERB [options]   (jifu VERB --help)", ""]
    width = max(len(v) for v in VERBS)
    for verb, (_cmd, summary) in VERBS.items():
        lines.append(f"  {verb.ljust(width)}  {summary}")
    lines.append("")
    lines.append("其他 Django 管理命令原样执行 / other Django management commands run as they are")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jifu.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help", "help"}:
        print(usage())
        sys.exit(0)
    verb = argv[1]
    command = VERBS[verb][0] if verb in VERBS else verb
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jifu", command, *argv[2:]])


if __name__ == "__main__":
    main()
