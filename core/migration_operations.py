"""Migration operations for PostgreSQL-only database objects (trigram and tuning indexes).

``PostgresOnly(AddIndex(...))`` runs the wrapped operation's SQL on PostgreSQL and does nothing
on other databases (SQLite in development and tests). It leaves the model state alone: these
indexes are not in the models' ``Meta.indexes`` (SQLite cannot build a GIN index), so
``makemigrations`` never sees them and never proposes to drop them. docs/performance.md lists
each index and the query it serves.
"""

from django.db.migrations.operations.base import Operation


class PostgresOnly(Operation):
    """Apply ``operation`` to the database on PostgreSQL only; never change the model state."""

    reversible = True

    def __init__(self, operation):
        self.operation = operation

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operation], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return self.operation.migration_name_fragment
