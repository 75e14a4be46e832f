"""Dictionaries of subsidies and funds. Codes are stable ASCII; labels are the policy's words."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubsidyItem(models.TextChoices):
    """补贴项目: what a claim line pays for."""

    TRAINING = "training", _("职业培训补贴")
    STARTUP_TRAINING = "startup_training", _("创业培训补贴")
    LIVING = "living", _("生活费补贴（含交通费）")
    APPRAISAL = "appraisal", _("职业技能鉴定补贴")
    WORK_BASED = "work_based", _("以工代训补贴")


class Unit(models.TextChoices):
    PERSON = "person", _("元/人")
    DAY = "day", _("元/人·天")
    MONTH = "month", _("元/人·月")


# The unit each item's standard is expressed in.
ITEM_UNIT = {
    SubsidyItem.TRAINING: Unit.PERSON,
    SubsidyItem.STARTUP_TRAINING: Unit.PERSON,
    SubsidyItem.LIVING: Unit.DAY,
    SubsidyItem.APPRAISAL: Unit.PERSON,
    SubsidyItem.WORK_BASED: Unit.MONTH,
}


class ClaimKind(models.TextChoices):
    CLASS = "class", _("培训机构按班申领")
    PERSON = "person", _("个人申领")
    EMPLOYER = "employer", _("用人单位申领（以工代训）")


class ClaimStatus(models.TextChoices):
    """提交 → 县人社局初审 → 公示 → 县财政复核 → 拨付 → 已对账 (or 退回 / 不予受理)."""

    SUBMITTED = "submitted", _("已提交")
    PUBLICISING = "publicising", _("公示中")
    VERIFIED = "verified", _("财政复核通过")
    PAYING = "paying", _("拨付中")
    PAID = "paid", _("已拨付")
    RECONCILED = "reconciled", _("已对账")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("不予受理")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已核准")
    INSTRUCTED = "instructed", _("已下达支付指令")
    PAID = "paid", _("已支付")
    FAILED = "failed", _("支付失败")
    REJECTED = "rejected", _("已核减")


# A line in these states holds its (person, item, period) slot: nobody can be
# paid twice for the same thing, whichever claim asks.
LIVE_LINE_STATUSES = (
    LineStatus.PENDING,
    LineStatus.APPROVED,
    LineStatus.INSTRUCTED,
    LineStatus.PAID,
    LineStatus.FAILED,
)


class PayeeKind(models.TextChoices):
    SOCIAL_SECURITY_CARD = "sscard", _("社会保障卡金融账户")
    PERSON_BANK = "person_bank", _("个人银行账户")
    INSTITUTION = "institution", _("培训机构账户")
    EMPLOYER = "employer", _("用人单位账户")


class FundSource(models.TextChoices):
    """资金来源."""

    CENTRAL = "central", _("中央")
    PROVINCIAL = "provincial", _("省级")
    PREFECTURE = "prefecture", _("市州")
    COUNTY = "county", _("县级")
    INTEGRATED = "integrated", _("涉农整合资金")
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance", _("失业保险基金")
    DONATION = "donation", _("社会捐助")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待银行处理")
    PAID = "paid", _("已支付")
    FAILED = "failed", _("支付失败")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("属实，已核减")
    DISMISSED = "dismissed", _("不属实")


class MismatchKind(models.TextChoices):
    MISSING = "missing", _("回单中缺少该指令")
    AMOUNT = "amount", _("金额不符")
    ACCOUNT = "account", _("账号不符")
    UNKNOWN = "unknown", _("回单中有未知指令")
    FAILED = "failed", _("银行支付失败")
