"""Dictionaries of the registry. Codes are stable; labels are the ledger's words.

``SYNONYMS`` maps other spellings seen in county ledgers to codes, for imports.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PovertyStatus(models.TextChoices):
    REGISTERED = "registered", _("建档立卡贫困户")
    EXITED = "exited", _("已脱贫户")
    EDGE = "edge", _("边缘易致贫户")
    ORDINARY = "ordinary", _("一般农户")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("子")
    DAUGHTER = "daughter", pgettext_lazy("relation", "女")
    SON_IN_LAW = "son_in_law", _("女婿")
    DAUGHTER_IN_LAW = "daughter_in_law", _("儿媳")
    GRANDSON = "grandson", _("孙子")
    GRANDDAUGHTER = "granddaughter", _("孙女")
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    NONE = "", _("未填写")
    PRESCHOOL = "preschool", _("学龄前")
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专")
    COLLEGE = "college", _("大专及以上")


class LabourAbility(models.TextChoices):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    WEAK = "weak", _("弱劳动力或半劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


# Abilities that count towards the labour force (16–60 and able to work).
ABLE_TO_WORK = (LabourAbility.ORDINARY, LabourAbility.SKILLED, LabourAbility.WEAK)
LABOUR_AGE = (16, 60)


class Health(models.TextChoices):
    NONE = "", _("未填写")
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class EmploymentStatus(models.TextChoices):
    NONE = "", _("不适用")
    EMPLOYED = "employed", _("已就业")
    UNEMPLOYED = "unemployed", _("未就业")
    UNABLE = "unable", _("无法就业")


class EmploymentPlace(models.TextChoices):
    NONE = "", _("不适用")
    IN_COUNTY = "in_county", _("县内")
    IN_PROVINCE = "in_province", _("省内县外")
    OUT_OF_PROVINCE = "out_of_province", _("省外")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    DEAD = "dead", _("已死亡")
    MOVED = "moved", _("已迁出")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    ACTIVE = "active", _("实施中")
    DONE = "done", _("已完成")


class OutreachKind(models.TextChoices):
    LEAFLETS = "leaflets", _("发放宣传单")
    MEETING = "meeting", _("宣讲会")
    WINDOW = "window", _("窗口政务公开")
    ONLINE = "online", _("网络平台发布")


class FiveList(models.TextChoices):
    """五名单: five live filters over the labour force, not copies."""

    EMPLOYED = "employed", _("已就业")
    UNEMPLOYED = "unemployed", _("未就业")
    WANTS_TRAINING = "wants_training", _("有培训意愿")
    WANTS_JOB = "wants_job", _("有就业意愿")
    WANTS_BUSINESS = "wants_business", _("有创业意愿")


ETHNIC_GROUPS = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]

# Other spellings found in ledgers → codes (labels themselves always match).
SYNONYMS = {
    "poverty_status": {
        "贫困户": "registered",
        "建档立卡户": "registered",
        "未脱贫户": "registered",
        "建档立卡": "registered",
        "脱贫户": "exited",
        "已脱贫": "exited",
        "脱贫不稳定户": "edge",
        "边缘户": "edge",
        "监测户": "edge",
        "边缘易致贫": "edge",
        "非贫困户": "ordinary",
        "一般户": "ordinary",
    },
    "gender": {"男性": "M", "女性": "F"},
    "relation": {
        "本人": "head",
        "之妻": "spouse",
        "妻子": "spouse",
        "之夫": "spouse",
        "丈夫": "spouse",
        "之子": "son",
        "儿子": "son",
        "长子": "son",
        "次子": "son",
        "之女": "daughter",
        "女儿": "daughter",
        "长女": "daughter",
        "次女": "daughter",
        "之孙子": "grandson",
        "之孙女": "granddaughter",
        "之儿媳": "daughter_in_law",
        "之父": "father",
        "之母": "mother",
        "兄弟": "sibling",
        "姐妹": "sibling",
    },
    "education": {
        "文盲": "illiterate",
        "半文盲": "illiterate",
        "中职": "vocational",
        "技校": "vocational",
        "职高": "vocational",
        "大专": "college",
        "本科": "college",
        "本科及以上": "college",
        "研究生": "college",
        "学前": "preschool",
        "学龄前儿童": "preschool",
    },
    "labour_ability": {
        "普通劳动力": "ordinary",
        "劳动力": "ordinary",
        "技能劳动力": "skilled",
        "弱劳动力": "weak",
        "半劳动力": "weak",
        "丧失劳动力": "lost",
        "无劳动力": "none",
    },
    "employment_status": {
        "务工": "employed",
        "就业": "employed",
        "未务工": "unemployed",
        "失业": "unemployed",
    },
    "employment_place": {
        "省内": "in_province",
        "县外省内": "in_province",
        "外省": "out_of_province",
        "本县": "in_county",
    },
}
