"""Background import jobs, shared by every importer (registry persons first)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scoping import RestrictedQuerySet


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One uploaded file on its way through an importer.

    The uploaded file holds personal data in clear: it lives under
    ``VAR_DIR/imports`` only until the job ends and is then deleted; what
    remains is the report (row numbers, columns, messages — no ID numbers).
    """

    kind = models.CharField(_("导入类型"), max_length=32)
    filename = models.CharField(_("文件名"), max_length=200)
    stored_path = models.CharField(max_length=300, blank=True)
    scope_code = models.CharField(_("导入范围"), max_length=12, db_index=True)
    county_code = models.CharField(_("县区划代码"), max_length=12, blank=True)
    dry_run = models.BooleanField(_("试导入"), default=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    report = models.JSONField(_("导入报告"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    scope_region_field = "scope_code"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"

    def get_absolute_url(self):
        return reverse("registry:import_detail", args=[self.pk])
