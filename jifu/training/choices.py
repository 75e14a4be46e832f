"""Dictionaries of training. Codes are stable; labels are the policy's words."""

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    TECHNICAL_SCHOOL = "technical_school", _("技工院校")
    PRIVATE = "private", _("民办职业培训机构")
    ENTERPRISE = "enterprise", _("企业")
    PUBLIC_BASE = "public_base", _("公共实训基地")
    HIGH_SKILL_BASE = "high_skill_base", _("高技能人才培训基地")
    INCUBATOR = "incubator", _("创业孵化基地")
    WORKSHOP = "workshop", _("就业扶贫车间")


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("撤销")


class TrainingType(models.TextChoices):
    EMPLOYMENT = "employment", _("就业技能培训")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业培训")
    PRE_JOB = "pre_job", _("岗前培训")
    APPRENTICESHIP = "apprenticeship", _("企业新型学徒制")
    UPGRADE = "upgrade", _("岗位技能提升")
    AGRICULTURE = "agriculture", _("农业实用技术")
    WOMEN = "women", _("居家妇女特色培训")
    WORK_BASED = "work_based", _("以工代训")


class DeliveryMode(models.TextChoices):
    CENTRAL = "central", _("集中办班")
    TO_VILLAGE = "to_village", _("送培训下乡")
    CARAVAN = "caravan", _("培训大篷车")
    MENTOR = "mentor", _("师带徒")
    WORKSHOP = "workshop", _("扶贫车间")
    ONLINE = "online", _("线上")


class ClassStatus(models.TextChoices):
    """申报 → 县人社局审核 → 开班 → 结业 → 考核完成 (or 退回 with reasons)."""

    DECLARED = "declared", _("已申报")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("已退回")
    RUNNING = "running", _("已开班")
    COMPLETED = "completed", _("已结业")
    ASSESSED = "assessed", _("考核完成")


class SkillLevel(models.IntegerChoices):
    """职业技能等级: 五级/初级工 (5) … 一级/高级技师 (1)."""

    LEVEL_5 = 5, _("五级/初级工")
    LEVEL_4 = 4, _("四级/中级工")
    LEVEL_3 = 3, _("三级/高级工")
    LEVEL_2 = 2, _("二级/技师")
    LEVEL_1 = 1, _("一级/高级技师")


_LEVEL_WORDS = {
    "五级": 5,
    "初级工": 5,
    "初级": 5,
    "5级": 5,
    "5": 5,
    "四级": 4,
    "中级工": 4,
    "中级": 4,
    "4级": 4,
    "4": 4,
    "三级": 3,
    "高级工": 3,
    "高级": 3,
    "3级": 3,
    "3": 3,
    "二级": 2,
    "技师": 2,
    "2级": 2,
    "2": 2,
    "一级": 1,
    "高级技师": 1,
    "1级": 1,
    "1": 1,
}


def parse_level(value) -> int | None:
    """A skill level written any of the ways ledgers write it (五级, 初级工,
    五级/初级工, 初级, 5, 5.0) → 5..1; blank → None; anything else → ValueError."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= int(value) <= 5:
            return int(value)
        raise ValueError(f"等级“{value}”应为 1–5")
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    if not text:
        return None
    parts = [p for p in re.split(r"[/／(（)）、]", text) if p]
    found = {
        _LEVEL_WORDS.get(p.removeprefix("职业技能等级").removesuffix("职业资格")) for p in parts
    }
    found.discard(None)
    if len(found) == 1:
        return found.pop()
    raise ValueError(f"无法识别的等级“{value}”（可写五级、初级工、五级/初级工或 5）")


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", _("待村镇确认")
    ENROLLED = "enrolled", _("在训")
    WITHDRAWN = "withdrawn", _("退训")
    COMPLETED = "completed", _("已结业")


class EnrolmentSource(models.TextChoices):
    PUBLIC = "public", _("网上报名")
    VILLAGE = "village", _("村报名")
    TOWNSHIP = "township", _("乡镇报名")
    INSTITUTION = "institution", _("机构报名")
    COUNTY = "county", _("县人社局")
    IMPORT = "import", _("导入")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出勤")
    ABSENT = "absent", _("缺勤")
    LEAVE = "leave", _("请假")


class SignInMethod(models.TextChoices):
    ROSTER = "roster", _("花名册签到")
    PHOTO = "photo", _("拍照签到")
    FACE = "face", _("人脸识别")
    APP = "app", _("手机应用")
    IMPORT = "import", _("导入（按天计）")


class AssessmentResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class CertificateKind(models.TextChoices):
    QUALIFICATION = "qualification", _("国家职业资格证书")
    SKILL_LEVEL = "skill_level", _("职业技能等级证书")
    SPECIAL = "special", _("专项职业能力证书")
    TRAINING = "training", _("培训合格证")
