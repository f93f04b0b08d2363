from django.db import migrations

from candour.core.reference import load_categories


def forward(apps, schema_editor):
    load_categories(apps.get_model("cases", "Category"), apps.get_model("cases", "Flag"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
