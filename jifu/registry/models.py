"""Households and persons: the real-name registry (一库五名单).

ID numbers, phones and bank accounts are stored only encrypted (``*_enc``),
found by a blind index (``*_bidx``) and shown by their masked form
(``*_masked``); nothing in these tables holds them in clear text. Every row
carries the 12-digit ``village_code`` of its village, so a user's scope is one
prefix filter.
"""

from datetime import date

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet

from .choices import (
    ABLE_TO_WORK,
    LABOUR_AGE,
    Education,
    EmploymentPlace,
    EmploymentStatus,
    FiveList,
    Gender,
    Health,
    LabourAbility,
    OutreachKind,
    PersonStatus,
    PlanStatus,
    PovertyStatus,
    Relation,
)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class HouseholdQuerySet(RestrictedQuerySet):
    pass


class Household(models.Model):
    """A household (户) of the national poverty registration system."""

    household_no = models.CharField(_("户编号"), max_length=32, unique=True)
    village_code = models.CharField(_("村区划代码"), max_length=12, db_index=True)
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="households"
    )
    poverty_status = models.CharField(_("贫困户属性"), max_length=16, choices=PovertyStatus.choices)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    head = models.ForeignKey(
        "Person",
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("住址"), max_length=200, blank=True)
    resettled = models.BooleanField(_("易地扶贫搬迁户"), default=False)
    helping_cadre = models.CharField(_("帮扶责任人"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    scope_region_field = "village_code"

    class Meta:
        ordering = ["household_no"]
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")

    def __str__(self):
        return self.household_no

    def get_absolute_url(self):
        return reverse("registry:household_detail", args=[self.pk])

    def status_on(self, day: date) -> str | None:
        """The poverty status the household had on ``day`` (None if unknown then)."""
        period = (
            self.status_periods.filter(valid_from__lte=day)
            .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )
        return period.status if period else None


class HouseholdStatusPeriod(models.Model):
    """The household's poverty status over time, so that "was this person a
    registered poor labourer on the day of enrolment?" has an answer."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="status_periods"
    )
    status = models.CharField(_("贫困户属性"), max_length=16, choices=PovertyStatus.choices)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)

    class Meta:
        ordering = ["household", "valid_from"]
        verbose_name = _("贫困户属性变更")
        verbose_name_plural = _("贫困户属性变更")
        indexes = [models.Index(fields=["household", "valid_from"])]

    def __str__(self):
        return f"{self.household_id} {self.status} {self.valid_from}–{self.valid_to or ''}"


class PersonQuerySet(RestrictedQuerySet):
    def labour_force(self, on: date | None = None):
        """Active 16–60 year-olds able to work, on ``on`` (today by default)."""
        on = on or date.today()
        youngest_birth = years_before(on, LABOUR_AGE[0])
        oldest_birth = years_before(on, LABOUR_AGE[1] + 1)
        return self.filter(
            status=PersonStatus.ACTIVE,
            labour_ability__in=ABLE_TO_WORK,
            birth_date__lte=youngest_birth,
            birth_date__gt=oldest_birth,
        )

    def five_list(self, key: str, on: date | None = None):
        """One of the five lists (五名单) as a live filter over the labour force."""
        base = self.labour_force(on)
        filters = {
            FiveList.EMPLOYED: {"employment_status": EmploymentStatus.EMPLOYED},
            FiveList.UNEMPLOYED: {"employment_status": EmploymentStatus.UNEMPLOYED},
            FiveList.WANTS_TRAINING: {"wants_training": True},
            FiveList.WANTS_JOB: {"wants_job": True},
            FiveList.WANTS_BUSINESS: {"wants_business": True},
        }
        return base.filter(**filters[FiveList(key)])


class Person(models.Model):
    """A member of a registered household; the labour force is derived, not stored."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="members"
    )
    village_code = models.CharField(_("村区划代码"), max_length=12, db_index=True)
    name = models.CharField(_("姓名"), max_length=60)
    name_initials = models.CharField(_("拼音首字母"), max_length=60, blank=True, db_index=True)
    id_number_enc = models.TextField(_("身份证号码（密文）"))
    id_number_bidx = models.CharField(_("身份证号码索引"), max_length=80, unique=True)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), db_index=True)
    ethnicity = models.CharField(_("民族"), max_length=10, blank=True)
    relation_to_head = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    education = models.CharField(
        _("文化程度"), max_length=16, choices=Education.choices, blank=True
    )
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    phone_bidx = models.CharField(_("联系电话索引"), max_length=80, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    health = models.CharField(_("健康状况"), max_length=16, choices=Health.choices, blank=True)
    labour_ability = models.CharField(_("劳动能力"), max_length=16, choices=LabourAbility.choices)
    employment_status = models.CharField(
        _("就业状态"), max_length=16, choices=EmploymentStatus.choices, blank=True, db_index=True
    )
    employment_place = models.CharField(
        _("就业地点"), max_length=16, choices=EmploymentPlace.choices, blank=True
    )
    employer = models.CharField(_("务工单位"), max_length=100, blank=True)
    monthly_income = models.DecimalField(
        _("月收入(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    wants_training = models.BooleanField(_("有培训意愿"), default=False)
    # "|家政服务员|电工|": delimited so that one occupation is found with a
    # plain LIKE on every database (SQLite has no JSON containment).
    wanted_occupations = models.CharField(_("意愿培训工种"), max_length=300, blank=True)
    wants_job = models.BooleanField(_("有就业意愿"), default=False)
    wants_business = models.BooleanField(_("有创业意愿"), default=False)
    bank_account_enc = models.TextField(_("银行账号（密文）"), blank=True)
    bank_account_bidx = models.CharField(
        _("银行账号索引"), max_length=80, blank=True, db_index=True
    )
    bank_account_masked = models.CharField(_("银行账号"), max_length=40, blank=True)
    status = models.CharField(
        _("人员状态"), max_length=8, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_date = models.DateField(_("状态日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    scope_region_field = "village_code"

    class Meta:
        ordering = ["village_code", "household_id", "id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [
            models.Index(
                fields=["village_code", "status", "labour_ability", "birth_date"],
                name="person_labour_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:person_detail", args=[self.pk])

    def age_on(self, day: date | None = None) -> int:
        day = day or date.today()
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )

    @property
    def age(self) -> int:
        return self.age_on()

    def is_labourer(self, on: date | None = None) -> bool:
        return (
            self.status == PersonStatus.ACTIVE
            and self.labour_ability in ABLE_TO_WORK
            and LABOUR_AGE[0] <= self.age_on(on) <= LABOUR_AGE[1]
        )

    @property
    def wanted_occupation_list(self) -> list[str]:
        return [o for o in self.wanted_occupations.split("|") if o]


class HouseholdPlan(models.Model):
    """一户一策: the assistance plan of a household."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="plans"
    )
    village_code = models.CharField(_("村区划代码"), max_length=12, db_index=True)
    measures = models.TextField(_("帮扶措施"))
    responsible_cadre = models.CharField(_("帮扶责任人"), max_length=60)
    next_review = models.DateField(_("下次回访日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    scope_region_field = "village_code"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("一户一策")
        verbose_name_plural = _("一户一策")

    def __str__(self):
        return f"{self.household} {self.get_status_display()}"

    def get_absolute_url(self):
        return self.household.get_absolute_url()


class GuidanceRecord(models.Model):
    """职业指导: career guidance given to a person."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="guidance"
    )
    village_code = models.CharField(_("村区划代码"), max_length=12, db_index=True)
    date = models.DateField(_("指导日期"))
    counsellor = models.CharField(_("指导人员"), max_length=60)
    recommended_occupations = models.CharField(_("推荐职业(工种)"), max_length=300, blank=True)
    content = models.TextField(_("指导内容"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    scope_region_field = "village_code"

    class Meta:
        ordering = ["-date"]
        verbose_name = _("职业指导")
        verbose_name_plural = _("职业指导")

    def __str__(self):
        return f"{self.person} {self.date}"

    def get_absolute_url(self):
        return self.person.household.get_absolute_url()


class OutreachEvent(models.Model):
    """宣传动员: publicity and mobilisation in a township or village."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("乡镇或村"), on_delete=models.PROTECT
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    date = models.DateField(_("日期"))
    kind = models.CharField(_("方式"), max_length=16, choices=OutreachKind.choices)
    title = models.CharField(_("主题"), max_length=200)
    people_reached = models.PositiveIntegerField(_("覆盖人数"), default=0)
    notes = models.TextField(_("备注"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    scope_region_field = "region_code"

    class Meta:
        ordering = ["-date"]
        verbose_name = _("宣传动员")
        verbose_name_plural = _("宣传动员")

    def __str__(self):
        return f"{self.date} {self.title}"

    def get_absolute_url(self):
        return reverse("registry:outreach_list")
