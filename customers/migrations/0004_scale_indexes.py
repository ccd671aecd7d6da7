"""Indexes for 100,000 customers on PostgreSQL (docs/performance.md, "Indexes").

Trigram (pg_trgm) GIN indexes on the expressions Django's ``icontains`` produces there,
``UPPER("col"::text) LIKE UPPER('%text%')``, so a search for three or more characters anywhere
in a name, number, organisation or VAT number or city reads the index instead of every row;
and a B-tree for the customer list's default order. PostgreSQL only: SQLite skips them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Cast, Upper

from core.migration_operations import PostgresOnly


def trigram(expression, name):
    return GinIndex(OpClass(Upper(expression), name="gin_trgm_ops"), name=name)


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_importupload")]

    operations = [
        TrigramExtension(),  # does nothing on databases other than PostgreSQL
        PostgresOnly(migrations.AddIndex("customer", trigram("name", "customer_name_trgm"))),
        PostgresOnly(
            migrations.AddIndex("customer", trigram("organisation_number", "customer_orgno_trgm"))
        ),
        PostgresOnly(migrations.AddIndex("customer", trigram("vat_number", "customer_vat_trgm"))),
        PostgresOnly(
            migrations.AddIndex(
                "customer",
                trigram(Cast("number", models.TextField()), "customer_number_trgm"),
            )
        ),
        PostgresOnly(migrations.AddIndex("address", trigram("city", "address_city_trgm"))),
        # The list's default order (name, then pk to keep equal names stable between pages);
        # with is_active included, a page's keys come from an index-only scan.
        PostgresOnly(
            migrations.AddIndex(
                "customer",
                models.Index(
                    fields=["name", "id"], include=["is_active"], name="customer_name_id_idx"
                ),
            )
        ),
    ]
