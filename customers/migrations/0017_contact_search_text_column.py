"""The contact search's upper-cased text stored in a generated column (PostgreSQL only).

The contact search matches every typed word in one upper-cased text of name, email and phone
numbers (``customers.querysets.contact_search_text``), through a trigram index. A trigram match
is always checked again on the row, and computing the text (four concatenations and an
``upper()`` of some 60 characters) for each of the 5,000–6,000 contacts that "Karlsson" or
"öbe" match was half of the query: 19 ms of 25. Stored in a generated column, computed by
PostgreSQL when a row is written, the check reads it (10 ms), and the trigram index is on the
column. Writing a contact costs the same: the index expression was computed on every write too.

The column is not a model field (the model state stays as it was, like the trigram indexes of
``core.migration_operations.PostgresOnly``): Django, django-simple-history and the bulk
writer never write it, PostgreSQL keeps it up to date on every insert and update, and SQLite
keeps computing the expression in the query. ``customers.querysets.ContactQuerySet.search``
reads it through ``core.stored.StoredColumn``. Adding it rewrites the table once.
"""

from django.db import migrations

from core.migration_operations import PostgresOnly

# NOT NULL columns (blank is ''), so plain concatenation gives the text the query expression
# builds with COALESCE.
SEARCH_TEXT = (
    "upper(first_name::text || ' ' || last_name::text || ' ' || email::text || ' ' || "
    "phone::text || ' ' || mobile::text)"
)
# The index of migration 0013, on the expression, for going back (as PostgreSQL prints it).
EXPRESSION_INDEX = (
    "CREATE INDEX contact_search_trgm ON customers_contact USING gin (upper(("
    "(COALESCE(first_name, ''::character varying))::text || COALESCE((COALESCE(' '::text, "
    "''::text) || COALESCE(((COALESCE(last_name, ''::character varying))::text || COALESCE(("
    "COALESCE(' '::text, ''::text) || COALESCE(((COALESCE(email, ''::character varying))::text "
    "|| COALESCE((COALESCE(' '::text, ''::text) || COALESCE(((COALESCE(phone, ''::character "
    "varying))::text || COALESCE((COALESCE(' '::text, ''::text) || (COALESCE(mobile, "
    "''::character varying))::text), ''::text)), ''::text)), ''::text)), ''::text)), ''::text)), "
    "''::text)), ''::text))) gin_trgm_ops)"
)

class Migration(migrations.Migration):
    dependencies = [("customers", "0016_customer_fillfactor")]

    operations = [
        PostgresOnly(
            migrations.RunSQL(
                [
                    "DROP INDEX contact_search_trgm",
                    f"ALTER TABLE customers_contact ADD COLUMN search_text text "
                    f"GENERATED ALWAYS AS ({SEARCH_TEXT}) STORED",
                    "CREATE INDEX contact_search_trgm ON customers_contact "
                    "USING gin (search_text gin_trgm_ops)",
                ],
                reverse_sql=[
                    "DROP INDEX contact_search_trgm",
                    "ALTER TABLE customers_contact DROP COLUMN search_text",
                    EXPRESSION_INDEX,
                ],
            )
        ),
    ]
