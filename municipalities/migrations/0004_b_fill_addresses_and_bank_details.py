from django.db import migrations

from municipalities.loading import load_bodies


def forwards(apps, schema_editor):
    """Existing databases: fill the postal addresses of bodies and courts and the treasuries'
    (test) bank details from the lists where they are still blank; nothing entered is overwritten."""
    load_bodies(apps.get_model("municipalities", "Municipality"),
                apps.get_model("municipalities", "AdministrativeCourt"))


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0003_b_bank_details")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
