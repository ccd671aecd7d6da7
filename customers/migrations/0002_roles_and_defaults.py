"""Permission-level groups and the lookups every installation starts with."""

from django.db import migrations

from core.roles import sync_roles

CURRENCIES = [
    ("SEK", "Svensk krona"),
    ("EUR", "Euro"),
    ("NOK", "Norsk krone"),
    ("DKK", "Dansk krone"),
    ("USD", "US dollar"),
    ("GBP", "Pound sterling"),
]
INVOICE_LANGUAGES = [("sv", "Svenska"), ("en", "English"), ("fi", "Suomi"), ("nb", "Norsk"), ("da", "Dansk")]


def forwards(apps, schema_editor):
    sync_roles(apps, "customers")
    Currency = apps.get_model("customers", "Currency")
    for code, name in CURRENCIES:
        Currency.objects.get_or_create(code=code, defaults={"name": name})
    InvoiceLanguage = apps.get_model("customers", "InvoiceLanguage")
    for code, name in INVOICE_LANGUAGES:
        InvoiceLanguage.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
