"""Web imports as background tasks: submit, run with progress, report, error workbook."""

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from openpyxl import Workbook
from openpyxl.styles import Font

from jifu.core.importing import UnusableFile
from jifu.core.models import ImportJob, ImportStatus
from jifu.regions import codes
from jifu.regions.lookup import canonical_code
from jifu.regions.models import Region

from . import importers

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@dataclass
class SubmitError(Exception):
    field: str
    message: str


def import_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def submit_person_import(
    upload, *, actor, county_code: str = "", dry_run: bool = False
) -> ImportJob:
    """Store the upload privately and queue its import within the user's scope."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise SubmitError("file", "文件超过 200 MB 上限")
    county = None
    if county_code:
        try:
            county = Region.objects.restrict(actor).get(
                code=canonical_code(county_code), level="county"
            )
        except (codes.RegionCodeError, Region.DoesNotExist):
            raise SubmitError("county", "县区划代码不存在或不在您的管辖范围内") from None
    elif actor.region.level == "county":
        county = actor.region
    suffix = Path(upload.name).suffix.lower()[:5]
    path = import_dir() / f"{uuid.uuid4().hex}{suffix}"
    # The upload holds personal data in clear: owner-only, deleted when the job ends.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job = ImportJob.objects.create(
        kind="persons",
        filename=Path(upload.name).name[:200],
        stored_path=str(path),
        scope_code=actor.region.code,
        county_code=county.code if county else "",
        dry_run=dry_run,
        created_by=actor,
    )
    transaction.on_commit(lambda: run_person_import.enqueue(job.pk))
    return job


@task()
def run_person_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by", "created_by__region").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    actor = job.created_by
    county = Region.objects.get(code=job.county_code) if job.county_code else None
    prefix = None if actor.scope_is_whole_deployment else actor.scope_prefix

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=rows)

    try:
        report = importers.import_persons(
            job.stored_path,
            actor=actor,
            county=county,
            scope_prefix=prefix,
            dry_run=job.dry_run,
            filename=job.filename,
            progress=progress,
        )
        job.report, job.status, job.rows_done = report.as_dict(), ImportStatus.DONE, report.rows
        if not job.dry_run and (report.created or report.updated):
            from jifu.core.importing import after_import

            after_import("persons", county.code if county else prefix or "")
    except UnusableFile as exc:
        job.status, job.message = ImportStatus.FAILED, exc.message_zh
    except Exception as exc:  # the job must end visibly, whatever happened
        job.status, job.message = ImportStatus.FAILED, f"导入失败：{type(exc).__name__}"
        raise
    finally:
        Path(job.stored_path).unlink(missing_ok=True)
        job.stored_path = ""
        job.finished_at = timezone.now()
        job.save(
            update_fields=["report", "status", "rows_done", "message", "stored_path", "finished_at"]
        )


def error_workbook_response(job: ImportJob):
    from django.http import HttpResponse

    wb = Workbook()
    ws = wb.active
    ws.title = "错误"
    ws.append(["行号", "列", "问题"])
    for error in job.report.get("errors", []):
        ws.append([error["row"], error["column"], error["message"]])
    warnings = wb.create_sheet("提示")
    warnings.append(["行号", "提示"])
    for warning in job.report.get("warnings", []):
        warnings.append([warning["row"], warning["message"]])
    for sheet in (ws, warnings):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["C" if sheet is ws else "B"].width = 80
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "贫困劳动力台账"
    ws.append(importers.TEMPLATE_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    # ID numbers, phones and accounts are text: Excel must not turn them into numbers.
    for letter in ("D", "G", "L", "X"):
        for row in range(2, 2001):
            ws[f"{letter}{row}"].number_format = "@"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_response():
    from django.http import HttpResponse

    response = HttpResponse(
        template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        "attachment; filename=\"ledger-template.xlsx\"; filename*=UTF-8''%E8%B4%AB%E5%9B%B0%E5%8A%B3%E5%8A%A8%E5%8A%9B%E5%8F%B0%E8%B4%A6%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response
