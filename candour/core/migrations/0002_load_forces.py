from django.db import migrations

from candour.core.reference import load_forces


def forward(apps, schema_editor):
    load_forces(apps.get_model("core", "Force"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
