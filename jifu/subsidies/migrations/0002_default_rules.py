"""The eligibility rules of the action, switched on, with their default limits and messages.

The rules are copied here (not imported from rules.py) so that this migration
keeps meaning what it meant when it was written.
"""

from django.db import migrations

RULES = [
    (
        "max_per_year",
        "每人每年培训和鉴定补贴次数",
        3,
        "每人每年享受培训和鉴定补贴不超过 {limit} 次",
    ),
    (
        "same_occupation_level",
        "同一职业同一等级不重复补贴",
        None,
        "同一职业同一等级不得重复享受补贴",
    ),
    (
        "lower_level",
        "不补贴低于已补贴等级",
        None,
        "已享受同一职业较高等级补贴的，不再享受较低等级补贴",
    ),
    ("claim_window", "取证后申领期限(月)", 12, "须在取得证书之日起 {limit} 个月内申领"),
    ("living_once_a_year", "生活费补贴每年次数", 1, "生活费补贴每人每年不超过 {limit} 次"),
    (
        "poor_labourer_at_enrolment",
        "报名时为建档立卡贫困劳动力",
        None,
        "仅补贴报名时为建档立卡贫困劳动力的人员",
    ),
    ("passed_assessment", "培训补贴须考核合格", None, "培训补贴须结业考核合格"),
    ("attendance_share", "生活费补贴须达到出勤比例", None, "生活费补贴须达到规定的出勤比例"),
    ("work_based_months", "以工代训补贴月数", None, "以工代训补贴不超过标准规定的最长月数"),
]


def load(apps, schema_editor):
    Rule = apps.get_model("subsidies", "EligibilityRule")
    for code, name, limit, message in RULES:
        Rule.objects.get_or_create(
            code=code, defaults={"name": name, "limit": limit, "message": message, "enabled": True}
        )


def unload(apps, schema_editor):
    apps.get_model("subsidies", "EligibilityRule").objects.filter(
        code__in=[r[0] for r in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
