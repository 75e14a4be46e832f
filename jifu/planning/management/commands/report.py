"""``jifu report annual --region CODE --year Y --out FILE.docx``: the annual work
summary (年度技能扶贫工作总结) of a region as a Word draft.

The figures come from the progress summaries; if they were never built they are
built first (``--rebuild`` rebuilds them anyway). The region's AnnualReport row
is created or updated (已生成草稿, unless already 已报送). Exit 0 on success,
2 for an unknown region or year, a path that cannot be written or a report that
cannot be drawn (no CJK font).
"""

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jifu.core.commands import JifuCommand
from jifu.regions import codes
from jifu.regions.lookup import canonical_code
from jifu.regions.models import Region

from ... import services_supervision as services
from ... import summaries
from ...report import ReportError

EXIT_CANNOT_RUN = 2
FIRST_YEAR = 2018


class Command(JifuCommand):
    help = "年度技能扶贫工作总结 / annual work summary"
    subcommands = {
        "annual": "生成年度技能扶贫工作总结（Word 草稿） / generate the annual work summary (.docx)"
    }

    def add_annual_arguments(self, parser):
        parser.add_argument(
            "--region", required=True, help="区划代码（省、市州或县） / region code"
        )
        parser.add_argument("--year", required=True, type=int, help="年度 / year")
        parser.add_argument("--out", required=True, help="输出文件 .docx / output file (.docx)")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="先重建统计汇总 / rebuild the progress summaries first",
        )

    def handle_annual(self, *, region, year, out, rebuild=False, **options):
        found = self._region(region)
        this_year = timezone.localdate().year
        if not FIRST_YEAR <= year <= this_year:
            self.fail(
                f"年度须在 {FIRST_YEAR}—{this_year} 之间",
                f"the year must be between {FIRST_YEAR} and {this_year}",
                EXIT_CANNOT_RUN,
            )
        path = self._writable(out)
        if rebuild or not services.summaries_built():
            self.stdout.write("正在重建统计汇总… / rebuilding the progress summaries…")
            state = summaries.rebuild()
            self.stdout.write(f"  {state.rows} 行 / rows, {state.seconds} s")
        try:
            # The report row and its audit event stand only if the file was written.
            with transaction.atomic():
                row, content = services.generate_report(found, year, actor=None)
                _write_atomically(path, content)
        except ReportError as exc:
            zh, _sep, en = str(exc).partition(" / ")
            self.fail(zh, en or zh, EXIT_CANNOT_RUN)
        except ValidationError as exc:
            text = "；".join(exc.messages)
            self.fail(text, f"cannot generate the report: {text}", EXIT_CANNOT_RUN)
        except OSError as exc:
            self.fail(
                f"无法写入 {path}：{exc.strerror or exc}",
                f"cannot write {path}: {exc.strerror or exc}",
                EXIT_CANNOT_RUN,
            )
        self.ok(
            f"已生成{found.name}{year}年度技能扶贫工作总结草稿：{path}（{len(content)} 字节）",
            f"wrote the {year} annual summary of {found.code}: {path} ({len(content)} bytes)",
        )
        if row.status == "submitted":
            self.stdout.write("该年度工作总结已报送，草稿不影响报送状态 / already submitted")

    def _region(self, raw: str) -> Region:
        try:
            found = Region.objects.get(code=canonical_code(raw))
        except (codes.RegionCodeError, Region.DoesNotExist):
            self.fail(f"区划代码 {raw} 不存在", f"unknown region code {raw}", EXIT_CANNOT_RUN)
        if found.level not in services.REPORT_LEVELS:
            self.fail(
                f"{found.name}不是省、市州或县，不编写年度工作总结",
                f"{found.code} is not a province, prefecture or county",
                EXIT_CANNOT_RUN,
            )
        return found

    def _writable(self, raw: str) -> Path:
        path = Path(raw).expanduser()
        if path.suffix.lower() != ".docx":
            self.fail(
                f"输出文件须以 .docx 结尾：{raw}",
                f"the output must end in .docx: {raw}",
                EXIT_CANNOT_RUN,
            )
        folder = path.parent.resolve()
        if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            self.fail(
                f"无法写入 {raw}：目录不存在或没有写权限",
                f"cannot write {raw}: no such folder or no permission",
                EXIT_CANNOT_RUN,
            )
        if path.exists() and not os.access(path, os.W_OK):
            self.fail(
                f"无法写入 {raw}：文件只读",
                f"cannot write {raw}: the file is read-only",
                EXIT_CANNOT_RUN,
            )
        return folder / path.name


def _write_atomically(path: Path, content: bytes) -> None:
    """Write beside the target, then rename: never a half-written report."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jifu-report-", suffix=".docx")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # an ordinary file, as if opened for writing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
