"""Give the personal-data role its permission (core/roles.py)."""

from django.db import migrations

from core.roles import sync_roles


def forwards(apps, schema_editor):
    sync_roles(apps, "privacy")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
