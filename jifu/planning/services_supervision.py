"""Writes of supervision, commendations and accountability, highlights and the
annual work summary: atomic, audited, with the acting user (``None`` on the
command line).

Supervision is by the level above (``roles.py``): the province and the
prefectures visit counties (the province also prefectures); the county reports
its rectification (整改), the supervising level accepts it (销号) or sends it
back. A visit is overdue while it is still 整改中 after its due date.

The annual work summary (年度技能扶贫工作总结) is due from every prefecture by
15 December (``REPORT_DUE``); counties may make theirs for the prefecture. The
draft is generated from the summaries (``report.py``); uploading the signed
final marks it 已报送. ``missing_reports(year)`` lists the prefectures that
have not submitted, overdue after the 15th.
"""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from jifu.audit import services as audit
from jifu.core.scoping import LEVEL_PREFIX_LENGTH
from jifu.regions.models import Region

from .choices import ActionKind, ReportStatus, VisitStatus
from .models import Action, AnnualReport, Highlight, SupervisionVisit

# Levels a visit may be paid to, and the day of the year the summary is due.
VISITED_LEVELS = ("prefecture", "county")
REPORT_DUE = (12, 15)
REPORT_LEVELS = ("province", "prefecture", "county")
FINAL_EXTENSIONS = (".docx", ".pdf")
MAX_FINAL_BYTES = 20 * 1024 * 1024
LEVEL_RANK = {level: i for i, level in enumerate(LEVEL_PREFIX_LENGTH)}


def _refuse(field: str | None, message: str):
    raise ValidationError({field: message} if field else message)


def _today() -> date:
    return timezone.localdate()


def _in_scope(actor, region: Region) -> bool:
    """Whether ``region`` lies within the actor's own region (the CLI: everywhere)."""
    if actor is None:
        return True
    prefix = actor.scope_prefix
    return prefix is not None and region.code.startswith(prefix)


def supervises(actor, region: Region) -> bool:
    """Whether the actor works at a level above ``region`` and over it."""
    if actor is None:
        return True
    return (
        actor.region_id is not None
        and _in_scope(actor, region)
        and LEVEL_RANK[actor.region.level] < LEVEL_RANK[region.level]
    )


def _not_future(field: str, day: date):
    if day > _today():
        _refuse(field, "日期不能晚于今天")


# --- supervision visits ---------------------------------------------------------------------


@transaction.atomic
def record_visit(
    *,
    actor,
    region: Region,
    visited_on: date,
    team: str,
    issues: str,
    rectification: str = "",
    due: date | None = None,
) -> SupervisionVisit:
    """督导: the level above records a visit, what it found and what must be put right by when."""
    if region.level not in VISITED_LEVELS:
        _refuse("region", "督导对象须为县（市、区）或市州")
    if not supervises(actor, region):
        _refuse("region", "只能督导本级管辖范围内的下级区划")
    _not_future("visited_on", visited_on)
    if not team.strip():
        _refuse("team", "请填写督导组")
    if not issues.strip():
        _refuse("issues", "请填写发现的问题")
    if due is not None and due < visited_on:
        _refuse("due", "整改期限不能早于督导日期")
    if due is not None and not rectification.strip():
        _refuse("rectification", "规定了整改期限，请填写整改要求")
    visit = SupervisionVisit.objects.create(
        region=region,
        region_code=region.code,
        visited_on=visited_on,
        team=team.strip(),
        issues=issues.strip(),
        rectification=rectification.strip(),
        due=due,
        status=VisitStatus.OPEN,
    )
    audit.record(
        "create",
        actor=actor,
        obj=visit,
        after={"visited_on": visited_on, "team": visit.team, "due": due},
        message="登记督导",
    )
    return visit


@transaction.atomic
def rectify(visit: SupervisionVisit, *, actor, rectified_on: date, result: str) -> SupervisionVisit:
    """The visited county (or the level above for it) reports the rectification done."""
    visit = SupervisionVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.OPEN:
        _refuse(None, f"督导状态为“{visit.get_status_display()}”，不能再报整改情况")
    if not _in_scope(actor, visit.region):
        _refuse(None, "不在您的管辖范围内")
    _not_future("rectified_on", rectified_on)
    if rectified_on < visit.visited_on:
        _refuse("rectified_on", "整改完成日期不能早于督导日期")
    if not result.strip():
        _refuse("result", "请填写整改情况")
    before = {"status": visit.status}
    visit.status = VisitStatus.RECTIFIED
    visit.rectified_on = rectified_on
    visit.result = result.strip()
    visit.save(update_fields=["status", "rectified_on", "result"])
    audit.record(
        "update",
        actor=actor,
        obj=visit,
        before=before,
        after={"status": visit.status, "rectified_on": rectified_on},
        message="报送整改情况",
    )
    return visit


@transaction.atomic
def close_visit(
    visit: SupervisionVisit,
    *,
    actor,
    accept: bool = True,
    note: str = "",
    due: date | None = None,
) -> SupervisionVisit:
    """The supervising level accepts the rectification (销号) or sends it back (整改中
    again, with ``note`` added to the record and, if given, a new due date)."""
    visit = SupervisionVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.RECTIFIED:
        _refuse(None, f"督导状态为“{visit.get_status_display()}”，须先报送整改情况")
    if not supervises(actor, visit.region):
        _refuse(None, "销号或退回须由督导的上级部门办理")
    before = {"status": visit.status, "due": visit.due}
    if accept:
        visit.status = VisitStatus.CLOSED
        if note.strip():
            visit.result = f"{visit.result}\n【销号意见】{note.strip()}".strip()
        message = "整改销号"
    else:
        if not note.strip():
            _refuse("note", "退回整改请说明理由")
        if due is not None and due < _today():
            _refuse("due", "新的整改期限不能早于今天")
        visit.status = VisitStatus.OPEN
        visit.result = f"{visit.result}\n【退回整改】{note.strip()}".strip()
        visit.rectified_on = None
        if due is not None:
            visit.due = due
        message = "退回整改"
    visit.save(update_fields=["status", "result", "rectified_on", "due"])
    audit.record(
        "update",
        actor=actor,
        obj=visit,
        before=before,
        after={"status": visit.status, "due": visit.due},
        message=message,
    )
    return visit


def overdue(queryset=None, *, on: date | None = None):
    """Visits still 整改中 after their due date (``queryset`` defaults to all visits)."""
    queryset = SupervisionVisit.objects.all() if queryset is None else queryset
    return queryset.filter(status=VisitStatus.OPEN, due__isnull=False, due__lt=on or _today())


# --- commendations and accountability -------------------------------------------------------


@transaction.atomic
def record_action(
    *,
    actor,
    region: Region,
    kind: str,
    decided_on: date,
    subject: str,
    reason: str,
    document: str = "",
    visit: SupervisionVisit | None = None,
) -> Action:
    """表扬激励 or 通报问责 of a region (the people or offices named), perhaps after a visit."""
    if kind not in ActionKind.values:
        _refuse("kind", "类型不正确")
    if not _in_scope(actor, region):
        _refuse("region", "区划不在您的管辖范围内")
    _not_future("decided_on", decided_on)
    if not subject.strip():
        _refuse("subject", "请填写对象")
    if not reason.strip():
        _refuse("reason", "请填写事由")
    if visit is not None and not region.code.startswith(visit.region.prefix):
        # Within the visited region: whoever reads the visit reads its actions.
        _refuse("visit", "表扬或问责的区划须在关联督导的被督导区划范围内")
    action = Action.objects.create(
        region=region,
        region_code=region.code,
        kind=kind,
        decided_on=decided_on,
        subject=subject.strip(),
        reason=reason.strip(),
        document=document.strip(),
        visit=visit,
    )
    audit.record(
        "create",
        actor=actor,
        obj=action,
        after={"kind": kind, "subject": action.subject, "document": action.document},
        message=f"登记{action.get_kind_display()}",
    )
    return action


# --- highlights ------------------------------------------------------------------------------


@transaction.atomic
def submit_highlight(*, actor, region: Region, title: str, body: str) -> Highlight:
    """亮点经验: any office submits good practice of its area, at any time."""
    if not _in_scope(actor, region):
        _refuse("region", "区划不在您的管辖范围内")
    if not title.strip():
        _refuse("title", "请填写标题")
    if not body.strip():
        _refuse("body", "请填写内容")
    highlight = Highlight.objects.create(
        region=region,
        region_code=region.code,
        title=title.strip(),
        body=body.strip(),
        submitted_on=_today(),
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record("create", actor=actor, obj=highlight, after={"title": highlight.title})
    return highlight


# --- the annual work summary -----------------------------------------------------------------


def report_deadline(year: int) -> date:
    return date(year, *REPORT_DUE)


def report_as_of(year: int, today: date | None = None) -> date:
    """The report's "as of" day: the year's last day, or today while the year runs."""
    return min(date(year, 12, 31), today or _today())


def summaries_built() -> bool:
    from .summaries import as_of_state

    state = as_of_state()
    return state is not None and state.rebuilt_at is not None


@transaction.atomic
def generate_report(region: Region, year: int, *, actor=None) -> tuple[AnnualReport, bytes]:
    """Build the draft (.docx bytes) and create or update the region's AnnualReport row.

    A report already submitted stays submitted: a new draft does not withdraw it.
    """
    from . import report

    if region.level not in REPORT_LEVELS:
        _refuse("region", "年度工作总结须为省、市州或县（市、区）")
    if not _in_scope(actor, region):
        _refuse("region", "区划不在您的管辖范围内")
    if year > _today().year:
        _refuse("year", "年度不能晚于今年")
    content = report.render(region, year, as_of=report_as_of(year))
    row, created = AnnualReport.objects.select_for_update().get_or_create(
        region_code=region.code, year=year, defaults={"region": region}
    )
    row.generated_at = timezone.now()
    row.save(update_fields=["generated_at"])
    audit.record(
        "export",
        actor=actor,
        obj=row,
        after={"year": year, "bytes": len(content), "status": row.status},
        message="生成年度工作总结草稿",
    )
    return row, content


def report_storage() -> FileSystemStorage:
    """Where signed finals are kept: under MEDIA_ROOT, which no URL serves, owner-only.

    Files are read back only through the report download view, which looks the
    report up within the user's scope.
    """
    return FileSystemStorage(
        location=settings.MEDIA_ROOT,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def final_filename(region: Region, year: int, extension: str) -> str:
    return f"{region.name}{year}年度技能扶贫工作总结{extension}"


@transaction.atomic
def upload_final(region: Region, year: int, upload, *, actor) -> AnnualReport:
    """Store the signed final (.docx or .pdf) of the actor's own region and mark it 已报送."""
    if region.level not in REPORT_LEVELS:
        _refuse("region", "年度工作总结须为省、市州或县（市、区）")
    if actor is not None and actor.region_id != region.pk:
        _refuse(None, "只能上传本级的年度工作总结")
    if year > _today().year:
        _refuse("year", "年度不能晚于今年")
    extension = Path(upload.name or "").suffix.lower()
    if extension not in FINAL_EXTENSIONS:
        _refuse("file", "只能上传 .docx 或 .pdf 文件")
    if upload.size > MAX_FINAL_BYTES:
        _refuse("file", "文件超过 20 MB 上限")
    if upload.size == 0:
        _refuse("file", "文件为空")
    _check_content(upload, extension)
    row, _created = AnnualReport.objects.select_for_update().get_or_create(
        region_code=region.code, year=year, defaults={"region": region}
    )
    before = {"status": row.status, "file": row.final_file.name or None}
    storage = report_storage()
    old_name = row.final_file.name
    # The stored name says nothing of the uploader's file name: region, year, a random part.
    name = storage.save(f"reports/{year}/{region.code}-{os.urandom(6).hex()}{extension}", upload)
    try:
        row.final_file.name = name
        row.status = ReportStatus.SUBMITTED
        row.submitted_at = timezone.now()
        row.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save(update_fields=["final_file", "status", "submitted_at", "submitted_by"])
        audit.record(
            "update",
            actor=actor,
            obj=row,
            before=before,
            after={"status": row.status, "file": name, "bytes": upload.size},
            message="上传签发版，年度工作总结已报送",
        )
    except Exception:
        storage.delete(name)  # the row did not change: no file without a row
        raise
    if old_name and old_name != name:
        # Replaced by a new signed version: the old file goes once the change commits.
        transaction.on_commit(lambda: storage.delete(old_name))
    return row


def _check_content(upload, extension: str) -> None:
    """The file is what its extension says: a .docx is a zip, a .pdf starts with %PDF."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".pdf" and not head.startswith(b"%PDF-"):
        _refuse("file", "文件不是有效的 PDF")
    if extension == ".docx" and not head.startswith(b"PK\x03\x04"):
        _refuse("file", "文件不是有效的 Word（.docx）文档")


def open_final(row: AnnualReport):
    """The stored signed final, opened for reading (the caller closes it)."""
    if not row.final_file.name:
        raise FileNotFoundError(row.pk)
    return report_storage().open(row.final_file.name, "rb")


@dataclass
class ReportState:
    """One region's annual summary for a year, as the report list shows it."""

    region: Region
    report: AnnualReport | None
    required: bool  # prefectures must submit; counties and the province may
    overdue: bool

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status == ReportStatus.SUBMITTED


def report_states(year: int, *, user=None, on: date | None = None) -> list[ReportState]:
    """The prefectures (every one in the user's scope) and any other region with a
    report row, for ``year``; a prefecture not submitted by 15 December is overdue."""
    late = (on or _today()) > report_deadline(year)
    reports = AnnualReport.objects.filter(year=year).select_related("submitted_by", "region")
    prefectures = Region.objects.filter(level="prefecture")
    if user is not None:
        reports = reports.restrict(user)
        prefectures = prefectures.filter(pk__in=Region.objects.restrict(user).values("pk"))
    by_code = {r.region_code: r for r in reports}
    states = []
    for region in prefectures.order_by("code"):
        row = by_code.pop(region.code, None)
        submitted = row is not None and row.status == ReportStatus.SUBMITTED
        states.append(ReportState(region, row, True, late and not submitted))
    for row in sorted(by_code.values(), key=lambda r: r.region_code):
        states.append(ReportState(row.region, row, False, False))
    return sorted(states, key=lambda s: s.region.code)


def missing_reports(year: int, *, user=None, on: date | None = None) -> list[ReportState]:
    """Prefectures without a submitted summary for ``year`` (``overdue`` after 15 December)."""
    return [s for s in report_states(year, user=user, on=on) if s.required and not s.submitted]
