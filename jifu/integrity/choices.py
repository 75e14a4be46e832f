"""Dictionaries of program integrity. Rule codes are the contract of ``jifu integrity scan --json``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    OVERLAPPING_ENROLMENT = "overlapping_enrolment", _("同一人参加日期重叠的培训班")
    TRAINEE_INELIGIBLE = "trainee_ineligible", _("学员不符合培训对象条件")
    SHARED_ACCOUNT = "shared_account", _("同一银行账号被多户使用")
    SHARED_PHONE = "shared_phone", _("同一手机号码被多户使用")
    CERTIFICATE_ANOMALY = "certificate_anomaly", _("证书异常")
    SUBSIDY_RULE_BREACH = "subsidy_rule_breach", _("补贴违反享受规则")
    IMPOSSIBLE_ATTENDANCE = "impossible_attendance", _("考勤记录不可能为真")
    INSTITUTION_OUT_OF_SCOPE = "institution_out_of_scope", _("培训机构超范围或超期办班")
    PLACEMENT_BEFORE_TRAINING_END = (
        "placement_before_training_end",
        _("培训结束前已入职却计为培训成果"),
    )
    OUT_OF_AREA_TRAINEES = "out_of_area_trainees", _("学员多来自外县且无劳务输转项目")


class Severity(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class FindingStatus(models.TextChoices):
    NEW = "new", _("待核查")
    CHECKING = "checking", _("核查中")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")


# Findings in these states hold the claim lines they touch.
BLOCKING_STATUSES = (FindingStatus.NEW, FindingStatus.CHECKING, FindingStatus.CONFIRMED)


class SubjectKind(models.TextChoices):
    PERSON = "person", _("人员")
    CLASS = "class", _("培训班")
    INSTITUTION = "institution", _("培训机构")
    CERTIFICATE = "certificate", _("证书")
    ACCOUNT = "account", _("账号")
    CLAIM_LINE = "claim_line", _("补贴明细")
