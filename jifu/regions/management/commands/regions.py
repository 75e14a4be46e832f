import sys
from pathlib import Path

from jifu.core.commands import JifuCommand
from jifu.core.importing import EXIT_UNUSABLE, UnusableFile

from ... import services


class Command(JifuCommand):
    help = "行政区划 / administrative regions"
    subcommands = {
        "load": "装载甘肃省、市州、县区和乡镇参考数据 / load Gansu's province, prefectures, counties and townships",
        "import": "导入村级区划 CSV（表头 code,name） / import an official village list (header code,name)",
    }

    def add_import_arguments(self, parser):
        parser.add_argument("file", help="CSV 文件，UTF-8 或 GBK / CSV file, UTF-8 or GBK")
        parser.add_argument(
            "--report", help="把 JSON 报告写入此文件 / write the JSON report to this file"
        )

    def handle_load(self, **options):
        counts = services.load_reference()
        self.ok(
            f"已装载：省 {counts['province']}，市州 {counts['prefecture']}，县级 {counts['county']}，乡镇 {counts['township']}"
            f"（新增 {counts['created']}，更新 {counts['updated']}）",
            f"loaded: {counts['province']} province, {counts['prefecture']} prefectures, "
            f"{counts['county']} county-level units, {counts['township']} townships "
            f"({counts['created']} created, {counts['updated']} updated)",
        )

    def handle_import(self, file, report=None, **options):
        path = Path(file)
        if not path.is_file():
            self.fail(f"找不到文件 {path}", f"file not found: {path}", EXIT_UNUSABLE)
        try:
            result = services.import_villages(path.read_bytes(), source_name=path.name)
        except UnusableFile as exc:
            self.fail(exc.message_zh, exc.message_en, EXIT_UNUSABLE)
        for error in result.errors:
            self.stderr.write(
                f"第 {error.row} 行 / line {error.row} [{error.column}]: {error.message}"
            )
        for warning in result.warnings:
            self.stderr.write(f"第 {warning.row} 行 / line {warning.row}: {warning.message}")
        if report:
            Path(report).write_text(result.to_json(), encoding="utf-8")
        self.ok(
            f"共 {result.rows} 行：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}，"
            f"拒绝 {result.rejected}，重复 {result.duplicates}",
            f"{result.rows} rows: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.rejected} rejected, {result.duplicates} duplicates",
        )
        sys.stdout.flush()
