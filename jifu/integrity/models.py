"""Findings of the integrity rules and what the county decided about them.

A finding is identified by its rule and its subjects (the fingerprint), so a
nightly scan that finds the same thing again updates ``last_seen`` rather than
adding a duplicate, and a decision survives rescans. Subjects are kept twice:
as JSON for display (masked labels, never a full ID or account number) and as
relations (persons, classes, claim lines) so that payment can be blocked by a
query.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet

from .choices import BLOCKING_STATUSES, FindingStatus, Rule, Severity


class FindingQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=[FindingStatus.NEW, FindingStatus.CHECKING])

    def blocking(self):
        return self.filter(status__in=BLOCKING_STATUSES)


class Finding(models.Model):
    rule = models.CharField(_("规则"), max_length=40, choices=Rule.choices, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    fingerprint = models.CharField(_("指纹"), max_length=64, unique=True)
    detail = models.TextField(_("说明"))
    # [{"kind": "person", "key": "<pk>", "label": "马文 6229**********0226"}, …]
    subjects = models.JSONField(_("涉及对象"), default=list)
    # The county the finding belongs to (its first person's or class's county).
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.NEW
    )
    reason = models.TextField(_("处理说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    first_seen = models.DateTimeField(_("首次发现"), auto_now_add=True)
    last_seen = models.DateTimeField(_("最近发现"))
    # False once a later scan no longer finds it (the data was corrected).
    present = models.BooleanField(_("最近一次扫描仍存在"), default=True)
    persons = models.ManyToManyField("registry.Person", related_name="+", blank=True)
    classes = models.ManyToManyField("training.TrainingClass", related_name="+", blank=True)
    lines = models.ManyToManyField("subsidies.ClaimLine", related_name="+", blank=True)

    objects = FindingQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["status", "-last_seen", "-id"]
        verbose_name = _("疑点")
        verbose_name_plural = _("疑点")
        permissions = [("decide_finding", "核查处理疑点")]

    def __str__(self):
        return f"{self.get_rule_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("integrity:finding_detail", args=[self.pk])


class ScanRun(models.Model):
    """One run of the rules: when, over which region, how long, what it found."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    trigger = models.CharField(_("触发"), max_length=40, blank=True)
    found = models.PositiveIntegerField(_("发现"), default=0)
    new = models.PositiveIntegerField(_("新增疑点"), default=0)
    seconds = models.FloatField(_("耗时(秒)"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("扫描记录")
        verbose_name_plural = _("扫描记录")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.found}"
