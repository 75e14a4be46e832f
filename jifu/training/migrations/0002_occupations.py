from django.db import migrations


def load(apps, schema_editor):
    from jifu.training.reference import occupation_rows

    Occupation = apps.get_model("training", "Occupation")
    for row in occupation_rows():
        Occupation.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
