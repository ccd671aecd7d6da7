"""The sales statuses every installation starts with (administrators change them later)."""

from django.db import migrations

# (name, category, probability, is_default, order)
STATUSES = [
    ("Prospekt", "in_progress", 10, True, 10),
    ("Offert skickad", "in_progress", 50, False, 20),
    ("Förhandling", "in_progress", 75, False, 30),
    ("Vunnen", "won", 100, False, 40),
    ("Förlorad", "lost", 0, False, 50),
]


def forwards(apps, schema_editor):
    SalesStatus = apps.get_model("projects", "SalesStatus")
    if SalesStatus.objects.exists():
        return
    for name, category, probability, is_default, order in STATUSES:
        SalesStatus.objects.create(
            name=name,
            category=category,
            probability=probability,
            is_default=is_default,
            order=order,
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_historicalproject_created_by_and_more")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
