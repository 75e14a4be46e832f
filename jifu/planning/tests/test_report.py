"""The annual work summary: ``jifu report annual`` writes a .docx that python-docx
reads back with the dashboard's figures, the tables by county and occupation and
the charts; generating in the UI; uploading the signed final marks it submitted;
the province sees who has not submitted by 15 December."""

import io
import os
import stat
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from docx import Document

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core.testing import COUNTY_A, COUNTY_B, TOWNSHIP_A
from jifu.planning import progress, report, services_supervision, summaries
from jifu.planning.choices import Metric, ReportStatus
from jifu.planning.models import AnnualReport, Highlight, SummaryState, Target
from jifu.regions.models import Region
from jifu.subsidies.tests.fixtures import claimable_fixture  # noqa: F401 - pytest fixture

pytestmark = pytest.mark.django_db

PREFECTURE_A = COUNTY_A[:4] + "00000000"  # 临夏回族自治州
PREFECTURE_B = COUNTY_B[:4] + "00000000"  # 兰州市
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Signed finals go to a temporary MEDIA_ROOT, never the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(claimable):
    """The subsidy fixture's classes (two trainees of 家政服务员 in 东乡, one in 永登),
    targets for the year, a highlight of 东乡, and the summaries rebuilt."""
    year = claimable.classes["a"].start_date.year
    prefecture, county = Region.objects.get(code=PREFECTURE_A), Region.objects.get(code=COUNTY_A)
    for where, value in ((prefecture, 8), (county, 4)):
        Target.objects.create(
            region=where, region_code=where.code, year=year, kind=Metric.TRAINEES, value=value
        )
    Target.objects.create(
        region=prefecture, region_code=prefecture.code, year=year, kind=Metric.COVERAGE, value=80
    )
    Highlight.objects.create(
        region=county,
        region_code=county.code,
        title="家政服务员订单培训",
        body="与兰州家政企业签订用工协议后开班。\n结业即上岗。",
        submitted_on=date(year, 6, 1),
    )
    summaries.rebuild()
    claimable.year = year
    return claimable


def as_of(year):
    return services_supervision.report_as_of(year)


def read(path_or_bytes) -> Document:
    if isinstance(path_or_bytes, bytes):
        return Document(io.BytesIO(path_or_bytes))
    return Document(str(path_or_bytes))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def table_with(doc, header: str):
    """The table whose first row has ``header`` in its first cell."""
    return next(t for t in doc.tables if t.rows[0].cells[0].text == header)


def rows_of(table) -> dict[str, list[str]]:
    return {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}


# --- the command -----------------------------------------------------------------------------


def test_annual_report_has_the_dashboards_figures(data, tmp_path):
    out = tmp_path / "临夏州.docx"
    year = data.year
    call_command(
        "report", "annual", "--region", PREFECTURE_A, "--year", str(year), "--out", str(out)
    )
    doc = read(out)
    prefecture = Region.objects.get(code=PREFECTURE_A)
    board = progress.dashboard(prefecture, as_of=as_of(year), year=year)
    # Title, region and year.
    assert texts(doc)[0] == f"{prefecture.name}{year}年度技能扶贫工作总结"
    assert PREFECTURE_A in texts(doc)[1]
    assert doc.core_properties.title == texts(doc)[0]
    # 一、主要数据: every figure is the dashboard's, with its target and share.
    figures = rows_of(table_with(doc, "指标"))
    for key, label, kind in report.FIGURE_ROWS:
        assert figures[label][0] == report.fmt(board.figures[key], kind), label
    assert figures["培训人数（人次）"] == ["2", "8", "25.0%"]
    assert board.figures[Metric.TRAINEES] == Decimal("2")
    assert figures["应培尽培率"][1] == "80.0%"
    assert figures["结业人数（人次）"][0] == report.fmt(board.figures[Metric.COMPLETIONS])
    assert figures["补贴发放金额（元）"][0] == "0.00"
    # 二、分县情况: 东乡 with its two trainees against a target of four; the total row.
    counties = table_with(doc, "县（市、区）")
    by_county = rows_of(counties)
    dongxiang = Region.objects.get(code=COUNTY_A).name
    child = next(c for c in board.children if c.region.code == COUNTY_A)
    rate = report.fmt_rate(child.rate) + ("（慢）" if child.slow else "")
    assert by_county[dongxiang][:3] == ["2", "4", rate]
    assert rate.startswith("50.0%")
    assert by_county["合计"][0] == "2"
    assert len(by_county) == len(board.children) + 1
    # 三、分职业情况: the trainees of the year by occupation, totalling 培训人数.
    occupations = rows_of(table_with(doc, "职业(工种)"))
    assert occupations["家政服务员"][:4] == ["4-10-01-06", "1", "2", "2"]
    assert occupations["合计"][2] == figures["培训人数（人次）"][0]
    # The charts: the monthly trend and the counties.
    assert len(doc.inline_shapes) == 2
    # 四、工作亮点 and the headings left for the office to write under.
    body = "\n".join(texts(doc))
    assert "家政服务员订单培训" in body and "结业即上岗。" in body
    for heading in ("一、主要数据", "二、分县情况", "三、分职业情况", "四、工作亮点"):
        assert heading in texts(doc)
    assert "五、存在问题与下一步打算" in texts(doc)
    assert body.count(report.PLACEHOLDER) >= 3
    # The region's report row: a draft now.
    row = AnnualReport.objects.get(region_code=PREFECTURE_A, year=year)
    assert row.status == ReportStatus.DRAFT and row.generated_at is not None
    assert AuditEvent.objects.filter(
        object_type="planning.annualreport", object_id=str(row.pk), channel="cli"
    ).exists()


def test_county_report_lists_townships_and_builds_summaries_first(claimable, tmp_path):
    """Never rebuilt: the command builds the summaries before reading them."""
    assert not SummaryState.objects.exists()
    year = claimable.classes["b"].start_date.year
    out = tmp_path / "yongdeng.docx"
    call_command(
        "report", "annual", "--region", COUNTY_B[:6], "--year", str(year), "--out", str(out)
    )
    assert SummaryState.objects.get().rebuilt_at is not None
    doc = read(out)
    figures = rows_of(table_with(doc, "指标"))
    assert figures["培训人数（人次）"] == ["1", "—", "—"]
    townships = rows_of(table_with(doc, "乡镇"))
    assert townships["合计"][0] == "1"
    assert sum(int(v[0]) for k, v in townships.items() if k != "合计") == 1
    assert "二、分乡镇情况" in texts(doc)


def test_province_report_by_prefecture(data, tmp_path):
    out = tmp_path / "gansu.docx"
    call_command("report", "annual", "--region", "62", "--year", str(data.year), "--out", str(out))
    doc = read(out)
    prefectures = rows_of(table_with(doc, "市州"))
    assert prefectures[Region.objects.get(code=PREFECTURE_A).name][0] == "2"
    assert prefectures[Region.objects.get(code=PREFECTURE_B).name][0] == "1"
    assert prefectures["合计"][0] == "3"
    assert rows_of(table_with(doc, "职业(工种)"))["合计"][2] == "3"


@pytest.mark.parametrize(
    "args",
    [
        ["--region", "629999", "--year", "2019"],
        ["--region", "abc", "--year", "2019"],
        ["--region", TOWNSHIP_A, "--year", "2019"],
        ["--region", PREFECTURE_A, "--year", "2017"],
    ],
)
def test_bad_region_or_year_exits_2(world, tmp_path, args):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError) as exc:
        call_command("report", "annual", *args, "--out", str(out))
    assert exc.value.returncode == 2
    assert " / " in str(exc.value)  # both languages
    assert not out.exists()


@pytest.mark.parametrize("where", ["missing-folder/x.docx", "x.txt", "folder-is-file/x.docx"])
def test_unwritable_path_exits_2(world, tmp_path, where):
    (tmp_path / "folder-is-file").write_text("")
    with pytest.raises(CommandError) as exc:
        call_command(
            "report", "annual", "--region", PREFECTURE_A, "--year", "2019", "--out",
            str(tmp_path / where),
        )  # fmt: skip
    assert exc.value.returncode == 2
    assert not AnnualReport.objects.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_exits_2(world, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(CommandError) as exc:
            call_command(
                "report", "annual", "--region", PREFECTURE_A, "--year", "2019", "--out",
                str(folder / "x.docx"),
            )  # fmt: skip
        assert exc.value.returncode == 2
    finally:
        folder.chmod(stat.S_IRWXU)


def test_failed_write_exits_2_and_keeps_no_report_row(data, tmp_path, monkeypatch):
    """Running as root, no folder is read-only: a failing disk stands in for it."""
    from jifu.planning.management.commands import report as command

    def full_disk(path, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(command, "_write_atomically", full_disk)
    with pytest.raises(CommandError) as exc:
        call_command(
            "report", "annual", "--region", PREFECTURE_A, "--year", str(data.year), "--out",
            str(tmp_path / "x.docx"),
        )  # fmt: skip
    assert exc.value.returncode == 2
    assert "No space left" in str(exc.value)
    assert not AnnualReport.objects.exists()
    assert not AuditEvent.objects.filter(object_type="planning.annualreport").exists()


def test_no_cjk_font_is_a_clear_error(data, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "CJK_FONTS", ("No Such Font",))
    with pytest.raises(CommandError) as exc:
        call_command(
            "report", "annual", "--region", PREFECTURE_A, "--year", str(data.year), "--out",
            str(tmp_path / "x.docx"),
        )  # fmt: skip
    assert exc.value.returncode == 2
    assert "fonts-noto-cjk" in str(exc.value)
    assert not AnnualReport.objects.exists()


# --- the UI: generate, upload, the province's list -------------------------------------------------


def test_county_generates_its_draft_in_the_ui(client, data):
    county = data.world.user(Role.COUNTY_HRSS)
    client.force_login(county)
    response = client.post(
        "/planning/reports/generate/", {"region": COUNTY_A, "year": str(data.year)}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert "attachment" in response["Content-Disposition"]
    doc = read(response.content)
    assert rows_of(table_with(doc, "指标"))["培训人数（人次）"] == ["2", "4", "50.0%"]
    assert AnnualReport.objects.get(region_code=COUNTY_A, year=data.year).status == "draft"
    # Another county's report is refused, and so is a role that does not write reports.
    response = client.post(
        "/planning/reports/generate/", {"region": COUNTY_B, "year": str(data.year)}
    )
    assert response.status_code == 302
    assert not AnnualReport.objects.filter(region_code=COUNTY_B).exists()
    client.force_login(data.world.user(Role.VILLAGE))
    response = client.post(
        "/planning/reports/generate/", {"region": COUNTY_A, "year": str(data.year)}
    )
    assert response.status_code == 403


def _upload(client, year, content, name="总结.docx"):
    return client.post(
        "/planning/reports/upload/",
        {"year": str(year), "file": SimpleUploadedFile(name, content)},
    )


def test_upload_marks_submitted_and_the_province_sees_who_is_missing(
    client, data, media, django_capture_on_commit_callbacks
):
    year = data.year
    world = data.world
    prefecture_a = Region.objects.get(code=PREFECTURE_A)
    _row, draft = services_supervision.generate_report(
        prefecture_a, year, actor=world.user(Role.PREFECTURE)
    )
    missing = {s.region.code for s in services_supervision.missing_reports(year)}
    assert PREFECTURE_A in missing and PREFECTURE_B in missing
    assert len(missing) == Region.objects.filter(level="prefecture").count()
    # The province's list before: 临夏 has a draft but has not submitted.
    client.force_login(world.user(Role.PROVINCE))
    page = client.get(f"/planning/reports/?year={year}").content.decode()
    assert prefecture_a.name in page and "未报送" in page
    # The prefecture uploads its signed final: submitted.
    prefecture = world.user(Role.PREFECTURE)
    client.force_login(prefecture)
    response = _upload(client, year, draft)
    assert response.status_code == 302
    row = AnnualReport.objects.get(region_code=PREFECTURE_A, year=year)
    assert row.status == ReportStatus.SUBMITTED
    assert row.submitted_by == prefecture and row.submitted_at is not None
    stored = media / row.final_file.name
    assert stored.read_bytes() == draft
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert PREFECTURE_A not in {s.region.code for s in services_supervision.missing_reports(year)}
    # Overdue only after 15 December.
    late = services_supervision.missing_reports(year, on=date(year, 12, 16))
    assert late and all(s.overdue for s in late)
    assert not any(
        s.overdue for s in services_supervision.missing_reports(year, on=date(year, 12, 15))
    )
    # The province downloads it; another prefecture cannot (404), nor see it listed.
    client.force_login(world.user(Role.PROVINCE))
    response = client.get(f"/planning/reports/{row.pk}/final/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == draft
    page = client.get(f"/planning/reports/?year={year}").content.decode()
    assert f'data-testid="download-{PREFECTURE_A}"' in page
    client.force_login(world.user(Role.PREFECTURE, "b"))
    assert client.get(f"/planning/reports/{row.pk}/final/").status_code == 404
    assert (
        f'data-testid="download-{PREFECTURE_A}"'
        not in client.get(f"/planning/reports/?year={year}").content.decode()
    )
    client.force_login(world.user(Role.COUNTY_HRSS, "b"))
    assert client.get(f"/planning/reports/{row.pk}/final/").status_code == 404
    # A new signed version replaces the old file.
    client.force_login(prefecture)
    pdf = b"%PDF-1.4\n% signed\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(client, year, pdf, "签发版.pdf").status_code == 302
    row.refresh_from_db()
    assert row.final_file.name.endswith(".pdf") and not stored.exists()
    assert (media / row.final_file.name).read_bytes() == pdf


def test_upload_refuses_other_files(client, data):
    client.force_login(data.world.user(Role.PREFECTURE))
    for name, content, message in [
        ("总结.txt", b"text", "只能上传 .docx 或 .pdf 文件"),
        ("总结.docx", b"not a zip", "不是有效的 Word"),
        ("总结.pdf", b"PK\x03\x04", "不是有效的 PDF"),
    ]:
        response = _upload(client, data.year, content, name)
        assert response.status_code == 200
        assert message in response.content.decode(), name
    assert not AnnualReport.objects.exists()


def test_overdue_flag_on_the_province_list(client, data):
    year = data.year - 1  # last year: 15 December has passed
    client.force_login(data.world.user(Role.PROVINCE))
    page = client.get(f"/planning/reports/?year={year}").content.decode()
    assert "逾期未报送" in page and 'data-testid="report-overdue"' in page


def test_roles_without_the_permission(client, data):
    client.force_login(data.world.user(Role.EMPLOYER))
    assert client.get("/planning/reports/").status_code == 403
    # The province makes its own summary too (for the ministry); a township does not.
    client.force_login(data.world.user(Role.TOWNSHIP))
    assert client.get("/planning/reports/upload/").status_code == 403


def test_report_as_of_is_the_years_end_or_today():
    assert services_supervision.report_as_of(2019, today=date(2026, 1, 5)) == date(2019, 12, 31)
    assert services_supervision.report_as_of(2026, today=date(2026, 3, 5)) == date(2026, 3, 5)
    assert services_supervision.report_deadline(2019) == date(2019, 12, 15)
