"""The Swedish ICU collation lists sort by (``customers.collation``), an index for the customer
list's order in it, and one trigram index for the contact search (PostgreSQL only).

``kundkort_sv`` is ICU's ``sv-SE``: Å, Ä, Ö after Z, case and accents after letters. The
customer list orders by ``name COLLATE kundkort_sv, id``; without an index in that collation it
would sort every customer for each page. The contact search matches every typed word in one
upper-cased text of name, email and phone numbers (``customers.querysets.contact_search_text``);
one GIN index on that expression serves every word, where an index per column would cost the
importer five index updates per contact instead of one.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import CreateCollation
from django.db import migrations, models
from django.db.models import TextField, Value
from django.db.models.functions import Collate, Concat, Upper

from core.migration_operations import PostgresOnly

# The same expression as customers.querysets.contact_search_text() (copied: a migration must
# not change meaning when application code does).
CONTACT_SEARCH_TEXT = Upper(
    Concat(
        "first_name",
        Value(" "),
        "last_name",
        Value(" "),
        "email",
        Value(" "),
        "phone",
        Value(" "),
        "mobile",
        output_field=TextField(),
    )
)


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_import_runs_and_report_jobs")]

    operations = [
        # Does nothing on other databases; SQLite registers a Python collation of this name.
        CreateCollation("kundkort_sv", provider="icu", locale="sv-SE"),
        PostgresOnly(
            migrations.AddIndex(
                "customer",
                models.Index(
                    Collate("name", "kundkort_sv"), "id", name="customer_name_sv_idx"
                ),
            )
        ),
        PostgresOnly(
            migrations.AddIndex(
                "contact",
                GinIndex(
                    OpClass(CONTACT_SEARCH_TEXT, name="gin_trgm_ops"), name="contact_search_trgm"
                ),
            )
        ),
    ]
