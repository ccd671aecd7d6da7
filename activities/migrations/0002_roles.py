"""Give the permission-level groups this app's permissions (core/roles.py)."""

from django.db import migrations

from core.roles import sync_roles


def forwards(apps, schema_editor):
    sync_roles(apps, "activities")


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("customers", "0002_roles_and_defaults"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
