"""Room on each page of the customer table for a newer version of its rows (PostgreSQL only).

Every save of a customer writes a new row version: a form bumps ``version`` and
``updated_at``, an import bumps them for each existing customer whose addresses, contacts or
groupings it changes. None of those columns is indexed, so PostgreSQL can write the new version
as a heap-only tuple (HOT) and leave the table's fourteen indexes (four trigram, one in the
Swedish collation) alone, but only when the row's page has free space. At the default fill
factor of 100 the pages are full and every version bump inserts into every index; at 85 a page
keeps room for a few versions until the old ones are pruned. The setting applies to pages
written from now on; ``VACUUM FULL customers_customer`` repacks existing rows with it.
"""

from django.db import migrations

from core.migration_operations import PostgresOnly


class Migration(migrations.Migration):
    dependencies = [("customers", "0015_active_customer_ids")]

    operations = [
        PostgresOnly(
            migrations.RunSQL(
                "ALTER TABLE customers_customer SET (fillfactor = 85)",
                reverse_sql="ALTER TABLE customers_customer RESET (fillfactor)",
            )
        ),
    ]
