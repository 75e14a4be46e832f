from pathlib import Path

from jifu.core.commands import JifuCommand
from jifu.core.importing import EXIT_UNUSABLE, UnusableFile
from jifu.employment.importers import import_placements
from jifu.regions import codes
from jifu.regions.lookup import resolve
from jifu.regions.models import Region
from jifu.training.importers import import_classes, import_enrolments, import_institutions

from ...importers import import_persons


class Command(JifuCommand):
    help = "导入 / import"
    subcommands = {
        "persons": "导入贫困劳动力台账（xlsx、xls、csv） / import a person ledger (xlsx, xls, csv)",
        "institutions": "导入培训机构（按统一社会信用代码） / import training institutions (by credit code)",
        "classes": "导入培训班（按班级编号） / import training classes (by class code)",
        "enrolments": "导入培训学员、考勤、考核和证书 / import trainees, attendance, assessments and certificates",
        "placements": "导入就业安置（按身份证号码和入职日期） / import job placements (by ID number and start date)",
    }

    # --- shared by every import ----------------------------------------------------
    @staticmethod
    def _add_common_arguments(parser):
        parser.add_argument("file", help="台账文件 / the ledger file")
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查，不写入 / check only, write nothing"
        )
        parser.add_argument(
            "--report", help="把 JSON 报告写入此文件 / write the JSON report to this file"
        )
        parser.add_argument(
            "--engine",
            choices=["calamine", "openpyxl"],
            default="calamine",
            help="xlsx 读取方式：calamine 快，openpyxl 省内存 / xlsx reader: calamine is fast, openpyxl streams",
        )

    def _run_import(self, importer, *, file, dry_run, report, engine, verbosity=1, **kwargs):
        """Run one importer on a file: exit codes, the JSON report and the summary."""
        path = Path(file)
        if not path.is_file():
            self.fail(f"找不到文件 {path}", f"file not found: {path}", EXIT_UNUSABLE)

        def progress(rows):
            if verbosity >= 2:
                self.stderr.write(f"… {rows}")

        try:
            result = importer(
                path,
                dry_run=dry_run,
                filename=path.name,
                progress=progress,
                engine=engine,
                **kwargs,
            )
        except UnusableFile as exc:
            self.fail(exc.message_zh, exc.message_en, EXIT_UNUSABLE)
        if report:
            Path(report).write_text(result.to_json(), encoding="utf-8")
        for error in result.errors[:50]:
            self.stderr.write(
                f"第 {error.row} 行 / row {error.row} [{error.column}]: {error.message}"
            )
        if len(result.errors) > 50:
            self.stderr.write(
                f"……另有 {len(result.errors) - 50} 条错误见报告 / {len(result.errors) - 50} more errors in the report"
            )
        if not dry_run and (result.created or result.updated):
            from jifu.core.importing import after_import

            county = kwargs.get("county")
            after_import(importer.__name__.removeprefix("import_"), county.code if county else "")
        prefix = "试导入" if dry_run else "导入完成"
        self.ok(
            f"{prefix}：共 {result.rows} 行，新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}，"
            f"拒绝 {result.rejected}，重复 {result.duplicates}",
            f"{'dry run' if dry_run else 'imported'}: {result.rows} rows, {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.rejected} rejected, "
            f"{result.duplicates} duplicates",
        )

    # --- persons -----------------------------------------------------------------------
    def add_persons_arguments(self, parser):
        self._add_common_arguments(parser)
        parser.add_argument(
            "--county",
            help="县区划代码（文件无县列时必填） / county code (needed when the file has no county column)",
        )

    def handle_persons(self, county, **options):
        county_region = None
        if county:
            try:
                county_region = resolve(county)
            except codes.RegionCodeError as exc:
                self.fail(exc.message_zh, exc.message_en, EXIT_UNUSABLE)
            except Region.DoesNotExist:
                self.fail(f"区划 {county} 不存在", f"region {county} does not exist", EXIT_UNUSABLE)
            if county_region.level != "county":
                self.fail(
                    f"{county_region.name}不是县级区划", f"{county} is not a county", EXIT_UNUSABLE
                )
        self._run_import(import_persons, county=county_region, **self._options(options))

    # --- training ----------------------------------------------------------------------
    def add_institutions_arguments(self, parser):
        self._add_common_arguments(parser)

    def add_classes_arguments(self, parser):
        self._add_common_arguments(parser)

    def add_enrolments_arguments(self, parser):
        self._add_common_arguments(parser)

    def handle_institutions(self, **options):
        self._run_import(import_institutions, **self._options(options))

    def handle_classes(self, **options):
        self._run_import(import_classes, **self._options(options))

    def handle_enrolments(self, **options):
        self._run_import(import_enrolments, **self._options(options))

    # --- employment --------------------------------------------------------------------
    def add_placements_arguments(self, parser):
        self._add_common_arguments(parser)

    def handle_placements(self, **options):
        self._run_import(import_placements, **self._options(options))

    @staticmethod
    def _options(options: dict) -> dict:
        """The options an import uses, out of everything Django passes to a command."""
        keys = ("file", "dry_run", "report", "engine", "verbosity")
        return {k: options[k] for k in keys if k in options}
