"""The four phases of the action (甘肃省技能扶贫行动, 2018–2020) and the 900,000 target.

Expected shares are the cumulative part of the target the province expects at
the end of each phase; they are data and the province may correct them.
"""

from datetime import date

from django.db import migrations

PHASES = [
    (
        "部署启动",
        date(2018, 9, 1),
        date(2018, 12, 31),
        "0.1000",
        "制定方案、摸清底数、建立一库五名单",
    ),
    ("深入开展", date(2019, 1, 1), date(2019, 12, 31), "0.5500", "全面开展分类培训和技工教育"),
    ("攻坚扫尾", date(2020, 1, 1), date(2020, 9, 30), "0.9500", "查漏补缺，确保应培尽培"),
    ("评估总结", date(2020, 10, 1), date(2020, 12, 31), "1.0000", "评估验收、总结表彰"),
]


def load(apps, schema_editor):
    Phase = apps.get_model("planning", "Phase")
    Target = apps.get_model("planning", "Target")
    Region = apps.get_model("regions", "Region")
    for name, start, end, share, tasks in PHASES:
        Phase.objects.get_or_create(
            name=name,
            defaults={"start": start, "end": end, "expected_share": share, "tasks": tasks},
        )
    province = Region.objects.filter(code="620000000000").first()
    if province is not None:  # regions are loaded by `jifu regions load`, maybe later
        Target.objects.get_or_create(
            region_code=province.code,
            year=None,
            kind="trainees",
            training_type="",
            defaults={
                "region": province,
                "value": 900000,
                "note": "2018—2020 年培训贫困劳动力 90 万人",
            },
        )


def unload(apps, schema_editor):
    apps.get_model("planning", "Phase").objects.filter(name__in=[p[0] for p in PHASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial"), ("regions", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
