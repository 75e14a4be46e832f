"""Dictionaries of targets, plans, progress and supervision. Codes are stable ASCII."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    """What the dashboards count; also the kinds of target."""

    TRAINEES = "trainees", _("培训人数")
    COMPLETIONS = "completions", _("结业人数")
    CERTIFICATES = "certificates", _("取得证书人数")
    EMPLOYED_AFTER_TRAINING = "employed_after_training", _("培训后就业人数")
    TRANSFER_EMPLOYMENT = "transfer_employment", _("转移就业人数")
    SUBSIDIES_PAID = "subsidies_paid", _("补贴发放金额(元)")
    TRAINED_PERSONS = "trained_persons", _("已培训劳动力")
    WANTING_UNTRAINED = "wanting_untrained", _("有培训意愿未培训劳动力")
    SCHOOL_STUDENTS = "school_students", _("技工院校在校生")
    COVERAGE = "coverage", _("应培尽培率")


# The kinds a target can be set for (coverage is a share, set in percent).
TARGET_KINDS = [
    Metric.TRAINEES,
    Metric.CERTIFICATES,
    Metric.TRANSFER_EMPLOYMENT,
    Metric.EMPLOYED_AFTER_TRAINING,
    Metric.SCHOOL_STUDENTS,
    Metric.COVERAGE,
]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    SUBMITTED = "submitted", _("已报送")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("退回修改")


class VisitStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    RECTIFIED = "rectified", _("已整改")
    CLOSED = "closed", _("已销号")


class ActionKind(models.TextChoices):
    COMMENDATION = "commendation", _("表扬激励")
    ACCOUNTABILITY = "accountability", _("通报问责")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("已生成草稿")
    SUBMITTED = "submitted", _("已报送")
