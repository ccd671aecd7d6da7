"""The activity types every installation starts with (administrators change them later)."""

from django.db import migrations

# (name, category, icon, is_default, order)
TYPES = [
    ("Möte", "meeting", "people", True, 10),
    ("Samtal", "call", "telephone", False, 20),
    ("Uppgift", "task", "check2-square", False, 30),
    ("E-post", "email", "envelope", False, 40),
    ("Säljaktivitet", "sales_event", "megaphone", False, 50),
    ("Övrigt", "other", "calendar-event", False, 60),
]


def forwards(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    if ActivityType.objects.exists():
        return
    for name, category, icon, is_default, order in TYPES:
        ActivityType.objects.create(
            name=name, category=category, icon=icon, is_default=is_default, order=order
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_activity_created_by_activity_updated_by_and_more")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
