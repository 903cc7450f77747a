from django.db import migrations

from municipalities.loading import load_bodies


def forwards(apps, schema_editor):
    load_bodies(apps.get_model("municipalities", "Municipality"),
                apps.get_model("municipalities", "AdministrativeCourt"))


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
