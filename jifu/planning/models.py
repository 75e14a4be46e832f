"""Targets, phases, annual plans, progress summaries, supervision and the annual report.

Dashboards never read the raw tables per request: ``ProgressFact`` holds the
monthly counts per township, rebuilt in the background (after imports, nightly,
or on request) with the time of the rebuild shown as "数据截至".
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet

from .choices import ActionKind, Metric, PlanStatus, ReportStatus, VisitStatus


class Phase(models.Model):
    """One of the four phases of the action, and the share of the target expected at its end."""

    name = models.CharField(_("阶段"), max_length=40)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    expected_share = models.DecimalField(
        _("阶段末应完成目标比例"),
        max_digits=5,
        decimal_places=4,
        help_text=_("0–1，累计"),
    )
    tasks = models.TextField(_("主要任务"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = None
    scope_everyone = True

    class Meta:
        ordering = ["start"]
        verbose_name = _("实施阶段")
        verbose_name_plural = _("实施阶段")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="phase_dates_ordered"
            )
        ]

    def __str__(self):
        return self.name


class Target(models.Model):
    """目标任务 for a region, year and kind; split down from the province to counties."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    # None: the whole action (2018–2020), as the notice sets the 900,000.
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    kind = models.CharField(_("指标"), max_length=30, choices=Metric.choices)
    training_type = models.CharField(_("培训类型"), max_length=20, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["region_code", "year", "kind"]
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        constraints = [
            # Two partial indexes rather than nulls_distinct=False, which SQLite lacks.
            models.UniqueConstraint(
                fields=["region_code", "year", "kind", "training_type"],
                condition=Q(year__isnull=False),
                name="one_target_per_region_year_kind",
            ),
            models.UniqueConstraint(
                fields=["region_code", "kind", "training_type"],
                condition=Q(year__isnull=True),
                name="one_action_target_per_region_kind",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_positive"),
        ]

    def __str__(self):
        return (
            f"{self.region_code} {self.year or '2018–2020'} {self.get_kind_display()} {self.value}"
        )

    def get_absolute_url(self):
        return reverse("planning:target_list") + f"?region={self.region_code}"


class AnnualPlan(models.Model):
    """年度计划: a county's training plan for a year, drafted from the registry."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("县代码"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    note = models.TextField(_("说明"), blank=True)
    review_note = models.TextField(_("审批意见"), blank=True)
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-year", "region_code"]
        verbose_name = _("年度培训计划")
        verbose_name_plural = _("年度培训计划")
        permissions = [("approve_annualplan", "批准年度培训计划")]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="one_plan_per_county_year")
        ]

    def __str__(self):
        return f"{self.region.name} {self.year} 年度培训计划"

    def get_absolute_url(self):
        return reverse("planning:plan_detail", args=[self.pk])


class PlanLine(models.Model):
    """One occupation in one township of a plan: who wants it, who had it, how many to train."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="lines")
    township = models.ForeignKey(
        "regions.Region", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    occupation = models.ForeignKey(
        "training.Occupation",
        verbose_name=_("职业(工种)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The wish as written in the registry when it names no catalogue occupation.
    wish = models.CharField(_("意愿工种"), max_length=60, blank=True)
    wanting = models.PositiveIntegerField(_("有意愿人数"), default=0)
    trained = models.PositiveIntegerField(_("已培训人数"), default=0)
    planned = models.PositiveIntegerField(_("计划培训人数"), default=0)
    capacity = models.PositiveIntegerField(_("可承接机构能力"), default=0)

    class Meta:
        ordering = ["plan", "township_id", "-wanting"]
        verbose_name = _("计划明细")
        verbose_name_plural = _("计划明细")

    def __str__(self):
        return f"{self.township_id} {self.occupation_id or self.wish} {self.planned}"


class ProgressFact(models.Model):
    """Monthly counts per township: the dashboards' only source.

    ``year``/``month`` 0 hold snapshots that have no month (labourers who want
    training and are not yet trained).
    """

    township_code = models.CharField(max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=30, choices=Metric.choices)
    training_type = models.CharField(max_length=20, blank=True)
    value = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))

    class Meta:
        indexes = [models.Index(fields=["metric", "year", "month", "township_code"])]

    def __str__(self):
        return f"{self.township_code} {self.year}-{self.month} {self.metric} {self.value}"


class SummaryState(models.Model):
    """When the summaries were last rebuilt (one row)."""

    rebuilt_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self):
        return str(self.rebuilt_at)


class SupervisionVisit(models.Model):
    """督导: a visit to a county, what was found, what must be put right by when."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("被督导县"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    visited_on = models.DateField(_("督导日期"))
    team = models.CharField(_("督导组"), max_length=200)
    issues = models.TextField(_("发现问题"))
    rectification = models.TextField(_("整改要求"), blank=True)
    due = models.DateField(_("整改期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.OPEN
    )
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    result = models.TextField(_("整改情况"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("督导")
        verbose_name_plural = _("督导")

    def __str__(self):
        return f"{self.region.name} {self.visited_on}"

    def get_absolute_url(self):
        return reverse("planning:visit_detail", args=[self.pk])

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return (
            self.status == VisitStatus.OPEN
            and self.due is not None
            and self.due < timezone.localdate()
        )


class Action(models.Model):
    """表扬激励 or 通报问责 the notice names, for a region (and the people or offices named)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ActionKind.choices)
    decided_on = models.DateField(_("日期"))
    subject = models.CharField(_("对象"), max_length=200)
    reason = models.TextField(_("事由"))
    document = models.CharField(_("文号"), max_length=100, blank=True)
    visit = models.ForeignKey(
        SupervisionVisit, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("表扬与问责")
        verbose_name_plural = _("表扬与问责")

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject}"

    def get_absolute_url(self):
        return reverse("planning:action_list")


class AnnualReport(models.Model):
    """年度技能扶贫工作总结 of a region for a year: the generated draft and the signed final."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    final_file = models.FileField(_("签发版"), upload_to="reports/", blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-year", "region_code"]
        verbose_name = _("年度工作总结")
        verbose_name_plural = _("年度工作总结")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="one_report_per_region_year"
            )
        ]

    def __str__(self):
        return f"{self.region.name} {self.year} 年度技能扶贫工作总结"

    def get_absolute_url(self):
        return reverse("planning:report_list") + f"?year={self.year}"


class Highlight(models.Model):
    """亮点经验: good practice any office may submit at any time."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    submitted_on = models.DateField(_("报送日期"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("亮点经验")
        verbose_name_plural = _("亮点经验")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("planning:highlight_list")
