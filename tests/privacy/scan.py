"""Every text column of every table, read back: where do these strings still appear?

The tables come from the database's own catalogue (``connection.introspection``), history
tables and Django's own included, not from the models, so a table nobody thought of is read
too. Character, text and JSON columns are compared in Python, case-insensitively, the same way
on PostgreSQL and SQLite.
"""

from django.db import connection

TEXT_TYPES = {"CharField", "TextField", "JSONField", "EmailField", "SlugField", "URLField"}


def text_columns():
    columns = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:
                    continue
                if kind in TEXT_TYPES:
                    columns.append((table, column.name))
    return columns


def occurrences(needles):
    """``[(table, column, needle)]`` for every needle found in any text column."""
    lowered = [(needle, needle.lower()) for needle in needles]
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cursor.execute(
                f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} IS NOT NULL"
            )
            for (value,) in cursor.fetchall():
                text = str(value).lower()
                for needle, low in lowered:
                    if low in text:
                        found.append((table, column, needle))
    return sorted(set(found))
