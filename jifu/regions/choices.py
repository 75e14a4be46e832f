from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    PREFECTURE = "prefecture", _("市州")
    COUNTY = "county", _("县(市、区)")
    TOWNSHIP = "township", _("乡(镇、街道)")
    VILLAGE = "village", _("村(社区)")


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("省")
    PREFECTURE_CITY = "prefecture_city", _("地级市")
    AUTONOMOUS_PREFECTURE = "autonomous_prefecture", _("自治州")
    DISTRICT = "district", _("市辖区")
    COUNTY = "county", _("县")
    AUTONOMOUS_COUNTY = "autonomous_county", _("自治县")
    COUNTY_CITY = "county_city", _("县级市")
    STATISTICAL_AREA = "statistical_area", _("统计单位")
    SUBDISTRICT = "subdistrict", _("街道")
    TOWN = "town", _("镇")
    TOWNSHIP = "township", _("乡")
    OTHER = "other", _("其他乡级单位")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")


class PovertyCategory(models.TextChoices):
    """A county's poverty category; the shipped CSV spells them in Chinese."""

    NONE = "", _("非贫困县")
    LIANGZHOU_YIXIAN = "liangzhou_yixian", _("两州一县")
    PROVINCE_DEEP = "province_deep", _("省定深度贫困县")
    CONTIGUOUS = "contiguous", _("片区贫困县")
    SCATTERED = "scattered", _("插花型贫困县")


DEEP_POVERTY_CATEGORIES = {PovertyCategory.LIANGZHOU_YIXIAN, PovertyCategory.PROVINCE_DEEP}


class CategorySource(models.TextChoices):
    NONE = "", "—"
    CONFIRMED = "confirmed", _("已核实")
    UNCONFIRMED = "unconfirmed", _("待核实")
    MANUAL = "manual", _("管理员修正")


# The reference CSV names categories in Chinese; these are their stable codes.
POVERTY_CATEGORY_BY_NAME = {
    "两州一县": PovertyCategory.LIANGZHOU_YIXIAN,
    "省定深度贫困县": PovertyCategory.PROVINCE_DEEP,
    "片区贫困县": PovertyCategory.CONTIGUOUS,
    "插花型贫困县": PovertyCategory.SCATTERED,
    "": PovertyCategory.NONE,
}
