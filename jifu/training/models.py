"""Training: the occupation catalogue, institutions, classes and what happens in them.

Trainees are always persons of the registry. Rows carry the codes they are
scoped by: a class its place's ``place_code`` (and its institution's credit
code for institution users), an enrolment its trainee's ``village_code``.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet

from .choices import (
    AssessmentResult,
    AttendanceStatus,
    CertificateKind,
    ClassStatus,
    DeliveryMode,
    EnrolmentSource,
    EnrolmentStatus,
    InstitutionKind,
    InstitutionStatus,
    SignInMethod,
    SkillLevel,
    TrainingType,
)


class Occupation(models.Model):
    """An occupation (工种) of the national classification (职业分类大典)."""

    code = models.CharField(_("职业编码"), max_length=20, unique=True)
    name = models.CharField(_("职业(工种)"), max_length=60)
    group = models.CharField(_("类别"), max_length=40, blank=True)
    is_special_operation = models.BooleanField(_("特种作业/高危行业"), default=False)
    min_safety_hours = models.PositiveSmallIntegerField(_("最低安全课时"), default=0)
    key_industry = models.BooleanField(_("重点产业职业需求指导目录"), default=False)
    code_confidence = models.CharField(_("编码核实情况"), max_length=12, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    # Reference data: every logged-in user reads it (see training.roles).
    objects = RestrictedQuerySet.as_manager()
    scope_region_field = None
    scope_everyone = True

    class Meta:
        ordering = ["code"]
        verbose_name = _("职业(工种)")
        verbose_name_plural = _("职业(工种)")

    def __str__(self):
        return f"{self.name}（{self.code}）"


class Institution(models.Model):
    """A training institution (培训机构) and what it is licensed to teach."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("机构名称"), max_length=100)
    kind = models.CharField(_("机构类型"), max_length=20, choices=InstitutionKind.choices)
    licence_no = models.CharField(_("办学许可证号"), max_length=50, blank=True)
    licence_valid_until = models.DateField(_("许可证有效期至"), null=True, blank=True)
    occupations = models.ManyToManyField(
        Occupation, verbose_name=_("核准职业"), related_name="institutions", blank=True
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT
    )
    region_code = models.CharField(_("所在区划代码"), max_length=12, db_index=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=InstitutionStatus.choices,
        default=InstitutionStatus.ACTIVE,
    )
    # The account subsidies are paid into (encrypted like every account number).
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account_enc = models.TextField(_("收款账号（密文）"), blank=True)
    bank_account_masked = models.CharField(_("收款账号"), max_length=40, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "region_code"
    scope_org_field = "credit_code"
    scope_widen_to = "county"

    class Meta:
        ordering = ["name"]
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("training:institution_detail", args=[self.pk])


class TrainingClass(models.Model):
    """One class (培训班) and its workflow: 申报 → 审核 → 开班 → 结业 → 考核完成."""

    code = models.CharField(_("班级编号"), max_length=40, unique=True)
    institution = models.ForeignKey(
        Institution, verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="classes"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业(工种)"), on_delete=models.PROTECT, related_name="classes"
    )
    level = models.PositiveSmallIntegerField(
        _("等级"), choices=SkillLevel.choices, null=True, blank=True
    )
    training_type = models.CharField(_("培训类型"), max_length=20, choices=TrainingType.choices)
    delivery_mode = models.CharField(_("培训方式"), max_length=20, choices=DeliveryMode.choices)
    place = models.ForeignKey(
        "regions.Region", verbose_name=_("培训地点"), on_delete=models.PROTECT, related_name="+"
    )
    place_code = models.CharField(_("培训地点区划代码"), max_length=12, db_index=True)
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    start_date = models.DateField(_("开班日期"))
    end_date = models.DateField(_("结业日期"))
    theory_hours = models.PositiveSmallIntegerField(_("理论课时"), default=0)
    practice_hours = models.PositiveSmallIntegerField(_("实操课时"), default=0)
    safety_hours = models.PositiveSmallIntegerField(_("安全课时"), default=0)
    capacity = models.PositiveSmallIntegerField(_("计划人数"))
    teachers = models.CharField(_("授课教师"), max_length=200, blank=True)
    project = models.CharField(_("关联劳务输转或产业项目"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ClassStatus.choices, default=ClassStatus.DECLARED
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "place_code"
    scope_org_field = "institution__credit_code"
    # Villages and townships enrol their people in any class of their county.
    scope_widen_to = "county"

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="class_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.occupation.name}"

    def get_absolute_url(self):
        return reverse("training:class_detail", args=[self.pk])

    @property
    def total_hours(self) -> int:
        return self.theory_hours + self.practice_hours + self.safety_hours


class EnrolmentQuerySet(RestrictedQuerySet):
    def active(self):
        return self.exclude(status__in=[EnrolmentStatus.WITHDRAWN])


class Enrolment(models.Model):
    """A registry person's place in a class."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("学员"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    village_code = models.CharField(_("学员所在村代码"), max_length=12, db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    source = models.CharField(_("报名渠道"), max_length=12, choices=EnrolmentSource.choices)
    enrolled_on = models.DateField(_("报名日期"))
    # The phone an online applicant gave (to call back about the application).
    applicant_phone_enc = models.TextField(_("报名联系电话（密文）"), blank=True)
    applicant_phone_masked = models.CharField(_("报名联系电话"), max_length=20, blank=True)
    sessions_present = models.PositiveSmallIntegerField(_("出勤次数"), default=0)
    sessions_total = models.PositiveSmallIntegerField(_("应出勤次数"), default=0)

    objects = EnrolmentQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = "training_class__institution__credit_code"

    class Meta:
        ordering = ["training_class", "id"]
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "person"], name="one_enrolment_per_class"
            )
        ]

    def __str__(self):
        return f"{self.person} @ {self.training_class.code}"

    def get_absolute_url(self):
        return self.training_class.get_absolute_url()

    @property
    def attendance_rate(self) -> float | None:
        return self.sessions_present / self.sessions_total if self.sessions_total else None


class AttendanceSession(models.Model):
    """One session of a class (in imports, one training day)."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("日期"))
    seq = models.PositiveSmallIntegerField(_("节次"), default=1)
    sign_in_method = models.CharField(
        _("签到方式"), max_length=10, choices=SignInMethod.choices, default=SignInMethod.ROSTER
    )

    class Meta:
        ordering = ["date", "seq"]
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "date", "seq"], name="one_session_per_slot"
            )
        ]

    def __str__(self):
        return f"{self.date} #{self.seq}"


class Attendance(models.Model):
    session = models.ForeignKey(AttendanceSession, on_delete=models.CASCADE, related_name="records")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("出勤情况"), max_length=8, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_record_per_session")
        ]

    def __str__(self):
        return f"{self.enrolment_id} {self.status}"


class Assessment(models.Model):
    """结业考核 of one trainee."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="assessment")
    score = models.DecimalField(
        _("考核成绩"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    result = models.CharField(_("考核结果"), max_length=8, choices=AssessmentResult.choices)
    assessor = models.CharField(_("考核人"), max_length=60, blank=True)
    assessed_on = models.DateField(_("考核日期"))

    class Meta:
        verbose_name = _("结业考核")
        verbose_name_plural = _("结业考核")

    def __str__(self):
        return f"{self.enrolment_id} {self.result}"


class CertificateQuerySet(RestrictedQuerySet):
    pass


class Certificate(models.Model):
    """A certificate with a unique number (duplicates are refused at entry)."""

    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    kind = models.CharField(_("证书类型"), max_length=16, choices=CertificateKind.choices)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("持证人"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业(工种)"), on_delete=models.PROTECT
    )
    level = models.PositiveSmallIntegerField(
        _("等级"), choices=SkillLevel.choices, null=True, blank=True
    )
    issuer = models.CharField(_("发证机构"), max_length=100)
    issued_on = models.DateField(_("发证日期"))
    village_code = models.CharField(_("持证人所在村代码"), max_length=12, db_index=True)

    objects = CertificateQuerySet.as_manager()
    scope_region_field = "village_code"
    scope_org_field = "enrolment__training_class__institution__credit_code"

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")

    def __str__(self):
        return self.number


class Appraisal(models.Model):
    """职业技能鉴定: a skill appraisal a person sat (with or without a class)."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="appraisals"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业(工种)"), on_delete=models.PROTECT
    )
    level = models.PositiveSmallIntegerField(_("等级"), choices=SkillLevel.choices)
    appraised_on = models.DateField(_("鉴定日期"))
    passed = models.BooleanField(_("通过"))
    organisation = models.CharField(_("鉴定机构"), max_length=100)
    village_code = models.CharField(_("所在村代码"), max_length=12, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_region_field = "village_code"

    class Meta:
        ordering = ["-appraised_on"]
        verbose_name = _("职业技能鉴定")
        verbose_name_plural = _("职业技能鉴定")

    def __str__(self):
        return f"{self.person_id} {self.occupation_id} {self.level}"
