"""Dictionaries of employment and entrepreneurship. Codes are stable ASCII; labels are the policy's words."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The place of work is the registry's own dictionary (县内/省内县外/省外): a
# placement writes it into the person's record, so both must use one set of codes.
from jifu.registry.choices import EmploymentPlace  # noqa: F401  (re-exported)


class EmployerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    WORKSHOP = "workshop", _("就业扶贫车间")
    LABOUR_SERVICE = "labour_service", _("劳务公司")
    BROKER = "broker", _("劳务经纪人")
    PUBLIC = "public", _("机关事业单位")
    OTHER = "other", _("其他")


class EmployerStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    CLOSED = "closed", _("注销/停业")


class CommitmentKind(models.TextChoices):
    INTERNSHIP = "internship", _("实习岗位")
    SCHOLARSHIP = "scholarship", _("爱心奖助学金")
    PRIORITY_HIRING = "priority_hiring", _("优先招用贫困劳动力")
    ORDER_CLASS = "order_class", _("订单培训")


class JobStatus(models.TextChoices):
    OPEN = "open", _("招聘中")
    CLOSED = "closed", _("已结束")


class RecommendationStatus(models.TextChoices):
    RECOMMENDED = "recommended", _("已推荐")
    HIRED = "hired", _("已录用")
    DECLINED = "declined", _("未录用")


class Channel(models.TextChoices):
    """就业渠道."""

    ORGANISED = "organised", _("组织输转")
    SELF = "self", _("自主就业")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
    WORKSHOP = "workshop", _("扶贫车间")


class PlacementStatus(models.TextChoices):
    EMPLOYED = "employed", _("在岗")
    LEFT = "left", _("已离岗")


class LeaveReason(models.TextChoices):
    NONE = "", _("—")
    RESIGNED = "resigned", _("主动辞职")
    DISMISSED = "dismissed", _("被辞退")
    CONTRACT_ENDED = "contract_ended", _("合同期满")
    FAMILY = "family", _("照顾家庭")
    HEALTH = "health", _("身体原因")
    WAGE = "wage", _("工资待遇低")
    SEASONAL = "seasonal", _("季节性用工结束")
    BUSINESS = "business", _("返乡创业")
    OTHER = "other", _("其他")


class FollowUpState(models.TextChoices):
    """Where a monthly follow-up stands on a given day (computed, not stored)."""

    DONE = "done", _("已回访")
    OVERDUE = "overdue", _("已逾期")
    DUE = "due", _("待回访")
    UPCOMING = "upcoming", _("未到期")
    CANCELLED = "cancelled", _("无需回访")


class StartupKind(models.TextChoices):
    INDIVIDUAL = "individual", _("个体工商户")
    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    FAMILY_FARM = "family_farm", _("家庭农场")
    ONLINE_SHOP = "online_shop", _("网店/电商")
    OTHER = "other", _("其他")


class StartupStatus(models.TextChoices):
    OPERATING = "operating", _("经营中")
    CLOSED = "closed", _("已停业")


class Support(models.TextChoices):
    """扶持: what a start-up received (several may apply)."""

    INCUBATION = "incubation", _("创业孵化")
    LOAN = "loan", _("创业担保贷款")
    SUBSIDY = "subsidy", _("一次性创业补贴")
    PREMISES = "premises", _("场地支持")
    MENTORING = "mentoring", _("创业指导")
