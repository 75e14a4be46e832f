"""Employment and entrepreneurship: who employs poor labourers, the jobs they took,
whether they kept them, the organised transfers and the businesses they started.

Rows about a person carry the person's ``village_code`` (the scope of township
and village cadres); rows about an employer carry the employer's credit code
(employer users see their own organisation only). A placement also belongs to
the institution whose class led to it, so the institution follows its trainees.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet

from .choices import (
    Channel,
    CommitmentKind,
    EmployerKind,
    EmployerStatus,
    EmploymentPlace,
    FollowUpState,
    JobStatus,
    LeaveReason,
    PlacementStatus,
    RecommendationStatus,
    StartupKind,
    StartupStatus,
)

FOLLOW_UP_MONTHS = 12  # each placement is followed up monthly for a year


def grace_days() -> int:
    """Days after its due date before a follow-up counts as overdue."""
    return settings.JIFU_FOLLOWUP_GRACE_DAYS


class Employer(models.Model):
    """用人单位: an enterprise, cooperative, 扶贫车间 or labour-service company."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=20, choices=EmployerKind.choices)
    industry = models.CharField(_("所属行业"), max_length=60, blank=True)
    # The Gansu county (or township/village) office that registered the employer
    # and works with it; an employer elsewhere in China is registered by the
    # county that sends workers to it.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("管理区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("管理区划代码"), max_length=12, db_index=True)
    province = models.CharField(_("所在省份"), max_length=20, default="甘肃省")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=EmployerStatus.choices, default=EmployerStatus.ACTIVE
    )
    # The account subsidies are paid into (encrypted like every account number).
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account_enc = models.TextField(_("收款账号（密文）"), blank=True)
    bank_account_masked = models.CharField(_("收款账号"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"
    scope_org_field = "credit_code"
    # Villages and townships recommend their people to any employer of the county.
    scope_widen_to = "county"

    class Meta:
        ordering = ["name"]
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("employment:employer_detail", args=[self.pk])


class Commitment(models.Model):
    """What an employer offers poor trainees and students: internships, scholarships, priority hiring."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("用人单位"), on_delete=models.CASCADE, related_name="commitments"
    )
    kind = models.CharField(_("承诺类型"), max_length=20, choices=CommitmentKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    places = models.PositiveIntegerField(_("名额/岗位数"), default=0)
    amount = models.DecimalField(
        _("金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "employer__region_code"
    scope_org_field = "employer__credit_code"
    scope_widen_to = "county"

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("用人单位承诺")
        verbose_name_plural = _("用人单位承诺")

    def __str__(self):
        return f"{self.employer} {self.get_kind_display()} {self.year}"

    def get_absolute_url(self):
        return self.employer.get_absolute_url()


class LabourBrand(models.Model):
    """劳务品牌: a county's recognised group of workers (e.g. its cooks)."""

    name = models.CharField(_("品牌名称"), max_length=60)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("所属区划代码"), max_length=12, db_index=True)
    occupation = models.ForeignKey(
        "training.Occupation",
        verbose_name=_("职业(工种)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("简介"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"
    scope_widen_to = "county"

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("劳务品牌")
        verbose_name_plural = _("劳务品牌")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "name"], name="one_brand_name_per_region"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("employment:brand_list") + f"?q={self.name}"


class LabourExportProgram(models.Model):
    """劳务输转: an organised transfer of workers to a destination and employer."""

    name = models.CharField(_("项目名称"), max_length=100)
    brand = models.ForeignKey(
        LabourBrand,
        verbose_name=_("劳务品牌"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programs",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("组织区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("组织区划代码"), max_length=12, db_index=True)
    destination_province = models.CharField(_("输入省份"), max_length=20)
    destination_city = models.CharField(_("输入城市"), max_length=40, blank=True)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("用人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="export_programs",
    )
    start_date = models.DateField(_("输转日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    planned_count = models.PositiveIntegerField(_("计划输转人数"), default=0)
    note = models.TextField(_("备注"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"
    scope_org_field = "employer__credit_code"
    scope_widen_to = "county"

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("劳务输转项目")
        verbose_name_plural = _("劳务输转项目")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("employment:program_detail", args=[self.pk])


class JobPost(models.Model):
    """招聘岗位 an employer offers, published for a county's labourers."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="jobs"
    )
    title = models.CharField(_("岗位名称"), max_length=60)
    occupation = models.ForeignKey(
        "training.Occupation",
        verbose_name=_("职业(工种)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    wage_min = models.DecimalField(
        _("月工资下限(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    wage_max = models.DecimalField(
        _("月工资上限(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    place = models.CharField(_("工作地点"), max_length=16, choices=EmploymentPlace.choices)
    location = models.CharField(_("详细地点"), max_length=100, blank=True)
    headcount = models.PositiveIntegerField(_("招聘人数"))
    posted_on = models.DateField(_("发布日期"))
    closes_on = models.DateField(_("截止日期"), null=True, blank=True)
    requirements = models.TextField(_("岗位要求"), blank=True)
    # The county whose labourers the post is published for (the employer's by default).
    region_code = models.CharField(_("发布区划代码"), max_length=12, db_index=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.OPEN
    )

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"
    scope_org_field = "employer__credit_code"
    scope_widen_to = "county"

    class Meta:
        ordering = ["-posted_on", "id"]
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")

    def __str__(self):
        return f"{self.employer.name} {self.title}"

    def get_absolute_url(self):
        return reverse("employment:job_detail", args=[self.pk])


class Recommendation(models.Model):
    """岗位推荐: a registry labourer put forward for a job post."""

    job = models.ForeignKey(
        JobPost,
        verbose_name=_("招聘岗位"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("推荐人员"),
        on_delete=models.PROTECT,
        related_name="job_recommendations",
    )
    village_code = models.CharField(_("所在村代码"), max_length=12, db_index=True)
    recommended_on = models.DateField(_("推荐日期"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.RECOMMENDED,
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = "job__employer__credit_code"

    class Meta:
        ordering = ["-recommended_on", "id"]
        verbose_name = _("岗位推荐")
        verbose_name_plural = _("岗位推荐")
        constraints = [
            models.UniqueConstraint(fields=["job", "person"], name="one_recommendation_per_job")
        ]

    def __str__(self):
        return f"{self.person} → {self.job}"

    def get_absolute_url(self):
        return self.job.get_absolute_url()


class PlacementQuerySet(RestrictedQuerySet):
    def current(self):
        return self.filter(status=PlacementStatus.EMPLOYED)


class Placement(models.Model):
    """就业安置: a job a registry person took (and, once known, left)."""

    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    village_code = models.CharField(_("所在村代码"), max_length=12, db_index=True)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("用人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    # Always filled: a self-employed person or an employer not in jifu has a name only.
    employer_name = models.CharField(_("用人单位名称"), max_length=100)
    job = models.ForeignKey(
        JobPost,
        verbose_name=_("招聘岗位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placements",
    )
    export_program = models.ForeignKey(
        LabourExportProgram,
        verbose_name=_("劳务输转项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placements",
    )
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("关联培训班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    start_date = models.DateField(_("入职日期"))
    end_date = models.DateField(_("离岗日期"), null=True, blank=True)
    place = models.CharField(_("就业地点"), max_length=16, choices=EmploymentPlace.choices)
    province = models.CharField(_("就业省份"), max_length=20)
    location = models.CharField(_("详细地点"), max_length=100, blank=True)
    monthly_wage = models.DecimalField(
        _("月工资(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    has_contract = models.BooleanField(_("签订劳动合同"), default=False)
    channel = models.CharField(_("就业渠道"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.EMPLOYED
    )
    leave_reason = models.CharField(
        _("离岗原因"), max_length=16, choices=LeaveReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = ("employer__credit_code", "training_class__institution__credit_code")

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("就业安置")
        verbose_name_plural = _("就业安置")
        constraints = [
            # One job start per person and day: what makes re-imports idempotent.
            models.UniqueConstraint(fields=["person", "start_date"], name="one_placement_per_day"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="placement_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["person", "start_date"], name="placement_person_idx")]

    def __str__(self):
        return f"{self.person} · {self.employer_name}"

    def get_absolute_url(self):
        return reverse("employment:placement_detail", args=[self.pk])

    def months_after_start(self, months: int) -> date:
        return self.start_date + relativedelta(months=months)


class FollowUpQuerySet(RestrictedQuerySet):
    def pending(self):
        return self.filter(done_on__isnull=True, cancelled=False)

    def due(self, on: date | None = None):
        """Pending and due, still within the grace days."""
        from datetime import timedelta

        on = on or date.today()
        return self.pending().filter(due_on__lte=on, due_on__gte=on - timedelta(days=grace_days()))

    def overdue(self, on: date | None = None):
        from datetime import timedelta

        on = on or date.today()
        return self.pending().filter(due_on__lt=on - timedelta(days=grace_days()))


class FollowUp(models.Model):
    """One monthly follow-up (回访) of a placement: still employed? wage? why left?"""

    placement = models.ForeignKey(
        Placement, verbose_name=_("就业安置"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    village_code = models.CharField(_("所在村代码"), max_length=12, db_index=True)
    month_no = models.PositiveSmallIntegerField(_("第几月"))
    due_on = models.DateField(_("应回访日期"), db_index=True)
    done_on = models.DateField(_("回访日期"), null=True, blank=True)
    still_employed = models.BooleanField(_("仍在岗"), null=True, blank=True)
    monthly_wage = models.DecimalField(
        _("月工资(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    leave_reason = models.CharField(
        _("离岗原因"), max_length=16, choices=LeaveReason.choices, blank=True
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Follow-ups after the person left are no longer needed.
    cancelled = models.BooleanField(_("无需回访"), default=False)

    objects = FollowUpQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = (
        "placement__employer__credit_code",
        "placement__training_class__institution__credit_code",
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("就业回访")
        verbose_name_plural = _("就业回访")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "month_no"], name="one_follow_up_per_month"
            )
        ]

    def __str__(self):
        return f"{self.placement} · {self.month_no}"

    def get_absolute_url(self):
        return self.placement.get_absolute_url()

    def state(self, on: date | None = None) -> str:
        from datetime import timedelta

        on = on or date.today()
        if self.cancelled:
            return FollowUpState.CANCELLED
        if self.done_on:
            return FollowUpState.DONE
        if self.due_on < on - timedelta(days=grace_days()):
            return FollowUpState.OVERDUE
        if self.due_on <= on:
            return FollowUpState.DUE
        return FollowUpState.UPCOMING

    def get_state_display(self):
        return FollowUpState(self.state()).label


class WorkBasedTraining(models.Model):
    """以工代训: one month in which an employer employed and trained a poor labourer on the job.

    One row per employer, person and month; the subsidies app claims from these.
    """

    employer = models.ForeignKey(
        Employer,
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        related_name="work_based_training",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="work_based_training",
    )
    placement = models.ForeignKey(
        Placement, verbose_name=_("就业安置"), on_delete=models.PROTECT, related_name="+"
    )
    village_code = models.CharField(_("所在村代码"), max_length=12, db_index=True)
    month = models.DateField(_("月份"))  # the first day of the month
    occupation = models.ForeignKey(
        "training.Occupation",
        verbose_name=_("培训工种"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    training_hours = models.PositiveSmallIntegerField(_("培训课时"), default=0)
    mentor = models.CharField(_("带教师傅"), max_length=40, blank=True)
    wage = models.DecimalField(_("当月工资(元)"), max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = "employer__credit_code"

    class Meta:
        ordering = ["-month", "id"]
        verbose_name = _("以工代训")
        verbose_name_plural = _("以工代训")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "person", "month"], name="one_work_training_month"
            )
        ]

    def __str__(self):
        return f"{self.person} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("employment:worktraining_list") + f"?employer={self.employer_id}"


class Startup(models.Model):
    """创业: a business a registry person started, its support and the jobs it made."""

    founder = models.ForeignKey(
        "registry.Person",
        verbose_name=_("创业人"),
        on_delete=models.PROTECT,
        related_name="startups",
    )
    village_code = models.CharField(_("创业人所在村代码"), max_length=12, db_index=True)
    name = models.CharField(_("经营实体名称"), max_length=100)
    kind = models.CharField(_("经营实体类型"), max_length=16, choices=StartupKind.choices)
    industry = models.CharField(_("经营行业"), max_length=60, blank=True)
    registration_no = models.CharField(_("登记注册号"), max_length=30, blank=True)
    started_on = models.DateField(_("创业日期"))
    place = models.ForeignKey(
        "regions.Region", verbose_name=_("经营地点"), on_delete=models.PROTECT, related_name="+"
    )
    place_code = models.CharField(_("经营地点区划代码"), max_length=12, db_index=True)
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("创业培训班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="startups",
    )
    incubated = models.BooleanField(_("入驻创业孵化基地"), default=False)
    loan_amount = models.DecimalField(
        _("创业担保贷款(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    subsidy_amount = models.DecimalField(
        _("创业补贴(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    other_support = models.CharField(_("其他扶持"), max_length=200, blank=True)
    jobs_created = models.PositiveIntegerField(_("带动就业人数"), default=0)
    poor_jobs_created = models.PositiveIntegerField(_("带动贫困劳动力就业人数"), default=0)
    status = models.CharField(
        _("经营状态"), max_length=10, choices=StartupStatus.choices, default=StartupStatus.OPERATING
    )
    closed_on = models.DateField(_("停业日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = "training_class__institution__credit_code"

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("创业实体")
        verbose_name_plural = _("创业实体")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("employment:startup_detail", args=[self.pk])

    @property
    def is_leader(self) -> bool:
        """创业带头人: an operating business employing enough poor labourers (a setting)."""
        return (
            self.status == StartupStatus.OPERATING
            and self.poor_jobs_created >= settings.JIFU_LEADER_MIN_POOR_JOBS
        )


class StartupFollowUp(models.Model):
    """创业回访: is the business still operating, how many does it employ."""

    startup = models.ForeignKey(
        Startup, verbose_name=_("创业实体"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    village_code = models.CharField(_("创业人所在村代码"), max_length=12, db_index=True)
    visited_on = models.DateField(_("回访日期"))
    operating = models.BooleanField(_("正常经营"))
    jobs = models.PositiveIntegerField(_("带动就业人数"), default=0)
    poor_jobs = models.PositiveIntegerField(_("带动贫困劳动力就业人数"), default=0)
    monthly_revenue = models.DecimalField(
        _("月营业额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = "startup__training_class__institution__credit_code"

    class Meta:
        ordering = ["-visited_on", "id"]
        verbose_name = _("创业回访")
        verbose_name_plural = _("创业回访")

    def __str__(self):
        return f"{self.startup} {self.visited_on}"

    def get_absolute_url(self):
        return self.startup.get_absolute_url()
